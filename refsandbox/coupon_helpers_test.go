package refsandbox

import "strconv"

// Helpers for the coupon tests. The bodies are written by hand from
// api-reference §2.8 and the spec's rules (apispec/data/coupon.json),
// never read from fixtures/: the sandbox stays an independent reading of
// the docs.

const (
	cpConfirm    = "/shop/coupon/confirm"
	cpAdd        = "/shop/coupon/add"
	cpGet        = "/shop/coupon/get"
	cpList       = "/shop/coupon/get_list"
	cpUpdate     = "/shop/coupon/update"
	cpStatus     = "/shop/coupon/update_status"
	cpStock      = "/shop/coupon/update_coupon_stock"
	cpGrant      = "/shop/coupon/add_user_coupon"
	cpUserList   = "/shop/coupon/get_usercoupon_list"
	cpRedeem     = "/shop/coupon/update_user_coupon"
	cpUserStatus = "/shop/coupon/update_usercoupon_status"
)

// now0 is t0 in unix seconds, the sandbox clock's start in every test.
var now0 = t0.Unix()

// couponBody is a valid shop-wide amount-off coupon (type 102 "满100减10",
// promote_type 1, 30-day receipt window, one per user, valid 86400 s
// after receipt), with edits applied by dotted path (setAt, delAt).
func couponBody(id string, edits ...edit) string {
	b := map[string]any{"coupon": map[string]any{
		"out_coupon_id": id,
		"type":          102,
		"promote_type":  1,
		"coupon_info": map[string]any{
			"name":          "满100减10",
			"promote_info":  map[string]any{"promote_type": 1},
			"discount_info": map[string]any{"discount_condition": map[string]any{"product_price": 10000}, "discount_fee": 1000},
			"receive_info":  map[string]any{"start_time": now0, "end_time": now0 + 2592000, "limit_num_one_person": 1, "total_num": 100},
			"valid_info":    map[string]any{"valid_type": 3, "valid_second": 86400},
		},
	}}
	for _, e := range edits {
		e(b)
	}
	return jsonText(b)
}

// named sets the coupon's name (the magic values go here).
func named(name string) edit { return setAt("coupon.coupon_info.name", name) }

// perUser sets receive_info.limit_num_one_person.
func perUser(n int) edit { return setAt("coupon.coupon_info.receive_info.limit_num_one_person", n) }

// validRangeUntil makes the coupon valid_type 1 from an hour ago to end.
func validRangeUntil(end int64) edit {
	return setAt("coupon.coupon_info.valid_info", map[string]any{"valid_type": 1, "start_time": now0 - 3600, "end_time": end})
}

// forProducts makes the coupon an amount-off product coupon (type 2) on ids.
func forProducts(ids ...string) edit {
	return func(b map[string]any) {
		setAt("coupon.type", 2)(b)
		setAt("coupon.coupon_info.discount_info.discount_condition.out_product_ids", ids)(b)
	}
}

func outCoupon(id string) string { return `{"out_coupon_id":"` + id + `"}` }

func statusBody(id string, status int) string {
	return `{"out_coupon_id":"` + id + `","status":` + strconv.Itoa(status) + `}`
}

func stockBody(id string, issued, received int) string {
	return jsonText(map[string]any{"coupon_stock": map[string]any{"out_coupon_id": id, "stock_info": map[string]any{"issued_num": issued, "receive_num": received}}})
}

// grantBody is an add_user_coupon body (DOC:coupon/add_usercoupon example).
func grantBody(openid, userCouponID, couponID string, status int) string {
	return jsonText(map[string]any{"openid": openid, "user_coupon": map[string]any{"out_user_coupon_id": userCouponID, "out_coupon_id": couponID, "status": status}, "recv_time": now0})
}

// redeemBody is an update_user_coupon body with ext_info.use_time.
func redeemBody(openid, userCouponID, couponID string, useTime int64) string {
	return jsonText(map[string]any{"openid": openid, "user_coupon": map[string]any{"out_user_coupon_id": userCouponID, "out_coupon_id": couponID, "ext_info": map[string]any{"use_time": useTime}}, "recv_time": now0})
}

func userStatusBody(openid, userCouponID, couponID string, status int) string {
	return jsonText(map[string]any{"openid": openid, "out_coupon_id": couponID, "out_user_coupon_id": userCouponID, "status": status})
}

// effective is the steps that add coupon id and make it effective.
func effective(id string, edits ...edit) []step {
	return []step{{cpAdd, couponBody(id, edits...), 0}, {cpStatus, statusBody(id, couponEffective), 0}}
}

// granted is effective plus one grant to openid.
func granted(openid, userCouponID, couponID string, edits ...edit) []step {
	return append(effective(couponID, edits...), step{cpGrant, grantBody(openid, userCouponID, couponID, userCouponEffective), 0})
}

// then concatenates step lists.
func then(lists ...[]step) []step {
	var out []step
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
