package refsandbox

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// TestCouponWalk is the contract's walk with the documented statuses
// (DOC:coupon/update_coupon_status 1 → 2 → 3; DOC:coupon/add_usercoupon
// 100 → 102): a product coupon is created, activated, its stock changed,
// received by a user, redeemed (use_time, then 102) and expired once its
// valid_info.end_time has passed.
func TestCouponWalk(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		const profile = "reviews-approve" // products are approved and listed at once
		tok := token(t, tg, profile)
		me := accountOf(t, tg, profile).OpenID
		end := now0 + 2*3600
		coupon := func() map[string]any { return post(t, tg, tok, cpGet, outCoupon("walk")) }
		mine := func() map[string]any {
			return post(t, tg, tok, cpUserList, `{"openid":"`+me+`","page_size":10}`)
		}
		wantNum := func(resp map[string]any, path, want string) {
			t.Helper()
			wantCode(t, resp, 0)
			if got := num(t, resp, path); got != want {
				t.Errorf("%s = %s, want %s", path, got, want)
			}
		}

		wantCode(t, post(t, tg, tok, add, spuBody("walk-p")), 0)
		wantCode(t, post(t, tg, tok, cpAdd, couponBody("walk", forProducts("walk-p"), validRangeUntil(end))), 0)
		wantNum(coupon(), "result.coupon.status", "1") // editing
		wantNum(coupon(), "result.coupon_stock.stock_info.issued_num", "0")
		wantCode(t, post(t, tg, tok, cpUpdate, couponBody("walk", forProducts("walk-p"), validRangeUntil(end), named("满200减30"))), 0)

		tg.clock.advance(time.Minute)
		wantCode(t, post(t, tg, tok, cpStatus, statusBody("walk", 2)), 0) // activate: the stock is created
		c := coupon()
		wantNum(c, "result.coupon.status", "2")
		wantNum(c, "result.coupon_stock.stock_info.issued_num", "100") // receive_info.total_num
		wantNum(c, "result.coupon_stock.stock_info.receive_num", "0")
		wantNum(c, "result.coupon_stock.create_time", fmt.Sprint(now0+60))
		if at(t, c, "result.coupon.coupon_info.name") != "满200减30" {
			t.Errorf("the update was lost: %v", c)
		}

		wantCode(t, post(t, tg, tok, cpStock, stockBody("walk", 3, 0)), 0) // stock change
		wantNum(coupon(), "result.coupon_stock.stock_info.issued_num", "3")

		wantCode(t, post(t, tg, tok, cpGrant, grantBody(me, "walk-u", "walk", 100)), 0) // the user receives it
		c = coupon()
		wantNum(c, "result.coupon_stock.stock_info.issued_num", "2")
		wantNum(c, "result.coupon_stock.stock_info.receive_num", "1")
		l := mine()
		wantNum(l, "total_num", "1")
		wantNum(l, "result_list.0.status", "100") // effective
		wantNum(l, "result_list.0.start_time", fmt.Sprint(now0-3600))
		wantNum(l, "result_list.0.end_time", fmt.Sprint(end))
		wantNum(l, "result_list.0.ext_info.use_time", "0")

		tg.clock.advance(time.Hour) // the user pays with it
		useTime := now0 + 60 + 3600
		wantCode(t, post(t, tg, tok, cpRedeem, redeemBody(me, "walk-u", "walk", useTime)), 0)
		wantCode(t, post(t, tg, tok, cpUserStatus, userStatusBody(me, "walk-u", "walk", 102)), 0)
		l = mine()
		wantNum(l, "result_list.0.status", "102") // used
		wantNum(l, "result_list.0.ext_info.use_time", fmt.Sprint(useTime))
		wantCode(t, post(t, tg, tok, cpUserStatus, userStatusBody(me, "walk-u", "walk", 100)), catalog.UserCouponStatusInvalid)

		wantCode(t, post(t, tg, tok, cpStatus, statusBody("walk", 3)), catalog.CouponNotExpired)
		tg.clock.advance(2 * time.Hour) // past valid_info.end_time
		tok = token(t, tg, profile)     // the first token lived 7200 s
		wantCode(t, post(t, tg, tok, cpStatus, statusBody("walk", 3)), 0)
		wantNum(coupon(), "result.coupon.status", "3") // expired
		wantNum(mine(), "result_list.0.status", "102") // the merchant reports user coupons; expiry does not touch them
		wantCode(t, post(t, tg, tok, cpGrant, grantBody(me, "walk-u2", "walk", 100)), catalog.CouponStatusInvalid)
		wantCode(t, post(t, tg, tok, cpUpdate, couponBody("walk")), catalog.CouponNotEditing)
		wantCode(t, post(t, tg, tok, cpStatus, statusBody("walk", 5)), 0)
		wantNum(coupon(), "result.coupon.status", "5") // deleted, still readable
	})
}

// TestCouponPrecedence pins the order of checks of each endpoint: every
// step's body breaks the rules from some point on, and each step mends
// the first broken one, so the next code must answer.
func TestCouponPrecedence(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		me := accountOf(t, tg, "reviews-approve").OpenID
		dme := accountOf(t, tg, "default").OpenID
		long := strings.Repeat("x", 65)
		// The body at step i breaks every body rule from the i-th on
		// (contract "Coupon body (add and update), checks in this order"),
		// so each step must answer the next rule's code.
		seq := []catalog.Code{
			catalog.CouponOutCouponIDMissing, catalog.CouponIDTooLong, catalog.CouponInfoMissing, catalog.CouponStatusNotSettable,
			catalog.CouponNameMissing, catalog.CouponNameTooLong, catalog.CouponPromoteInfoMissing, catalog.CouponDiscountInfoMissing,
			catalog.CouponReceiveInfoMissing, catalog.CouponValidInfoMissing, catalog.CouponTypeInvalid, catalog.CouponPromoteTypeMismatch,
			catalog.CouponChannelsInfoInvalid, catalog.CouponValidTypeUnknown, catalog.CouponExpiryTypeInvalid,
			catalog.CouponProductsMissing, catalog.CouponProductUnavailable, 0, catalog.CouponAlreadyExists,
		}
		// bodyAt breaks the later rules first, so that an earlier breakage
		// (a deleted object) does not take a later one's field with it.
		bodyAt := func(i int) string {
			edits := []edit{forProducts("unknown-product")} // 1090012 from step 16
			if i <= 15 {                                    // 1090011: a product coupon without products
				edits = append(edits, setAt("coupon.coupon_info.discount_info.discount_condition.out_product_ids", []string{}))
			}
			if i <= 14 { // 1090055: valid_type 1 without its times
				edits = append(edits, setAt("coupon.coupon_info.valid_info", map[string]any{"valid_type": 1}))
			}
			if i <= 13 { // 1090024
				edits = append(edits, setAt("coupon.coupon_info.valid_info.valid_type", 9))
			}
			if i <= 12 { // 1090035: Channels without a finder
				edits = append(edits, setAt("coupon.promote_type", 4), setAt("coupon.coupon_info.promote_info.promote_type", 4))
			}
			if i <= 11 { // 1090053
				edits = append(edits, setAt("coupon.coupon_info.promote_info.promote_type", 1))
			}
			if i <= 10 { // 1090054
				edits = append(edits, setAt("coupon.type", 7))
			}
			for j, key := range []string{"valid_info", "receive_info", "discount_info", "promote_info"} { // 1090051 … 1090048
				if i <= 9-j {
					edits = append(edits, delAt("coupon.coupon_info."+key))
				}
			}
			if i <= 5 { // 1090036
				edits = append(edits, named(strings.Repeat("名", 33)))
			}
			if i <= 4 { // 1090047
				edits = append(edits, delAt("coupon.coupon_info.name"))
			}
			if i <= 3 { // 1090034
				edits = append(edits, setAt("coupon.status", 1))
			}
			if i <= 2 { // 1090046
				edits = append(edits, delAt("coupon.coupon_info"))
			}
			if i <= 1 { // 1090037
				edits = append(edits, setAt("coupon.out_coupon_id", long))
			}
			if i <= 0 { // 1090007
				edits = append(edits, delAt("coupon.out_coupon_id"))
			}
			if i >= 17 { // a listed product
				edits = append(edits, forProducts("prec-p"))
			}
			return couponBody("prec", edits...)
		}
		var chain []step
		chain = append(chain, step{add, spuBody("prec-p"), 0})
		for i, want := range seq {
			chain = append(chain, step{cpAdd, bodyAt(i), want})
		}
		run(t, tg, "reviews-approve", chain...)

		// update: the body → exists → editing (1090018 at 2, 1090008 after).
		run(t, tg, "reviews-approve",
			step{cpUpdate, couponBody("prec-none", setAt("coupon.type", 7)), catalog.CouponTypeInvalid},
			step{cpUpdate, couponBody("prec-none"), catalog.CouponNotFound},
			step{cpStatus, statusBody("prec", 2), 0},
			step{cpUpdate, couponBody("prec", delAt("coupon.coupon_info.name")), catalog.CouponNameMissing},
			step{cpUpdate, couponBody("prec"), catalog.CouponNotEditableOnceEffective})

		// update_status: 1090007 → 1090001 → 1090010 → 1090015 → magic.
		run(t, tg, "default", then(effective("ps", validRangeUntil(now0+60), named(magicCouponExpireFailed)), []step{
			{cpStatus, `{"status":9}`, catalog.CouponOutCouponIDMissing},
			{cpStatus, statusBody("ps-none", 9), catalog.CouponNotFound},
			{cpStatus, statusBody("ps", 1), catalog.CouponStatusChangeFailed},
			{cpStatus, statusBody("ps", 3), catalog.CouponNotExpired}})...)
		tg.clock.advance(2 * time.Minute)
		run(t, tg, "default", step{cpStatus, statusBody("ps", 3), catalog.CouponExpireFailed})

		// update_coupon_stock: 1090007 → 1090001 → 1090005 → 990007.
		run(t, tg, "default",
			step{cpAdd, couponBody("pst"), 0},
			step{cpStock, `{"coupon_stock":{"out_coupon_id":""}}`, catalog.CouponOutCouponIDMissing},
			step{cpStock, `{"coupon_stock":{"out_coupon_id":"pst-none"}}`, catalog.CouponNotFound},
			step{cpStock, `{"coupon_stock":{"out_coupon_id":"pst"}}`, catalog.CouponStockNotFound},
			step{cpStatus, statusBody("pst", 2), 0},
			step{cpStock, `{"coupon_stock":{"out_coupon_id":"pst"}}`, catalog.ParameterMissing})

		// add_user_coupon: 1090039 → 1090026 → 1090027 → 1090001 → 1090043
		// → 1090044 → 1090009 → 1090004 → 1090025 (magic).
		uc := func(openid, ucID, cID string, status int) string {
			return jsonText(map[string]any{"openid": openid, "user_coupon": map[string]any{"out_user_coupon_id": ucID, "out_coupon_id": cID, "status": status}})
		}
		hot := "SHOPCONFORM_MAGIC_TOO_HOT"
		run(t, tg, "default", then(granted(dme, "pu-1", "pu"), []step{
			{cpStock, stockBody("pu", 0, 1), 0},
			{cpAdd, couponBody("pu-editing"), 0},
			{cpGrant, uc("", "", "", 101), catalog.UserCouponOpenIDInvalid},
			{cpGrant, uc(dme, "", "", 101), catalog.UserCouponIDMissing},
			{cpGrant, uc(dme, "pu-1", "", 101), catalog.UserCouponOutCouponIDMissing},
			{cpGrant, uc(dme, "pu-1", "pu-none", 101), catalog.CouponNotFound},
			{cpGrant, uc(dme, "pu-1", "pu-editing", 101), catalog.CouponStatusInvalid},
			{cpGrant, uc(dme, "pu-1", "pu", 101), catalog.UserCouponStatusInvalid},
			{cpGrant, uc(dme, "pu-1", "pu", 100), catalog.CouponStockInsufficient},
			{cpStock, stockBody("pu", 5, 1), 0},
			{cpGrant, uc(dme, "pu-1", "pu", 100), catalog.UserCouponAlreadyExists},
			{cpGrant, uc(dme, "pu-2"+hot, "pu", 100), catalog.CouponActivityTooHot},
			{cpGrant, uc(dme, "pu-2", "pu", 100), 0}})...)

		// update_user_coupon: 1090039 → 1090026 → 1090027 → 1090003 →
		// 1090052 → 1090045 (magic).
		magicID := "pr-" + magicUserCouponUpdateFailed
		redeem := func(openid, ucID, cID string, use int64) string {
			return jsonText(map[string]any{"openid": openid, "user_coupon": map[string]any{"out_user_coupon_id": ucID, "out_coupon_id": cID, "ext_info": map[string]any{"use_time": use}}})
		}
		run(t, tg, "reviews-approve", then(granted(me, magicID, "pr"), []step{
			{cpRedeem, redeem("xxx", "", "", now0+9999), catalog.UserCouponOpenIDInvalid},
			{cpRedeem, redeem(me, "", "", now0+9999), catalog.UserCouponIDMissing},
			{cpRedeem, redeem(me, magicID, "", now0+9999), catalog.UserCouponOutCouponIDMissing},
			{cpRedeem, redeem(me, magicID, "pr-none", now0+9999), catalog.UserCouponNotFound},
			{cpRedeem, redeem(me, magicID, "pr", now0+9999), catalog.UserCouponRedemptionInvalid},
			{cpRedeem, redeem(me, magicID, "pr", now0), catalog.UserCouponUpdateFailed}})...)

		// update_usercoupon_status: 1090039 → 1090027 → 1090042 → 1090003
		// → 1090044 → 1090041 (magic).
		run(t, tg, "reviews-approve",
			step{cpUserStatus, `{"status":9}`, catalog.UserCouponOpenIDInvalid},
			step{cpUserStatus, `{"openid":"` + me + `","status":9}`, catalog.UserCouponOutCouponIDMissing},
			step{cpUserStatus, `{"openid":"` + me + `","out_coupon_id":"pr","status":9}`, catalog.UserCouponMerchantIDMissing},
			step{cpUserStatus, userStatusBody(me, "pr-none", "pr", 9), catalog.UserCouponNotFound},
			step{cpUserStatus, userStatusBody(me, magicID, "pr", 9), catalog.UserCouponStatusInvalid},
			step{cpUserStatus, userStatusBody(me, magicID, "pr", 103), catalog.UserCouponStatusUpdateFailed})

		// The pipeline before the coupon world: content policy (87014) and
		// the route's page size (990005) come before 1090028, which comes
		// before every field a coupon handler reads.
		run(t, tg, "coupon-push-off",
			step{cpAdd, couponBody("pp", named("最佳券")), catalog.ContentViolation},
			step{cpList, `{"page_size":101}`, catalog.PageSizeTooLarge},
			step{cpUserList, `{"page_size":201}`, catalog.PageSizeTooLarge},
			step{cpList, `{}`, catalog.CouponNotConfirmed},
			step{cpGrant, `{"openid":"xxx"}`, catalog.CouponNotConfirmed},
			step{cpGet, `{"out_coupon_id":"SHOPCONFORM_MAGIC_BUSY"}`, catalog.SystemBusy})
		run(t, tg, "not-opened", step{cpConfirm, `{}`, catalog.APIUnauthorized})
	})
}

// TestConcurrentGrants: many goroutines grant one coupon whose stock is
// N; exactly N grants succeed and the rest are 1090009. Run with -race.
func TestConcurrentGrants(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		const stock, workers, each = 17, 8, 6 // 48 tries for 17 coupons
		tok := token(t, tg, "default")
		users := accountOf(t, tg, "default").OpenIDs
		run(t, tg, "default", then(effective("hot"), []step{{cpStock, stockBody("hot", stock, 0), 0}})...)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			got      = map[catalog.Code]int{}
			failures []error
		)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					_, raw, err := exchange(tg, "POST", cpGrant, tok, "application/json", grantBody(users[w%len(users)], fmt.Sprintf("hot-%d-%d", w, i), "hot", 100))
					var resp map[string]any
					if err == nil {
						resp, err = decodeRaw(raw)
					}
					mu.Lock()
					if err != nil {
						failures = append(failures, err)
					} else if n, ok := resp["errcode"].(interface{ Int64() (int64, error) }); ok {
						c, _ := n.Int64()
						got[catalog.Code(c)]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for _, err := range failures {
			t.Error(err)
		}
		if got[0] != stock || got[catalog.CouponStockInsufficient] != workers*each-stock || len(got) != 2 {
			t.Errorf("answers %v; want %d grants and %d × 1090009", got, stock, workers*each-stock)
		}
		c := post(t, tg, tok, cpGet, outCoupon("hot"))
		if num(t, c, "result.coupon_stock.stock_info.issued_num") != "0" || num(t, c, "result.coupon_stock.stock_info.receive_num") != fmt.Sprint(stock) {
			t.Errorf("stock after the rush: %v", at(t, c, "result.coupon_stock"))
		}
		total := 0
		for _, u := range users {
			total += int(mustInt(t, num(t, post(t, tg, tok, cpUserList, `{"openid":"`+u+`","page_size":200}`), "total_num")))
		}
		if total != stock {
			t.Errorf("%d user coupons listed, want %d", total, stock)
		}
	})
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
