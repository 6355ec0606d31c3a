package refsandbox

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// TestConcurrentCalls drives several profiles from many goroutines on a
// frozen clock; run with -race. Quotas and buckets must be exact under
// contention: the quota-5 profile gets exactly 5 answers past the quota,
// the rate-limited one exactly 1.
func TestConcurrentCalls(t *testing.T) {
	custom := []Profile{
		{Name: "fast", Rate: &Rate{PerSecond: 1, Burst: 1 << 20}},
		{Name: "quota-5", DailyQuota: ptr(5), Rate: &Rate{PerSecond: 1, Burst: 1 << 20}},
	}
	forEachTargetWith(t, custom, func(t *testing.T, tg *target) {
		profiles := []string{"fast", "quota-5", "rate-limited", "not-opened"}
		tokens := map[string]string{}
		for _, p := range profiles {
			tokens[p] = token(t, tg, p)
		}
		fast := accountOf(t, tg, "fast")
		const workers, calls = 8, 40
		var mu sync.Mutex
		got := map[string]map[catalog.Code]int{}
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range calls {
					p := profiles[(w+i)%len(profiles)]
					code, err := callCode(tg, tokens[p])
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if got[p] == nil {
						got[p] = map[catalog.Code]int{}
					}
					got[p][code]++
					mu.Unlock()
					if i%10 == 0 { // token minting and admin calls interleave with the API
						_, _, _ = exchange(tg, http.MethodGet, classicTokenPath+"?grant_type=client_credential&appid="+fast.AppID+"&secret="+fast.Secret, "", "", "")
						_, _, _ = exchange(tg, http.MethodGet, healthzPath, "", "", "")
					}
				}
			})
		}
		wg.Wait()
		per := workers * calls / len(profiles)
		for p, want := range map[string]map[catalog.Code]int{
			"fast":         {catalog.OK: per},
			"quota-5":      {catalog.OK: 5, catalog.DailyQuotaExceeded: per - 5},
			"rate-limited": {catalog.OK: 1, catalog.RateLimited: per - 1},
			"not-opened":   {catalog.APIUnauthorized: per},
		} {
			if len(got[p]) != len(want) {
				t.Errorf("%s: got %v, want %v", p, got[p], want)
				continue
			}
			for code, n := range want {
				if got[p][code] != n {
					t.Errorf("%s: got %v, want %v", p, got[p], want)
				}
			}
		}
	})
}

func callCode(tg *target, token string) (catalog.Code, error) {
	_, raw, err := exchange(tg, http.MethodPost, "/shop/delivery/get_company_list", token, "application/json", "{}")
	if err != nil {
		return 0, err
	}
	m, err := decodeRaw(raw)
	if err != nil {
		return 0, err
	}
	n, _ := m["errcode"].(json.Number)
	code, err := n.Int64()
	return catalog.Code(code), err
}
