package refsandbox

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// The vendor's example requests of the order and delivery endpoints, as
// the spec keeps them (apispec/data/order.json, delivery.json): with the
// state each presupposes ("needs"), every one answers 0, and one that
// breaks its own page ("breaks") answers the code of the rule it breaks.

// exampleUser is the openid every order page's example sends.
const exampleUser = "oTVP50O53a7jgmawAmxKukNlq3XI"

// orderExampleSetup builds the state an example needs, through the API or
// in the account's store, before the example is sent.
type orderExampleSetup func(t *testing.T, tg *target, tok string)

// orderExamples is the state of each example, by path and index in the
// spec's examples; breaks names the code of an example that breaks its
// page.
var orderExamples = map[string][]struct {
	setup  orderExampleSetup
	breaks catalog.Code
}{
	"/shop/scene/check": {{}},
	orderAddPath: {
		{setup: func(t *testing.T, tg *target, tok string) {
			wantCode(t, post(t, tg, tok, add, spuBody("12345", setSKU("out_sku_id", "23456"))), 0) // listed at once on this profile
		}},
		{setup: func(_ *testing.T, tg *target, _ string) {
			// expire_time 1642076428 (2022-01-13 20:20:28 China time)
			// is 10 h 20 min after this clock.
			tg.clock.advance(time.Date(2022, 1, 13, 10, 0, 0, 0, shanghai).Sub(tg.clock.Now()))
		}, breaks: catalog.OrderPriceInfoInvalid},
	},
	orderPayPath:                      {{setup: exampleOrder(32434234, "pending")}},
	orderGetPath:                      {{setup: exampleOrder(123455, "pending")}},
	orderListPath:                     {{}},
	"/shop/order/get_list_by_finder":  {{}},
	"/shop/order/get_list_by_sharer":  {{}},
	payParamsPath:                     {{setup: exampleOrder(123455, "cashier")}},
	orderClosePth:                     {{setup: exampleOrder(123456, "pending")}},
	"/shop/delivery/get_company_list": {{}},
	sendPath:                          {{setup: exampleOrder(123456, "paid"), breaks: catalog.ParameterMissing}},
	recievePath:                       {{setup: exampleOrder(123456, "shipped")}},
}

// exampleOrder adds the examples' order xxxxx of exampleUser in a state
// (pending: 10; cashier: a fund_type 1 order in 10; paid: 20, its line
// out_product_id 1 and out_sku_id 2 as delivery/send's example names
// them; shipped: 30) and gives it the order_id the page's example sends.
func exampleOrder(id uint64, state string) orderExampleSetup {
	return func(t *testing.T, tg *target, tok string) {
		line := []edit{setAt("order_detail.product_infos.0.out_product_id", "1"), setAt("order_detail.product_infos.0.out_sku_id", "2")}
		switch state {
		case "cashier":
			line = append(line, set("fund_type", 1))
		}
		wantCode(t, post(t, tg, tok, orderAddPath, newOrder(exampleUser, "xxxxx", line...)), 0)
		if state == "paid" || state == "shipped" {
			wantCode(t, post(t, tg, tok, orderPayPath, payBody(exampleUser, "xxxxx")), 0)
		}
		if state == "shipped" {
			wantCode(t, post(t, tg, tok, sendPath, ids(exampleUser, "xxxxx", `"finish_all_delivery":1`, `"ship_done_time":"2024-05-02 10:00:00"`,
				`"delivery_list":[{"delivery_id":"SF","waybill_id":"SF1","product_info_list":[{"out_product_id":"1","out_sku_id":"2"}]}]`)), 0)
		}
		acct, _ := tg.sb.store.account(accountOf(t, tg, "examples").AppID)
		acct.mu.Lock()
		defer acct.mu.Unlock()
		st := acct.order
		o := st.byOut["xxxxx"]
		delete(st.byID, o.id)
		o.id = id
		st.byID[id] = o
	}
}

func TestOrderVendorExamples(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, ep := range spec.Endpoints {
		mine := strings.HasPrefix(ep.Path, "/shop/order/") || strings.HasPrefix(ep.Path, "/shop/delivery/") || ep.Path == "/shop/scene/check"
		if _, ok := orderExamples[ep.Path]; mine && len(ep.Examples) > 0 && !ok {
			t.Errorf("%s has examples the test does not send", ep.Path)
		}
	}
	profiles := []Profile{{Name: "examples", OpenIDs: []string{exampleUser}, Product: productProfile{ReviewsApprove: true}}}
	for path, setups := range orderExamples {
		ep, ok := spec.Endpoint(path)
		if !ok {
			t.Fatalf("%s is not in the spec", path)
		}
		if len(ep.Examples) != len(setups) {
			t.Errorf("%s: the spec has %d examples, the test %d", path, len(ep.Examples), len(setups))
			continue
		}
		for i, ex := range ep.Examples {
			name := fmt.Sprintf("%s#%d", path, i)
			if (ex.Breaks != "") != (setups[i].breaks != 0) {
				t.Errorf("%s: the spec's breaks %q and the test's code %d disagree", name, ex.Breaks, setups[i].breaks)
			}
			t.Run(name, func(t *testing.T) {
				forEachTargetWith(t, profiles, func(t *testing.T, tg *target) {
					tok := token(t, tg, "examples")
					if s := setups[i].setup; s != nil {
						s(t, tg, tok)
					}
					resp := post(t, tg, tok, path, string(ex.Body))
					wantCode(t, resp, setups[i].breaks)
				})
			})
		}
	}
}
