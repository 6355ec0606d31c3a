package refsandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// couponRule is one rule of the coupon body and an edit that breaks it
// alone. pairSkip > 0 pairs it with the rule that many places further
// on instead of the next one, whose breakage would hide it.
type couponRule struct {
	code     catalog.Code
	name     string
	breakIt  edit
	pairSkip int
}

// couponBodyRules are the coupon body's rules in the spec's order
// (apispec/data/coupon.json, the add endpoint's first note): the
// capability aside, the coupon's own fields in the order of the page's
// table, then coupon_info depth first.
func couponBodyRules() []couponRule {
	return []couponRule{
		{catalog.CouponOutCouponIDMissing, "out_coupon_id missing", delAt("coupon.out_coupon_id"), 0},
		{catalog.CouponIDTooLong, "out_coupon_id over 64", setAt("coupon.out_coupon_id", strings.Repeat("x", 65)), 0},
		{catalog.CouponStatusNotSettable, "coupon.status sent", setAt("coupon.status", 1), 0},
		{catalog.CouponTypeInvalid, "type 7", setAt("coupon.type", 7), 0},
		{catalog.CouponPromoteTypeMismatch, "promote_type 99", setAt("coupon.promote_type", 99), 0},
		// The two promote_types compare only once both are there: paired
		// with the name, not with coupon_info missing.
		{catalog.CouponPromoteTypeMismatch, "promote_type 2 outside, 1 inside", setAt("coupon.promote_type", 2), 1},
		{catalog.CouponInfoMissing, "coupon_info missing", delAt("coupon.coupon_info"), 0},
		{catalog.CouponNameMissing, "name missing", delAt("coupon.coupon_info.name"), 0},
		{catalog.CouponNameTooLong, "name over 32", named(strings.Repeat("名", 33)), 0},
		{catalog.CouponPromoteInfoMissing, "promote_info missing", delAt("coupon.coupon_info.promote_info"), 0},
		{catalog.CouponChannelsInfoInvalid, "Channels without finder", func(b map[string]any) {
			setAt("coupon.promote_type", 4)(b)
			setAt("coupon.coupon_info.promote_info.promote_type", 4)(b)
		}, 0},
		{catalog.CouponDiscountInfoMissing, "discount_info missing", delAt("coupon.coupon_info.discount_info"), 0},
		{catalog.CouponProductsMissing, "no products", setAt("coupon.coupon_info.discount_info.discount_condition.out_product_ids", []string{}), 0},
		{catalog.CouponTypeInvalid, "amount-off without discount_fee", delAt("coupon.coupon_info.discount_info.discount_fee"), 0},
		{catalog.CouponReceiveInfoMissing, "receive_info missing", delAt("coupon.coupon_info.receive_info"), 0},
		{catalog.StartAfterEnd, "receipt starts after it ends", setAt("coupon.coupon_info.receive_info.start_time", now0+2592001), 0},
		{catalog.CouponValidInfoMissing, "valid_info missing", delAt("coupon.coupon_info.valid_info"), 0},
		{catalog.CouponValidTypeUnknown, "valid_type 9", setAt("coupon.coupon_info.valid_info.valid_type", 9), 0},
		{catalog.CouponExpiryTypeInvalid, "valid_type 1 without times", func(b map[string]any) {
			setAt("coupon.coupon_info.valid_info", map[string]any{"valid_type": 1})(b) // a fresh map: later edits change it
		}, 0},
		{catalog.CouponProductUnavailable, "a product never added", setAt("coupon.coupon_info.discount_info.discount_condition.out_product_ids", []string{"never-added"}), 0},
	}
}

// TestCouponPrecedence pins the order of checks of each endpoint: each
// step breaks two adjacent rules, and the earlier one must answer.
func TestCouponPrecedence(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		// The body is a product coupon on a listed product, so that every
		// rule can be broken; later breakages go first, so that an earlier
		// one (a deleted object) cannot undo them.
		rules := couponBodyRules()
		chain := []step{{add, spuBody("prec-p"), 0}}
		for i, r := range rules {
			chain = append(chain, step{cpAdd, couponBody("prec", forProducts("prec-p"), r.breakIt), r.code})
			if j := i + 1 + r.pairSkip; j < len(rules) {
				chain = append(chain, step{cpAdd, couponBody("prec", forProducts("prec-p"), rules[j].breakIt, r.breakIt), r.code})
			}
		}
		chain = append(chain,
			step{cpAdd, couponBody("prec", forProducts("prec-p")), 0},
			step{cpAdd, couponBody("prec", forProducts("never-added")), catalog.CouponProductUnavailable}, // state in order: products, then the id
			step{cpAdd, couponBody("prec", forProducts("prec-p")), catalog.CouponAlreadyExists},
			step{cpAdd, couponBody("prec", forProducts("prec-p"), setAt("coupon.status", 2)), catalog.CouponStatusNotSettable})
		run(t, tg, "reviews-approve", chain...)

		// update: the body → exists → editing (1090018 at 2, 1090008 after).
		run(t, tg, "reviews-approve",
			step{cpUpdate, couponBody("prec-none", setAt("coupon.type", 7)), catalog.CouponTypeInvalid},
			step{cpUpdate, couponBody("prec-none"), catalog.CouponNotFound},
			step{cpStatus, statusBody("prec", 2), 0},
			step{cpUpdate, couponBody("prec", delAt("coupon.coupon_info.name")), catalog.CouponNameMissing},
			step{cpUpdate, couponBody("prec"), catalog.CouponNotEditableOnceEffective})

		// update_status: 1090007 → the status an integer (1090010) →
		// 1090001 → the move, the enum included (1090010) → 1090015 → magic.
		run(t, tg, "default", then(effective("ps", validRangeUntil(now0+60), named(magicCouponExpireFailed)), []step{
			{cpStatus, `{"status":"x"}`, catalog.CouponOutCouponIDMissing},
			{cpStatus, `{"out_coupon_id":"ps-none","status":"x"}`, catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("ps-none", 9), catalog.CouponNotFound},
			{cpStatus, statusBody("ps", 9), catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("ps", 1), catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("ps", 3), catalog.CouponNotExpired}})...)
		tg.clock.advance(2 * time.Minute)
		run(t, tg, "default", step{cpStatus, statusBody("ps", 3), catalog.CouponExpireFailed})

		// update_coupon_stock: 1090007 → stock_info (990007) → 1090001 →
		// 1090005.
		run(t, tg, "default",
			step{cpAdd, couponBody("pst"), 0},
			step{cpStock, `{"coupon_stock":{"out_coupon_id":""}}`, catalog.CouponOutCouponIDMissing},
			step{cpStock, `{"coupon_stock":{"out_coupon_id":"pst-none"}}`, catalog.ParameterMissing},
			step{cpStock, stockBody("pst-none", -1, 0), catalog.ParameterMissing},
			step{cpStock, stockBody("pst-none", 1, 0), catalog.CouponNotFound},
			step{cpStock, stockBody("pst", 1, 0), catalog.CouponStockNotFound},
			step{cpStatus, statusBody("pst", 2), 0},
			step{cpStock, stockBody("pst", 1, 0), 0})

		// add_user_coupon: 1090039 → 1090026 → 1090027 → the status enum
		// (1090044) → recv_time (990007) → 1090001 → 1090043 → a grant is
		// 100 (1090044) → stock (1090009) → 1090004 → the user's limit
		// (1090009) → 1090025 (magic).
		dme := accountOf(t, tg, "default").OpenIDs[0]
		other := accountOf(t, tg, "default").OpenIDs[1]
		uc := func(openid, ucID, cID string, status int) string {
			return jsonText(map[string]any{"openid": openid, "user_coupon": map[string]any{"out_user_coupon_id": ucID, "out_coupon_id": cID, "status": status}})
		}
		hot := "SHOPCONFORM_MAGIC_TOO_HOT"
		run(t, tg, "default", then(granted(dme, "pu-1", "pu"), []step{
			{cpStock, stockBody("pu", 0, 1), 0},
			{cpAdd, couponBody("pu-editing"), 0},
			{cpGrant, uc("", "", "", 99), catalog.UserCouponOpenIDInvalid},
			{cpGrant, uc(dme, "", "", 99), catalog.UserCouponIDMissing},
			{cpGrant, uc(dme, "pu-1", "", 99), catalog.UserCouponOutCouponIDMissing},
			{cpGrant, uc(dme, "pu-1", "pu-none", 99), catalog.UserCouponStatusInvalid},
			{cpGrant, `{"openid":"` + dme + `","user_coupon":{"out_user_coupon_id":"pu-1","out_coupon_id":"pu-none","status":101},"recv_time":-1}`, catalog.ParameterMissing},
			{cpGrant, uc(dme, "pu-1", "pu-none", 101), catalog.CouponNotFound},
			{cpGrant, uc(dme, "pu-1", "pu-editing", 101), catalog.CouponStatusInvalid},
			{cpGrant, uc(dme, "pu-1", "pu", 101), catalog.UserCouponStatusInvalid},
			{cpGrant, uc(dme, "pu-1", "pu", 100), catalog.CouponStockInsufficient},
			{cpStock, stockBody("pu", 5, 1), 0},
			{cpGrant, uc(dme, "pu-1", "pu", 100), catalog.UserCouponAlreadyExists},
			{cpGrant, uc(dme, "pu-2"+hot, "pu", 100), catalog.CouponStockInsufficient},
			{cpGrant, uc(other, "pu-2"+hot, "pu", 100), catalog.CouponActivityTooHot},
			{cpGrant, uc(other, "pu-2", "pu", 100), 0}})...)

		// update_user_coupon: 1090039 → 1090026 → 1090027 → use_time
		// (1090052) → recv_time (990007) → use_time before recv_time
		// (1090052) → 1090003 → 1090045 (magic).
		me := accountOf(t, tg, "reviews-approve").OpenID
		magicID := "pr-" + magicUserCouponUpdateFailed
		redeem := func(openid, ucID, cID string, use any, recv ...int64) string {
			b := map[string]any{"openid": openid, "user_coupon": map[string]any{"out_user_coupon_id": ucID, "out_coupon_id": cID, "ext_info": map[string]any{"use_time": use}}}
			if len(recv) > 0 {
				b["recv_time"] = recv[0]
			}
			return jsonText(b)
		}
		run(t, tg, "reviews-approve", then(granted(me, magicID, "pr"), []step{
			{cpRedeem, redeem("xxx", "", "", now0+9999), catalog.UserCouponOpenIDInvalid},
			{cpRedeem, redeem(me, "", "", now0+9999), catalog.UserCouponIDMissing},
			{cpRedeem, redeem(me, magicID, "", now0+9999), catalog.UserCouponOutCouponIDMissing},
			{cpRedeem, redeem(me, magicID, "pr-none", now0+9999), catalog.UserCouponRedemptionInvalid},
			{cpRedeem, redeem(me, magicID, "pr-none", now0-10), catalog.ParameterMissing},
			{cpRedeem, redeem(me, magicID, "pr-none", now0-10, now0), catalog.UserCouponRedemptionInvalid},
			{cpRedeem, redeem(me, magicID, "pr-none", now0, now0), catalog.UserCouponNotFound},
			{cpRedeem, redeem(me, magicID, "pr", now0, now0), catalog.UserCouponUpdateFailed}})...)

		// update_usercoupon_status: 1090039 → 1090027 → 1090042 → the
		// status an integer (1090044) → 1090003 → the move, the enum
		// included (1090044) → 1090041 (magic).
		run(t, tg, "reviews-approve",
			step{cpUserStatus, `{"status":9}`, catalog.UserCouponOpenIDInvalid},
			step{cpUserStatus, `{"openid":"` + me + `","status":9}`, catalog.UserCouponOutCouponIDMissing},
			step{cpUserStatus, `{"openid":"` + me + `","out_coupon_id":"pr","status":9}`, catalog.UserCouponMerchantIDMissing},
			step{cpUserStatus, `{"openid":"` + me + `","out_coupon_id":"pr","out_user_coupon_id":"pr-none","status":"9"}`, catalog.UserCouponStatusInvalid},
			step{cpUserStatus, userStatusBody(me, "pr-none", "pr", 9), catalog.UserCouponNotFound},
			step{cpUserStatus, userStatusBody(me, magicID, "pr", 9), catalog.UserCouponStatusInvalid},
			step{cpUserStatus, userStatusBody(me, magicID, "pr", 103), catalog.UserCouponStatusUpdateFailed})

		// Around the coupon world: the magic stage (990010) comes before
		// the capability (1090028), which comes before every field rule;
		// the content policy (87014) comes after every field rule.
		run(t, tg, "coupon-push-off",
			step{cpGet, `{"out_coupon_id":"SHOPCONFORM_MAGIC_BUSY"}`, catalog.SystemBusy},
			step{cpAdd, couponBody("pp", named("最佳券"), setAt("coupon.type", 7)), catalog.CouponNotConfirmed},
			step{cpList, `{"page_size":101}`, catalog.CouponNotConfirmed},
			step{cpUserList, `{"page_size":201}`, catalog.CouponNotConfirmed},
			step{cpGrant, `{"openid":"xxx"}`, catalog.CouponNotConfirmed})
		run(t, tg, "default",
			step{cpAdd, couponBody("pp", named("最佳券"), setAt("coupon.type", 7)), catalog.CouponTypeInvalid},
			step{cpAdd, couponBody("pp", named("最佳券")), catalog.ContentViolation})
		run(t, tg, "not-opened", step{cpConfirm, `{}`, catalog.APIUnauthorized})
	})
}
