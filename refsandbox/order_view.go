package refsandbox

import "slices"

// What order/get and the order lists answer for one order (§2.5
// order/get; SKIT ShopOrderGetResponse). Views copy what they show: the
// reply is encoded after the account lock is released.

type orderView struct {
	OrderID                 uint64          `json:"order_id"`
	OutOrderID              string          `json:"out_order_id"`
	OpenID                  string          `json:"openid"`
	Status                  int             `json:"status"`
	Scene                   int64           `json:"scene"`
	Path                    string          `json:"path"`
	FundType                int64           `json:"fund_type"`
	ExpireTime              int64           `json:"expire_time"`
	AftersaleDuration       int64           `json:"aftersale_duration"`
	OutUserID               string          `json:"out_user_id"`
	CreateTime              string          `json:"create_time"`
	UpdateTime              string          `json:"update_time"`
	OrderDetail             orderDetailView `json:"order_detail"`
	AddressInfo             addressInfo     `json:"address_info"`
	DefaultReceivingAddress addressInfo     `json:"default_receiving_address"`
	// The docs name these four without their fields; they are answered
	// as empty objects rather than invented.
	SettlementInfo       struct{} `json:"settlement_info"`
	RefundInfo           struct{} `json:"refund_info"`
	RelatedAftersaleInfo struct{} `json:"related_aftersale_info"`
	CommissionInfo       struct{} `json:"commission_info"`
	ReceiveTime          string   `json:"receive_time"`
	AfterSaleDeadline    int64    `json:"after_sale_deadline"` // set by aftersale/update_deadline
}

type orderDetailView struct {
	ProductInfos   []lineView    `json:"product_infos"`
	PayInfo        payInfo       `json:"pay_info"`
	PriceInfo      priceInfo     `json:"price_info"`
	DeliveryDetail deliveryView  `json:"delivery_detail"`
	PromotionInfo  promotionView `json:"promotion_info"`
}

type lineView struct {
	orderLine
	CanAfterSale int `json:"can_after_sale"`
}

type deliveryView struct {
	DeliveryType      int64         `json:"delivery_type"`
	FinishAllDelivery int           `json:"finish_all_delivery"`
	DeliveryList      []waybillView `json:"delivery_list"`
}

type waybillView struct {
	DeliveryID string `json:"delivery_id"`
	WaybillID  string `json:"waybill_id"`
}

// promotionView is always empty: order/add has no field that attributes
// an order to a promoter or sharer.
type promotionView struct {
	PromoterID     string `json:"promoter_id"`
	PromoterOpenID string `json:"promoter_openid"`
	FinderUsername string `json:"finder_username"`
	FinderNickname string `json:"finder_nickname"`
	SharerOpenID   string `json:"sharer_openid"`
	LiveStartTime  string `json:"live_start_time"`
}

func (o *order) view(as *aftersaleState) orderView {
	f := &o.fields
	return orderView{
		OrderID: o.id, OutOrderID: o.outID, OpenID: o.openid, Status: o.status,
		Scene: f.scene, Path: f.path, FundType: f.fundType, ExpireTime: f.expireTime,
		AftersaleDuration: f.aftersaleDuration, OutUserID: f.outUserID,
		CreateTime: f.createTime, UpdateTime: chinaTime(o.updated),
		OrderDetail: orderDetailView{
			ProductInfos:   o.lineViews(as),
			PayInfo:        f.pay,
			PriceInfo:      f.price,
			DeliveryDetail: o.deliveryView(),
		},
		AddressInfo: f.address, DefaultReceivingAddress: f.defaultAddress,
		ReceiveTime:       chinaTime(o.receiveTime),
		AfterSaleDeadline: o.deadline,
	}
}

// lineViews marks a line can_after_sale while the order is in a status
// that takes after-sales and the line is not fully refunded.
func (o *order) lineViews(as *aftersaleState) []lineView {
	out := make([]lineView, len(o.fields.lines))
	for i, l := range o.fields.lines {
		out[i] = lineView{orderLine: l}
		if o.in(aftersaleOrderStatuses...) && as.refundedCount(o, i) < l.ProductCnt {
			out[i].CanAfterSale = 1
		}
	}
	return out
}

func (o *order) deliveryView() deliveryView {
	v := deliveryView{DeliveryType: o.fields.deliveryType, FinishAllDelivery: o.finishAll, DeliveryList: []waybillView{}}
	for _, s := range o.deliveries {
		v.DeliveryList = append(v.DeliveryList, waybillView{s.DeliveryID, s.WaybillID})
	}
	return v
}

// viewsOf answers a list of orders.
func viewsOf(orders []*order, as *aftersaleState) []orderView {
	out := make([]orderView, 0, len(orders))
	for _, o := range orders {
		out = append(out, o.view(as))
	}
	return slices.Clip(out)
}
