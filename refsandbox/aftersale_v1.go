package refsandbox

import (
	"slices"
	"time"
)

// The v1 after-sale endpoints that remain (§2.7; contract "After-sale"):
// aftersale/get lists an order's after-sales in the v1 shape,
// aftersale/update sets one's status, aftersale/update_deadline sets an
// order's after-sale deadline. v1 aftersale/add is replaced by
// ecaftersale/add (§6.2 item 10) and stays unmodelled.

// v1Statuses is the v1 status enum (§2.7 aftersale/add: 0–8, 11–19).
var v1Statuses = []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 19}

// Deadline bounds of aftersale/update_deadline (contract: now + 7 days
// to now + 3×365 days; WXJ's range, §6.2 item 7).
const (
	minDeadlineAhead = 7 * 24 * time.Hour
	maxDeadlineAhead = 3 * 365 * 24 * time.Hour
)

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

func (a *afterSale) v1View() aftersaleV1View {
	p := a.product
	return aftersaleV1View{
		OrderID: a.order.id, OutOrderID: a.order.outID, AftersaleID: a.id, OutAftersaleID: a.outID,
		OpenID: a.order.openid, Type: a.claim.typ, Status: a.status, Refund: a.claim.amount,
		Path: a.order.fields.path, CreateTime: chinaTime(a.created),
		ProductInfos: []v1Product{{p.OutProductID, p.OutSKUID, p.ProductCnt}},
	}
}

// of lists the after-sales of one order, in creation order.
func (st *aftersaleState) of(o *order) []*afterSale {
	var out []*afterSale
	for _, a := range st.list {
		if a.order == o {
			out = append(out, a)
		}
	}
	return out
}

// aftersaleGet answers /shop/aftersale/get (v1): route openid → the
// ORDER's id pair (1010001) → 1010011 → aftersale_infos[], possibly
// empty. An aftersale_id or out_aftersale_id sent along narrows the list
// and must name one of the order's after-sales (1020003, contract).
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
// after-sale (§4 lists only 1020003 for it): route openid →
// out_aftersale_id names an after-sale of this account (1020003) →
// out_order_id present (1010001) → the order exists and is the caller's
// (1010011) → the after-sale is that order's (1020003) → status in the v1
// enum and finish_all_aftersale 0 or 1 (990007) → the status is set as
// sent (v1 moves are the merchant's word, no machine);
// finish_all_aftersale 1 closes the order (200, §2.7).
func aftersaleUpdate(req *request) (map[string]any, error) {
	st := req.acct.aftersale
	var a *afterSale
	var o *order
	status, finish, fieldErr := readV1Update(req.body)
	err := firstErr(
		func() (err error) {
			a, err = st.resolve(idPair{outID: looseString(req.body["out_aftersale_id"])}, "")
			return err
		},
		func() (err error) { o, err = req.acct.order.find(req.body, req.now); return err },
		func() error {
			if a.order != o {
				return failf(errAftersaleNotFound, "the after-sale belongs to another order")
			}
			return fieldErr
		},
	)
	if err != nil {
		return nil, err
	}
	a.status, a.updated = int(status), req.now
	if finish == 1 && o.in(aftersaleOrderStatuses...) {
		o.set(orderAftersaleClosed, req.now)
	}
	st.closeIfRefunded(o, req.now)
	return nil, nil
}

func readV1Update(body map[string]any) (status, finish int64, err error) {
	r := &fieldReader{obj: body, kind: errParameterMissing}
	status, finish = r.integer("status"), r.integer("finish_all_aftersale")
	switch {
	case r.err != nil:
	case !slices.Contains(v1Statuses, status):
		r.fail("status", "is not a v1 after-sale status (0–8, 11–19)")
	case finish < 0 || finish > 1:
		r.fail("finish_all_aftersale", "must be 0 or 1")
	}
	return status, finish, r.err
}

// aftersaleUpdateDeadline answers /shop/aftersale/update_deadline:
// route openid → 1010001 → 1010011 → the order is completed, 100
// (1000000, contract) → after_sale_deadline unix seconds from now + 7
// days to now + 3×365 days (990007 after the coded rules; the live
// 1010060 is not in the seed, §5).
func aftersaleUpdateDeadline(req *request) (map[string]any, error) {
	o, err := req.acct.order.find(req.body, req.now)
	if err == nil && o.status != orderCompleted {
		err = failf(errStatusFlow, "the order has status %d; the deadline applies to completed orders (100)", o.status)
	}
	deadline, ok := asInt(req.body["after_sale_deadline"])
	lo, hi := req.now.Add(minDeadlineAhead).Unix(), req.now.Add(maxDeadlineAhead).Unix()
	if err == nil && (!ok || deadline < lo || deadline > hi) {
		err = failf(errParameterMissing, "after_sale_deadline must be unix seconds in [%d, %d]", lo, hi)
	}
	if err != nil {
		return nil, err
	}
	o.deadline, o.updated = deadline, req.now
	return nil, nil
}
