package refsandbox

import (
	"strconv"
	"strings"
	"time"
)

// /shop/order/add, both generations on one URL (§2.5; §6.2 item 9). A
// body with fund_type is the new flow
// (DOC add_order_new): create-only, amount formulas checked, products
// need not be uploaded. A body without it is the old ticket flow (DOC
// add_order): products uploaded and listed, re-entrant while the order
// awaits payment, answers a ticket for wx.requestPayment.

// ticketTTL is how long an old-flow ticket lives; the docs give no value.
const ticketTTL = 2 * time.Hour

// orderAdd answers /shop/order/add. The spec has checked every field
// (1010020 … 1010025, then 990007 and 1030001 for the fields without a
// code of their own); the handler applies the state: the products (new
// 1010015; old 1010002 → 1010008) → the flow's id rules (checkNewID,
// checkOldID) → the ticket magic (1030002, old flow) → saved.
func orderAdd(req *request) (map[string]any, error) {
	in := readAdd(req.body, req.now)
	var existing *order
	err := firstErr(
		func() error { return checkLineProducts(&in, req.acct.product) },
		func() (err error) {
			if in.newFlow {
				return in.checkNewID(req.acct.order)
			}
			existing, err = in.checkOldID(req.acct.order, req.now)
			return err
		},
		func() error {
			if !in.newFlow && strings.Contains(in.outID, magicTicketFailed) {
				return failf(errTicketFailed, "magic value %s: nothing was saved", magicTicketFailed)
			}
			return nil
		},
	)
	if err != nil {
		return nil, err
	}
	if in.fields.outUserID == magicOrderExpired {
		// The passage of time (refsandbox/README.md, orders): the payment
		// deadline is reached as the order is made, so it reads 181.
		in.fields.expireTime = req.now.Unix()
	}
	if in.newFlow {
		return addNewFlow(req, in)
	}
	return addOldFlow(req, in, existing)
}

// checkLineProducts applies the product world to each line. New flow: a
// product that is not uploaded needs title, path and head_img on the line
// (§3.3 1010015, D; path was checked as 1010024). Old flow: every product
// exists (1010002, D text), then every one is listed (1010008, D: "status=5
// 才是上架状态").
func checkLineProducts(in *addInput, products *productState) error {
	lines := in.fields.lines
	found := make([]orderProduct, len(lines))
	known := make([]bool, len(lines))
	for i := range lines {
		found[i], known[i] = products.forOrder(lines[i].OutProductID)
	}
	for i, l := range lines {
		switch {
		case in.newFlow && !known[i] && (l.Title == "" || l.HeadImg == ""):
			return failf(errUnreviewedInfoMissing, "product_infos[%d] names a product that is not uploaded: send title, path and head_img", i)
		case !in.newFlow && !known[i]:
			return failf(errOrderProductNotFound, "product_infos[%d].out_product_id %q was never uploaded", i, l.OutProductID)
		}
	}
	for i := range lines {
		if !in.newFlow && found[i].status != statusListed {
			return failf(errOrderProductNotListed, "product_infos[%d].out_product_id %q has status %d, not 5 (listed)", i, lines[i].OutProductID, found[i].status)
		}
		if known[i] {
			found[i].fill(&lines[i])
		}
	}
	return nil
}

// checkNewID: the new flow is create-only; its out_order_id (present:
// the spec's rule) may not exist yet (§3.3 1010012, I), whatever the
// content.
func (in *addInput) checkNewID(st *orderState) error {
	if st.byOut[in.outID] != nil {
		return failf(errOrderExists, "out_order_id %q exists; the new flow is create-only", in.outID)
	}
	return nil
}

// checkOldID: the old flow is re-entrant. An order of the new flow or of
// another buyer has the id (1010012) → the order no longer awaits payment
// (1010006: the update fails, §3.3 "old re-entrant flow"). It answers the
// order to rewrite, or nil.
func (in *addInput) checkOldID(st *orderState, now time.Time) (*order, error) {
	o := st.byOut[in.outID]
	if o == nil {
		return nil, nil
	}
	o.expire(now)
	switch {
	case o.newFlow || o.openid != in.openid:
		return nil, failf(errOrderExists, "out_order_id %q belongs to another order", in.outID)
	case o.status != orderAwaitingPayment:
		return nil, failf(errOrderUpdateFailed, "the order has status %d; only an order awaiting payment (10) can be rewritten", o.status)
	}
	return o, nil
}

func addNewFlow(req *request, in addInput) (map[string]any, error) {
	o := req.acct.order.create(in.openid, true, in.fields, req.now, in.outID)
	return map[string]any{"data": map[string]any{
		"order_id":     idOut(o.id, req.body),
		"out_order_id": o.outID,
	}}, nil
}

// addOldFlow saves the order (or rewrites o) and issues its ticket.
func addOldFlow(req *request, in addInput, o *order) (map[string]any, error) {
	ticket, err := req.random.urlSafe(24)
	if err != nil {
		return nil, failf(errTicketFailed, "no randomness for the ticket")
	}
	if o == nil {
		o = req.acct.order.create(in.openid, false, in.fields, req.now, in.outID)
	} else {
		o.fields = in.fields
		o.updated = req.now
	}
	return map[string]any{"data": map[string]any{
		"order_id":           idOut(o.id, req.body),
		"out_order_id":       o.outID,
		"ticket":             ticket,
		"ticket_expire_time": chinaTime(req.now.Add(ticketTTL)),
		"final_price":        o.fields.price.OrderPrice,
	}}, nil
}

// idOut is a 64-bit id as a number, or as its decimal text when the body
// asked for stringify_64bits_number (§1; WXJ WxMaShopOrderInfo).
func idOut(id uint64, body map[string]any) any {
	if body["stringify_64bits_number"] == true {
		return strconv.FormatUint(id, 10)
	}
	return id
}
