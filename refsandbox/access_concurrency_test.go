package refsandbox

import (
	"fmt"
	"sync"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// TestConcurrentOnboardingAndSharers drives onboarding and sharer binds
// from many goroutines; run with -race. Exactly one register/apply may
// win, a sharer limit must hold exactly under contention, and the 48001
// check, which reads the onboarding state outside the handler, must see
// either side of the apply and nothing in between.
func TestConcurrentOnboardingAndSharers(t *testing.T) {
	users := many(40)
	custom := []Profile{{Name: "sharer-limit-10", OpenIDs: users, Share: shareProfile{SharerLimit: ptr(uint(10))}}}
	forEachTargetWith(t, custom, func(t *testing.T, tg *target) {
		onb, closed, lim := token(t, tg, "onboarding"), token(t, tg, "not-opened"), token(t, tg, "sharer-limit-10")
		const workers, rounds = 8, 5
		var mu sync.Mutex
		got := map[string]map[catalog.Code]int{}
		count := func(what string, code catalog.Code) {
			mu.Lock()
			defer mu.Unlock()
			if got[what] == nil {
				got[what] = map[catalog.Code]int{}
			}
			got[what][code]++
		}
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range rounds {
					for _, c := range []struct{ what, tok, path, body string }{
						{"apply", onb, applyPath, `{}`},
						{"check", onb, checkPath, `{}`},
						{"bind", lim, bindPath, openids(users[w*rounds+i])},
						{"cat", closed, "/shop/cat/get", `{}`},
					} {
						code, err := callPath(tg, c.tok, c.path, c.body)
						if err != nil {
							t.Error(err)
							return
						}
						count(c.what, code)
					}
					if w == 0 && i == 2 { // the closed account opens half way
						if code, err := callPath(tg, closed, applyPath, `{}`); err != nil || code != 0 {
							t.Errorf("apply on not-opened: %d, %v", code, err)
						}
					}
				}
			})
		}
		wg.Wait()
		n := workers * rounds
		if want := (map[catalog.Code]int{0: 1, catalog.AccessAlreadyApplied: n - 1}); fmt.Sprint(got["apply"]) != fmt.Sprint(want) {
			t.Errorf("apply: %v, want %v", got["apply"], want)
		}
		if want := (map[catalog.Code]int{0: 10, catalog.SharerBindLimitReached: n - 10}); fmt.Sprint(got["bind"]) != fmt.Sprint(want) {
			t.Errorf("bind: %v, want %v", got["bind"], want)
		}
		for what, allowed := range map[string][]catalog.Code{"check": {0, catalog.AccessNotConnected}, "cat": {0, catalog.APIUnauthorized}} {
			total := 0
			for code, k := range got[what] {
				if code != allowed[0] && code != allowed[1] {
					t.Errorf("%s answered %d", what, code)
				}
				total += k
			}
			if total != n {
				t.Errorf("%s: %d answers, want %d", what, total, n)
			}
		}
		wantCode(t, post(t, tg, closed, "/shop/cat/get", `{}`), 0)
		if list := post(t, tg, lim, sharerListPath, `{"page":1,"page_size":100}`); num(t, list, "total_num") != "0" {
			t.Errorf("invitations listed as bound: %v", list)
		}
	})
}

// callPath is one call from a goroutine: no *testing.T.
func callPath(tg *target, tok, path, body string) (catalog.Code, error) {
	_, raw, err := exchange(tg, "POST", path, tok, "application/json", body)
	if err != nil {
		return 0, err
	}
	m, err := decodeRaw(raw)
	if err != nil {
		return 0, err
	}
	var code int
	if _, err := fmt.Sscan(fmt.Sprint(m["errcode"]), &code); err != nil {
		return 0, fmt.Errorf("%s: errcode %v", path, m["errcode"])
	}
	return catalog.Code(code), nil
}
