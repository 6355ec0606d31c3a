package refsandbox

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// step is one call of a scenario and the code it must answer.
type step struct {
	path, body string
	want       catalog.Code
}

// run sends the steps in order as profile and stops at the first wrong code.
func run(t *testing.T, tg *target, profile string, steps ...step) {
	t.Helper()
	tok := token(t, tg, profile)
	for i, s := range steps {
		resp := post(t, tg, tok, s.path, s.body)
		if got := errcode(t, resp); got != s.want {
			t.Fatalf("%s step %d: %s %s = %d, want %d (%v)", profile, i+1, s.path, s.body, got, s.want, resp["errmsg"])
		}
	}
}

const (
	add         = "/shop/spu/add"
	update      = "/shop/spu/update"
	uwa         = "/shop/spu/update_without_audit"
	get         = "/shop/spu/get"
	delAudit    = "/shop/spu/del_audit"
	spuDelPath  = "/shop/spu/del"
	listing     = "/shop/spu/listing"
	delisting   = "/shop/spu/delisting"
	getList     = "/shop/spu/get_list"
	brandAudit  = "/shop/audit/audit_brand"
	catAudit    = "/shop/audit/audit_category"
	auditResPth = "/shop/audit/result"
)

// TestProductCodes provokes every §3.2 code by a request, or by the state
// earlier requests build, on the built-in profiles (refsandbox/README.md).
func TestProductCodes(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		for _, tc := range []struct {
			name, profile string
			steps         []step
		}{
			{"1000001 add without out_product_id", "default", []step{{add, spuBody("p", del("out_product_id")), catalog.ProductOutProductIDMissing}}},
			{"1000001 out_product_id not a string", "default", []step{{add, spuBody("p", set("out_product_id", 7)), catalog.ProductOutProductIDMissing}}},
			{"1000001 on every id-pair endpoint", "default", []step{
				{get, `{}`, catalog.ProductOutProductIDMissing}, {spuDelPath, `{"product_id":0}`, catalog.ProductOutProductIDMissing},
				{delAudit, `{"out_product_id":""}`, catalog.ProductOutProductIDMissing}, {update, `{"product_id":null}`, catalog.ProductOutProductIDMissing},
				{uwa, `{}`, catalog.ProductOutProductIDMissing}, {listing, `{}`, catalog.ProductOutProductIDMissing}, {delisting, `{}`, catalog.ProductOutProductIDMissing}}},
			{"1000002 update while under review (§3.2 trigger)", "default", []step{{add, spuBody("p2"), 0}, {update, spuBody("p2"), catalog.ProductUnderReview}}},
			{"1000002 del while under review", "default", []step{{add, spuBody("p2b"), 0}, {spuDelPath, ref("p2b"), catalog.ProductUnderReview}, {delAudit, ref("p2b"), 0}, {spuDelPath, ref("p2b"), 0}}},
			{"1000003 never approved", "default", []step{{add, spuBody("p3"), 0},
				{get, ref("p3"), catalog.ProductNeverApproved}, {get, `{"out_product_id":"p3","need_edit_spu":1}`, 0},
				{uwa, ref("p3"), catalog.ProductNeverApproved}, {listing, ref("p3"), catalog.ProductNeverApproved}}},
			{"1000004 new sku without review", "reviews-approve", []step{{add, spuBody("p4"), 0},
				{uwa, `{"out_product_id":"p4","skus":[{"out_sku_id":"p4-sku1","stock_num":5}]}`, 0},
				{uwa, `{"out_product_id":"p4","skus":[{"out_sku_id":"NEW-SKU","stock_num":5}]}`, catalog.ProductNewSKUNeedsReview}}},
			{"1000005 category needs an audit", "default", []step{{add, spuBody("p5", set("third_cat_id", 6301), set("qualification_pics", []string{"https://mmecimage.cn/p/shopconform/q.jpg"})), catalog.ProductCategoryNeedsQualification}}},
			{"1000006 brand not granted", "default", []step{{add, spuBody("p6", set("brand_id", 2200000001)), catalog.ProductBrandUnauthorized}}},
			{"1000007 level-1 id", "default", []step{{add, spuBody("p7", set("third_cat_id", 1001)), catalog.ProductCategoryNotLevel3}}},
			{"1000007 level-2 id", "default", []step{{add, spuBody("p7", set("third_cat_id", 1101)), catalog.ProductCategoryNotLevel3}}},
			{"1000008 pictures missing", "default", []step{{add, spuBody("p8", set("third_cat_id", 6201)), catalog.ProductQualificationPicsMissing},
				{add, spuBody("p8", set("third_cat_id", 6201), set("qualification_pics", []string{})), catalog.ProductQualificationPicsMissing}}},
			{"1000009 unknown category", "default", []step{{add, spuBody("p9", set("third_cat_id", 999999)), catalog.ProductCategoryNotFound}}},
			{"1000011 unknown ids", "default", []step{{get, ref("nope"), catalog.ProductNotFound}, {get, `{"product_id":"12x"}`, catalog.ProductNotFound},
				{spuDelPath, `{"product_id":18446744073709551615}`, catalog.ProductNotFound}, {update, spuBody("nope"), catalog.ProductNotFound},
				{uwa, ref("nope"), catalog.ProductNotFound}, {listing, ref("nope"), catalog.ProductNotFound}, {delisting, ref("nope"), catalog.ProductNotFound},
				{delAudit, ref("nope"), catalog.ProductNotFound}}},
			{"1000012 add twice, and after del", "default", []step{{add, spuBody("p12"), 0}, {add, spuBody("p12"), catalog.ProductAlreadyExists},
				{delAudit, ref("p12"), 0}, {spuDelPath, ref("p12"), 0}, {add, spuBody("p12"), catalog.ProductAlreadyExists}}},
			{"1000013 stale info_version", "default", []step{{add, spuBody("p13", set("info_version", "10")), 0},
				{update, spuBody("p13", set("info_version", "9")), catalog.ProductUpdateConflict},
				{uwa, `{"out_product_id":"p13","info_version":"2"}`, catalog.ProductUpdateConflict}}},
			{"1000013 compared as strings when not integers", "reviews-approve", []step{{add, spuBody("p13", set("info_version", "v2")), 0},
				{update, spuBody("p13", set("info_version", "v10")), catalog.ProductUpdateConflict}, {update, spuBody("p13", set("info_version", "v3")), 0},
				{update, spuBody("p13", set("info_version", 3)), catalog.ProductUpdateConflict}}},
			{"1000014 required fields", "default", []step{{add, spuBody("p", del("title")), catalog.ProductRequiredFieldMissing},
				{add, spuBody("p", set("path", "")), catalog.ProductRequiredFieldMissing}, {add, spuBody("p", set("head_img", []string{})), catalog.ProductRequiredFieldMissing},
				{add, spuBody("p", del("third_cat_id")), catalog.ProductRequiredFieldMissing}, {add, spuBody("p", del("brand_id")), catalog.ProductRequiredFieldMissing},
				{add, spuBody("p", delSKU("thumb_img")), catalog.ProductRequiredFieldMissing}, {add, spuBody("p", setSKU("sale_price", "1300")), catalog.ProductRequiredFieldMissing},
				{add, spuBody("p", setSKU("stock_num", -1)), catalog.ProductRequiredFieldMissing}, {add, spuBody("p", set("desc_info", "text")), catalog.ProductRequiredFieldMissing},
				{uwa, `{"out_product_id":"p","skus":[{"stock_num":1}]}`, catalog.ProductRequiredFieldMissing}}},
			{"1000015 zero stock on add only", "default", []step{{add, spuBody("p15", setSKU("stock_num", 0)), catalog.ProductSKUStockZero},
				{add, spuBody("p15"), 0}, {delAudit, ref("p15"), 0}, {update, spuBody("p15", setSKU("stock_num", 0)), 0}}},
			{"1000016 withdraw twice", "default", []step{{add, spuBody("p16"), 0}, {delAudit, ref("p16"), 0}, {delAudit, ref("p16"), catalog.ProductNotUnderReview}}},
			{"1000016 approved product", "reviews-approve", []step{{add, spuBody("p16"), 0}, {delAudit, ref("p16"), catalog.ProductNotUnderReview}}},
			{"1000019 second submission within the hour (profile review-limit-1)", "review-limit-1", []step{{add, spuBody("p19"), 0}, {delAudit, ref("p19"), 0},
				{update, spuBody("p19"), catalog.ProductReviewRateLimited}}},
			{"1000020 sku list", "default", []step{{add, spuBody("p", set("skus", []any{})), catalog.ProductSKUListEmpty},
				{add, spuBody("p", del("skus")), catalog.ProductSKUListEmpty}, {add, spuBody("p", set("skus", map[string]any{"out_sku_id": "x"})), catalog.ProductSKUListEmpty}}},
			{"1000021 deposit unpaid, add and update", "deposit-unpaid", []step{{add, spuBody("p21"), catalog.ProductDepositInsufficient},
				{update, spuBody("p21"), catalog.ProductDepositInsufficient}, {spuDelPath, ref("p21"), 0}}},
		} {
			t.Run(tc.name, func(t *testing.T) { run(t, tg, tc.profile, tc.steps...) })
		}
	})
}

// TestProductPrecedence: each step breaks two rules; the earlier in the
// documented order (§7, refsandbox/README.md "Order of checks") must answer.
func TestProductPrecedence(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		long := strings.Repeat("x", 129)
		run(t, tg, "default",
			step{add, spuBody(long, del("title")), catalog.ParameterTooLong},                                                // field rule (990008) before the handler
			step{update, `{"title":""}`, catalog.ProductOutProductIDMissing},                                                // id presence before validation
			step{add, spuBody("q", del("title"), set("skus", []any{})), catalog.ProductRequiredFieldMissing},                // top-level fields before the sku list
			step{add, spuBody("q", delSKU("thumb_img"), setSKU("stock_num", 0)), catalog.ProductRequiredFieldMissing},       // sku fields before stock
			step{add, spuBody("q", setSKU("stock_num", 0), set("third_cat_id", 999999)), catalog.ProductSKUStockZero},       // stock before category
			step{add, spuBody("q", set("third_cat_id", 6201), set("brand_id", 5)), catalog.ProductQualificationPicsMissing}, // 1000008 (field) before grants
			step{update, spuBody("nope", del("title")), catalog.ProductRequiredFieldMissing},                                // validation before existence
			step{add, spuBody("q"), 0},
			step{add, spuBody("q", set("brand_id", 5)), catalog.ProductAlreadyExists},                                                                                                              // existence before grants
			step{update, spuBody("q", set("third_cat_id", 999999)), catalog.ProductCategoryNotFound},                                                                                               // validation before state
			step{update, spuBody("q", set("brand_id", 5)), catalog.ProductUnderReview},                                                                                                             // product state before grants
			step{get, `{"product_id":1,"out_product_id":"q"}`, catalog.ProductNotFound},                                                                                                            // both ids must name one product
			step{uwa, `{"out_product_id":"nope","info_version":"1"}`, catalog.ProductNotFound},                                                                                                     // existence before conflict
			step{uwa, `{"out_product_id":"q","skus":[{"out_sku_id":"NEW"}]}`, catalog.ProductNeverApproved},                                                                                        // 1000003 before 1000004
			step{add, spuBody("r", set("third_cat_id", 6201), set("qualification_pics", []string{"https://mmecimage.cn/p/q.jpg"}), set("brand_id", 5)), catalog.ProductCategoryNeedsQualification}, // category grant before brand
		)
		run(t, tg, "deposit-unpaid",
			step{add, spuBody("d", set("brand_id", 5)), catalog.ProductBrandUnauthorized},                    // grants before deposit
			step{add, spuBody("d", set("title", magicReviewPushFailed)), catalog.ProductDepositInsufficient}, // deposit before the push
		)
		run(t, tg, "review-limit-1",
			step{add, spuBody("l"), 0}, step{delAudit, ref("l"), 0},
			step{update, spuBody("l", set("title", magicReviewPushFailed)), catalog.ProductReviewRateLimited}, // rate before the push
		)
	})
}

// TestProductMagicPushFailed: 1000017 saves the draft without submitting
// it (§3.2 "call update again to resubmit"), and a plain update resubmits.
func TestProductMagicPushFailed(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		wantCode(t, post(t, tg, tok, add, spuBody("m", set("title", magicReviewPushFailed))), catalog.ProductSubmitReviewFailed)
		draft := spuOf(t, tg, tok, "m", true)
		if draft["edit_status"] != jsonNum(editEditing) || draft["title"] != magicReviewPushFailed {
			t.Errorf("draft after 1000017 = %v", draft)
		}
		wantCode(t, post(t, tg, tok, add, spuBody("m")), catalog.ProductAlreadyExists)
		wantCode(t, post(t, tg, tok, update, spuBody("m", set("title", magicReviewPushFailed))), catalog.ProductSubmitReviewFailed)
		wantCode(t, post(t, tg, tok, update, spuBody("m")), 0)
		if got := spuOf(t, tg, tok, "m", true)["edit_status"]; got != jsonNum(editUnderReview) {
			t.Errorf("edit_status after resubmitting = %v", got)
		}
		// Only the exact title counts, and only on add and update.
		wantCode(t, post(t, tg, tok, add, spuBody("m2", set("title", "x"+magicReviewPushFailed))), 0)
		wantCode(t, post(t, tg, tok, get, `{"out_product_id":"m2","title":"`+magicReviewPushFailed+`"}`), catalog.ProductNeverApproved)
	})
}

// TestProductReviewRate: the limit counts submissions of one product in a
// rolling hour; a refused submission saves the draft and counts nothing.
func TestProductReviewRate(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "review-limit-1")
		wantCode(t, post(t, tg, tok, add, spuBody("r1")), 0)
		wantCode(t, post(t, tg, tok, add, spuBody("r2")), 0) // another product has its own count
		wantCode(t, post(t, tg, tok, delAudit, ref("r1")), 0)
		tg.clock.advance(59 * time.Minute)
		wantCode(t, post(t, tg, tok, update, spuBody("r1", set("title", "新标题"))), catalog.ProductReviewRateLimited)
		if d := spuOf(t, tg, tok, "r1", true); d["title"] != "新标题" || d["edit_status"] != jsonNum(editEditing) {
			t.Errorf("draft after 1000019 = %v", d)
		}
		tg.clock.advance(time.Minute)
		wantCode(t, post(t, tg, tok, update, spuBody("r1")), 0)
	})
}

// TestProductWalk follows one product through its life on reviews-approve:
// add → approved and listed → delisting → listing → update_without_audit
// → update → del.
func TestProductWalk(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "reviews-approve")
		resp := post(t, tg, tok, add, spuBody("w", set("info_version", "1")))
		wantCode(t, resp, 0)
		wantFields(t, resp, "data.product_id", "data.out_product_id", "data.create_time", "data.skus.0.sku_id", "data.skus.0.out_sku_id")
		id := num(t, resp, "data.product_id")
		if u, err := strconv.ParseUint(id, 10, 64); err != nil || u <= 1<<53 {
			t.Errorf("product_id %s must be a uint64 above 2^53", id)
		}
		if at(t, resp, "data.out_product_id") != "w" || at(t, resp, "data.create_time") != "2024-05-01 10:00:00" {
			t.Errorf("add data = %v", resp["data"])
		}
		skuID := num(t, resp, "data.skus.0.sku_id")
		online := spuOf(t, tg, tok, "w", false)
		wantStatus(t, online, statusListed, editApproved)
		wantFields(t, map[string]any{"spu": online}, "spu.product_id", "spu.head_img", "spu.qualification_pics", "spu.desc_info.imgs",
			"spu.audit_info.audit_id", "spu.audit_info.submit_time", "spu.audit_info.audit_time", "spu.skus.0.sku_attrs", "spu.create_time", "spu.update_time")

		tg.clock.advance(time.Minute)
		wantCode(t, post(t, tg, tok, delisting, `{"product_id":`+id+`}`), 0)
		wantStatus(t, spuOf(t, tg, tok, "w", false), statusDelisted, editApproved)
		wantCode(t, post(t, tg, tok, listing, `{"product_id":"`+id+`"}`), 0) // a 64-bit id as text (§1)
		wantStatus(t, spuOf(t, tg, tok, "w", false), statusListed, editApproved)

		resp = post(t, tg, tok, uwa, `{"product_id":`+id+`,"info_version":"2","skus":[{"out_sku_id":"w-sku1","sale_price":999,"stock_num":7}]}`)
		wantCode(t, resp, 0)
		if num(t, resp, "data.product_id") != id || at(t, resp, "data.update_time") != "2024-05-01 10:01:00" {
			t.Errorf("update_without_audit data = %v", resp["data"])
		}
		for _, draft := range []bool{false, true} {
			s := spuOf(t, tg, tok, "w", draft)
			if at(t, map[string]any{"s": s}, "s.skus.0.sale_price") != jsonNum(999) || s["info_version"] != "2" {
				t.Errorf("draft=%v after update_without_audit: %v", draft, s)
			}
		}
		resp = post(t, tg, tok, update, spuBody("w", set("title", "新坚果礼盒")))
		wantCode(t, resp, 0)
		if num(t, resp, "data.skus.0.sku_id") != skuID {
			t.Error("an sku keeps its sku_id across updates")
		}
		wantFields(t, resp, "data.update_time")
		if s := spuOf(t, tg, tok, "w", false); s["title"] != "新坚果礼盒" || s["info_version"] != "2" {
			t.Errorf("approved update = %v", s)
		}
		wantCode(t, post(t, tg, tok, spuDelPath, ref("w")), 0)
		wantCode(t, post(t, tg, tok, get, ref("w")), catalog.ProductNotFound)
		wantCode(t, post(t, tg, tok, add, spuBody("w")), catalog.ProductAlreadyExists)
	})
}

func wantStatus(t *testing.T, spu map[string]any, status, edit int) {
	t.Helper()
	if spu["status"] != jsonNum(status) || spu["edit_status"] != jsonNum(edit) {
		t.Errorf("status %v edit_status %v, want %d and %d", spu["status"], spu["edit_status"], status, edit)
	}
}
