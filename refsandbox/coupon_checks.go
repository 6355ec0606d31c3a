package refsandbox

import (
	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// couponChecks are the coupon domain's named rules of the spec
// (apispec/data/coupon.json, rule "check"): what a field's own
// declaration cannot say.
var couponChecks = map[string]validate.Check{
	"coupon_status_unset":        couponStatusUnset,
	"coupon_promote_types_match": couponPromoteTypesMatch,
	"coupon_used_after_receipt":  couponUsedAfterReceipt,
}

// couponConfirmed is the 1090028 gate of every coupon API but confirm
// (DOC:coupon/confirm "必须先调用该API接通领券功能之后,才能调用创建优惠券等其他API";
// §3.7 1090028, D prerequisite / I code). It is account state checked
// before the spec's field rules (§7: permission before field validation),
// so an unconfirmed account answers 1090028 whatever its body holds. It
// reads the account without its lock: confirmed is atomic, and only ever
// goes from false to true, so a call that passes stays confirmed.
func couponConfirmed(a *account) error {
	if a.coupon.confirmed.Load() {
		return nil
	}
	return codeFail(catalog.CouponNotConfirmed, "call /shop/coupon/confirm first")
}

// couponStatusUnset: coupon.status cannot be set through the coupon body;
// status changes go through update_status (§3.7 1090034, I).
func couponStatusUnset(coupon map[string]any, _ validate.Env) (string, bool) {
	if validate.Absent(coupon["status"]) {
		return "", true
	}
	return "coupon.status cannot be set here: use /shop/coupon/update_status", false
}

// couponPromoteTypesMatch: coupon.promote_type and
// coupon_info.promote_info.promote_type are the same (§3.7 1090053, I).
// Only two integers are compared: a missing or unusable one answers its
// own field's 1090053 where the spec reaches it.
func couponPromoteTypesMatch(coupon map[string]any, _ validate.Env) (string, bool) {
	info, _ := asObject(coupon["coupon_info"])
	promote, _ := asObject(info["promote_info"])
	outer, ok1 := asInt(coupon["promote_type"])
	inner, ok2 := asInt(promote["promote_type"])
	if !ok1 || !ok2 || outer == inner {
		return "", true
	}
	return "coupon.promote_type and coupon.coupon_info.promote_info.promote_type differ", false
}

// couponUsedAfterReceipt: a user coupon is redeemed after it is received:
// user_coupon.ext_info.use_time, when sent, is not before recv_time (§3.7
// 1090052 "use_time before recv_time", I). Equal times are accepted.
func couponUsedAfterReceipt(body map[string]any, _ validate.Env) (string, bool) {
	uc, _ := asObject(body["user_coupon"])
	ext, _ := asObject(uc["ext_info"])
	use, ok1 := asInt(ext["use_time"])
	recv, ok2 := asInt(body["recv_time"])
	if !ok1 || !ok2 || use >= recv {
		return "", true
	}
	return "user_coupon.ext_info.use_time is before recv_time", false
}
