package refsandbox

import "github.com/shopconform/shopconform/catalog"

// Magic values stand in for codes that no request can provoke, the way
// Stripe's test cards do: a top-level string field of the body equal to a
// value below makes the call answer its code. They are checked after
// quota and rate and before the field rules, so a case can ask for them
// on any endpoint with an otherwise empty body. README.md lists them.
type magicValue struct {
	value string
	code  catalog.Code
	why   string
}

// magicValues is the whole table; add a line to add a value.
func magicValues() []magicValue {
	return []magicValue{
		{"SHOPCONFORM_MAGIC_BUSY", catalog.SystemBusy, "990010 is a transient backend state (§3.1, NS): nothing a client sends provokes it"},
		{"SHOPCONFORM_MAGIC_SYSTEM_ERROR", catalog.SystemError, "-1 is a backend failure (§5): nothing a client sends provokes it reliably"},
	}
}

// findMagic looks at top-level strings only: nested values are data the
// domain handlers own. The table order decides when two values appear.
func findMagic(body map[string]any) (magicValue, bool) {
	for _, m := range magicValues() {
		for _, v := range body {
			if v == m.value {
				return m, true
			}
		}
	}
	return magicValue{}, false
}

// Magic values that a domain handler looks for itself (README "Magic
// values"). They stand for a backend failure that happens after
// every rule a request can break, so the handler checks them last, where
// the failure would happen, rather than the magic stage first. The magic
// stage ignores them; README.md lists them with the others.
const (
	magicReviewPushFailed = "SHOPCONFORM_MAGIC_REVIEW_PUSH_FAILED" // spu/add, spu/update: title equal to it
	magicUploadAbnormal   = "SHOPCONFORM_MAGIC_UPLOAD_ABNORMAL"    // img/upload: upload_type 1, img_url containing it
	magicEncryptionFailed = "SHOPCONFORM_MAGIC_ENCRYPTION_FAILED"  // img/upload: resp_type 2, upload_type 1, img_url containing it
	// Orders.
	magicOrderUpdateFailed = "SHOPCONFORM_MAGIC_ORDER_UPDATE_FAILED" // order/pay: action_remark equal to it
	magicTicketFailed      = "SHOPCONFORM_MAGIC_TICKET_FAILED"       // old-flow order/add: out_order_id containing it
	// Coupons: codes only a broken backend gives.
	magicCouponCreateFailed     = "SHOPCONFORM_MAGIC_CREATE_FAILED" // coupon/add: coupon_info.name equal to it
	magicCouponStockExists      = "SHOPCONFORM_MAGIC_STOCK_EXISTS"  // update_status 1 → 2 of a coupon so named
	magicCouponExpireFailed     = "SHOPCONFORM_MAGIC_EXPIRE_FAILED" // update_status → 3 of a coupon so named
	magicCouponVoidFailed       = "SHOPCONFORM_MAGIC_VOID_FAILED"   // update_status → 4 of a coupon so named
	magicCouponDeleteFailed     = "SHOPCONFORM_MAGIC_DELETE_FAILED" // update_status → 5 of a coupon so named
	magicCouponTooHot           = "SHOPCONFORM_MAGIC_TOO_HOT"       // add_user_coupon: user_coupon.out_user_coupon_id containing it
	magicUserCouponUpdateFailed = "SHOPCONFORM_MAGIC_UPDATE_FAILED" // update_usercoupon_status / update_user_coupon: out_user_coupon_id containing it
)

// handlerMagicValues is the table of those values, for the README check
// and the tests.
func handlerMagicValues() []magicValue {
	return []magicValue{
		{magicReviewPushFailed, catalog.ProductSubmitReviewFailed, "1000017 is a failed push to review (§3.2, I, NS); the draft is saved, not submitted"},
		{magicUploadAbnormal, catalog.UploadAbnormalResult, "1070003 is a storage anomaly (§3.6, I, NS)"},
		{magicEncryptionFailed, catalog.UploadEncryptionFailed, "1070004 is a failed WeChat Pay encryption (§3.6, I, NS)"},
		{magicOrderUpdateFailed, catalog.OrderUpdateFailed, "1010006 is a failed order write (§3.3, I, NS); the order is unchanged"},
		{magicTicketFailed, catalog.TicketFetchFailed, "1030002 is a failed ticket backend (§3.3, I, NS); nothing is saved"},
		{magicCouponCreateFailed, catalog.CouponCreateFailed, "1090013 is a failed coupon creation (§3.7, I, NS); nothing is saved"},
		{magicCouponStockExists, catalog.CouponStockAlreadyExists, "1090006 is a stock created twice (§3.7, I, NS): activation creates it once; the coupon stays in 1"},
		{magicCouponExpireFailed, catalog.CouponExpireFailed, "1090014 is a failed expiry (§3.7, I, NS); the coupon stays in 2"},
		{magicCouponVoidFailed, catalog.CouponVoidFailed, "1090016 is a failed voiding (§3.7, I, NS); the coupon stays in 2"},
		{magicCouponDeleteFailed, catalog.CouponDeleteFailed, "1090017 is a failed deletion (§3.7, I, NS); the coupon keeps its status"},
		{magicCouponTooHot, catalog.CouponActivityTooHot, "1090025 is contention (§3.7, I, NS); nothing is granted"},
		{magicUserCouponUpdateFailed, catalog.UserCouponStatusUpdateFailed, "1090041 is a failed user-coupon status update (§3.7, I, NS: the update_usercoupon_status path)"},
		{magicUserCouponUpdateFailed, catalog.UserCouponUpdateFailed, "1090045 is a failed user-coupon update (§3.7, I, NS: the update_user_coupon path)"},
	}
}
