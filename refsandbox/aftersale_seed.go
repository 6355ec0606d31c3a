package refsandbox

import (
	"fmt"
	"math"
	"net/http"
	"slices"
)

// Seeding after-sales (control_seed.go). An item of "aftersales" is an
// after-sale in the shape /shop/ecaftersale/get answers it (§2.7
// after_sales_order): one line of an order of the account or of the same
// call, at a status of the v2 enum, within what the order still holds
// (the caps ecaftersale/add applies, aftersale.go checkRoom). It is kept
// as if ecaftersale/add and the moves had made it: every v2 and v1 call
// reads and moves it, and it counts against the order's units and money.

// v2AftersaleStatuses is the v2 enum (§2.7 ecaftersale/get_list). The v2
// moves reach 1, 2, 4, 5, 6, 8, 13 and 14, and v1 aftersale/update
// writes any v1 status on any after-sale, so each of them is reachable.
var v2AftersaleStatuses = []int{1, 2, 4, 5, 6, 7, 8, 12, 13, 14, 15, 16, 17, 18, 19}

// seedAftersale reads one item of "aftersales". Every item is filed in
// the batch (b.aftersales), so that ids repeated within the call are
// found; a refused one has no order, so it holds nothing.
func seedAftersale(b *seedBatch, it seedItem) {
	r := b.reader(it)
	a := &afterSale{created: b.now, updated: b.now, claim: claim{media: []mediaItem{}}}
	a.id, a.outID = r.id("aftersale_id"), r.str("out_aftersale_id")
	o, orderKey := seededOrderOf(b, r)
	openid := r.str("openid")
	a.claim.typ = r.needInt("type", func(n int64) bool { return n == 1 || n == 2 }, "1 refund or 2 return and refund")
	a.status = int(r.needInt("status", func(n int64) bool { return slices.Contains(v2AftersaleStatuses, int(n)) },
		fmt.Sprintf("of the v2 enum %v", v2AftersaleStatuses)))
	a.claim.amount = r.needInt("orderamt", func(n int64) bool { return n >= 1 }, "1 fen or more (as on ecaftersale/add)")
	a.claim.reason = r.str("refund_reason")
	a.claim.reasonType = r.between("refund_reason_type", 1, 12)
	for _, m := range r.objects("media_list") {
		a.claim.media = append(a.claim.media, mediaItem{Type: m.intOr("type", 0), URL: m.str("url"), ThumbURL: m.str("thumb_url")})
	}
	pc := readSeedClaim(r)
	ret, _ := r.object("return_info")
	a.ret = returnInfo{DeliveryID: ret.str("delivery_id"), DeliveryName: ret.str("delivery_name"), WaybillID: ret.str("waybill_id"),
		OrderReturnTime: ret.between("order_return_time", 0, math.MaxInt64)}
	refund, _ := r.object("refund_pay_detail")
	a.refundID = refund.str("refund_id")
	a.returnID = r.str("return_id")
	if t := r.millis("create_time"); !t.IsZero() {
		a.created = t
	}
	if t := r.millis("update_time"); !t.IsZero() {
		a.updated = t
	}
	checkAftersaleIDs(b, r, a)
	if r.ok() && o != nil {
		if openid != "" && openid != o.openid {
			r.fail(http.StatusBadRequest, "openid", "%q is not the buyer of the order, %q", openid, o.openid)
		}
		checkAftersaleClaim(b, r, a, o, orderKey, pc)
	}
	if !r.ok() {
		a.order = nil
	}
	b.aftersales = append(b.aftersales, a)
	if a.order == nil {
		return
	}
	st := b.acct.aftersale
	b.then(func() {
		if a.id == 0 {
			a.id = st.mintID(func(id uint64) bool {
				return slices.ContainsFunc(b.aftersales, func(x *afterSale) bool { return x.id == id })
			})
		}
		st.byID[a.id] = a
		if a.outID != "" {
			st.byOut[a.outID] = a
		}
		st.all = append(st.all, a)
		st.list = append(st.list, a)
	})
}

// readSeedClaim reads product_info: the line, by the ids ecaftersale/add
// takes, and its units (0: the whole line).
func readSeedClaim(r seedReader) productClaim {
	pi, _ := r.object("product_info")
	pc := productClaim{productID: pi.id("product_id"), outProductID: pi.str("out_product_id"), skuID: pi.id("sku_id"),
		cnt: pi.between("product_cnt", 0, math.MaxInt64)}
	if pi.has("out_sku_id") {
		s := pi.str("out_sku_id")
		pc.outSKUID = &s
	}
	if pc.productID == 0 && pc.outProductID == "" {
		r.fail(http.StatusBadRequest, "product_info", "required: the line, by product_id or out_product_id")
	}
	return pc
}

// seededOrderOf is the order the item names by order_id or out_order_id,
// of the account or of this call, and the key that named it: nil when
// it names none (404) or an order this call refuses (already reported).
func seededOrderOf(b *seedBatch, r seedReader) (*order, string) {
	id, outID := r.id("order_id"), r.str("out_order_id")
	if id == 0 && outID == "" {
		r.fail(http.StatusBadRequest, "order_id", "required: the order, by order_id or out_order_id")
		return nil, ""
	}
	st := b.acct.order
	find := func(key string, inAccount *order, inCall *order, filed bool) (*order, bool) {
		switch {
		case inAccount != nil:
			return inAccount, true
		case filed:
			return inCall, inCall != nil
		}
		r.fail(http.StatusNotFound, key, "no such order in the account or this call")
		return nil, false
	}
	var byID, byOut *order
	okID, okOut := true, true
	if id != 0 {
		inCall, filed := b.orderIDs[id]
		byID, okID = find("order_id", st.byID[id], inCall, filed)
	}
	if outID != "" {
		inCall, filed := b.orders[outID]
		byOut, okOut = find("out_order_id", st.byOut[outID], inCall, filed)
	}
	switch {
	case !okID || !okOut:
		return nil, ""
	case id != 0 && outID != "" && byID != byOut:
		r.fail(http.StatusBadRequest, "out_order_id", "order_id and out_order_id name different orders")
		return nil, ""
	case id != 0:
		return byID, "order_id"
	}
	return byOut, "out_order_id"
}

// checkAftersaleIDs: the ids are new to the account (409) and to this
// call (400).
func checkAftersaleIDs(b *seedBatch, r seedReader, a *afterSale) {
	st := b.acct.aftersale
	earlier := func(same func(x *afterSale) bool) bool { return slices.ContainsFunc(b.aftersales, same) }
	switch {
	case a.id == 0:
	case st.byID[a.id] != nil:
		r.fail(http.StatusConflict, "aftersale_id", "the account has an after-sale %d", a.id)
	case earlier(func(x *afterSale) bool { return x.id == a.id }):
		r.fail(http.StatusBadRequest, "aftersale_id", "an earlier after-sale of this call is %d", a.id)
	}
	switch {
	case a.outID == "":
	case st.byOut[a.outID] != nil:
		r.fail(http.StatusConflict, "out_aftersale_id", "the account has an after-sale %q", a.outID)
	case earlier(func(x *afterSale) bool { return x.outID == a.outID }):
		r.fail(http.StatusBadRequest, "out_aftersale_id", "an earlier after-sale of this call is %q", a.outID)
	}
}

// checkAftersaleClaim holds the item to its order as ecaftersale/add
// would: the order is paid (409), the line is one of its lines (404), the
// units and money are the order's to claim besides what its other
// after-sales hold (409), and the order is not left with every unit
// refunded, which the sandbox answers by closing it (200, 409).
func checkAftersaleClaim(b *seedBatch, r seedReader, a *afterSale, o *order, orderKey string, pc productClaim) {
	if !o.in(aftersaleOrderStatuses...) && o.status != orderAftersaleClosed {
		r.fail(http.StatusConflict, orderKey, "the order has status %d: after-sales need a paid order (20, 21, 30, 100; 200 once they closed it)", o.status)
		return
	}
	line := pc.lineOf(o.fields.lines)
	if line < 0 {
		r.fail(http.StatusNotFound, "product_info", "names no line of the order")
		return
	}
	cnt := pc.cnt
	if cnt == 0 {
		cnt = o.fields.lines[line].ProductCnt
	}
	a.order, a.lines = o, []claimedLine{{line: line, cnt: cnt}}
	all := append(slices.Clone(b.acct.aftersale.all), b.aftersales...)
	if a.holds() {
		units, money := roomFor(all, o, a.lines, nil)
		if cnt > units[0] {
			r.fail(http.StatusConflict, "product_info.product_cnt", "%d unit(s): the line has %d left to claim", cnt, max(units[0], 0))
		}
		if a.claim.amount > money {
			r.fail(http.StatusConflict, "orderamt", "%d fen is more than the %d paid for the line and not yet claimed", a.claim.amount, max(money, 0))
		}
	}
	if !o.in(aftersaleOrderStatuses...) {
		return
	}
	all = append(all, a)
	for i, l := range o.fields.lines {
		if refundedUnits(all, o, i) < l.ProductCnt {
			return
		}
	}
	r.fail(http.StatusConflict, "status", "with it every unit of the order is refunded, which closes the order (200): seed the order as 200")
}
