package refsandbox

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/refsandbox/control"
)

// Seeding after-sales (aftersale_seed.go): the items are written by hand
// in ecaftersale/get's shape (§2.7 after_sales_order).

// fiveUnits makes seedOrderItem's line 5 units, 500 fen paid.
var fiveUnits = []edit{
	setAt("order_detail.product_infos.0.product_cnt", 5),
	setAt("order_detail.product_infos.0.sku_real_price", 500),
	setAt("order_detail.price_info.order_price", 500),
}

// seedAftersaleItem is an after-sale of seedBuyer on the nuts line of
// order orderOut: typ, status, cnt units, amount fen; edits change it.
func seedAftersaleItem(out, orderOut string, typ, status, cnt, amount int, edits ...edit) map[string]any {
	a := map[string]any{
		"out_aftersale_id": out, "out_order_id": orderOut, "openid": seedBuyer, "type": typ, "status": status,
		"orderamt": amount, "refund_reason": "不想要了", "refund_reason_type": 2,
		"product_info": map[string]any{"out_product_id": "nuts", "out_sku_id": "nuts-1", "product_cnt": cnt},
		"media_list": []any{map[string]any{"type": 1, "url": "https://mmecimage.cn/p/shopconform/claim.jpg",
			"thumb_url": "https://mmecimage.cn/p/shopconform/claim-thumb.jpg"}},
		"create_time": t0.UnixMilli() - 60000, "update_time": t0.UnixMilli() - 30000,
	}
	for _, e := range edits {
		e(a)
	}
	return a
}

// TestSeedAftersaleRoundTrip: ecaftersale/get answers what was seeded,
// v1 aftersale/get reads the same record, and the order's lines show the
// units it holds.
func TestSeedAftersaleRoundTrip(t *testing.T) {
	w := newSeedWorld(t)
	item := seedAftersaleItem("as-rt", "o20", 2, asAwaitingReceipt, 2, 150, set("aftersale_id", 123),
		set("return_info", map[string]any{"delivery_id": "SF", "delivery_name": "顺丰速运", "waybill_id": "SF77", "order_return_time": t0.UnixMilli() - 45000}),
		set("return_id", "ret-1"), set("refund_pay_detail", map[string]any{"refund_id": ""}))
	w.mustSeed(control.Seed{
		Orders:     []any{seedOrderItem("o20", orderAwaitingShipment, fiveUnits...)},
		Aftersales: []any{item},
	})
	got := w.call(asGetPath, `{"aftersale_id":123}`, catalog.OK)["after_sales_order"]
	wantReadBack(t, "after_sales_order", item, got)

	v1 := w.call(v1GetPath, ids(seedBuyer, "o20"), catalog.OK)
	want := map[string]any{"aftersale_id": 123, "out_aftersale_id": "as-rt", "out_order_id": "o20", "openid": seedBuyer,
		"type": 2, "status": asAwaitingReceipt, "refund": 150, "create_time": chinaTime(t0.Add(-60_000_000_000)),
		"product_infos": []any{map[string]any{"out_product_id": "nuts", "out_sku_id": "nuts-1", "product_cnt": 2}}}
	wantReadBack(t, "aftersale_infos[0]", want, at(t, v1, "aftersale_infos.0"))
	list := w.call(asListPath, `{"offset":0,"limit":10,"status":8}`, catalog.OK)
	if n := len(list["after_sales_orders"].([]any)); n != 1 {
		t.Errorf("get_list of status 8 lists %d", n)
	}
}

// TestSeededAftersalesMoveAsMadeOnes: every move takes a seeded
// after-sale in its status, and a seeded after-sale counts against what
// its order holds.
func TestSeededAftersalesMoveAsMadeOnes(t *testing.T) {
	w := newSeedWorld(t)
	w.call(orderAddPath, newOrder(seedBuyer, "api"), catalog.OK)
	w.call(orderPayPath, payBody(seedBuyer, "api"), catalog.OK)
	w.mustSeed(control.Seed{
		Orders: []any{seedOrderItem("o", orderAwaitingShipment, fiveUnits...), seedOrderItem("cap", orderAwaitingShipment, fiveUnits...)},
		Aftersales: []any{
			seedAftersaleItem("as-2", "o", 1, asProcessing, 1, 100),
			seedAftersaleItem("as-6", "o", 2, asAwaitingReturn, 1, 100),
			seedAftersaleItem("as-8", "o", 2, asAwaitingReceipt, 1, 100),
			seedAftersaleItem("as-cancel", "o", 1, asProcessing, 1, 100),
			seedAftersaleItem("as-cap", "cap", 1, asProcessing, 4, 400),
			// On an order the API made: its line is never-uploaded / sku-1.
			seedAftersaleItem("as-api", "api", 1, asProcessing, 1, 100, set("product_info", map[string]any{"out_product_id": "never-uploaded"})),
		},
	})
	w.call(asRefundPath, `{"out_aftersale_id":"as-2"}`, catalog.OK)
	w.call(asShipPath, `{"openid":"`+seedBuyer+`","out_aftersale_id":"as-6","delivery_id":"SF","waybill_id":"SF5"}`, catalog.OK)
	w.call("/shop/ecaftersale/merchanttest", `{"operation":"aftersale_merchant_confirm_receipt_overdue","out_aftersale_id":"as-8"}`, catalog.OK)
	w.call(asCancelPath, `{"openid":"`+seedOther+`","out_aftersale_id":"as-cancel"}`, catalog.AfterSaleNotFound)
	w.call(asCancelPath, `{"openid":"`+seedBuyer+`","out_aftersale_id":"as-cancel"}`, catalog.OK)
	for out, want := range map[string]string{"as-2": "13", "as-6": "8", "as-8": "14", "as-cancel": "1"} {
		if got := asStatus(t, w.tg, w.tok, out); got != want {
			t.Errorf("%s: %s, want %s", out, got, want)
		}
	}
	w.call(asRefundPath, `{"out_aftersale_id":"as-api"}`, catalog.OK)
	w.call(v1UpdatePath, ids(seedBuyer, "cap", `"out_aftersale_id":"as-cap"`, `"status":2`, `"finish_all_aftersale":0`), catalog.OK)

	// as-cap holds 4 of the 5 units and 400 of the 500 fen.
	claim := func(out string, cnt, amount int) string {
		return ids(seedBuyer, "cap", `"out_aftersale_id":"`+out+`"`, `"type":1`,
			`"product_info":{"out_product_id":"nuts","out_sku_id":"nuts-1","product_cnt":`+itoa(cnt)+`}`,
			`"orderamt":`+itoa(amount), `"refund_reason":"不想要了"`, `"refund_reason_type":2`)
	}
	w.call(asAddPath, claim("more-units", 2, 100), catalog.AfterSaleProductNotInOrder)
	w.call(asAddPath, claim("more-money", 1, 101), catalog.AfterSaleProductNotInOrder)
	w.call(asAddPath, claim("the-rest", 1, 100), catalog.OK)
}

// TestSeedAftersaleRefusals: every refusal names its field, with the
// status of its kind, and adds nothing.
func TestSeedAftersaleRefusals(t *testing.T) {
	w := newSeedWorld(t)
	w.mustSeed(control.Seed{
		Orders: []any{
			seedOrderItem("o20", orderAwaitingShipment, append(fiveUnits, set("order_id", 20))...),
			seedOrderItem("o10", orderAwaitingPayment, set("order_id", 10)),
		},
		Aftersales: []any{seedAftersaleItem("taken", "o20", 1, asProcessing, 1, 100, set("aftersale_id", 123))},
	})
	item := func(edits ...edit) []any {
		return []any{seedAftersaleItem("new", "o20", 1, asProcessing, 1, 100, edits...)}
	}
	cases := []struct {
		name       string
		orders     []any
		aftersales []any
		status     int
		field      string
	}{
		{"no order", nil, item(del("out_order_id")), 400, "aftersales[0].order_id"},
		{"unknown out_order_id", nil, item(set("out_order_id", "nope")), 404, "aftersales[0].out_order_id"},
		{"unknown order_id", nil, item(del("out_order_id"), set("order_id", 99)), 404, "aftersales[0].order_id"},
		{"ids of two orders", nil, item(set("order_id", 10)), 400, "aftersales[0].out_order_id"},
		{"unpaid order", nil, item(set("out_order_id", "o10")), 409, "aftersales[0].out_order_id"},
		{"no line of the order", nil, item(setAt("product_info.out_sku_id", "nuts-2")), 404, "aftersales[0].product_info"},
		{"no product_info", nil, item(del("product_info")), 400, "aftersales[0].product_info"},
		{"units beyond the line", nil, item(setAt("product_info.product_cnt", 6)), 409, "aftersales[0].product_info.product_cnt"},
		{"units the order's after-sales hold", nil, item(setAt("product_info.product_cnt", 5)), 409, "aftersales[0].product_info.product_cnt"},
		{"money beyond what was paid", nil, item(set("orderamt", 401)), 409, "aftersales[0].orderamt"},
		{"two of this call beyond the line", nil, []any{seedAftersaleItem("a", "o20", 1, asProcessing, 3, 100), seedAftersaleItem("b", "o20", 1, asProcessing, 2, 100)},
			409, "aftersales[1].product_info.product_cnt"},
		{"every unit refunded on an open order", []any{seedOrderItem("full", orderAwaitingReceipt, shippedWith(1, 2))},
			[]any{seedAftersaleItem("a", "full", 1, asRefunded, 1, 100), seedAftersaleItem("b", "full", 2, asReturnedRefunded, 1, 100)}, 409, "aftersales[1].status"},
		{"aftersale_id taken", nil, item(set("aftersale_id", "123")), 409, "aftersales[0].aftersale_id"},
		{"out_aftersale_id taken", nil, item(set("out_aftersale_id", "taken")), 409, "aftersales[0].out_aftersale_id"},
		{"aftersale_id twice in the call", nil, []any{seedAftersaleItem("a", "o20", 1, 2, 1, 1, set("aftersale_id", 7)), seedAftersaleItem("b", "o20", 1, 2, 1, 1, set("aftersale_id", 7))},
			400, "aftersales[1].aftersale_id"},
		{"out_aftersale_id twice in the call", []any{}, []any{seedAftersaleItem("a", "o20", 1, 2, 1, 1), seedAftersaleItem("a", "o20", 1, 2, 1, 1)}, 400, "aftersales[1].out_aftersale_id"},
		{"type 3", nil, item(set("type", 3)), 400, "aftersales[0].type"},
		{"status 3", nil, item(set("status", 3)), 400, "aftersales[0].status"},
		{"status as text", nil, item(set("status", "2")), 400, "aftersales[0].status"},
		{"orderamt 0", nil, item(set("orderamt", 0)), 400, "aftersales[0].orderamt"},
		{"openid of another buyer", nil, item(set("openid", seedOther)), 400, "aftersales[0].openid"},
		{"create_time not millis", nil, item(set("create_time", "yesterday")), 400, "aftersales[0].create_time"},
		{"media_list not an array", nil, item(set("media_list", "x")), 400, "aftersales[0].media_list"},
		{"order of this call refused", []any{seedOrderItem("bad", 11)}, []any{seedAftersaleItem("c", "bad", 1, 2, 1, 1)}, 400, "orders[0].status"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := w.seed(control.Seed{Orders: c.orders, Aftersales: c.aftersales})
			wantRefusal(t, err, c.status, c.field)
			var ce *control.Error
			if errors.As(err, &ce) && len(ce.Fields) != 1 {
				t.Errorf("%d fields named, want only %s: %v", len(ce.Fields), c.field, ce.Fields)
			}
		})
	}
	page := w.call(asListPath, `{"offset":0,"limit":50}`, catalog.OK)
	if n := len(page["after_sales_orders"].([]any)); n != 1 {
		t.Errorf("the account holds %d after-sales, want the one made before the refusals", n)
	}
}

// TestSeedAftersaleOnOrdersOfTheCall: an after-sale may name an order of
// the same call, and a closed order (200) may hold its refunds.
func TestSeedAftersaleOnOrdersOfTheCall(t *testing.T) {
	w := newSeedWorld(t)
	w.mustSeed(control.Seed{
		Orders:     []any{seedOrderItem("closed", orderAftersaleClosed)},
		Aftersales: []any{seedAftersaleItem("all", "closed", 1, asRefunded, 2, 200, set("refund_pay_detail", map[string]any{"refund_id": "r-1"}))},
	})
	got := w.call(asGetPath, `{"out_aftersale_id":"all"}`, catalog.OK)
	if s := at(t, got, "after_sales_order.refund_pay_detail.refund_id"); s != "r-1" {
		t.Errorf("refund_id %v", s)
	}
	order := w.call(orderGetPath, ids(seedBuyer, "closed"), catalog.OK)
	if s := num(t, order, "order.status"); s != "200" {
		t.Errorf("the order is %s", s)
	}
}

// TestSeedIsAllOrNothingForAftersales: a bad after-sale refuses its
// order of the same call too.
func TestSeedIsAllOrNothingForAftersales(t *testing.T) {
	w := newSeedWorld(t)
	err := w.seed(control.Seed{
		Orders:     []any{seedOrderItem("o", orderAwaitingShipment)},
		Aftersales: []any{seedAftersaleItem("a", "o", 1, asProcessing, 1, 100), seedAftersaleItem("b", "o", 1, asProcessing, 1, 999)},
	})
	wantRefusal(t, err, 409, "aftersales[1].orderamt")
	w.call(orderGetPath, ids(seedBuyer, "o"), catalog.OrderNotFound)
	w.call(asGetPath, `{"out_aftersale_id":"a"}`, catalog.AfterSaleNotFound)
}

// TestMintedAftersaleIDsSkipSeededOnes: after-sale ids minted after a
// seed, by the API or by the seed itself, are never the ones seeds chose.
func TestMintedAftersaleIDsSkipSeededOnes(t *testing.T) {
	w := newSeedWorld(t)
	first := firstAftersaleID
	w.mustSeed(control.Seed{
		Orders: []any{seedOrderItem("o", orderAwaitingShipment, fiveUnits...)},
		Aftersales: []any{
			seedAftersaleItem("minted", "o", 1, asProcessing, 1, 100),
			seedAftersaleItem("chosen-1", "o", 1, asProcessing, 1, 100, set("aftersale_id", json.Number(strconv.FormatUint(first, 10)))),
			seedAftersaleItem("chosen-2", "o", 1, asProcessing, 1, 100, set("aftersale_id", strconv.FormatUint(first+2, 10))),
		},
	})
	id := func(out string) string {
		return num(t, w.call(asGetPath, `{"out_aftersale_id":"`+out+`"}`, catalog.OK), "after_sales_order.aftersale_id")
	}
	if got := id("minted"); got != strconv.FormatUint(first+1, 10) {
		t.Errorf("the seed minted %s, want %d", got, first+1)
	}
	resp := w.call(asAddPath, ids(seedBuyer, "o", `"out_aftersale_id":"api"`, `"type":1`,
		`"product_info":{"out_product_id":"nuts","out_sku_id":"nuts-1","product_cnt":1}`, `"orderamt":100`,
		`"refund_reason":"不想要了"`, `"refund_reason_type":2`), catalog.OK)
	if got := num(t, resp, "aftersale_id"); got != strconv.FormatUint(first+3, 10) {
		t.Errorf("ecaftersale/add minted %s, want %d", got, first+3)
	}
}
