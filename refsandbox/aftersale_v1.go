package refsandbox

import (
	"time"
)

// The v1 after-sale endpoints (§2.7): aftersale/get lists an order's
// after-sales in the v1 shape, aftersale/update sets one's status,
// aftersale/update_deadline sets an order's after-sale deadline; v1
// aftersale/add is in aftersale_v1_add.go.

// defaultAftersaleDays is an order's after-sale window when it set no
// aftersale_duration (DOC:aftersale/update_deadline: 7 days; §6.2 item 7).
const defaultAftersaleDays = 7

type aftersaleV1View struct {
	OrderID        uint64      `json:"order_id"`
	OutOrderID     string      `json:"out_order_id"`
	AftersaleID    uint64      `json:"aftersale_id"`
	OutAftersaleID string      `json:"out_aftersale_id"`
	OpenID         string      `json:"openid"`
	Type           int64       `json:"type"`
	Status         int         `json:"status"`
	Refund         int64       `json:"refund"`
	Path           string      `json:"path"`
	CreateTime     string      `json:"create_time"` // §1: old after-sales use "yyyy-MM-dd HH:mm:ss"
	ProductInfos   []v1Product `json:"product_infos"`
}

type v1Product struct {
	OutProductID string `json:"out_product_id"`
	OutSKUID     string `json:"out_sku_id"`
	ProductCnt   int64  `json:"product_cnt"`
}

// v1View is the after-sale in aftersale/get's shape: v1 add's path and
// create_time as sent, else the order's path and the server's clock.
func (a *afterSale) v1View() aftersaleV1View {
	v := aftersaleV1View{
		OrderID: a.order.id, OutOrderID: a.order.outID, AftersaleID: a.id, OutAftersaleID: a.outID,
		OpenID: a.order.openid, Type: a.claim.typ, Status: a.status, Refund: a.claim.amount,
		Path: a.order.fields.path, CreateTime: chinaTime(a.created), ProductInfos: []v1Product{},
	}
	if a.v1 {
		v.Path, v.CreateTime = a.path, a.createTime
	}
	for _, c := range a.lines {
		l := a.order.fields.lines[c.line]
		v.ProductInfos = append(v.ProductInfos, v1Product{l.OutProductID, l.OutSKUID, c.cnt})
	}
	return v
}

// of lists the after-sales of one order, in creation order.
func (st *aftersaleState) of(o *order) []*afterSale {
	var out []*afterSale
	for _, a := range st.all {
		if a.order == o {
			out = append(out, a)
		}
	}
	return out
}

// aftersaleGet answers /shop/aftersale/get (v1): the order exists and is
// the caller's (1010011) → aftersale_infos[], possibly empty. An
// aftersale_id or out_aftersale_id sent along narrows the list and must
// name one of the order's after-sales (1020003).
func aftersaleGet(req *request) (map[string]any, error) {
	o, err := req.acct.order.find(req.body, req.now)
	if err != nil {
		return nil, err
	}
	list := req.acct.aftersale.of(o)
	if ref, rerr := readAftersaleRef(req.body); rerr == nil {
		a, err := req.acct.aftersale.resolve(ref, o.openid)
		if err == nil && a.order != o {
			err = failf(errAftersaleNotFound, "the after-sale belongs to another order")
		}
		if err != nil {
			return nil, err
		}
		list = []*afterSale{a}
	}
	infos := make([]aftersaleV1View, 0, len(list))
	for _, a := range list {
		infos = append(infos, a.v1View())
	}
	return map[string]any{"aftersale_infos": infos}, nil
}

// aftersaleUpdate answers /shop/aftersale/update (v1), keyed by the
// after-sale (§4 lists only 1020003 for it): out_aftersale_id names an
// after-sale of this account (1020003) → the order exists and is the
// caller's (1010011) → the after-sale is that order's (1020003) → the
// order is paid and open, 20, 21, 30 or 100 (1000000; DOC:aftersale/
// update) → the status is set as sent (v1 moves are the merchant's word,
// no machine); finish_all_aftersale 1 closes the order (200, §2.7).
func aftersaleUpdate(req *request) (map[string]any, error) {
	st := req.acct.aftersale
	outID, _ := req.body["out_aftersale_id"].(string)
	a, err := st.resolve(idPair{outID: outID}, "")
	if err != nil {
		return nil, err
	}
	o, err := req.acct.order.find(req.body, req.now)
	switch {
	case err != nil:
		return nil, err
	case a.order != o:
		return nil, failf(errAftersaleNotFound, "the after-sale belongs to another order")
	case !o.in(aftersaleOrderStatuses...):
		return nil, failf(errStatusFlow, "the order has status %d; v1 after-sales need 20, 21, 30 or 100", o.status)
	}
	a.status, a.updated = int(intOf(req.body["status"])), req.now
	if intOf(req.body["finish_all_aftersale"]) == 1 {
		o.set(orderAftersaleClosed, req.now)
	}
	st.closeIfRefunded(o, req.now)
	return nil, nil
}

// aftersaleUpdateDeadline answers /shop/aftersale/update_deadline once
// the spec's rules passed (the deadline within now + 7 days to now +
// 3×365 days): the order exists and is the caller's (1010011) → it is
// completed, 100, and its deadline was not extended yet (1000000; §2.7
// "once") → the new deadline is later than the current one (990007;
// §2.7 "only longer").
func aftersaleUpdateDeadline(req *request) (map[string]any, error) {
	o, err := req.acct.order.find(req.body, req.now)
	switch {
	case err != nil:
		return nil, err
	case o.status != orderCompleted:
		return nil, failf(errStatusFlow, "the order has status %d; the deadline applies to completed orders (100)", o.status)
	case o.deadline != 0:
		return nil, failf(errStatusFlow, "the after-sale deadline was already extended once")
	}
	deadline := intOf(req.body["after_sale_deadline"])
	if current := currentDeadline(o); deadline <= current {
		return nil, failf(errParameterMissing, "after_sale_deadline %d does not extend the current deadline %d", deadline, current)
	}
	o.deadline, o.updated = deadline, req.now
	return nil, nil
}

// currentDeadline is the end of o's after-sale window: receipt plus its
// aftersale_duration in days (7 when it set none).
func currentDeadline(o *order) int64 {
	days := o.fields.aftersaleDuration
	if days <= 0 {
		days = defaultAftersaleDays
	}
	return o.receiveTime.Add(time.Duration(days) * 24 * time.Hour).Unix()
}
