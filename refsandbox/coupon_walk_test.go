package refsandbox

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// TestCouponWalk is a coupon's life with the documented statuses
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

// TestConcurrentGrants: many goroutines grant one coupon whose stock is
// N, to users who may each hold many; exactly N grants succeed and the
// rest are 1090009. Run with -race.
func TestConcurrentGrants(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		const stock, workers, each = 17, 8, 6 // 48 tries for 17 coupons
		tok := token(t, tg, "default")
		users := accountOf(t, tg, "default").OpenIDs
		run(t, tg, "default", then(effective("hot", perUser(workers*each)), []step{{cpStock, stockBody("hot", stock, 0), 0}})...)
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
