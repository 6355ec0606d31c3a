package refsandbox

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopconform/shopconform/apispec/validate"
)

// After-sale (api-reference §2.7, v1 /shop/aftersale/* and v2
// /shop/ecaftersale/*; §3.3 codes 1020xxx). Part of the order domain: its
// fixed account state lives in orderProfile, its codes in orderCodes.
//
// One after-sale record serves both generations: v2 creates and moves it
// (this file and aftersale_moves.go), v1 lists it by order and sets its
// status (aftersale_v1.go). An after-sale is tied to one line of one
// order; when every line of an order is fully refunded the order becomes
// 200 (contract "Order status machine").

// v2 after-sale status values (§2.7 ecaftersale/get_list status enum).
const (
	asUserCancelled    = 1
	asProcessing       = 2 // after add (contract)
	asRefundRefused    = 4
	asReturnRefused    = 5
	asAwaitingReturn   = 6 // the merchant accepted the return
	asAwaitingReceipt  = 8 // the buyer shipped the return
	asRefunded         = 13
	asReturnedRefunded = 14
)

// aftersaleOrderStatuses are the order statuses that take an after-sale
// (contract: 20, 21, 30 or 100; §3.3 1000000 "aftersale/add on an order in
// 10/200/250").
var aftersaleOrderStatuses = []int{orderAwaitingShipment, orderPartlyShipped, orderAwaitingReceipt, orderCompleted}

// openAftersale are the statuses in which an after-sale still moves.
var openAftersale = []int{asProcessing, asAwaitingReturn, asAwaitingReceipt}

// firstAftersaleID: uint64 above 2^53, like every id of the sandbox (§1).
const firstAftersaleID uint64 = 1<<53 + 1

// aftersaleState is one account's after-sale orders; guarded by
// account.mu. Ids are unique per account, across orders (contract).
type aftersaleState struct {
	byID   map[uint64]*afterSale
	byOut  map[string]*afterSale
	list   []*afterSale // creation order
	nextID uint64       // after-sales, refund ids and return ids share it
}

func newAftersaleState(orderProfile) *aftersaleState {
	return &aftersaleState{byID: map[uint64]*afterSale{}, byOut: map[string]*afterSale{}, nextID: firstAftersaleID}
}

func (st *aftersaleState) newID() uint64 {
	id := st.nextID
	st.nextID++
	return id
}

// afterSale is one after-sale order.
type afterSale struct {
	id      uint64
	outID   string
	order   *order
	line    int // index into order.fields.lines
	claim   claim
	product aftersaleProduct
	status  int
	ret     returnInfo
	// Merchant side: where returns go, the evidence, the payment ids.
	returnAddress addressInfo
	refundDesc    string
	certificates  []string
	refundID      string
	returnID      string
	created       time.Time
	updated       time.Time
}

// claim is what the buyer asks for (ecaftersale/add and update).
type claim struct {
	typ        int64 // 1 refund, 2 return and refund
	amount     int64 // orderamt, fen
	reason     string
	reasonType int64
	media      []mediaItem
}

type aftersaleProduct struct {
	ProductID    uint64 `json:"product_id"`
	OutProductID string `json:"out_product_id"`
	SKUID        uint64 `json:"sku_id"`
	OutSKUID     string `json:"out_sku_id"`
	ProductCnt   int64  `json:"product_cnt"`
}

type mediaItem struct {
	Type     int64  `json:"type"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url"`
}

type returnInfo struct {
	DeliveryID      string `json:"delivery_id"`
	DeliveryName    string `json:"delivery_name"`
	WaybillID       string `json:"waybill_id"`
	OrderReturnTime int64  `json:"order_return_time"` // unix ms
}

// readClaim reads the buyer's fields (§2.7 add/update: type 1 or 2,
// orderamt, refund_reason, refund_reason_type 1–12 R; media_list O with
// type, url and thumb_url). They have no code of their own: 990007.
func readClaim(body map[string]any) (claim, error) {
	r := &fieldReader{obj: body, kind: errParameterMissing}
	c := claim{typ: r.integer("type"), amount: r.count("orderamt"), reason: r.str("refund_reason"), reasonType: r.integer("refund_reason_type")}
	switch {
	case r.err != nil:
	case c.typ < 1 || c.typ > 2:
		r.fail("type", "must be 1 (refund) or 2 (return and refund)")
	case c.reasonType < 1 || c.reasonType > 12:
		r.fail("refund_reason_type", "must be 1 to 12")
	}
	c.media = readMedia(r)
	return c, r.err
}

func readMedia(r *fieldReader) []mediaItem {
	items, ok := r.obj["media_list"].([]any)
	if r.obj["media_list"] != nil && !ok {
		r.fail("media_list", "must be an array")
	}
	out := []mediaItem{}
	for i, it := range items {
		obj, _ := asObject(it)
		mr := &fieldReader{obj: obj, prefix: fmt.Sprintf("media_list[%d].", i), kind: errParameterMissing}
		out = append(out, mediaItem{Type: mr.integer("type"), URL: mr.str("url"), ThumbURL: mr.str("thumb_url")})
		if r.err == nil {
			r.err = mr.err
		}
	}
	return out
}

// productClaim is ecaftersale/add's product_info: a product by either
// id, optionally a sku by either id, and a count.
type productClaim struct {
	productID    uint64
	outProductID string
	skuID        uint64
	outSKUID     *string // nil when not sent; "" is a value (§3.3 1020004)
	cnt          int64
}

// readProductClaim is §3.3 1020005 (D text): product_info missing, or
// naming no product, or without a product_cnt ≥ 1, lacks the products.
func readProductClaim(body map[string]any) (productClaim, error) {
	obj, ok := asObject(body["product_info"])
	if !ok {
		return productClaim{}, failf(errAftersaleProductMissing, "product_info is missing or not an object")
	}
	var c productClaim
	c.productID, _ = asUint(obj["product_id"])
	c.outProductID, _ = asString(obj["out_product_id"])
	c.skuID, _ = asUint(obj["sku_id"])
	if s, ok := obj["out_sku_id"].(string); ok {
		c.outSKUID = &s
	}
	var cntOK bool
	c.cnt, cntOK = asInt(obj["product_cnt"])
	if c.productID == 0 && c.outProductID == "" || !cntOK || c.cnt < 1 {
		return c, failf(errAftersaleProductMissing, "product_info needs product_id or out_product_id and a product_cnt ≥ 1")
	}
	return c, nil
}

// lineOf is the order line the claim names, or -1 (§3.3 1020004, D:
// every id that was sent must match the line).
func (c productClaim) lineOf(lines []orderLine) int {
	return slices.IndexFunc(lines, func(l orderLine) bool {
		return (c.productID == 0 || l.ProductID == c.productID) &&
			(c.outProductID == "" || l.OutProductID == c.outProductID) &&
			(c.skuID == 0 || l.SKUID == c.skuID) &&
			(c.outSKUID == nil || l.OutSKUID == *c.outSKUID)
	})
}

// ecaftersaleAdd answers /shop/ecaftersale/add: route openid (990004/
// 990002/990001) → order id pair (1010001) → product_info (1020005) →
// the order exists and is the caller's (1010011) → it is in 20, 21, 30 or
// 100 (1000000) → the product is one of its lines (1020004) →
// out_aftersale_id unused (1020002) → the claim's fields and
// out_aftersale_id's type (990007, after every coded rule) → created in
// status 2.
func ecaftersaleAdd(req *request) (map[string]any, error) {
	st := req.acct.aftersale
	var ref idPair
	var pc productClaim
	var c claim
	var o *order
	var line int
	outID, _ := asString(req.body["out_aftersale_id"])
	err := firstErr(
		func() (err error) { ref, err = readOrderRef(req.body); return err },
		func() (err error) { pc, err = readProductClaim(req.body); return err },
		func() (err error) { o, err = req.acct.order.resolve(ref, bodyOpenID(req.body), req.now); return err },
		func() (err error) { line, err = st.claimable(o, pc, outID); return err },
		func() (err error) { c, err = readClaim(req.body); return err },
		func() error { return checkOutAftersaleID(req.body) },
	)
	if err != nil {
		return nil, err
	}
	a := st.create(o, line, pc.cnt, c, outID, req.now)
	return map[string]any{"aftersale_id": a.id}, nil
}

// checkOutAftersaleID: out_aftersale_id is optional, but a string (990007).
func checkOutAftersaleID(body map[string]any) error {
	if _, isStr := body["out_aftersale_id"].(string); body["out_aftersale_id"] != nil && !isStr {
		return failf(errParameterMissing, "out_aftersale_id must be a string")
	}
	return nil
}

// claimable is the state part of ecaftersale/add: the order's status
// (1000000), the line (1020004), the merchant id (1020002). It answers the
// index of the claimed line.
func (st *aftersaleState) claimable(o *order, pc productClaim, outID string) (int, error) {
	if !o.in(aftersaleOrderStatuses...) {
		return -1, failf(errStatusFlow, "the order has status %d; after-sales need 20, 21, 30 or 100", o.status)
	}
	line := pc.lineOf(o.fields.lines)
	if line < 0 {
		return -1, failf(errAftersaleProductNotInOrder, "product_info names a product or sku that is in no line of the order")
	}
	if outID != "" && st.byOut[outID] != nil {
		return -1, failf(errAftersaleExists, "out_aftersale_id %q is taken", outID)
	}
	return line, nil
}

func (st *aftersaleState) create(o *order, line int, cnt int64, c claim, outID string, now time.Time) *afterSale {
	l := o.fields.lines[line]
	a := &afterSale{
		id: st.newID(), outID: outID, order: o, line: line, claim: c, status: asProcessing,
		product: aftersaleProduct{ProductID: l.ProductID, OutProductID: l.OutProductID, SKUID: l.SKUID, OutSKUID: l.OutSKUID, ProductCnt: cnt},
		created: now, updated: now,
	}
	st.byID[a.id] = a
	if outID != "" {
		st.byOut[outID] = a
	}
	st.list = append(st.list, a)
	return a
}

// refundedCount is how many units of line i of o refunded after-sales
// cover.
func (st *aftersaleState) refundedCount(o *order, i int) int64 {
	var n int64
	for _, a := range st.list {
		if a.order == o && a.line == i && (a.status == asRefunded || a.status == asReturnedRefunded) {
			n += a.product.ProductCnt
		}
	}
	return n
}

// closeIfRefunded moves an order whose every line is fully refunded to
// 200 (contract "Order status machine").
func (st *aftersaleState) closeIfRefunded(o *order, now time.Time) {
	if !o.in(aftersaleOrderStatuses...) {
		return
	}
	for i, l := range o.fields.lines {
		if st.refundedCount(o, i) < l.ProductCnt {
			return
		}
	}
	o.set(orderAftersaleClosed, now)
}

// readAftersaleRef: the after-sale domain has no "id missing" code, so
// sending neither id is "no such after-sale" (§3.3 1020003, I).
func readAftersaleRef(body map[string]any) (idPair, error) {
	return readIDPair(body, "aftersale_id", "out_aftersale_id", failf(errAftersaleNotFound, "send aftersale_id or out_aftersale_id"))
}

// resolve is 1020003 (§3.3, I) for unknown ids, two ids naming different
// after-sales, and, on the buyer's endpoints (openid not ""), an
// after-sale of another buyer.
func (st *aftersaleState) resolve(ref idPair, openid string) (*afterSale, error) {
	if ref.badID != nil {
		return nil, failf(errAftersaleNotFound, "aftersale_id %v is not a uint64", ref.badID)
	}
	var a *afterSale
	if ref.hasID {
		a = st.byID[ref.id]
	}
	if ref.outID != "" {
		b := st.byOut[ref.outID]
		if ref.hasID && a != b {
			return nil, failf(errAftersaleNotFound, "aftersale_id and out_aftersale_id name different after-sales")
		}
		a = b
	}
	switch {
	case a == nil:
		return nil, failf(errAftersaleNotFound, "no such after-sale")
	case openid != "" && a.order.openid != openid:
		return nil, failf(errAftersaleNotFound, "the after-sale belongs to another user")
	}
	return a, nil
}

// aftersaleChecks are this domain's named rules of the spec.
var aftersaleChecks = map[string]validate.Check{}
