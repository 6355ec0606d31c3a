package refsandbox

import (
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// Tests of the coupon world, written by hand from api-reference §2.8,
// §3.7 and the spec (apispec/data/coupon.json), never from fixtures/:
// the sandbox stays an independent reading of the docs.
// The confirm codes (1090019–1090023, 1090032, 1090033, 1090040) are in
// coupon_confirm_test.go, through the real merchant simulator.

// couponCodeCase provokes one §3.7 code from a profile's initial state.
type couponCodeCase struct {
	code    catalog.Code
	name    string
	profile string
	steps   []step
}

func couponCodeCases(t *testing.T, tg *target) []couponCodeCase {
	me := accountOf(t, tg, "default").OpenID
	stranger := accountOf(t, tg, "not-opened").OpenID
	long := func(n int) string { return strings.Repeat("券", n) }
	return []couponCodeCase{
		{catalog.CouponNotFound, "an unknown out_coupon_id on every API that names one", "default", []step{
			{cpGet, outCoupon("nope"), catalog.CouponNotFound},
			{cpUpdate, couponBody("nope"), catalog.CouponNotFound},
			{cpStatus, statusBody("nope", 2), catalog.CouponNotFound},
			{cpStock, stockBody("nope", 1, 0), catalog.CouponNotFound},
			{cpGrant, grantBody(me, "u-nope", "nope", 100), catalog.CouponNotFound}}},
		{catalog.CouponAlreadyExists, "the same out_coupon_id twice", "default", []step{
			{cpAdd, couponBody("c2"), 0}, {cpAdd, couponBody("c2"), catalog.CouponAlreadyExists},
			{cpStatus, statusBody("c2", 5), 0}, {cpAdd, couponBody("c2"), catalog.CouponAlreadyExists}}},
		{catalog.UserCouponNotFound, "an unknown user coupon, or one of another coupon or user", "default", then(granted(me, "u3", "c3"), []step{
			{cpRedeem, redeemBody(me, "u-nope", "c3", now0), catalog.UserCouponNotFound},
			{cpUserStatus, userStatusBody(me, "u-nope", "c3", 102), catalog.UserCouponNotFound},
			{cpAdd, couponBody("c3b"), 0},
			{cpUserStatus, userStatusBody(me, "u3", "c3b", 102), catalog.UserCouponNotFound},
			{cpRedeem, redeemBody(accountOf(t, tg, "default").OpenIDs[1], "u3", "c3", now0), catalog.UserCouponNotFound}})},
		{catalog.UserCouponAlreadyExists, "the same out_user_coupon_id twice", "default", then(granted(me, "u4", "c4"), []step{
			{cpGrant, grantBody(me, "u4", "c4", 100), catalog.UserCouponAlreadyExists}})},
		{catalog.CouponStockNotFound, "update_coupon_stock before activation", "default", []step{
			{cpAdd, couponBody("c5"), 0}, {cpStock, stockBody("c5", 10, 0), catalog.CouponStockNotFound},
			{cpStatus, statusBody("c5", 2), 0}, {cpStock, stockBody("c5", 10, 0), 0}}},
		{catalog.CouponStockAlreadyExists, "magic: activating SHOPCONFORM_MAGIC_STOCK_EXISTS", "default", []step{
			{cpAdd, couponBody("c6", named(magicCouponStockExists)), 0},
			{cpStatus, statusBody("c6", 2), catalog.CouponStockAlreadyExists},
			{cpStock, stockBody("c6", 1, 0), catalog.CouponStockNotFound}}}, // still in 1, no stock
		{catalog.CouponOutCouponIDMissing, "out_coupon_id missing, empty or not a string", "default", []step{
			{cpAdd, `{}`, catalog.CouponOutCouponIDMissing},
			{cpAdd, couponBody("", delAt("coupon.out_coupon_id")), catalog.CouponOutCouponIDMissing},
			{cpAdd, couponBody("", setAt("coupon.out_coupon_id", 7)), catalog.CouponOutCouponIDMissing},
			{cpUpdate, couponBody(""), catalog.CouponOutCouponIDMissing},
			{cpGet, `{}`, catalog.CouponOutCouponIDMissing},
			{cpStatus, `{"status":2}`, catalog.CouponOutCouponIDMissing},
			{cpStock, `{"coupon_stock":{"stock_info":{"issued_num":1,"receive_num":0}}}`, catalog.CouponOutCouponIDMissing}}},
		{catalog.CouponNotEditing, "update of an expired, void or deleted coupon", "default", then(effective("c8"), []step{
			{cpStatus, statusBody("c8", 4), 0}, {cpUpdate, couponBody("c8"), catalog.CouponNotEditing},
			{cpStatus, statusBody("c8", 5), 0}, {cpUpdate, couponBody("c8"), catalog.CouponNotEditing}})},
		{catalog.CouponStockInsufficient, "a grant with issued_num 0", "default", then(effective("c9"), []step{
			{cpStock, stockBody("c9", 1, 0), 0},
			{cpGrant, grantBody(me, "u9a", "c9", 100), 0},
			{cpGrant, grantBody(me, "u9b", "c9", 100), catalog.CouponStockInsufficient}})},
		{catalog.CouponStatusChangeFailed, "illegal transitions (§3.7: 2→1, 1→3)", "default", []step{
			{cpAdd, couponBody("c10"), 0},
			{cpStatus, statusBody("c10", 3), catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("c10", 4), catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("c10", 1), catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("c10", 9), catalog.CouponStatusChangeFailed},
			{cpStatus, `{"out_coupon_id":"c10"}`, catalog.CouponStatusChangeFailed},
			{cpStatus, `{"out_coupon_id":"c10","status":"2"}`, catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("c10", 2), 0},
			{cpStatus, statusBody("c10", 1), catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("c10", 2), catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("c10", 5), catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("c10", 3), 0},
			{cpStatus, statusBody("c10", 4), catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("c10", 5), 0},
			{cpStatus, statusBody("c10", 1), catalog.CouponStatusChangeFailed}}},
		{catalog.CouponProductsMissing, "a product coupon without out_product_ids", "default", []step{
			{cpAdd, couponBody("c11", setAt("coupon.type", 1)), catalog.CouponProductsMissing},
			{cpAdd, couponBody("c11", forProducts()), catalog.CouponProductsMissing},
			{cpAdd, couponBody("c11", forProducts(""), setAt("coupon.type", 6)), catalog.CouponProductsMissing}}},
		{catalog.CouponProductUnavailable, "a product not approved and listed", "reviews-approve", []step{
			{add, spuBody("cp12"), 0},
			{cpAdd, couponBody("c12", forProducts("cp12")), 0},
			{cpAdd, couponBody("c12b", forProducts("cp12", "never-added")), catalog.CouponProductUnavailable},
			{delisting, ref("cp12"), 0},
			{cpAdd, couponBody("c12c", forProducts("cp12")), catalog.CouponProductUnavailable},
			{cpUpdate, couponBody("c12", forProducts("cp12")), catalog.CouponProductUnavailable}}},
		{catalog.CouponCreateFailed, "magic: a coupon named SHOPCONFORM_MAGIC_CREATE_FAILED", "default", []step{
			{cpAdd, couponBody("c13", named(magicCouponCreateFailed)), catalog.CouponCreateFailed},
			{cpGet, outCoupon("c13"), catalog.CouponNotFound}}},
		{catalog.CouponExpireFailed, "magic: expiring SHOPCONFORM_MAGIC_EXPIRE_FAILED", "default", then(effective("c14", named(magicCouponExpireFailed)), []step{
			{cpStatus, statusBody("c14", 3), catalog.CouponExpireFailed},
			{cpStatus, statusBody("c14", 4), 0}})},
		{catalog.CouponNotExpired, "expiring a valid_type 1 coupon before its end_time", "default", then(effective("c15", validRangeUntil(now0+86400)), []step{
			{cpStatus, statusBody("c15", 3), catalog.CouponNotExpired}},
			effective("c15b", validRangeUntil(now0-1)), []step{{cpStatus, statusBody("c15b", 3), 0}})},
		{catalog.CouponVoidFailed, "magic: voiding SHOPCONFORM_MAGIC_VOID_FAILED", "default", then(effective("c16", named(magicCouponVoidFailed)), []step{
			{cpStatus, statusBody("c16", 4), catalog.CouponVoidFailed},
			{cpStatus, statusBody("c16", 3), 0}})},
		{catalog.CouponDeleteFailed, "magic: deleting SHOPCONFORM_MAGIC_DELETE_FAILED", "default", []step{
			{cpAdd, couponBody("c17", named(magicCouponDeleteFailed)), 0},
			{cpStatus, statusBody("c17", 5), catalog.CouponDeleteFailed},
			{cpUpdate, couponBody("c17"), 0}}}, // still editing
		{catalog.CouponNotEditableOnceEffective, "update of an effective coupon", "default", then(effective("c18"), []step{
			{cpUpdate, couponBody("c18"), catalog.CouponNotEditableOnceEffective}})},
		{catalog.CouponValidTypeUnknown, "valid_type 0, 9 or missing (§3.7)", "default", []step{
			{cpAdd, couponBody("c24", setAt("coupon.coupon_info.valid_info.valid_type", 0)), catalog.CouponValidTypeUnknown},
			{cpAdd, couponBody("c24", setAt("coupon.coupon_info.valid_info.valid_type", 9)), catalog.CouponValidTypeUnknown},
			{cpAdd, couponBody("c24", delAt("coupon.coupon_info.valid_info.valid_type")), catalog.CouponValidTypeUnknown}}},
		{catalog.CouponActivityTooHot, "magic: a user coupon id containing SHOPCONFORM_MAGIC_TOO_HOT", "default", then(effective("c25"), []step{
			{cpGrant, grantBody(me, "u-SHOPCONFORM_MAGIC_TOO_HOT-1", "c25", 100), catalog.CouponActivityTooHot},
			{cpGrant, grantBody(me, "u25", "c25", 100), 0}})},
		{catalog.UserCouponIDMissing, "user_coupon.out_user_coupon_id missing", "default", then(granted(me, "u26", "c26"), []step{
			{cpGrant, `{"openid":"` + me + `","user_coupon":{"out_coupon_id":"c26","status":100}}`, catalog.UserCouponIDMissing},
			{cpGrant, `{"openid":"` + me + `"}`, catalog.UserCouponIDMissing},
			{cpRedeem, `{"openid":"` + me + `","user_coupon":{"out_coupon_id":"c26"},"recv_time":0}`, catalog.UserCouponIDMissing}})},
		{catalog.UserCouponOutCouponIDMissing, "the user coupon's out_coupon_id missing", "default", then(granted(me, "u27", "c27"), []step{
			{cpGrant, `{"openid":"` + me + `","user_coupon":{"out_user_coupon_id":"u27b","status":100}}`, catalog.UserCouponOutCouponIDMissing},
			{cpRedeem, `{"openid":"` + me + `","user_coupon":{"out_user_coupon_id":"u27"}}`, catalog.UserCouponOutCouponIDMissing},
			{cpUserStatus, `{"openid":"` + me + `","out_user_coupon_id":"u27","status":102}`, catalog.UserCouponOutCouponIDMissing}})},
		{catalog.CouponNotConfirmed, "every API but confirm before confirm", "coupon-push-off", []step{
			{cpAdd, couponBody("c28"), catalog.CouponNotConfirmed}, {cpAdd, `{}`, catalog.CouponNotConfirmed},
			{cpGet, outCoupon("c28"), catalog.CouponNotConfirmed}, {cpList, `{"page_size":10}`, catalog.CouponNotConfirmed},
			{cpUpdate, couponBody("c28"), catalog.CouponNotConfirmed}, {cpStatus, statusBody("c28", 2), catalog.CouponNotConfirmed},
			{cpStock, stockBody("c28", 1, 0), catalog.CouponNotConfirmed}, {cpGrant, `{}`, catalog.CouponNotConfirmed},
			{cpUserList, `{"page_size":10}`, catalog.CouponNotConfirmed}, {cpRedeem, `{}`, catalog.CouponNotConfirmed},
			{cpUserStatus, `{}`, catalog.CouponNotConfirmed}}},
		{catalog.CouponStatusNotSettable, "coupon.status in the body", "default", []step{
			{cpAdd, couponBody("c34", setAt("coupon.status", 2)), catalog.CouponStatusNotSettable},
			{cpAdd, couponBody("c34", setAt("coupon.status", 1)), catalog.CouponStatusNotSettable},
			{cpAdd, couponBody("c34"), 0},
			{cpUpdate, couponBody("c34", setAt("coupon.status", 1)), catalog.CouponStatusNotSettable}}},
		{catalog.CouponChannelsInfoInvalid, "promote_type 4 without finder.nickname", "default", []step{
			{cpAdd, couponBody("c35", setAt("coupon.promote_type", 4), setAt("coupon.coupon_info.promote_info", map[string]any{"promote_type": 4})), catalog.CouponChannelsInfoInvalid},
			{cpAdd, couponBody("c35", setAt("coupon.promote_type", 4), setAt("coupon.coupon_info.promote_info", map[string]any{"promote_type": 4, "finder": map[string]any{"nickname": ""}})), catalog.CouponChannelsInfoInvalid},
			{cpAdd, couponBody("c35", setAt("coupon.promote_type", 4), setAt("coupon.coupon_info.promote_info", map[string]any{"promote_type": 4, "finder": map[string]any{"nickname": "视频号"}})), 0}}},
		{catalog.CouponNameTooLong, "a name over 32 characters", "default", []step{
			{cpAdd, couponBody("c36", named(long(33))), catalog.CouponNameTooLong},
			{cpAdd, couponBody("c36", named(long(32))), 0}}},
		{catalog.CouponIDTooLong, "an out_coupon_id over 64 characters", "default", []step{
			{cpAdd, couponBody(strings.Repeat("x", 65)), catalog.CouponIDTooLong},
			{cpAdd, couponBody(strings.Repeat("x", 64)), 0}}},
		{catalog.UserCouponOpenIDInvalid, "openid missing, malformed or another appid's on the four user APIs", "default", then(granted(me, "u39", "c39"), []step{
			{cpGrant, grantBody("", "u39b", "c39", 100), catalog.UserCouponOpenIDInvalid},
			{cpGrant, grantBody("xxx", "u39b", "c39", 100), catalog.UserCouponOpenIDInvalid},
			{cpGrant, grantBody(stranger, "u39b", "c39", 100), catalog.UserCouponOpenIDInvalid},
			{cpGrant, `{"openid":12,"user_coupon":{}}`, catalog.UserCouponOpenIDInvalid},
			{cpUserList, `{"page_size":10}`, catalog.UserCouponOpenIDInvalid},
			{cpUserList, `{"openid":"` + stranger + `","page_size":10}`, catalog.UserCouponOpenIDInvalid},
			{cpRedeem, redeemBody(stranger, "u39", "c39", now0), catalog.UserCouponOpenIDInvalid},
			{cpUserStatus, userStatusBody("xxx", "u39", "c39", 102), catalog.UserCouponOpenIDInvalid}})},
		{catalog.UserCouponStatusUpdateFailed, "magic: update_usercoupon_status of SHOPCONFORM_MAGIC_UPDATE_FAILED", "default", then(granted(me, "u-SHOPCONFORM_MAGIC_UPDATE_FAILED", "c41"), []step{
			{cpUserStatus, userStatusBody(me, "u-SHOPCONFORM_MAGIC_UPDATE_FAILED", "c41", 102), catalog.UserCouponStatusUpdateFailed},
			{cpUserStatus, userStatusBody(me, "u-SHOPCONFORM_MAGIC_UPDATE_FAILED", "c41", 100), catalog.UserCouponStatusInvalid}})},
		{catalog.UserCouponMerchantIDMissing, "update_usercoupon_status without out_user_coupon_id", "default", []step{
			{cpUserStatus, `{"openid":"` + me + `","out_coupon_id":"c42","status":102}`, catalog.UserCouponMerchantIDMissing}}},
		{catalog.CouponStatusInvalid, "a grant of a coupon not effective", "default", []step{
			{cpAdd, couponBody("c43"), 0}, {cpGrant, grantBody(me, "u43", "c43", 100), catalog.CouponStatusInvalid},
			{cpStatus, statusBody("c43", 2), 0}, {cpStatus, statusBody("c43", 3), 0},
			{cpGrant, grantBody(me, "u43", "c43", 100), catalog.CouponStatusInvalid}}},
		{catalog.UserCouponStatusInvalid, "a grant not 100; an illegal user-coupon move (§3.7: 102 → 100)", "default", then(effective("c44"), []step{
			{cpGrant, grantBody(me, "u44", "c44", 101), catalog.UserCouponStatusInvalid},
			{cpGrant, `{"openid":"` + me + `","user_coupon":{"out_user_coupon_id":"u44","out_coupon_id":"c44"}}`, catalog.UserCouponStatusInvalid},
			{cpGrant, grantBody(me, "u44", "c44", 100), 0},
			{cpUserStatus, userStatusBody(me, "u44", "c44", 100), catalog.UserCouponStatusInvalid},
			{cpUserStatus, userStatusBody(me, "u44", "c44", 104), catalog.UserCouponStatusInvalid},
			{cpUserStatus, userStatusBody(me, "u44", "c44", 102), 0},
			{cpUserStatus, userStatusBody(me, "u44", "c44", 100), catalog.UserCouponStatusInvalid},
			{cpUserStatus, userStatusBody(me, "u44", "c44", 103), catalog.UserCouponStatusInvalid}})},
		{catalog.UserCouponUpdateFailed, "magic: update_user_coupon of SHOPCONFORM_MAGIC_UPDATE_FAILED", "default", then(granted(me, "u-SHOPCONFORM_MAGIC_UPDATE_FAILED-45", "c45"), []step{
			{cpRedeem, redeemBody(me, "u-SHOPCONFORM_MAGIC_UPDATE_FAILED-45", "c45", now0), catalog.UserCouponUpdateFailed}})},
		{catalog.CouponInfoMissing, "coupon_info missing", "default", []step{
			{cpAdd, couponBody("c46", delAt("coupon.coupon_info")), catalog.CouponInfoMissing},
			{cpAdd, couponBody("c46", setAt("coupon.coupon_info", "x")), catalog.CouponInfoMissing}}},
		{catalog.CouponNameMissing, "name missing", "default", []step{
			{cpAdd, couponBody("c47", delAt("coupon.coupon_info.name")), catalog.CouponNameMissing},
			{cpAdd, couponBody("c47", named("")), catalog.CouponNameMissing}}},
		{catalog.CouponPromoteInfoMissing, "promote_info missing", "default", []step{
			{cpAdd, couponBody("c48", delAt("coupon.coupon_info.promote_info")), catalog.CouponPromoteInfoMissing}}},
		{catalog.CouponDiscountInfoMissing, "discount_info missing", "default", []step{
			{cpAdd, couponBody("c49", delAt("coupon.coupon_info.discount_info")), catalog.CouponDiscountInfoMissing}}},
		{catalog.CouponReceiveInfoMissing, "receive_info missing", "default", []step{
			{cpAdd, couponBody("c50", delAt("coupon.coupon_info.receive_info")), catalog.CouponReceiveInfoMissing}}},
		{catalog.CouponValidInfoMissing, "valid_info missing", "default", []step{
			{cpAdd, couponBody("c51", delAt("coupon.coupon_info.valid_info")), catalog.CouponValidInfoMissing},
			{cpUpdate, couponBody("c51", delAt("coupon.coupon_info.valid_info")), catalog.CouponValidInfoMissing}}},
		{catalog.UserCouponRedemptionInvalid, "use_time before the receipt, in the future, or not a number", "default", then(granted(me, "u52", "c52"), []step{
			{cpRedeem, redeemBody(me, "u52", "c52", now0-1), catalog.UserCouponRedemptionInvalid},
			{cpRedeem, redeemBody(me, "u52", "c52", now0+60), catalog.UserCouponRedemptionInvalid},
			{cpRedeem, `{"openid":"` + me + `","user_coupon":{"out_user_coupon_id":"u52","out_coupon_id":"c52","ext_info":{"use_time":"soon"}}}`, catalog.UserCouponRedemptionInvalid},
			{cpRedeem, redeemBody(me, "u52", "c52", now0), 0}})},
		{catalog.CouponPromoteTypeMismatch, "promote_type 1 outside, 4 inside; or missing", "default", []step{
			{cpAdd, couponBody("c53", setAt("coupon.coupon_info.promote_info.promote_type", 4)), catalog.CouponPromoteTypeMismatch},
			{cpAdd, couponBody("c53", delAt("coupon.promote_type")), catalog.CouponPromoteTypeMismatch},
			{cpAdd, couponBody("c53", delAt("coupon.coupon_info.promote_info.promote_type")), catalog.CouponPromoteTypeMismatch}}},
		{catalog.CouponTypeInvalid, "type 7, 105, a string, missing (§3.7)", "default", []step{
			{cpAdd, couponBody("c54", setAt("coupon.type", 7)), catalog.CouponTypeInvalid},
			{cpAdd, couponBody("c54", setAt("coupon.type", 105)), catalog.CouponTypeInvalid},
			{cpAdd, couponBody("c54", setAt("coupon.type", "101")), catalog.CouponTypeInvalid},
			{cpAdd, couponBody("c54", delAt("coupon.type")), catalog.CouponTypeInvalid}}},
		{catalog.CouponExpiryTypeInvalid, "valid_type without its companion fields", "default", []step{
			{cpAdd, couponBody("c55", setAt("coupon.coupon_info.valid_info", map[string]any{"valid_type": 1, "start_time": now0})), catalog.CouponExpiryTypeInvalid},
			{cpAdd, couponBody("c55", setAt("coupon.coupon_info.valid_info", map[string]any{"valid_type": 1, "start_time": now0, "end_time": now0 - 1})), catalog.CouponExpiryTypeInvalid},
			{cpAdd, couponBody("c55", setAt("coupon.coupon_info.valid_info", map[string]any{"valid_type": 2})), catalog.CouponExpiryTypeInvalid},
			{cpAdd, couponBody("c55", setAt("coupon.coupon_info.valid_info", map[string]any{"valid_type": 2, "valid_day_num": 0})), catalog.CouponExpiryTypeInvalid},
			{cpAdd, couponBody("c55", setAt("coupon.coupon_info.valid_info", map[string]any{"valid_type": 3, "valid_second": -5})), catalog.CouponExpiryTypeInvalid},
			{cpAdd, couponBody("c55", setAt("coupon.coupon_info.valid_info", map[string]any{"valid_type": 2, "valid_day_num": 7})), 0}}},
	}
}

// TestCouponCodes: each request-reachable §3.7 code from the requests
// and state §3.7 names.
func TestCouponCodes(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		for _, tc := range couponCodeCases(t, tg) {
			t.Run(tc.name, func(t *testing.T) { run(t, tg, tc.profile, tc.steps...) })
		}
	})
}

// TestEveryCouponCodeIsReached: the cases here and in
// coupon_confirm_test.go reach every code 1090001–1090055 of the vendor
// page (51 codes).
func TestEveryCouponCodeIsReached(t *testing.T) {
	sb, _ := newSandbox(t, nil)
	tg := &target{sb: sb}
	reached := map[catalog.Code]bool{}
	for _, tc := range couponCodeCases(t, tg) {
		reached[tc.code] = true
		for _, s := range tc.steps {
			reached[s.want] = true
		}
	}
	for _, c := range confirmCases() {
		reached[c.want] = true
	}
	n := 0
	for _, e := range catalog.Default().InDomain(catalog.Coupon) {
		if e.Code < 1090001 || e.Code > 1090055 {
			continue
		}
		n++
		if !reached[e.Code] {
			t.Errorf("no test reaches %d (%s)", int(e.Code), e.Text)
		}
	}
	if n != 51 {
		t.Errorf("the vendor page has 51 codes 1090001–1090055; the catalog has %d", n)
	}
}

// TestCouponSuccessShapes: the documented success fields of get, get_list
// and get_usercoupon_list (§2.8), and add answering only errcode 0.
func TestCouponSuccessShapes(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		resp := post(t, tg, tok, cpAdd, couponBody("shape"))
		wantCode(t, resp, 0)
		if len(resp) != 2 {
			t.Errorf("add answered %v; want errcode and errmsg only", resp)
		}
		resp = post(t, tg, tok, cpGet, outCoupon("shape"))
		wantCode(t, resp, 0)
		wantFields(t, resp, "result.coupon.out_coupon_id", "result.coupon.appid", "result.coupon.type", "result.coupon.promote_type",
			"result.coupon.coupon_info.name", "result.coupon.coupon_info.valid_info.valid_second", "result.coupon.status",
			"result.coupon.create_time", "result.coupon.update_time",
			"result.coupon_stock.out_coupon_id", "result.coupon_stock.stock_info.issued_num", "result.coupon_stock.stock_info.receive_num",
			"result.coupon_stock.create_time", "result.coupon_stock.update_time")
		if at(t, resp, "result.coupon.appid") != accountOf(t, tg, "default").AppID || num(t, resp, "result.coupon.type") != "102" ||
			num(t, resp, "result.coupon.create_time") != itoa(int(now0)) || at(t, resp, "result.coupon.coupon_info.name") != "满100减10" {
			t.Errorf("get answered %v", resp)
		}
		for _, s := range effective("shape2") {
			wantCode(t, post(t, tg, tok, s.path, s.body), 0)
		}
		wantCode(t, post(t, tg, tok, cpGrant, grantBody(me, "shape-u", "shape2", 100)), 0)

		resp = post(t, tg, tok, cpList, `{"page_size":10}`)
		wantCode(t, resp, 0)
		wantFields(t, resp, "result_list.0.coupon.out_coupon_id", "result_list.1.coupon_stock.stock_info.issued_num", "total_num")
		if num(t, resp, "total_num") != "2" || at(t, resp, "result_list.0.coupon.out_coupon_id") != "shape" || num(t, resp, "result_list.1.coupon_stock.stock_info.issued_num") != "99" {
			t.Errorf("get_list answered %v", resp)
		}
		resp = post(t, tg, tok, cpList, `{"page_size":1,"offset":1}`)
		if list := at(t, resp, "result_list").([]any); len(list) != 1 || at(t, resp, "result_list.0.coupon.out_coupon_id") != "shape2" || num(t, resp, "total_num") != "2" {
			t.Errorf("page 2 of 1 answered %v", resp)
		}
		resp = post(t, tg, tok, cpList, `{"page_size":10,"offset":5}`)
		if list := at(t, resp, "result_list").([]any); len(list) != 0 {
			t.Errorf("past the end answered %v", resp)
		}

		resp = post(t, tg, tok, cpUserList, `{"openid":"`+me+`","page_size":10,"offset":0}`)
		wantCode(t, resp, 0)
		wantFields(t, resp, "result_list.0.out_user_coupon_id", "result_list.0.openid", "result_list.0.out_coupon_id", "result_list.0.status",
			"result_list.0.create_time", "result_list.0.update_time", "result_list.0.start_time", "result_list.0.end_time",
			"result_list.0.ext_info.use_time", "total_num")
		if num(t, resp, "result_list.0.status") != "100" || num(t, resp, "result_list.0.end_time") != itoa(int(now0+86400)) || num(t, resp, "total_num") != "1" {
			t.Errorf("get_usercoupon_list answered %v", resp)
		}
		other := accountOf(t, tg, "default").OpenIDs[1]
		resp = post(t, tg, tok, cpUserList, `{"openid":"`+other+`","page_size":10}`)
		if list := at(t, resp, "result_list").([]any); len(list) != 0 || num(t, resp, "total_num") != "0" {
			t.Errorf("another user's list answered %v", resp)
		}
		// Paging without a usable page_size or offset (990007, §2.8 R).
		wantCode(t, post(t, tg, tok, cpList, `{}`), catalog.ParameterMissing)
		wantCode(t, post(t, tg, tok, cpList, `{"page_size":0}`), catalog.ParameterMissing)
		wantCode(t, post(t, tg, tok, cpList, `{"page_size":10,"offset":-1}`), catalog.ParameterMissing)
		wantCode(t, post(t, tg, tok, cpUserList, `{"openid":"`+me+`"}`), catalog.ParameterMissing)
		wantCode(t, post(t, tg, tok, cpList, `{"page_size":101}`), catalog.PageSizeTooLarge)
		wantCode(t, post(t, tg, tok, cpUserList, `{"openid":"`+me+`","page_size":201}`), catalog.PageSizeTooLarge)
		wantCode(t, post(t, tg, tok, cpStock, `{"coupon_stock":{"out_coupon_id":"shape2","stock_info":{"issued_num":-1,"receive_num":0}}}`), catalog.ParameterMissing)
		wantCode(t, post(t, tg, tok, cpGrant, `{"openid":"`+me+`","user_coupon":{"out_user_coupon_id":"shape-v","out_coupon_id":"shape2","status":100},"recv_time":"now"}`), catalog.ParameterMissing)
	})
}
