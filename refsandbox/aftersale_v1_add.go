package refsandbox

// v1 aftersale/add (§2.7, DOC:aftersale/add): the merchant reports an
// after-sale it handles itself, with its status; re-entrant by
// out_aftersale_id.

// aftersaleAdd answers /shop/aftersale/add once the spec's rules passed:
// the order exists and is the caller's (1010011) → it is paid and open,
// 20, 21, 30 or 100 (1000000: 10, 200, 250 refuse, DOC:aftersale/add) →
// every item names a line (1020004) → out_aftersale_id is new, or names an
// earlier v1 add's after-sale of this order, which is rewritten (1020002
// otherwise) → the units and the refund are the order's to claim
// (1020004) → stored with the status sent; finish_all_aftersale 1 closes
// the order (200).
func aftersaleAdd(req *request) (map[string]any, error) {
	st := req.acct.aftersale
	outOrderID, _ := req.body["out_order_id"].(string)
	o, err := req.acct.order.resolve(idPair{outID: outOrderID}, bodyOpenID(req.body), req.now)
	if err != nil {
		return nil, err
	}
	if !o.in(aftersaleOrderStatuses...) {
		return nil, failf(errStatusFlow, "the order has status %d; after-sales need 20, 21, 30 or 100", o.status)
	}
	items, _ := req.body["product_infos"].([]any)
	pcs := make([]productClaim, 0, len(items))
	for _, it := range items {
		obj, _ := asObject(it)
		pcs = append(pcs, readProductClaim(obj))
	}
	lines, err := claimLines(o, pcs)
	if err != nil {
		return nil, err
	}
	outID, _ := req.body["out_aftersale_id"].(string)
	prev := st.byOut[outID]
	if prev != nil && (!prev.v1 || prev.order != o) {
		return nil, failf(errAftersaleExists, "out_aftersale_id %q belongs to another after-sale", outID)
	}
	c := claim{typ: intOf(req.body["type"]), amount: intOf(req.body["refund"]), media: []mediaItem{}}
	if err := st.checkRoom(o, lines, c.amount, prev); err != nil {
		return nil, err
	}
	a := prev
	if a == nil {
		a = st.create(o, lines, c, outID, req.now)
		a.v1 = true
	}
	a.lines, a.claim, a.updated = lines, c, req.now
	a.status = int(intOf(req.body["status"]))
	a.path, _ = req.body["path"].(string)
	a.createTime, _ = req.body["create_time"].(string)
	if intOf(req.body["finish_all_aftersale"]) == 1 {
		o.set(orderAftersaleClosed, req.now)
	}
	st.closeIfRefunded(o, req.now)
	return nil, nil
}
