package refsandbox

import "slices"

// /shop/coupon/update_status and /shop/coupon/update_coupon_stock (§2.8;
// DOC:coupon/update_coupon_status, DOC:coupon/update_coupon_stock).

// statusMagic is the backend failure each target status can meet, by the
// coupon's name (refsandbox/README.md "Magic values"): checked after every
// rule, where the failure would happen, so the coupon is left as it was.
var statusMagic = map[int64]struct {
	name string
	kind error
}{
	couponEffective: {magicCouponStockExists, errStockExists},         // 1090006 I: creating the stock
	couponExpired:   {magicCouponExpireFailed, errCouponExpireFailed}, // 1090014 I
	couponVoid:      {magicCouponVoidFailed, errCouponVoidFailed},     // 1090016 I
	couponDeleted:   {magicCouponDeleteFailed, errCouponDeleteFailed}, // 1090017 I
}

// couponUpdateStatus answers /shop/coupon/update_status: exists (1090001)
// → the move is in couponMoves (1090010; a status outside 1–5 is no move
// either) → to 3: a valid_type 1 coupon whose end_time is still ahead
// (1090015, I; relative validity may be expired any time) → the magic
// names (1090006, 1090014, 1090016, 1090017) → moved; 1 → 2 creates the
// stock: issued_num = receive_info.total_num, receive_num 0.
func couponUpdateStatus(req *request) (map[string]any, error) {
	id, _ := asString(req.body["out_coupon_id"])
	c, err := req.acct.coupon.find(id)
	if err != nil {
		return nil, err
	}
	to, _ := asInt(req.body["status"])
	if !slices.Contains(couponMoves[c.status], to) {
		return nil, failf(errCouponMoveRefused, "status %d cannot follow status %d (1→2, 2→3, 2→4, and 1, 3 or 4 → 5)", to, c.status)
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

// couponUpdateStock answers /shop/coupon/update_coupon_stock: exists
// (1090001) → the stock exists, i.e. the coupon was activated (1090005,
// D: "activate first") → issued_num and receive_num set as sent.
func couponUpdateStock(req *request) (map[string]any, error) {
	cs, _ := asObject(req.body["coupon_stock"])
	info, _ := asObject(cs["stock_info"])
	id, _ := asString(cs["out_coupon_id"])
	c, err := req.acct.coupon.find(id)
	if err != nil {
		return nil, err
	}
	if c.stock == nil {
		return nil, failf(errStockNotFound, "the coupon has no stock until update_status makes it effective (2)")
	}
	c.stock.issued, _ = asInt(info["issued_num"])
	c.stock.received, _ = asInt(info["receive_num"])
	c.stock.updated = req.now
	return nil, nil
}
