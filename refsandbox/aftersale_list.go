package refsandbox

import "time"

// What ecaftersale/get answers (§2.7; DOC:aftersale/data_structure; SKIT
// ShopECAftersaleGetResponse) and ecaftersale/get_list.

type aftersaleView struct {
	AftersaleID          uint64           `json:"aftersale_id"`
	OutAftersaleID       string           `json:"out_aftersale_id"`
	OrderID              uint64           `json:"order_id"`
	OutOrderID           string           `json:"out_order_id"`
	OpenID               string           `json:"openid"`
	Type                 int64            `json:"type"`
	Status               int              `json:"status"`
	Orderamt             int64            `json:"orderamt"`
	RefundReasonType     int64            `json:"refund_reason_type"`
	RefundReason         string           `json:"refund_reason"`
	ProductInfo          aftersaleProduct `json:"product_info"`
	ReturnInfo           returnInfo       `json:"return_info"`
	RefundPayDetail      refundPayDetail  `json:"refund_pay_detail"`
	MediaList            []mediaItem      `json:"media_list"`
	ReturnID             string           `json:"return_id"`
	ComplaintOrderIDList []uint64         `json:"complaint_order_id_list"`
	CreateTime           int64            `json:"create_time"` // unix ms, like get_list's filters (§1)
	UpdateTime           int64            `json:"update_time"`
}

type refundPayDetail struct {
	RefundID string `json:"refund_id"`
}

func (a *afterSale) view() aftersaleView {
	return aftersaleView{
		AftersaleID: a.id, OutAftersaleID: a.outID, OrderID: a.order.id, OutOrderID: a.order.outID,
		OpenID: a.order.openid, Type: a.claim.typ, Status: a.status, Orderamt: a.claim.amount,
		RefundReasonType: a.claim.reasonType, RefundReason: a.claim.reason,
		ProductInfo: a.product, ReturnInfo: a.ret, RefundPayDetail: refundPayDetail{a.refundID},
		MediaList: append([]mediaItem{}, a.claim.media...), ReturnID: a.returnID,
		ComplaintOrderIDList: []uint64{},
		CreateTime:           a.created.UnixMilli(), UpdateTime: a.updated.UnixMilli(),
	}
}

// aftersaleFilter is get_list's optional filters.
type aftersaleFilter struct {
	status     *int64
	order      idPair
	hasOrder   bool
	openid     string
	begin, end time.Time // zero: open
}

func (f aftersaleFilter) keeps(a *afterSale) bool {
	o := a.order
	return (f.status == nil || int64(a.status) == *f.status) &&
		(!f.hasOrder || f.order.badID == nil && (!f.order.hasID || o.id == f.order.id) && (f.order.outID == "" || o.outID == f.order.outID)) &&
		(f.openid == "" || o.openid == f.openid) &&
		within(a.created, f.begin, f.end)
}

// readAftersaleFilter: offset ≥ 0 and limit 1–50 integers (§2.7; their
// presence and limit ≤ 50 are route rules), status an integer, the ids
// and openid strings or ids, the window in unix ms (990007 otherwise).
func readAftersaleFilter(body map[string]any) (f aftersaleFilter, offset, limit int64, err error) {
	r := &fieldReader{obj: body, kind: errParameterMissing}
	offset, limit = r.count("offset"), r.integer("limit")
	if r.err == nil && limit < 1 {
		r.fail("limit", "must be ≥ 1")
	}
	if body["status"] != nil {
		s := r.integer("status")
		f.status = &s
	}
	f.openid = r.optStr("openid")
	if !absent(body["order_id"]) || !absent(body["out_order_id"]) {
		f.hasOrder = true
		f.order, _ = readOrderRef(body)
	}
	if body["begin_create_time"] != nil {
		f.begin = time.UnixMilli(r.integer("begin_create_time"))
	}
	if body["end_create_time"] != nil {
		f.end = time.UnixMilli(r.integer("end_create_time"))
	}
	return f, offset, limit, r.err
}

// ecaftersaleGetList answers /shop/ecaftersale/get_list: the filters
// (990007) → after_sales_orders[] (ids, creation order; SKIT
// ShopECAftersaleGetListResponse) and has_more.
func ecaftersaleGetList(req *request) (map[string]any, error) {
	f, offset, limit, err := readAftersaleFilter(req.body)
	if err != nil {
		return nil, err
	}
	ids := []uint64{}
	for _, a := range req.acct.aftersale.list {
		if f.keeps(a) {
			ids = append(ids, a.id)
		}
	}
	page := cut(ids[min(int64(len(ids)), offset):], paging{page: 1, size: limit})
	return map[string]any{
		"after_sales_orders": page,
		"has_more":           offset+int64(len(page)) < int64(len(ids)),
	}, nil
}
