package refsandbox

import (
	"time"
)

// What ecaftersale/get answers (§2.7; DOC:aftersale/data_structure; SKIT
// ShopECAftersaleGetResponse), and the two lists: ecaftersale/get_list
// (ids) and the older aftersale/list (the v1 shape, §2.11).

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
		ProductInfo: a.product(), ReturnInfo: a.ret, RefundPayDetail: refundPayDetail{a.refundID},
		MediaList: append([]mediaItem{}, a.claim.media...), ReturnID: a.returnID,
		ComplaintOrderIDList: []uint64{},
		CreateTime:           a.created.UnixMilli(), UpdateTime: a.updated.UnixMilli(),
	}
}

// aftersaleFilter is the lists' optional filters, validated by the spec.
type aftersaleFilter struct {
	status     *int64
	orderID    uint64 // 0: any
	outOrderID string // "": any
	openid     string // "": any
	begin, end time.Time
}

func readAftersaleFilter(body map[string]any) aftersaleFilter {
	var f aftersaleFilter
	if s, ok := asInt(body["status"]); ok {
		f.status = &s
	}
	f.orderID, _ = asUint(body["order_id"])
	f.outOrderID, _ = body["out_order_id"].(string)
	f.openid, _ = body["openid"].(string)
	if ms, ok := asInt(body["begin_create_time"]); ok {
		f.begin = time.UnixMilli(ms)
	}
	if ms, ok := asInt(body["end_create_time"]); ok {
		f.end = time.UnixMilli(ms)
	}
	return f
}

func (f aftersaleFilter) keeps(a *afterSale) bool {
	o := a.order
	return (f.status == nil || int64(a.status) == *f.status) &&
		(f.orderID == 0 || o.id == f.orderID) &&
		(f.outOrderID == "" || o.outID == f.outOrderID) &&
		(f.openid == "" || o.openid == f.openid) &&
		(f.begin.IsZero() || !a.created.Before(f.begin)) &&
		(f.end.IsZero() || !a.created.After(f.end))
}

// page is the after-sales the filters keep, from offset, at most limit
// of them, and whether more follow.
func (st *aftersaleState) page(body map[string]any) ([]*afterSale, bool) {
	f := readAftersaleFilter(body)
	var hits []*afterSale
	for _, a := range st.all {
		if f.keeps(a) {
			hits = append(hits, a)
		}
	}
	offset, limit := intOf(body["offset"]), intOf(body["limit"])
	from := min(int64(len(hits)), offset)
	to := min(int64(len(hits)), from+limit)
	return hits[from:to], to < int64(len(hits))
}

// ecaftersaleGetList answers /shop/ecaftersale/get_list:
// after_sales_orders[] (ids, creation order; SKIT
// ShopECAftersaleGetListResponse) and has_more.
func ecaftersaleGetList(req *request) (map[string]any, error) {
	page, more := req.acct.aftersale.page(req.body)
	ids := make([]uint64, 0, len(page))
	for _, a := range page {
		ids = append(ids, a.id)
	}
	return map[string]any{"after_sales_orders": ids, "has_more": more}, nil
}

// aftersaleList answers /shop/aftersale/list (§2.11, the spec's
// inference): get_list's paging and filters, aftersale/get's v1 shape.
func aftersaleList(req *request) (map[string]any, error) {
	page, more := req.acct.aftersale.page(req.body)
	infos := make([]aftersaleV1View, 0, len(page))
	for _, a := range page {
		infos = append(infos, a.v1View())
	}
	return map[string]any{"aftersale_infos": infos, "has_more": more}, nil
}
