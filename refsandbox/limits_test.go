package refsandbox

import (
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

func TestDailyQuota(t *testing.T) {
	custom := []Profile{{Name: "quota-2", DailyQuota: ptr(2)}}
	forEachTargetWith(t, custom, func(t *testing.T, tg *target) {
		const api = "/shop/delivery/get_company_list"
		// Start one second before midnight in Shanghai.
		tg.clock.advance(time.Date(2024, 5, 1, 23, 59, 59, 0, shanghai).Sub(tg.clock.Now()))
		tok := token(t, tg, "quota-2")
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.OK)
		wantCode(t, post(t, tg, tok, api, "not-json"), catalog.NotJSON) // stopped before the quota: not counted
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.OK)
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.DailyQuotaExceeded)
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.DailyQuotaExceeded)
		// The quota is per API.
		wantCode(t, post(t, tg, tok, "/shop/cat/get", "{}"), catalog.OK)

		tg.clock.advance(time.Second) // 00:00:00 Shanghai, 16:00 UTC
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.OK)
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.OK)
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.DailyQuotaExceeded)
	})
}

func TestShanghaiDay(t *testing.T) {
	before := time.Date(2024, 5, 1, 15, 59, 59, 0, time.UTC) // 23:59:59 in Shanghai
	after := before.Add(time.Second)
	if shanghaiDay(before)+1 != shanghaiDay(after) {
		t.Error("the quota day must roll over at midnight Asia/Shanghai")
	}
	if shanghaiDay(after) != shanghaiDay(after.Add(23*time.Hour)) {
		t.Error("one Shanghai day must be one quota day")
	}
}

func TestRateBucket(t *testing.T) {
	custom := []Profile{{Name: "burst-3", Rate: &Rate{PerSecond: 2, Burst: 3}}}
	forEachTargetWith(t, custom, func(t *testing.T, tg *target) {
		const api = "/shop/delivery/get_company_list"
		tok := token(t, tg, "rate-limited") // 5/s, burst 1
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.OK)
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.RateLimited)
		tg.clock.advance(199 * time.Millisecond)
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.RateLimited)
		tg.clock.advance(time.Millisecond)
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.OK)

		// The bucket is per account, across APIs, and never holds more than its burst.
		tok = token(t, tg, "burst-3")
		tg.clock.advance(time.Hour)
		for range 3 {
			wantCode(t, post(t, tg, tok, "/shop/cat/get", "{}"), catalog.OK)
		}
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.RateLimited)
		tg.clock.advance(time.Second) // two tokens back
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.OK)
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.OK)
		wantCode(t, post(t, tg, tok, api, "{}"), catalog.RateLimited)
	})
}
