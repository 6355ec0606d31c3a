package refsandbox

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
)

// TestOrderResponseShapes: every success answer of the order and
// delivery endpoints has the shape their spec documents.
func TestOrderResponseShapes(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		ra := token(t, tg, "reviews-approve")
		raUser := accountOf(t, tg, "reviews-approve").OpenID
		wantCode(t, post(t, tg, ra, add, spuBody("nuts")), 0)
		unit := `"delivery_list":[{"delivery_id":"ZTO","waybill_id":"Z1","product_info_list":[{"out_product_id":"never-uploaded","out_sku_id":"sku-1"}]}]`
		for _, c := range []struct{ tok, path, body string }{
			{tok, "/shop/scene/check", `{"scene":1175}`},
			{tok, orderAddPath, newOrder(me, "shape")},
			{tok, orderAddPath, newOrder(me, "shape-text", set("stringify_64bits_number", true))},
			{tok, orderAddPath, newOrder(me, "shape-cashier", set("fund_type", 1))},
			{ra, orderAddPath, oldOrder(raUser, "shape-old", "nuts")},
			{tok, orderGetPath, ids(me, "shape")},
			{tok, orderListPath, `{"page":1,"page_size":10,"sort_order":1}`},
			{tok, "/shop/order/get_list_by_finder", `{"page":1,"page_size":10}`},
			{tok, "/shop/order/get_list_by_sharer", `{"page":1,"page_size":10}`},
			{tok, payParamsPath, ids(me, "shape-cashier")},
			{tok, orderClosePth, ids(me, "shape-cashier")},
			{tok, orderPayPath, payBody(me, "shape")},
			{tok, sendPath, sendBody(me, "shape", 1)},
			{tok, deliveryUpdatePath, ids(me, "shape", unit)},
			{tok, orderGetPath, ids(me, "shape")},
			{tok, recievePath, ids(me, "shape")},
			{tok, "/shop/delivery/get_company_list", `{}`},
		} {
			resp := post(t, tg, c.tok, c.path, c.body)
			wantCode(t, resp, 0)
			ep, _ := spec.Endpoint(c.path)
			if problems := validate.Response(ep, resp); len(problems) > 0 {
				t.Errorf("%s %s: %s", c.path, c.body, strings.Join(problems, "; "))
			}
		}
	})
}

// TestOrderNamedChecks: the Go rules the order spec names (rule check),
// on miniature objects.
func TestOrderNamedChecks(t *testing.T) {
	obj := func(text string) map[string]any {
		var m map[string]any
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, tc := range []struct {
		check string
		obj   string
		ok    bool
	}{
		{"line_paths", `{"product_infos":[{"path":"p"},"not a line",{"path":"q"}]}`, true},
		{"line_paths", `{"product_infos":[{"path":"p"},{"path":" "}]}`, false},
		{"line_paths", `{"product_infos":[{}]}`, false},
		{"line_paths", `{}`, true},
		// 2×300 + 20 − 70 + 5 = 555 = 530 + 20 + 5
		{"amounts", `{"product_infos":[{"sale_price":300,"product_cnt":2,"sku_real_price":530}],"price_info":{"order_price":555,"freight":20,"discounted_price":70,"additional_price":5}}`, true},
		{"amounts", `{"product_infos":[{"sale_price":300,"product_cnt":2,"sku_real_price":600}],"price_info":{"order_price":600,"freight":0,"discounted_price":0}}`, true},
		{"amounts", `{"product_infos":[{"sale_price":300,"product_cnt":2,"sku_real_price":300}],"price_info":{"order_price":300,"freight":0}}`, false},
		{"amounts", `{"product_infos":[{"sale_price":100,"product_cnt":1,"sku_real_price":100}],"price_info":{"order_price":90,"freight":0,"discounted_price":10}}`, false},
		{"presale", `{"order_detail":{"presale_info":{"deposit_price":10,"balance_price":0}}}`, true},
		{"presale", `{"order_detail":{"presale_info":{"deposit_price":10}}}`, false},
		{"presale", `{"order_detail":{"presale_info":{"deposit_price":-1,"balance_price":1}}}`, false},
		{"presale", `{"order_detail":{"presale_info":[]}}`, false},
		{"out_order_id", `{"out_order_id":"a"}`, true},
		{"out_order_id", `{"out_order_id":""}`, false},
		{"out_order_id", `{}`, false},
		{"transaction_id", `{"transaction_id":"4200001000202401011234567890"}`, true},
		{"transaction_id", `{"transaction_id":"131456479687"}`, true},
		{"transaction_id", `{"transaction_id":"x"}`, false},
		{"transaction_id", `{"transaction_id":"42 00"}`, false},
	} {
		detail, ok := orderChecks[tc.check](obj(tc.obj), nil)
		if ok != tc.ok {
			t.Errorf("%s(%s) = %v (%s), want %v", tc.check, tc.obj, ok, detail, tc.ok)
		}
		if !ok && detail == "" {
			t.Errorf("%s(%s) refuses without saying why", tc.check, tc.obj)
		}
	}
}
