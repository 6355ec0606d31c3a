package refsandbox

import (
	"fmt"
	"sync"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// TestConcurrentOrders walks orders on several accounts from many
// goroutines; run with -race. Every call must answer its expected code,
// and each account must end with exactly the orders its workers made.
func TestConcurrentOrders(t *testing.T) {
	extra := []Profile{{Name: "orders-fast", Rate: &Rate{PerSecond: 1, Burst: 1 << 20}}}
	forEachTargetWith(t, extra, func(t *testing.T, tg *target) {
		profiles := []string{"default", "reviews-approve", "orders-fast"}
		tokens, users := map[string]string{}, map[string]string{}
		for _, p := range profiles {
			tokens[p], users[p] = token(t, tg, p), accountOf(t, tg, p).OpenID
		}
		const workers, orders = 6, 5
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				p := profiles[w%len(profiles)]
				me := users[p]
				for i := range orders {
					out := fmt.Sprintf("c%d-%d", w, i)
					for _, c := range walkSteps(me, out) {
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
			resp := post(t, tg, tokens[p], orderListPath, `{"page":1,"page_size":100,"sort_order":1}`)
			if got, want := num(t, resp, "total_num"), fmt.Sprint(workers/len(profiles)*orders); got != want {
				t.Errorf("%s: total_num %s, want %s", p, got, want)
			}
			list := post(t, tg, tokens[p], asListPath, `{"offset":0,"limit":50,"status":13}`)
			if got, want := len(at(t, list, "after_sales_orders").([]any)), workers/len(profiles)*orders; got != want {
				t.Errorf("%s: %d refunded after-sales, want %d", p, got, want)
			}
		}
	})
}

// walkSteps is one order's life up to a full refund.
func walkSteps(me, out string) []step {
	return steps(receivedOrder(me, out), []step{
		{asAddPath, asBody(me, out, out+"-as", 1), 0},
		{asAddPath, asBody(me, out, out+"-as", 1), catalog.AfterSaleAlreadyExists},
		{asRefundPath, `{"out_aftersale_id":"` + out + `-as"}`, 0},
		{orderPayPath, payBody(me, out), catalog.OrderStatusFlowError},
	})
}
