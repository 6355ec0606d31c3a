package janitor

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/refsandbox/merchantsim"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/janitor/janitortest"
)

// world is the reference sandbox over a loopback listener, as a sandbox
// target, with a runner to create objects and to look at them.
type world struct {
	t      *testing.T
	r      *runner.Runner
	base   string
	accts  *accounts.File
	openid string
}

// via is a runner that reaches the sandbox through another base URL,
// such as a fault proxy in front of it.
func (w *world) via(base string) *runner.Runner {
	target := &runner.Target{Name: "sandbox:test", BaseURL: base, Client: &http.Client{Timeout: 5 * time.Second}, Accounts: w.accts}
	return runner.New(runner.DefaultConfig(), target, "sc0000000000")
}

func newWorld(t *testing.T) *world {
	t.Helper()
	merchant := httptest.NewServer(merchantsim.New())
	t.Cleanup(merchant.Close)
	sb, err := refsandbox.New(refsandbox.Options{MerchantURL: merchant.URL})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	w := &world{t: t, base: srv.URL, accts: runner.SandboxAccounts(sb)}
	w.openid = w.accts.Profiles["default"].OpenIDs[0]
	w.r = w.via(srv.URL)
	return w
}

// must sends one call as the default profile and fails the test unless
// it answers 0.
func (w *world) must(endpoint string, body any) map[string]any {
	w.t.Helper()
	code, answer, err := w.r.Call(context.Background(), "default", endpoint, body)
	if err != nil || code != 0 {
		w.t.Fatalf("%s: errcode %d, %v: %v", endpoint, code, err, answer)
	}
	return answer
}

func (w *world) code(endpoint string, body any) int {
	w.t.Helper()
	code, _, err := w.r.Call(context.Background(), "default", endpoint, body)
	if err != nil {
		w.t.Fatal(err)
	}
	return code
}

// addProduct adds a product, which the default profile leaves under
// review: removing it takes del_audit, then del.
func (w *world) addProduct(id string) {
	w.must("/shop/spu/add", janitortest.ProductBody(id))
}

func (w *world) productExists(id string) bool {
	return w.code("/shop/spu/get", map[string]any{"out_product_id": id, "need_edit_spu": 1}) == 0
}

// addCoupon adds a coupon and moves it through statuses (e.g. 2, or 5).
func (w *world) addCoupon(id, name string, moves ...int) {
	now := time.Now().Unix()
	w.must("/shop/coupon/add", map[string]any{"coupon": map[string]any{
		"out_coupon_id": id, "type": 102, "promote_type": 1,
		"coupon_info": map[string]any{
			"name": name, "promote_info": map[string]any{"promote_type": 1},
			"discount_info": map[string]any{"discount_condition": map[string]any{"product_price": 10000}, "discount_fee": 1000},
			"receive_info":  map[string]any{"start_time": now, "end_time": now + 2592000, "limit_num_one_person": 1, "total_num": 100},
			"valid_info":    map[string]any{"valid_type": 3, "valid_second": 86400},
		},
	}})
	for _, to := range moves {
		w.must("/shop/coupon/update_status", map[string]any{"out_coupon_id": id, "status": to})
	}
}

func (w *world) couponStatus(id string) int64 {
	w.t.Helper()
	a := w.must("/shop/coupon/get", map[string]any{"out_coupon_id": id})
	result, _ := a["result"].(map[string]any)
	c, _ := result["coupon"].(map[string]any)
	n, _ := c["status"].(json.Number).Int64()
	return n
}

// addOrder adds an unpaid order (10), and pays it (20) when paid.
func (w *world) addOrder(id string, paid bool) {
	now := time.Now()
	w.must("/shop/order/add", janitortest.OrderBody(id, w.openid, now))
	if paid {
		w.must("/shop/order/pay", map[string]any{"out_order_id": id, "openid": w.openid, "action_type": 1,
			"transaction_id": "4200001000202401011234567890", "pay_time": janitortest.CST(now)})
	}
}

func (w *world) orderStatus(id string) int64 {
	w.t.Helper()
	a := w.must("/shop/order/get", map[string]any{"out_order_id": id, "openid": w.openid})
	o, _ := a["order"].(map[string]any)
	n, _ := o["status"].(json.Number).Int64()
	return n
}

// populate gives each prefix the same set of objects: a product under
// review, a coupon being edited (1), an effective one (2), a deleted one
// (5), an unpaid order and a paid one.
func (w *world) populate(prefixes ...string) {
	for _, p := range prefixes {
		w.addProduct(p + "-p1")
		w.addProduct(p + "-p2")
		w.addCoupon(p+"-c1", "满100减10")
		w.addCoupon(p+"-c2", "满100减10", 2)
		w.addCoupon(p+"-c5", "满100减10", 5)
		w.addOrder(p+"-o1", false)
		w.addOrder(p+"-o2", true)
	}
}

// state is every object of a prefix as the sandbox sees it.
func (w *world) state(p string) map[string]string {
	return map[string]string{
		"p1": strconv.FormatBool(w.productExists(p + "-p1")),
		"p2": strconv.FormatBool(w.productExists(p + "-p2")),
		"c1": strconv.FormatInt(w.couponStatus(p+"-c1"), 10),
		"c2": strconv.FormatInt(w.couponStatus(p+"-c2"), 10),
		"c5": strconv.FormatInt(w.couponStatus(p+"-c5"), 10),
		"o1": strconv.FormatInt(w.orderStatus(p+"-o1"), 10),
		"o2": strconv.FormatInt(w.orderStatus(p+"-o2"), 10),
	}
}

// untouched is populate's state before any janitor.
var untouched = map[string]string{"p1": "true", "p2": "true", "c1": "1", "c2": "2", "c5": "5", "o1": "10", "o2": "20"}

// cleaned is populate's state after a janitor: products deleted, coupons
// deleted, the unpaid order closed (250), the paid one as it was.
var cleaned = map[string]string{"p1": "false", "p2": "false", "c1": "5", "c2": "5", "c5": "5", "o1": "250", "o2": "20"}
