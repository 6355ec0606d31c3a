package refsandbox

import (
	"slices"
	"unicode/utf8"
)

// The coupon body of /shop/coupon/add and /shop/coupon/update (§2.8 "same
// body as add"; DOC:coupon/add_coupon), checked in the contract's order
// ("Coupon body (add and update), checks in this order"): the id first
// (§7), then each required object in the order of the docs' table, then
// the values that depend on each other, then the products, which are
// account state.

// Limits of the coupon body.
const (
	maxCouponIDLen   = 64 // §3.7 1090037 "over-long out_coupon_id" (I limit; contract)
	maxCouponNameLen = 32 // §3.7 1090036 (I limit; contract: later store docs say 10 Chinese characters)
	promoteChannels  = 4  // §2.8 promote_type 4 = Channels (视频号), which needs finder.nickname
)

// couponTypes is the type enum (§6.2 item 13, I): 1–6 product-scoped
// (condition discount, amount off, uniform discount, direct off,
// trade-in, buy-get), 101–104 their shop-wide variants.
var couponTypes = []int64{1, 2, 3, 4, 5, 6, 101, 102, 103, 104}

// productScoped reports a type whose discount names its products.
func productScoped(typ int64) bool { return typ >= 1 && typ <= 6 }

// valid_type values (§2.8): an absolute range, a number of days or of
// seconds after receipt.
const (
	validRange   = 1
	validDays    = 2
	validSeconds = 3
)

// couponSpec is what add and update write: the body's coupon object.
type couponSpec struct {
	outID       string
	typ         int64
	promoteType int64
	name        string
	info        map[string]any // coupon_info as sent; replaced by update, never changed in place
	validType   int64
	validStart  int64 // valid_type 1, unix seconds
	validEnd    int64
	validDays   int64 // valid_type 2
	validSecs   int64 // valid_type 3
	totalNum    int64 // receive_info.total_num: the stock activation creates
}

// readCouponBody checks a coupon body in the contract's order; products
// is the account's product world, read for 1090011/1090012.
func readCouponBody(body map[string]any, products *productState) (couponSpec, error) {
	var spec couponSpec
	c, _ := asObject(body["coupon"])
	id, err := readOutCouponID(c, "coupon.")
	if err != nil {
		return spec, err // 1090007: coupon or coupon.out_coupon_id missing
	}
	if utf8.RuneCountInString(id) > maxCouponIDLen {
		return spec, failf(errCouponIDTooLong, "coupon.out_coupon_id is longer than %d characters", maxCouponIDLen)
	}
	spec.outID = id
	info, ok := asObject(c["coupon_info"])
	if !ok {
		return spec, failf(errCouponInfoMissing, "coupon.coupon_info is missing")
	}
	if c["status"] != nil {
		return spec, failf(errCouponStatusInBody, "coupon.status cannot be set here: use /shop/coupon/update_status")
	}
	name, ok := asString(info["name"])
	if !ok {
		return spec, failf(errCouponNameMissing, "coupon.coupon_info.name is missing or not a non-empty string")
	}
	if utf8.RuneCountInString(name) > maxCouponNameLen {
		return spec, failf(errCouponNameTooLong, "coupon.coupon_info.name is longer than %d characters", maxCouponNameLen)
	}
	spec.name, spec.info = name, info
	objects := []struct {
		key  string
		kind error
	}{
		{"promote_info", errPromoteInfoMissing},   // 1090048 (§6.1: the page's "promotion_info")
		{"discount_info", errDiscountInfoMissing}, // 1090049
		{"receive_info", errReceiveInfoMissing},   // 1090050
		{"valid_info", errValidInfoMissing},       // 1090051 (§6.1: the page's "._info")
	}
	part := map[string]map[string]any{}
	for _, o := range objects {
		if part[o.key], ok = asObject(info[o.key]); !ok {
			return spec, failf(o.kind, "coupon.coupon_info.%s is missing or not an object", o.key)
		}
	}
	if spec.typ, ok = asInt(c["type"]); !ok || !slices.Contains(couponTypes, spec.typ) {
		return spec, failf(errCouponTypeInvalid, "coupon.type must be one of 1–6 or 101–104")
	}
	if err := readPromotion(c, part["promote_info"], &spec); err != nil {
		return spec, err
	}
	if err := readValidity(part["valid_info"], &spec); err != nil {
		return spec, err
	}
	if productScoped(spec.typ) {
		if err := checkCouponProducts(part["discount_info"], products); err != nil {
			return spec, err
		}
	}
	// total_num has no code of its own: a missing or unusable one is a
	// coupon whose activation creates no stock (update_coupon_stock adds it).
	if n, ok := asInt(part["receive_info"]["total_num"]); ok && n > 0 {
		spec.totalNum = n
	}
	return spec, nil
}

// readPromotion: coupon.promote_type and promote_info.promote_type must be
// the same integer (§3.7 1090053, I; a missing one does not correspond
// either); Channels (4) needs finder.nickname (§3.7 1090035, I).
func readPromotion(c, promote map[string]any, spec *couponSpec) error {
	outer, ok1 := asInt(c["promote_type"])
	inner, ok2 := asInt(promote["promote_type"])
	if !ok1 || !ok2 || outer != inner {
		return failf(errPromoteTypeMismatch, "coupon.promote_type and coupon_info.promote_info.promote_type must be the same integer")
	}
	spec.promoteType = outer
	if outer == promoteChannels {
		finder, _ := asObject(promote["finder"])
		if _, ok := asString(finder["nickname"]); !ok {
			return failf(errChannelsInfo, "promote_type 4 (Channels) needs coupon_info.promote_info.finder.nickname")
		}
	}
	return nil
}

// readValidity: valid_type known (§3.7 1090024, I), then its companion
// fields (§3.7 1090055, I): 1 start_time ≤ end_time, 2 valid_day_num > 0,
// 3 valid_second > 0.
func readValidity(valid map[string]any, spec *couponSpec) error {
	vt, ok := asInt(valid["valid_type"])
	if !ok || vt < validRange || vt > validSeconds {
		return failf(errValidTypeUnknown, "valid_info.valid_type must be 1, 2 or 3")
	}
	spec.validType = vt
	switch vt {
	case validRange:
		start, ok1 := asInt(valid["start_time"])
		end, ok2 := asInt(valid["end_time"])
		if !ok1 || !ok2 || end < start {
			return failf(errExpiryTypeInvalid, "valid_type 1 needs start_time and end_time (unix seconds), end not before start")
		}
		spec.validStart, spec.validEnd = start, end
	case validDays:
		if spec.validDays, ok = asInt(valid["valid_day_num"]); !ok || spec.validDays <= 0 {
			return failf(errExpiryTypeInvalid, "valid_type 2 needs valid_day_num > 0")
		}
	case validSeconds:
		if spec.validSecs, ok = asInt(valid["valid_second"]); !ok || spec.validSecs <= 0 {
			return failf(errExpiryTypeInvalid, "valid_type 3 needs valid_second > 0")
		}
	}
	return nil
}

// checkCouponProducts: a product-scoped coupon names its products
// (§3.7 1090011, I), each an approved, listed product of the account
// (§3.7 1090012, I; contract).
func checkCouponProducts(discount map[string]any, products *productState) error {
	cond, _ := asObject(discount["discount_condition"])
	ids, ok := asStrings(cond["out_product_ids"])
	if !ok || len(ids) == 0 || slices.Contains(ids, "") {
		return failf(errCouponProductsMissing, "a product coupon (type 1–6) needs discount_info.discount_condition.out_product_ids")
	}
	for _, id := range ids {
		if !products.usableForCoupon(id) {
			return failf(errCouponProductUnusable, "product %q is not an approved, listed product of this account", id)
		}
	}
	return nil
}

// window is a grant's validity (unix seconds) for a user who received
// the coupon at recv.
func (s *couponSpec) window(recv int64) (start, end int64) {
	switch s.validType {
	case validRange:
		return s.validStart, s.validEnd
	case validDays:
		return recv, recv + s.validDays*86400
	default:
		return recv, recv + s.validSecs
	}
}
