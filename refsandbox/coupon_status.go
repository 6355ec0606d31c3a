package refsandbox

import "slices"

// /shop/coupon/update_status and /shop/coupon/update_coupon_stock (§2.8;
// DOC:coupon/update_coupon_status, DOC:coupon/update_coupon_stock).

// statusMagic is the backend failure each target status can meet, by the
// coupon's name (contract "Magic values"): checked after every rule, where
// the failure would happen, so the coupon is left as it was.
var statusMagic = map[int64]struct {
	name string
	kind error
}{
	couponEffective: {magicCouponStockExists, errStockExists},         // 1090006 I: creating the stock
	couponExpired:   {magicCouponExpireFailed, errCouponExpireFailed}, // 1090014 I
	couponVoid:      {magicCouponVoidFailed, errCouponVoidFailed},     // 1090016 I
	couponDeleted:   {magicCouponDeleteFailed, errCouponDeleteFailed}, // 1090017 I
}

// couponUpdateStatus answers /shop/coupon/update_status: out_coupon_id
// (1090007) → exists (1090001) → the move is in couponMoves (1090010; a
// missing or non-integer status is no move either) → to 3: a valid_type 1
// coupon whose end_time is still ahead (1090015, I; relative validity
// may be expired any time) → the magic names (1090006, 1090014, 1090016,
// 1090017) → moved; 1 → 2 creates the stock: issued_num =
// receive_info.total_num, receive_num 0.
func couponUpdateStatus(req *request) (map[string]any, error) {
	id, err := readOutCouponID(req.body, "")
	if err != nil {
		return nil, err
	}
	c, err := req.acct.coupon.find(id)
	if err != nil {
		return nil, err
	}
	to, ok := asInt(req.body["status"])
	if !ok || !slices.Contains(couponMoves[c.status], to) {
		return nil, failf(errCouponMoveRefused, "status %v cannot follow status %d (1→2, 2→3, 2→4, and 1, 3 or 4 → 5)", req.body["status"], c.status)
	}
	if to == couponExpired && c.validType == validRange && c.validEnd > req.now.Unix() {
		return nil, failf(errCouponNotExpired, "valid_info.end_time %d is still ahead", c.validEnd)
	}
	if m, ok := statusMagic[to]; ok && c.name == m.name {
		return nil, failf(m.kind, "magic value %s", m.name)
	}
	if to == couponEffective {
		c.stock = &couponStock{issued: c.totalNum, created: req.now, updated: req.now}
	}
	c.status = to
	c.updated = req.now
	return nil, nil
}

// couponUpdateStock answers /shop/coupon/update_coupon_stock:
// coupon_stock.out_coupon_id (1090007) → exists (1090001) → the stock
// exists, i.e. the coupon was activated (1090005, D: "activate first") →
// stock_info.issued_num and receive_num integers ≥ 0 (990007: no code
// of their own, so checked after every documented rule) → both set.
func couponUpdateStock(req *request) (map[string]any, error) {
	cs, _ := asObject(req.body["coupon_stock"])
	id, err := readOutCouponID(cs, "coupon_stock.")
	if err != nil {
		return nil, err
	}
	c, err := req.acct.coupon.find(id)
	if err != nil {
		return nil, err
	}
	if c.stock == nil {
		return nil, failf(errStockNotFound, "the coupon has no stock until update_status makes it effective (2)")
	}
	info, _ := asObject(cs["stock_info"])
	issued, ok1 := asInt(info["issued_num"])
	received, ok2 := asInt(info["receive_num"])
	if !ok1 || !ok2 || issued < 0 || received < 0 {
		return nil, failf(errParameterMissing, "coupon_stock.stock_info needs issued_num and receive_num, integers ≥ 0")
	}
	c.stock.issued, c.stock.received, c.stock.updated = issued, received, req.now
	return nil, nil
}
