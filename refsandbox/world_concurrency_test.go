package refsandbox

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// TestConcurrentProductsAndAudits drives products and audits on several
// accounts from many goroutines; run with -race. Every call must answer
// its expected code, and the final lists must hold exactly what was made.
func TestConcurrentProductsAndAudits(t *testing.T) {
	fast := []Profile{{Name: "approve-fast", Product: productProfile{ReviewsApprove: true}, Audit: auditProfile{ReviewsApprove: true},
		Rate: &Rate{PerSecond: 1, Burst: 1 << 20}}}
	forEachTargetWith(t, fast, func(t *testing.T, tg *target) {
		profiles := []string{"default", "reviews-approve", "approve-fast"}
		tokens := map[string]string{}
		for _, p := range profiles {
			tokens[p] = token(t, tg, p)
		}
		const workers, products = 6, 8
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				p := profiles[w%len(profiles)]
				approved := p != "default"
				for i := range products {
					out := fmt.Sprintf("c%d-%d", w, i)
					calls := []struct {
						path, body string
						want       catalog.Code
					}{
						{add, spuBody(out), 0},
						{update, spuBody(out, set("title", "改")), pick(approved, 0, catalog.ProductUnderReview)},
						{get, ref(out), pick(approved, 0, catalog.ProductNeverApproved)},
						{getList, `{"page":1,"page_size":5}`, 0},
						{brandAudit, brandBody(out), 0},
						{brandAudit, brandBody(out), pick(approved, catalog.AuditAlreadyApproved, catalog.AuditUnderReview)},
					}
					for _, c := range calls {
						if err := expect(tg, tokens[p], c.path, c.body, c.want); err != nil {
							t.Error(err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		for _, p := range profiles {
			per := workers / len(profiles) * products
			resp := post(t, tg, tokens[p], getList, `{"page":1,"page_size":100}`)
			if got := num(t, resp, "total_num"); got != fmt.Sprint(per) {
				t.Errorf("%s: total_num %s, want %d", p, got, per)
			}
			brands := len(post(t, tg, tokens[p], "/shop/account/get_brand_list", `{}`)["data"].([]any))
			if want := pick(p != "default", per, 0); brands != want {
				t.Errorf("%s: %d brands granted, want %d", p, brands, want)
			}
		}
	})
}

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

// expect is one call from a goroutine: no *testing.T, an error instead.
func expect(tg *target, tok, path, body string, want catalog.Code) error {
	_, raw, err := exchange(tg, http.MethodPost, path, tok, "application/json", body)
	if err != nil {
		return err
	}
	m, err := decodeRaw(raw)
	if err != nil {
		return err
	}
	if got := fmt.Sprint(m["errcode"]); got != fmt.Sprint(int(want)) {
		return fmt.Errorf("%s %s = %s, want %d (%v)", path, body, got, want, m["errmsg"])
	}
	return nil
}
