package refsandbox

import (
	"slices"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

const deliveryUpdatePath = "/shop/delivery/update"

// TestDeliveryFields: the fields of delivery/send that have no code of
// their own are 990007 (§2.6), checked before the order; an express
// order needs delivery_list; a send ships what is left of a line.
func TestDeliveryFields(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		me := accountOf(t, tg, "default").OpenID
		list := func(pkgs string) string { return `"delivery_list":[` + pkgs + `]` }
		done := `"ship_done_time":"2024-05-02 10:00:00"`
		run(t, tg, "default", steps([]step{{orderAddPath, newOrder(me, "d", twoUnits...), 0}, {orderPayPath, payBody(me, "d"), 0}}, []step{
			{sendPath, ids(me, "d"), catalog.ParameterMissing},
			{sendPath, ids(me, "d", `"finish_all_delivery":2`), catalog.ParameterMissing},
			{sendPath, ids(me, "d", `"finish_all_delivery":0`, `"delivery_list":{}`), catalog.ParameterMissing},
			{sendPath, ids(me, "d", `"finish_all_delivery":0`, list(`{"delivery_id":"UPS","waybill_id":"w","product_info_list":[{"out_product_id":"never-uploaded"}]}`)), catalog.ParameterMissing},
			{sendPath, ids(me, "d", `"finish_all_delivery":0`, list(`{"delivery_id":"SF","product_info_list":[{"out_product_id":"never-uploaded"}]}`)), catalog.ParameterMissing},
			{sendPath, ids(me, "d", `"finish_all_delivery":0`, list(`{"delivery_id":"SF","waybill_id":"w"}`)), catalog.ParameterMissing},
			{sendPath, ids(me, "d", `"finish_all_delivery":0`, list(`{"delivery_id":"SF","waybill_id":"w","product_info_list":[{}]}`)), catalog.ParameterMissing},
			{sendPath, ids(me, "d", `"finish_all_delivery":0`, list(`{"delivery_id":"SF","waybill_id":"w","product_info_list":[{"out_product_id":"never-uploaded","product_cnt":0}]}`)), catalog.ParameterMissing},
			{sendPath, ids(me, "d", `"finish_all_delivery":1`, list(oneUnit)), catalog.ParameterMissing},
			{sendPath, ids(me, "d", `"finish_all_delivery":1`, list(oneUnit), `"ship_done_time":"tomorrow"`), catalog.ParameterMissing},
			{sendPath, ids(me, "d", `"finish_all_delivery":0`, list(`{"delivery_id":"JD","waybill_id":"w1","product_info_list":[{"out_product_id":"never-uploaded"}]}`)), 0},
			{sendPath, ids(me, "d", `"finish_all_delivery":1`, done), catalog.ParameterMissing},
			{sendPath, ids(me, "d", `"finish_all_delivery":1`, done, list(`{"delivery_id":"OTHERS","waybill_id":"w2","product_info_list":[{"out_product_id":"never-uploaded","product_cnt":2}]}`)), catalog.OrderDeliveryProductNotInOrder},
			{sendPath, ids(me, "d", `"finish_all_delivery":1`, done, list(`{"delivery_id":"OTHERS","waybill_id":"w2","product_info_list":[{"out_product_id":"never-uploaded","out_sku_id":"sku-1"}]}`)), 0},
			{sendPath, ids(me, "d", `"finish_all_delivery":1`, done), catalog.OrderStatusFlowError},
		})...)
		// Without express delivery, a send may carry no waybill.
		run(t, tg, "default", steps([]step{{orderAddPath, newOrder(me, "pickup", setAt("delivery_detail.delivery_type", 4)), 0}, {orderPayPath, payBody(me, "pickup"), 0}}, []step{
			{sendPath, ids(me, "pickup", `"finish_all_delivery":1`, done), 0},
		})...)
		if got := orderStatus(t, tg, token(t, tg, "default"), me, "pickup"); got != "30" {
			t.Errorf("pickup order after send: %s", got)
		}
	})
}

// TestDeliveryUpdate: delivery/update re-labels the waybills of a shipped
// order (21 or 30 with a waybill), within the units shipped, and leaves
// the status alone.
func TestDeliveryUpdate(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		stranger := accountOf(t, tg, "not-opened").OpenID
		pkg := func(carrier, waybill string, cnt int) string {
			return `"delivery_list":[{"delivery_id":"` + carrier + `","waybill_id":"` + waybill + `","product_info_list":[{"out_product_id":"never-uploaded","out_sku_id":"sku-1","product_cnt":` + itoa(cnt) + `}]}]`
		}
		run(t, tg, "default", steps([]step{{orderAddPath, newOrder(me, "u", twoUnits...), 0}, {orderPayPath, payBody(me, "u"), 0}}, []step{
			{deliveryUpdatePath, ids(me, "u", pkg("ZTO", "Z1", 1)), catalog.OrderStatusFlowError},
			{sendPath, sendBody(me, "u", 0), 0},
			{deliveryUpdatePath, ids(me, "u", pkg("ZTO", "Z1", 2)), catalog.OrderDeliveryProductNotInOrder},
			{deliveryUpdatePath, ids(me, "u", `"delivery_list":[{"delivery_id":"ZTO","waybill_id":"Z1","product_info_list":[{"out_product_id":"other"}]}]`), catalog.OrderDeliveryProductNotInOrder},
			{deliveryUpdatePath, ids(me, "u", `"delivery_list":[`+strings.Repeat(oneUnit+",", 10)+oneUnit+`]`), catalog.OrderDeliveryListTooLong},
			{deliveryUpdatePath, ids(me, "u"), catalog.ParameterMissing},
			{deliveryUpdatePath, ids(me, "u", pkg("UPS", "Z1", 1)), catalog.ParameterMissing},
			{deliveryUpdatePath, ids(me, "nope", pkg("ZTO", "Z1", 1)), catalog.OrderNotFound},
			{deliveryUpdatePath, `{"openid":"` + me + `",` + pkg("ZTO", "Z1", 1) + `}`, catalog.OrderIDMissing},
			{deliveryUpdatePath, ids(stranger, "u", pkg("ZTO", "Z1", 1)), catalog.OpenIDIllegal},
			{deliveryUpdatePath, ids("", "u", pkg("ZTO", "Z1", 1)), catalog.OpenIDMissing},
			{deliveryUpdatePath, ids("xxx", "u", pkg("ZTO", "Z1", 1)), catalog.OpenIDIllegalVariant},
			{deliveryUpdatePath, ids(me, "u", pkg("ZTO", "Z1", 1)), 0},
		})...)
		resp := post(t, tg, tok, orderGetPath, ids(me, "u"))
		if got := at(t, resp, "order.order_detail.delivery_detail.delivery_list.0.waybill_id"); got != "Z1" || num(t, resp, "order.status") != "21" {
			t.Errorf("after update: waybill %v, status %s", got, num(t, resp, "order.status"))
		}
		// The update shipped nothing: the second unit is still to send.
		run(t, tg, "default", step{sendPath, sendBody(me, "u", 1), 0}, step{recievePath, ids(me, "u"), 0},
			step{deliveryUpdatePath, ids(me, "u", pkg("ZTO", "Z1", 1)), catalog.OrderStatusFlowError})
		// An order shipped without a waybill has none to change.
		run(t, tg, "default", step{orderAddPath, newOrder(me, "u2", setAt("delivery_detail.delivery_type", 2)), 0}, step{orderPayPath, payBody(me, "u2"), 0},
			step{sendPath, ids(me, "u2", `"finish_all_delivery":1`, `"ship_done_time":"2024-05-02 10:00:00"`), 0},
			step{deliveryUpdatePath, ids(me, "u2", pkg("ZTO", "Z1", 1)), catalog.OrderStatusFlowError})
	})
}

// TestCarriersMatchTheSpec: the delivery_id enums of delivery/send and
// delivery/update are the company list and OTHERS (§2.6).
func TestCarriersMatchTheSpec(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"OTHERS"}
	for _, c := range carriers() {
		want = append(want, c.ID)
	}
	slices.Sort(want)
	for _, path := range []string{sendPath, deliveryUpdatePath} {
		ep, _ := spec.Endpoint(path)
		got := slices.Sorted(slices.Values(ep.Lookup("delivery_list").Items.Member("delivery_id").EnumText))
		if !slices.Equal(got, want) {
			t.Errorf("%s delivery_id enum %v, want %v", path, got, want)
		}
	}
}
