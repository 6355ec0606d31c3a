package refsandbox

import (
	"slices"
	"time"

	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// After-sale (api-reference §2.7, v1 /shop/aftersale/* and v2
// /shop/ecaftersale/*; §3.3 codes 1020xxx). Part of the order domain: its
// fixed account state lives in orderProfile, its codes in the order
// world's sentinels.
//
// One after-sale record serves both generations: ecaftersale/add and v1
// aftersale/add create it, the v2 moves (aftersale_moves.go,
// aftersale_merchant.go) and v1 aftersale/update change it, both list it
// (aftersale_list.go, aftersale_v1.go). Every field rule is the spec's
// (apispec/data/aftersale.json): the handlers here read validated values
// and keep the rules about state. An after-sale claims units of lines of
// one order; when every unit of every line is refunded the order becomes
// 200 (refsandbox/README.md, order status machine).

// v2 after-sale status values (§2.7 ecaftersale/get_list status enum).
const (
	asUserCancelled    = 1
	asProcessing       = 2 // after ecaftersale/add
	asRefundRefused    = 4
	asReturnRefused    = 5
	asAwaitingReturn   = 6 // the merchant accepted the return
	asClosed           = 7
	asAwaitingReceipt  = 8 // the buyer shipped the return
	asRefunded         = 13
	asReturnedRefunded = 14
	asRefusedOrClosed  = 18 // v1: exchange refused; v2: closed by customer service
)

// aftersaleOrderStatuses are the order statuses that take an after-sale:
// paid and not closed (§3.3 1000000: "aftersale/add on an order in
// 10/200/250"; 181 was never paid).
var aftersaleOrderStatuses = []int{orderAwaitingShipment, orderPartlyShipped, orderAwaitingReceipt, orderCompleted}

// openAftersale are the statuses in which an after-sale still moves.
var openAftersale = []int{asProcessing, asAwaitingReturn, asAwaitingReceipt}

// releasedStatuses end an after-sale without a refund: its units and money
// can be claimed again. They mean the same in the v1 and v2 enums (§2.7).
var releasedStatuses = []int{asUserCancelled, asRefundRefused, asReturnRefused, asClosed, asRefusedOrClosed}

// firstAftersaleID: uint64 above 2^53, like every id of the sandbox (§1).
const firstAftersaleID uint64 = 1<<53 + 1

// Sentinels of the after-sale rules beyond the order world's.
var (
	// errAftersaleBeyondOrder is a claim of more units or money than the
	// order holds: 1020004, "the requested after-sale product is not in
	// the original order" (I; the live 2747020, §5, is not in the
	// catalog).
	errAftersaleBeyondOrder = codeErr(catalog.AfterSaleProductNotInOrder, "after-sale claims more than the order holds")
	// errAftersaleTypeChanged: ecaftersale/update may not change the type
	// (§2.7, D); no code of its own, so 990007.
	errAftersaleTypeChanged = codeErr(catalog.ParameterMissing, "after-sale type cannot change")
)

// aftersaleState is one account's after-sale orders; guarded by
// account.mu. Ids are unique per account, across orders.
type aftersaleState struct {
	byID  map[uint64]*afterSale
	byOut map[string]*afterSale
	all   []*afterSale // every after-sale, in creation order
	// list holds the ones ecaftersale/add created, in creation order:
	// register/check's ec_after_sale flags read it.
	list   []*afterSale
	nextID uint64 // after-sales, refund ids and return ids share it
}

func newAftersaleState(orderProfile) *aftersaleState {
	return &aftersaleState{byID: map[uint64]*afterSale{}, byOut: map[string]*afterSale{}, nextID: firstAftersaleID}
}

func (st *aftersaleState) newID() uint64 { return st.mintID(nil) }

// mintID is the next id that no after-sale holds and that reserved (the
// ids a seed call is adding, or nil) does not name, so minted ids never
// collide with the ones seeds chose.
func (st *aftersaleState) mintID(reserved func(uint64) bool) uint64 {
	for {
		id := st.nextID
		st.nextID++
		if st.byID[id] == nil && (reserved == nil || !reserved(id)) {
			return id
		}
	}
}

// afterSale is one after-sale order.
type afterSale struct {
	id     uint64
	outID  string
	order  *order
	lines  []claimedLine // v2: exactly one
	claim  claim
	status int
	ret    returnInfo
	// v1 aftersale/add's own fields (empty for ecaftersale/add's): the
	// mini-program page and create_time as sent.
	v1         bool
	path       string
	createTime string
	// Merchant side: where returns go, the evidence, the payment ids.
	returnAddress addressInfo
	refundDesc    string
	certificates  []string
	refundID      string
	returnID      string
	created       time.Time
	updated       time.Time
}

// claimedLine is units of one line of the after-sale's order.
type claimedLine struct {
	line int // index into order.fields.lines
	cnt  int64
}

// claim is what the after-sale asks for.
type claim struct {
	typ        int64 // 1 refund, 2 return and refund (v1 also 3 exchange)
	amount     int64 // orderamt (v1: refund), fen
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

// product is the after-sale's first claimed line, in the shape
// ecaftersale/get answers (product_info).
func (a *afterSale) product() aftersaleProduct {
	c := a.lines[0]
	l := a.order.fields.lines[c.line]
	return aftersaleProduct{ProductID: l.ProductID, OutProductID: l.OutProductID, SKUID: l.SKUID, OutSKUID: l.OutSKUID, ProductCnt: c.cnt}
}

// holds reports whether a still holds the units and money it claims.
func (a *afterSale) holds() bool { return !slices.Contains(releasedStatuses, a.status) }

func (a *afterSale) touches(line int) bool {
	return slices.ContainsFunc(a.lines, func(c claimedLine) bool { return c.line == line })
}

// intOf reads an integer the spec has validated; absent is 0.
func intOf(v any) int64 {
	n, _ := asInt(v)
	return n
}

// readClaim reads the buyer's validated claim (§2.7 add and update).
func readClaim(body map[string]any) claim {
	c := claim{typ: intOf(body["type"]), amount: intOf(body["orderamt"]), reasonType: intOf(body["refund_reason_type"]), media: []mediaItem{}}
	c.reason, _ = body["refund_reason"].(string)
	items, _ := body["media_list"].([]any)
	for _, it := range items {
		obj, _ := asObject(it)
		m := mediaItem{Type: intOf(obj["type"])}
		m.URL, _ = obj["url"].(string)
		m.ThumbURL, _ = obj["thumb_url"].(string)
		c.media = append(c.media, m)
	}
	return c
}

// productClaim names one line by product and, optionally, sku: the ids
// that were sent, each of which must match the line.
type productClaim struct {
	productID    uint64
	outProductID string
	skuID        uint64
	outSKUID     *string // nil when not sent; "" is a value (§3.3 1020004)
	cnt          int64   // 0: every unit of the line (v1 product_cnt left out)
}

func readProductClaim(obj map[string]any) productClaim {
	var c productClaim
	c.productID, _ = asUint(obj["product_id"])
	c.outProductID, _ = obj["out_product_id"].(string)
	c.skuID, _ = asUint(obj["sku_id"])
	if s, ok := obj["out_sku_id"].(string); ok {
		c.outSKUID = &s
	}
	c.cnt = intOf(obj["product_cnt"])
	return c
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

// claimLines resolves the claims to lines of o, merging claims of one
// line; 1020004 for a claim that names none.
func claimLines(o *order, pcs []productClaim) ([]claimedLine, error) {
	var out []claimedLine
	for _, pc := range pcs {
		i := pc.lineOf(o.fields.lines)
		if i < 0 {
			return nil, failf(errAftersaleProductNotInOrder, "the product or sku named is in no line of the order")
		}
		cnt := pc.cnt
		if cnt == 0 {
			cnt = o.fields.lines[i].ProductCnt
		}
		if j := slices.IndexFunc(out, func(c claimedLine) bool { return c.line == i }); j >= 0 {
			out[j].cnt += cnt
			continue
		}
		out = append(out, claimedLine{line: i, cnt: cnt})
	}
	return out, nil
}

// linePaid is what the buyer paid for line i of o: the new flow's
// sku_real_price (the line's total), the old flow's real_price per unit,
// or sale_price when it sent none (§2.5).
func linePaid(o *order, i int) int64 {
	l := o.fields.lines[i]
	switch {
	case o.newFlow:
		return l.SKURealPrice
	case l.RealPrice > 0:
		return l.RealPrice * l.ProductCnt
	}
	return l.SalePrice * l.ProductCnt
}

// checkRoom is the cap of a claim by what the order holds (1020004): the
// units of each line and the money paid for the lines, less what the
// order's other after-sales that still hold them claim. except is the
// after-sale being rewritten, which does not count against itself.
func (st *aftersaleState) checkRoom(o *order, lines []claimedLine, amount int64, except *afterSale) error {
	units, money := roomFor(st.all, o, lines, except)
	for i, c := range lines {
		if c.cnt > units[i] {
			return failf(errAftersaleBeyondOrder, "product_cnt %d: the line has %d unit(s) left to claim", c.cnt, max(units[i], 0))
		}
	}
	if amount > money {
		return failf(errAftersaleBeyondOrder, "the refund %d is more than the %d fen paid for the line(s) and not yet claimed", amount, max(money, 0))
	}
	return nil
}

// roomFor is what o still holds for a claim on lines, given the
// after-sales all (the account's, and for a seed those it adds): the
// units of each claimed line that no after-sale still holding them
// claims, and the money paid for those lines that none claims. except
// does not count.
func roomFor(all []*afterSale, o *order, lines []claimedLine, except *afterSale) (units []int64, money int64) {
	units = make([]int64, len(lines))
	holders := slices.DeleteFunc(slices.Clone(all), func(a *afterSale) bool { return a == except || a.order != o || !a.holds() })
	for i, c := range lines {
		units[i] = o.fields.lines[c.line].ProductCnt
		for _, a := range holders {
			for _, d := range a.lines {
				if d.line == c.line {
					units[i] -= d.cnt
				}
			}
		}
		money += linePaid(o, c.line)
	}
	for _, a := range holders {
		if slices.ContainsFunc(lines, func(c claimedLine) bool { return a.touches(c.line) }) {
			money -= a.claim.amount
		}
	}
	return units, money
}

// ecaftersaleAdd answers /shop/ecaftersale/add once the spec's rules
// passed: the order exists and is the caller's (1010011) → it is in 20,
// 21, 30 or 100 (1000000) → the product is one of its lines (1020004) →
// out_aftersale_id unused (1020002) → the units and money are the order's
// to claim (1020004) → created in status 2.
func ecaftersaleAdd(req *request) (map[string]any, error) {
	st := req.acct.aftersale
	ref, err := readOrderRef(req.body)
	var o *order
	if err == nil {
		o, err = req.acct.order.resolve(ref, bodyOpenID(req.body), req.now)
	}
	if err != nil {
		return nil, err
	}
	if !o.in(aftersaleOrderStatuses...) {
		return nil, failf(errStatusFlow, "the order has status %d; after-sales need 20, 21, 30 or 100", o.status)
	}
	pi, _ := asObject(req.body["product_info"])
	lines, err := claimLines(o, []productClaim{readProductClaim(pi)})
	if err != nil {
		return nil, err
	}
	outID, _ := req.body["out_aftersale_id"].(string)
	if outID != "" && st.byOut[outID] != nil {
		return nil, failf(errAftersaleExists, "out_aftersale_id %q is taken", outID)
	}
	c := readClaim(req.body)
	if err := st.checkRoom(o, lines, c.amount, nil); err != nil {
		return nil, err
	}
	a := st.create(o, lines, c, outID, req.now)
	st.list = append(st.list, a)
	return map[string]any{"aftersale_id": a.id}, nil
}

func (st *aftersaleState) create(o *order, lines []claimedLine, c claim, outID string, now time.Time) *afterSale {
	a := &afterSale{id: st.newID(), outID: outID, order: o, lines: lines, claim: c, status: asProcessing, created: now, updated: now}
	st.byID[a.id] = a
	if outID != "" {
		st.byOut[outID] = a
	}
	st.all = append(st.all, a)
	return a
}

// refundedCount is how many units of line i of o refunded after-sales
// cover.
func (st *aftersaleState) refundedCount(o *order, i int) int64 { return refundedUnits(st.all, o, i) }

// refundedUnits is how many units of line i of o the refunded
// after-sales among all cover.
func refundedUnits(all []*afterSale, o *order, i int) int64 {
	var n int64
	for _, a := range all {
		if a.order != o || (a.status != asRefunded && a.status != asReturnedRefunded) {
			continue
		}
		for _, c := range a.lines {
			if c.line == i {
				n += c.cnt
			}
		}
	}
	return n
}

// closeIfRefunded moves an order whose every line is fully refunded to
// 200 (refsandbox/README.md, order status machine).
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

// readAftersaleRef reads the after-sale id pair the spec validated
// (neither id is 1020003 there).
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

// aftersaleChecks are this domain's named rules of the spec: none, every
// cross-field rule of these endpoints is a one_of or ordered rule.
var aftersaleChecks = map[string]validate.Check{}
