package refsandbox

import (
	"slices"
	"strings"
)

// The user-coupon APIs (§2.8 add_user_coupon, get_usercoupon_list,
// update_user_coupon, update_usercoupon_status; DOC:coupon/add_usercoupon).
// A user coupon is the record of one coupon granted to one user. Its
// out_user_coupon_id is unique per account (§3.7 1090004; the receipt
// callback says the platform keeps these ids unique); it is addressed
// by that id together with its out_coupon_id and its user, and any
// mismatch is "no such user coupon" (1090003). The openid, the ids, the
// status enum and the times are the spec's (apispec/data/coupon.json).

// couponAddUser answers /shop/coupon/add_user_coupon: the coupon exists
// (1090001) → it is effective (1090043) → user_coupon.status is 100
// (1090044: a grant starts effective) → stock remains (1090009) → the id
// is new (1090004) → the user holds fewer than limit_num_one_person of
// this coupon (1090009) → too hot (1090025, magic) → granted: one taken
// from issued_num, one added to receive_num. recv_time defaults to now.
func couponAddUser(req *request) (map[string]any, error) {
	openid, _ := asString(req.body["openid"])
	uc, _ := asObject(req.body["user_coupon"])
	outID, _ := asString(uc["out_user_coupon_id"])
	couponID, _ := asString(uc["out_coupon_id"])
	st := req.acct.coupon
	c, err := st.find(couponID)
	if err != nil {
		return nil, err
	}
	if c.status != couponEffective {
		return nil, failf(errCouponNotEffective, "the coupon has status %d; only an effective (2) coupon is granted", c.status)
	}
	if s, _ := asInt(uc["status"]); s != userCouponEffective {
		return nil, failf(errUserCouponStatus, "user_coupon.status must be 100 (effective) when granted")
	}
	if c.stock.issued <= 0 {
		return nil, failf(errStockInsufficient, "no stock remains (issued_num 0)")
	}
	if st.users[outID] != nil {
		return nil, failf(errUserCouponExists, "user coupon %q exists", outID)
	}
	if held := st.held(openid, couponID); held >= c.limitPerUser {
		return nil, failf(errStockInsufficient, "the user already holds %d of this coupon (receive_info.limit_num_one_person %d)", held, c.limitPerUser)
	}
	if strings.Contains(outID, magicCouponTooHot) {
		return nil, failf(errActivityTooHot, "magic value %s", magicCouponTooHot)
	}
	recv := req.now.Unix()
	if n, ok := asInt(req.body["recv_time"]); ok {
		recv = n
	}
	c.stock.issued--
	c.stock.received++
	c.stock.updated = req.now
	u := &userCoupon{outID: outID, openid: openid, couponID: couponID, status: userCouponEffective, recv: recv, created: req.now, updated: req.now}
	u.start, u.end = c.window(recv)
	st.users[outID] = u
	st.userOrder = append(st.userOrder, u)
	return nil, nil
}

// held counts the grants of one coupon to one user, whatever their status
// since: a used or expired coupon was still received.
func (st *couponState) held(openid, couponID string) int64 {
	var n int64
	for _, u := range st.userOrder {
		if u.openid == openid && u.couponID == couponID {
			n++
		}
	}
	return n
}

// findUser is the existence check (§3.7 1090003): the id must name a
// user coupon of this coupon and this user.
func (st *couponState) findUser(outID, couponID, openid string) (*userCoupon, error) {
	u := st.users[outID]
	if u == nil || u.couponID != couponID || u.openid != openid {
		return nil, failf(errUserCouponNotFound, "no user coupon %q of coupon %q for this openid", outID, couponID)
	}
	return u, nil
}

// couponUserList answers /shop/coupon/get_usercoupon_list: the user's
// coupons in grant order, one page, and total_num.
func couponUserList(req *request) (map[string]any, error) {
	openid, _ := asString(req.body["openid"])
	offset, size := couponPaging(req.body)
	var mine []*userCoupon
	for _, u := range req.acct.coupon.userOrder {
		if u.openid == openid {
			mine = append(mine, u)
		}
	}
	list := []map[string]any{}
	for _, u := range couponPage(mine, offset, size) {
		list = append(list, u.view())
	}
	return map[string]any{"result_list": list, "total_num": len(mine)}, nil
}

// couponUpdateUser answers /shop/coupon/update_user_coupon (redemption
// info): the user coupon exists (1090003) → the update (1090045, magic)
// → recv_time stored, and ext_info.use_time when sent.
func couponUpdateUser(req *request) (map[string]any, error) {
	openid, _ := asString(req.body["openid"])
	uc, _ := asObject(req.body["user_coupon"])
	outID, _ := asString(uc["out_user_coupon_id"])
	couponID, _ := asString(uc["out_coupon_id"])
	u, err := req.acct.coupon.findUser(outID, couponID, openid)
	if err != nil {
		return nil, err
	}
	if strings.Contains(outID, magicUserCouponUpdateFailed) {
		return nil, failf(errUserCouponUpdateFailed, "magic value %s", magicUserCouponUpdateFailed)
	}
	u.recv, _ = asInt(req.body["recv_time"])
	ext, _ := asObject(uc["ext_info"])
	if n, ok := asInt(ext["use_time"]); ok {
		u.useTime = n
	}
	u.updated = req.now
	return nil, nil
}

// couponUpdateUserStatus answers /shop/coupon/update_usercoupon_status:
// exists (1090003) → a legal move, 100 → 101, 102 or 103 (1090044; a
// status outside 100–103 is no move either) → the update (1090041,
// magic) → moved.
func couponUpdateUserStatus(req *request) (map[string]any, error) {
	openid, _ := asString(req.body["openid"])
	couponID, _ := asString(req.body["out_coupon_id"])
	outID, _ := asString(req.body["out_user_coupon_id"])
	u, err := req.acct.coupon.findUser(outID, couponID, openid)
	if err != nil {
		return nil, err
	}
	to, _ := asInt(req.body["status"])
	if !slices.Contains(userCouponMoves[u.status], to) {
		return nil, failf(errUserCouponStatus, "status %d cannot follow %d (100 → 101, 102 or 103)", to, u.status)
	}
	if strings.Contains(outID, magicUserCouponUpdateFailed) {
		return nil, failf(errUserCouponStatusFailed, "magic value %s", magicUserCouponUpdateFailed)
	}
	u.status, u.updated = to, req.now
	return nil, nil
}
