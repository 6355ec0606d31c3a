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
// mismatch is "no such user coupon" (1090003).

// couponAddUser answers /shop/coupon/add_user_coupon in the contract's
// order: openid (1090039) → user_coupon.out_user_coupon_id (1090026) →
// user_coupon.out_coupon_id (1090027) → the coupon exists (1090001) → it
// is effective (1090043) → user_coupon.status is 100 (1090044: a grant
// starts effective) → stock remains (1090009) → the id is new (1090004)
// → recv_time, when sent, an integer ≥ 0 (990007) → too hot (1090025,
// magic) → granted: one taken from issued_num, one added to receive_num.
func couponAddUser(req *request) (map[string]any, error) {
	openid, err := couponOpenID(req)
	if err != nil {
		return nil, err
	}
	uc, _ := asObject(req.body["user_coupon"])
	outID, couponID, err := readUserCouponIDs(uc)
	if err != nil {
		return nil, err
	}
	st := req.acct.coupon
	c, err := st.find(couponID)
	if err != nil {
		return nil, err
	}
	if c.status != couponEffective {
		return nil, failf(errCouponNotEffective, "the coupon has status %d; only an effective (2) coupon is granted", c.status)
	}
	if s, ok := asInt(uc["status"]); !ok || s != userCouponEffective {
		return nil, failf(errUserCouponStatus, "user_coupon.status must be 100 (effective) when granted")
	}
	if c.stock.issued <= 0 {
		return nil, failf(errStockInsufficient, "no stock remains (issued_num 0)")
	}
	if st.users[outID] != nil {
		return nil, failf(errUserCouponExists, "user coupon %q exists", outID)
	}
	recv := req.now.Unix()
	if v := req.body["recv_time"]; v != nil {
		n, ok := asInt(v)
		if !ok || n < 0 {
			return nil, failf(errParameterMissing, "recv_time must be unix seconds")
		}
		recv = n
	}
	if strings.Contains(outID, magicCouponTooHot) {
		return nil, failf(errActivityTooHot, "magic value %s", magicCouponTooHot)
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

// readUserCouponIDs is the id presence of a user_coupon object:
// out_user_coupon_id (1090026) before out_coupon_id (1090027) (contract).
func readUserCouponIDs(uc map[string]any) (outID, couponID string, err error) {
	var ok bool
	if outID, ok = asString(uc["out_user_coupon_id"]); !ok {
		return "", "", failf(errUserCouponIDMissing, "user_coupon.out_user_coupon_id is missing")
	}
	if couponID, ok = asString(uc["out_coupon_id"]); !ok {
		return "", "", failf(errUserCouponCouponMissing, "user_coupon.out_coupon_id is missing")
	}
	return outID, couponID, nil
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

// couponUserList answers /shop/coupon/get_usercoupon_list: openid
// (1090039; §6.2 item 12: the example and SDKs send it, the table does
// not list it) → route page_size ≤ 200 (990005) → page_size and offset
// usable (990007) → the user's coupons in grant order, one page, and
// total_num.
func couponUserList(req *request) (map[string]any, error) {
	openid, err := couponOpenID(req)
	if err != nil {
		return nil, err
	}
	offset, size, err := readCouponPaging(req.body)
	if err != nil {
		return nil, err
	}
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
// info): openid (1090039) → user_coupon.out_user_coupon_id (1090026) →
// user_coupon.out_coupon_id (1090027) → the user coupon exists (1090003)
// → ext_info.use_time, when sent, an integer not before the receipt and
// not in the future (1090052, I) → recv_time, when sent, an integer ≥ 0
// (990007) → the update (1090045, magic) → recv_time and use_time stored.
// The receipt use_time is judged against is the request's recv_time
// when it sends a usable one, else the stored one.
func couponUpdateUser(req *request) (map[string]any, error) {
	openid, err := couponOpenID(req)
	if err != nil {
		return nil, err
	}
	uc, _ := asObject(req.body["user_coupon"])
	outID, couponID, err := readUserCouponIDs(uc)
	if err != nil {
		return nil, err
	}
	u, err := req.acct.coupon.findUser(outID, couponID, openid)
	if err != nil {
		return nil, err
	}
	recv, recvOK := u.recv, true
	if v := req.body["recv_time"]; v != nil {
		n, ok := asInt(v)
		recvOK = ok && n >= 0
		if recvOK {
			recv = n
		}
	}
	useTime := u.useTime
	ext, _ := asObject(uc["ext_info"])
	if v := ext["use_time"]; v != nil {
		n, ok := asInt(v)
		switch {
		case !ok:
			return nil, failf(errRedemptionInvalid, "ext_info.use_time must be unix seconds")
		case n < recv:
			return nil, failf(errRedemptionInvalid, "ext_info.use_time %d is before the receipt %d", n, recv)
		case n > req.now.Unix():
			return nil, failf(errRedemptionInvalid, "ext_info.use_time %d is in the future", n)
		}
		useTime = n
	}
	if !recvOK {
		return nil, failf(errParameterMissing, "recv_time must be unix seconds")
	}
	if strings.Contains(outID, magicUserCouponUpdateFailed) {
		return nil, failf(errUserCouponUpdateFailed, "magic value %s", magicUserCouponUpdateFailed)
	}
	u.recv, u.useTime, u.updated = recv, useTime, req.now
	return nil, nil
}

// couponUpdateUserStatus answers /shop/coupon/update_usercoupon_status:
// openid (1090039) → out_coupon_id (1090027) → out_user_coupon_id (1090042,
// D text "merchant-side user coupon id missing") → exists (1090003) →
// status in 100–103 and a legal move, 100 → 101, 102 or 103 (1090044) →
// the update (1090041, magic) → moved.
func couponUpdateUserStatus(req *request) (map[string]any, error) {
	openid, err := couponOpenID(req)
	if err != nil {
		return nil, err
	}
	couponID, ok := asString(req.body["out_coupon_id"])
	if !ok {
		return nil, failf(errUserCouponCouponMissing, "out_coupon_id is missing")
	}
	outID, ok := asString(req.body["out_user_coupon_id"])
	if !ok {
		return nil, failf(errUserCouponMerchantMissing, "out_user_coupon_id is missing")
	}
	u, err := req.acct.coupon.findUser(outID, couponID, openid)
	if err != nil {
		return nil, err
	}
	to, ok := asInt(req.body["status"])
	if !ok || !slices.Contains(userCouponMoves[u.status], to) {
		return nil, failf(errUserCouponStatus, "status %v cannot follow %d (100 → 101, 102 or 103)", req.body["status"], u.status)
	}
	if strings.Contains(outID, magicUserCouponUpdateFailed) {
		return nil, failf(errUserCouponStatusFailed, "magic value %s", magicUserCouponUpdateFailed)
	}
	u.status, u.updated = to, req.now
	return nil, nil
}
