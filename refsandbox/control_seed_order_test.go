package refsandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/refsandbox/control"
)

// Seeding orders (control_seed_order.go): the items are written by hand
// in order/get's shape (§2.5).

const (
	seedBuyer = "buyer-1"
	seedOther = "buyer-2"
)

// seedWorld is one account minted for a test, with its control client
// and access token.
type seedWorld struct {
	t    *testing.T
	tg   *target
	ctl  *control.Client
	acct *control.Account
	tok  string
}

// newSeedWorld mints an account whose users are seedBuyer and seedOther
// and whose clock is the sandbox's (t0).
func newSeedWorld(t *testing.T) *seedWorld { return newSeedWorldOf(t, "default") }

// newSeedWorldOf is newSeedWorld on an account of profile.
func newSeedWorldOf(t *testing.T, profile string) *seedWorld {
	t.Helper()
	tg := loopbackTarget(t)
	ctl := controlClient(tg)
	ctx := context.Background()
	acct, err := ctl.Mint(ctx, control.MintOptions{Profile: profile, OpenIDs: []string{seedBuyer, seedOther}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ctl.AccessToken(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	return &seedWorld{t: t, tg: tg, ctl: ctl, acct: acct, tok: tok}
}

func (w *seedWorld) seed(s control.Seed) error {
	return w.ctl.Seed(context.Background(), w.acct.AppID, s)
}

// mustSeed seeds and fails the test on a refusal.
func (w *seedWorld) mustSeed(s control.Seed) {
	w.t.Helper()
	if err := w.seed(s); err != nil {
		w.t.Fatalf("seed: %v", err)
	}
}

// call posts a vendor call and checks its code.
func (w *seedWorld) call(path, body string, want catalog.Code) map[string]any {
	w.t.Helper()
	resp := post(w.t, w.tg, w.tok, path, body)
	if got := errcode(w.t, resp); got != want {
		w.t.Fatalf("%s %s = %d, want %d (%v)", path, body, got, want, resp["errmsg"])
	}
	return resp
}

func (w *seedWorld) advance(d time.Duration) {
	w.t.Helper()
	if err := w.ctl.AdvanceClock(context.Background(), w.acct.AppID, d); err != nil {
		w.t.Fatal(err)
	}
}

// seedOrderItem is a new-flow order of seedBuyer in order/get's shape, in
// status, with one line of 2 units (200 fen paid), paid unless status is
// 10, 181 or 250, and not shipped; edits change it.
func seedOrderItem(out string, status int, edits ...edit) map[string]any {
	o := map[string]any{
		"out_order_id": out, "openid": seedBuyer, "status": status, "fund_type": 0, "scene": 1177,
		"path": "pages/order/detail?id=" + out, "expire_time": t0.Unix() + 3600, "aftersale_duration": 7, "out_user_id": "user-9",
		"create_time": "2024-05-01 09:30:00", "update_time": "2024-05-01 09:40:00",
		"order_detail": map[string]any{
			"product_infos": []any{map[string]any{
				"out_product_id": "nuts", "out_sku_id": "nuts-1", "product_cnt": 2, "sale_price": 100, "sku_real_price": 200,
				"title": "坚果礼盒", "path": "pages/product/detail?id=nuts", "head_img": "https://mmecimage.cn/p/shopconform/head.jpg",
			}},
			"pay_info": map[string]any{"pay_method_type": 0, "pay_method": "微信支付", "prepay_id": "wx201410272009395522657a690389285100",
				"prepay_time": "2024-05-01 09:30:00", "transaction_id": "4200001234202405011234567890", "pay_time": "2024-05-01 09:35:00"},
			"price_info":      map[string]any{"order_price": 200, "freight": 0, "discounted_price": 0, "additional_price": 0, "additional_remarks": ""},
			"delivery_detail": map[string]any{"delivery_type": 1},
		},
		"address_info": map[string]any{"receiver_name": "张三", "detailed_address": "北京市朝阳区一号", "tel_number": "13800000000",
			"country": "中国", "province": "北京市", "city": "北京市", "town": "朝阳区"},
		"default_receiving_address": map[string]any{"receiver_name": "李四", "detailed_address": "上海市一号", "tel_number": "13900000000",
			"country": "中国", "province": "上海市", "city": "上海市", "town": "浦东新区"},
	}
	if status == orderAwaitingPayment || status == orderTimedOut || status == orderCancelled {
		pay := o["order_detail"].(map[string]any)["pay_info"].(map[string]any)
		delete(pay, "transaction_id")
		delete(pay, "pay_time")
	}
	for _, e := range edits {
		e(o)
	}
	return o
}

// shippedWith sets the order's shipments: the packages, each shipping
// units of the nuts line, and finish_all_delivery.
func shippedWith(finish int, units ...int) edit {
	return func(o map[string]any) {
		var list []any
		for i, n := range units {
			list = append(list, map[string]any{"delivery_id": "SF", "waybill_id": "SF" + itoa(i+1),
				"product_info_list": []any{map[string]any{"out_product_id": "nuts", "out_sku_id": "nuts-1", "product_cnt": n}}})
		}
		dd := o["order_detail"].(map[string]any)["delivery_detail"].(map[string]any)
		dd["delivery_list"], dd["finish_all_delivery"] = list, finish
	}
}

// wantReadBack checks that got holds every value of want (a seed item) at
// the same path, but the keys in skip; arrays must have want's length.
func wantReadBack(t *testing.T, path string, want, got any, skip ...string) {
	t.Helper()
	switch w := asJSON(t, want).(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s = %v, want an object", path, got)
			return
		}
		for k, v := range w {
			if !slices.Contains(skip, k) {
				wantReadBack(t, path+"."+k, v, g[k], skip...)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s = %v, want %d items", path, got, len(w))
			return
		}
		for i := range w {
			wantReadBack(t, fmt.Sprintf("%s[%d]", path, i), w[i], g[i], skip...)
		}
	default:
		if fmt.Sprint(w) != fmt.Sprint(got) {
			t.Errorf("%s = %v, seeded %v", path, got, w)
		}
	}
}

// TestSeedOrderRoundTrip: order/get answers what was seeded, for every
// field the sandbox models, and the lists list it.
func TestSeedOrderRoundTrip(t *testing.T) {
	w := newSeedWorld(t)
	shipped := seedOrderItem("rt-100", orderCompleted, set("order_id", "123455"), shippedWith(1, 2),
		set("receive_time", "2024-05-01 09:50:00"), set("after_sale_deadline", t0.Unix()+30*86400))
	pending := seedOrderItem("rt-10", orderAwaitingPayment, set("order_id", 77), set("fund_type", 1))
	w.mustSeed(control.Seed{Orders: []any{shipped, pending}})

	for _, item := range []map[string]any{shipped, pending} {
		got := w.call(orderGetPath, ids(seedBuyer, item["out_order_id"].(string)), catalog.OK)["order"]
		wantReadBack(t, "order", item, got, "product_info_list")
	}
	got := w.call(orderGetPath, `{"openid":"`+seedBuyer+`","order_id":123455}`, catalog.OK)
	if n := len(at(t, got, "order.order_detail.delivery_detail.delivery_list").([]any)); n != 1 {
		t.Errorf("delivery_list has %d packages", n)
	}
	list := w.call(orderListPath, `{"page":1,"page_size":10,"sort_order":1}`, catalog.OK)
	if num(t, list, "total_num") != "2" {
		t.Errorf("get_list total_num %s, want the 2 seeded orders", num(t, list, "total_num"))
	}
}

// TestSeededOrdersMoveAsMadeOnes: each seeded status takes the calls an
// order made through the API takes in it, and refuses the others.
func TestSeededOrdersMoveAsMadeOnes(t *testing.T) {
	w := newSeedWorld(t)
	w.mustSeed(control.Seed{Orders: []any{
		seedOrderItem("s10", orderAwaitingPayment),
		seedOrderItem("s10-close", orderAwaitingPayment),
		seedOrderItem("s10-cashier", orderAwaitingPayment, set("fund_type", 1)),
		seedOrderItem("s20", orderAwaitingShipment),
		seedOrderItem("s21", orderPartlyShipped, shippedWith(0, 1)),
		seedOrderItem("s30", orderAwaitingReceipt, shippedWith(1, 2)),
		seedOrderItem("s30-unlisted", orderAwaitingReceipt, setAt("order_detail.delivery_detail", map[string]any{
			"delivery_type": 1, "delivery_list": []any{map[string]any{"delivery_id": "SF", "waybill_id": "SF9"}}})),
		seedOrderItem("s100", orderCompleted, shippedWith(1, 2), set("receive_time", "2024-05-01 09:50:00")),
		seedOrderItem("s181", orderTimedOut, set("expire_time", t0.Unix()-60)),
		seedOrderItem("s250", orderCancelled),
	}})
	u := seedBuyer
	w.call(orderPayPath, payBody(u, "s10"), catalog.OK)
	w.call(orderPayPath, payBody(u, "s10"), catalog.OrderStatusFlowError)
	w.call(orderClosePth, ids(u, "s10-close"), catalog.OK)
	w.call(payParamsPath, ids(u, "s10-cashier"), catalog.OK)
	w.call(orderPayPath, payBody(u, "s10-cashier"), catalog.OrderStatusFlowError)

	w.call(recievePath, ids(u, "s20"), catalog.OrderStatusFlowError)
	nuts := func(n int) string {
		return `"delivery_list":[{"delivery_id":"SF","waybill_id":"SF8","product_info_list":[{"out_product_id":"nuts","out_sku_id":"nuts-1","product_cnt":` + itoa(n) + `}]}]`
	}
	w.call(sendPath, ids(u, "s20", `"finish_all_delivery":0`, nuts(1)), catalog.OK)
	// s21 shipped one of its two units: one is left.
	w.call(sendPath, ids(u, "s21", `"finish_all_delivery":1`, `"ship_done_time":"2024-05-01 11:00:00"`, nuts(2)), catalog.OrderDeliveryProductNotInOrder)
	w.call(sendPath, ids(u, "s21", `"finish_all_delivery":1`, `"ship_done_time":"2024-05-01 11:00:00"`, nuts(1)), catalog.OK)
	if s := orderStatus(t, w.tg, w.tok, u, "s21"); s != "30" {
		t.Errorf("s21 after its last unit: %s, want 30", s)
	}
	w.call("/shop/delivery/update", ids(u, "s30", nuts(2)), catalog.OK)
	// An order shipped in full whose packages do not list their goods has shipped every unit.
	w.call("/shop/delivery/update", ids(u, "s30-unlisted", nuts(2)), catalog.OK)
	w.call(recievePath, ids(u, "s30"), catalog.OK)
	if s := orderStatus(t, w.tg, w.tok, u, "s30"); s != "100" {
		t.Errorf("s30 after recieve: %s, want 100", s)
	}

	w.call(deadlinePath, ids(u, "s100", `"after_sale_deadline":`+strconv.FormatInt(t0.Unix()+10*86400, 10)), catalog.OK)
	w.call(asAddPath, ids(u, "s100", `"out_aftersale_id":"as-s100"`, `"type":1`,
		`"product_info":{"out_product_id":"nuts","out_sku_id":"nuts-1","product_cnt":2}`, `"orderamt":200`,
		`"refund_reason":"不想要了"`, `"refund_reason_type":2`), catalog.OK)
	w.call(asRefundPath, `{"out_aftersale_id":"as-s100"}`, catalog.OK)
	if s := orderStatus(t, w.tg, w.tok, u, "s100"); s != "200" {
		t.Errorf("s100 fully refunded: %s, want 200", s)
	}

	if s := orderStatus(t, w.tg, w.tok, u, "s181"); s != "181" {
		t.Errorf("s181 reads %s", s)
	}
	w.call(orderPayPath, payBody(u, "s181"), catalog.OrderStatusFlowError)
	w.call(orderClosePth, ids(u, "s250"), catalog.OrderStatusFlowError)
	w.call(asAddPath, asBody(u, "s250", "as-250", 1), catalog.OrderStatusFlowError)
	// The new flow is create-only: a seeded order's id is taken for order/add.
	w.call(orderAddPath, newOrder(u, "s250"), catalog.OrderAlreadyExists)
	// Another buyer does not see it.
	w.call(orderGetPath, ids(seedOther, "s20"), catalog.OrderNotFound)
}

// TestSeedOrderRefusals: every refusal names its field, with the status
// of its kind (400 wrong in itself, 404 no such object, 409 a clash with
// the account), and adds nothing.
func TestSeedOrderRefusals(t *testing.T) {
	w := newSeedWorld(t)
	w.mustSeed(control.Seed{Orders: []any{seedOrderItem("taken", orderAwaitingShipment, set("order_id", 5))}})
	w.call(orderAddPath, newOrder(seedBuyer, "api-made"), catalog.OK)
	apiID := num(t, w.call(orderGetPath, ids(seedBuyer, "api-made"), catalog.OK), "order.order_id")

	item := func(status int, edits ...edit) []any { return []any{seedOrderItem("new", status, edits...)} }
	cases := []struct {
		name   string
		orders []any
		status int
		field  string
	}{
		{"out_order_id taken", item(20, set("out_order_id", "taken")), 409, "orders[0].out_order_id"},
		{"out_order_id of an API order", item(20, set("out_order_id", "api-made")), 409, "orders[0].out_order_id"},
		{"order_id taken", item(20, set("order_id", 5)), 409, "orders[0].order_id"},
		{"order_id of an API order", item(20, set("order_id", json.Number(apiID))), 409, "orders[0].order_id"},
		{"out_order_id twice in the call", []any{seedOrderItem("dup", 20), seedOrderItem("dup", 20)}, 400, "orders[1].out_order_id"},
		{"order_id twice in the call", []any{seedOrderItem("a", 20, set("order_id", 9)), seedOrderItem("b", 20, set("order_id", "9"))}, 400, "orders[1].order_id"},
		{"no out_order_id", item(20, del("out_order_id")), 400, "orders[0].out_order_id"},
		{"no openid", item(20, del("openid")), 400, "orders[0].openid"},
		{"openid of no user", item(20, set("openid", "stranger")), 404, "orders[0].openid"},
		{"no status", item(20, del("status")), 400, "orders[0].status"},
		{"status 11", item(11), 400, "orders[0].status"},
		{"status 42", item(42), 400, "orders[0].status"},
		{"status as text", item(20, set("status", "20")), 400, "orders[0].status"},
		{"order_id not a uint64", item(20, set("order_id", "abc")), 400, "orders[0].order_id"},
		{"fund_type 2", item(20, set("fund_type", 2)), 400, "orders[0].fund_type"},
		{"aftersale_duration 3", item(20, set("aftersale_duration", 3)), 400, "orders[0].aftersale_duration"},
		{"expire_time as text", item(20, set("expire_time", "soon")), 400, "orders[0].expire_time"},
		{"create_time not a datetime", item(20, set("create_time", "2024-05-01")), 400, "orders[0].create_time"},
		{"pay_info not an object", item(20, setAt("order_detail.pay_info", "paid")), 400, "orders[0].order_detail.pay_info"},
		{"pay_time not a datetime", item(20, setAt("order_detail.pay_info.pay_time", "today")), 400, "orders[0].order_detail.pay_info.pay_time"},
		{"no line", item(20, setAt("order_detail.product_infos", []any{})), 400, "orders[0].order_detail.product_infos"},
		{"product_cnt 0", item(20, setAt("order_detail.product_infos.0.product_cnt", 0)), 400, "orders[0].order_detail.product_infos[0].product_cnt"},
		{"product_cnt as text", item(20, setAt("order_detail.product_infos.0.product_cnt", "2")), 400, "orders[0].order_detail.product_infos[0].product_cnt"},
		{"delivery_type 7", item(20, setAt("order_detail.delivery_detail.delivery_type", 7)), 400, "orders[0].order_detail.delivery_detail.delivery_type"},
		{"old flow, product never uploaded", item(20, set("expire_time", 0)), 404, "orders[0].order_detail.product_infos[0].out_product_id"},
		{"product_id of no product", item(20, setAt("order_detail.product_infos.0.product_id", 31)), 404, "orders[0].order_detail.product_infos[0].product_id"},
		{"10 past its expire_time", item(10, set("expire_time", t0.Unix())), 409, "orders[0].expire_time"},
		{"181 without expire_time", item(181, set("expire_time", 0), set("fund_type", 1)), 400, "orders[0].expire_time"},
		{"181 before its expire_time", item(181), 409, "orders[0].expire_time"},
		{"20 with a package", item(20, shippedWith(0, 1)), 400, "orders[0].order_detail.delivery_detail.delivery_list"},
		{"250 with a package", item(250, shippedWith(0, 1)), 400, "orders[0].order_detail.delivery_detail.delivery_list"},
		{"21 shipped in full", item(21, shippedWith(1, 1)), 400, "orders[0].order_detail.delivery_detail.finish_all_delivery"},
		{"30 not shipped in full", item(30, shippedWith(0, 2)), 400, "orders[0].order_detail.delivery_detail.finish_all_delivery"},
		{"30 express without a waybill", item(30), 400, "orders[0].order_detail.delivery_detail.delivery_list"},
		{"21 express without a waybill", item(21), 400, "orders[0].order_detail.delivery_detail.delivery_list"},
		{"units beyond the line", item(30, shippedWith(1, 2, 1)), 400, "orders[0].order_detail.delivery_detail.delivery_list[1].product_info_list[0].product_cnt"},
		{"goods in no line", item(21, shippedWith(0, 1), setAt("order_detail.delivery_detail.delivery_list.0.product_info_list.0.out_sku_id", "nuts-2")),
			400, "orders[0].order_detail.delivery_detail.delivery_list[0].product_info_list[0]"},
		{"no such carrier", item(21, shippedWith(0, 1), setAt("order_detail.delivery_detail.delivery_list.0.delivery_id", "UPS")),
			400, "orders[0].order_detail.delivery_detail.delivery_list[0].delivery_id"},
		{"received but not completed", item(30, shippedWith(1, 2), set("receive_time", "2024-05-01 09:50:00")), 400, "orders[0].receive_time"},
		{"deadline of an order not received", item(20, set("after_sale_deadline", t0.Unix()+30*86400)), 400, "orders[0].after_sale_deadline"},
		{"deadline that extends nothing", item(100, shippedWith(1, 2), set("after_sale_deadline", t0.Unix()+86400)), 400, "orders[0].after_sale_deadline"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantRefusal(t, w.seed(control.Seed{Orders: c.orders}), c.status, c.field)
		})
	}
	// Nothing of the refused calls was added.
	if n := num(t, w.call(orderListPath, `{"page":1,"page_size":100,"sort_order":1}`, catalog.OK), "total_num"); n != "2" {
		t.Errorf("the account holds %s orders, want the 2 made before the refusals", n)
	}
}

// TestSeedOldFlowOrders: an old-flow order (no fund_type 1, no
// expire_time) names uploaded products, whose ids it takes where it left
// them out, and order/add rewrites it while it awaits payment.
func TestSeedOldFlowOrders(t *testing.T) {
	w := newSeedWorldOf(t, "reviews-approve")
	w.call("/shop/spu/add", spuBody("nuts"), catalog.OK) // listed at once on this profile
	spu := spuOf(t, w.tg, w.tok, "nuts", false)
	productID, skuID := fmt.Sprint(spu["product_id"]), fmt.Sprint(at(t, spu, "skus.0.sku_id"))
	old := func(out string, edits ...edit) map[string]any {
		return seedOrderItem(out, orderAwaitingPayment, append([]edit{set("expire_time", 0),
			setAt("order_detail.product_infos.0.out_sku_id", "nuts-sku1")}, edits...)...)
	}
	line := "order_detail.product_infos.0."
	wantRefusal(t, w.seed(control.Seed{Orders: []any{old("o", setAt(line+"product_id", 5))}}), 400, "orders[0].order_detail.product_infos[0].product_id")
	wantRefusal(t, w.seed(control.Seed{Orders: []any{old("o", setAt(line+"sku_id", 5))}}), 400, "orders[0].order_detail.product_infos[0].sku_id")
	wantRefusal(t, w.seed(control.Seed{Orders: []any{old("o", setAt(line+"out_sku_id", "nuts-sku9"), setAt(line+"sku_id", 5))}}),
		400, "orders[0].order_detail.product_infos[0].sku_id")
	w.mustSeed(control.Seed{Orders: []any{old("o")}})
	got := w.call(orderGetPath, ids(seedBuyer, "o"), catalog.OK)
	if p, s := num(t, got, "order.order_detail.product_infos.0.product_id"), num(t, got, "order.order_detail.product_infos.0.sku_id"); p != productID || s != skuID {
		t.Errorf("the line has product_id %s and sku_id %s, want the product's %s and %s", p, s, productID, skuID)
	}
	w.call(orderAddPath, oldOrder(seedBuyer, "o", "nuts"), catalog.OK)
	w.call(orderPayPath, payBody(seedBuyer, "o"), catalog.OK)
	w.call(orderAddPath, oldOrder(seedBuyer, "o", "nuts"), catalog.OrderUpdateFailed)
}

// TestSeedIsAllOrNothingForOrders: one bad item refuses the whole call,
// naming every field at fault, and adds nothing.
func TestSeedIsAllOrNothingForOrders(t *testing.T) {
	w := newSeedWorld(t)
	err := w.seed(control.Seed{Orders: []any{
		seedOrderItem("good", orderAwaitingShipment),
		seedOrderItem("bad", 11, set("openid", "stranger")),
	}})
	var ce *control.Error
	if !errors.As(err, &ce) || len(ce.Fields) != 2 {
		t.Fatalf("want both faults named, got %v", err)
	}
	w.call(orderGetPath, ids(seedBuyer, "good"), catalog.OrderNotFound)
}

// TestMintedOrderIDsSkipSeededOnes: order ids minted after a seed, by the
// API or by the seed itself, are never the ones seeds chose.
func TestMintedOrderIDsSkipSeededOnes(t *testing.T) {
	w := newSeedWorld(t)
	first := firstOrderID
	w.mustSeed(control.Seed{Orders: []any{
		seedOrderItem("minted", orderAwaitingShipment), // minted after the chosen ones below are known
		seedOrderItem("chosen-1", orderAwaitingShipment, set("order_id", json.Number(strconv.FormatUint(first, 10)))),
		seedOrderItem("chosen-2", orderAwaitingShipment, set("order_id", strconv.FormatUint(first+2, 10))),
	}})
	id := func(out string) string {
		return num(t, w.call(orderGetPath, ids(seedBuyer, out), catalog.OK), "order.order_id")
	}
	if got := id("minted"); got != strconv.FormatUint(first+1, 10) {
		t.Errorf("the seed minted %s, want %d (the first id no seeded order has)", got, first+1)
	}
	w.call(orderAddPath, newOrder(seedBuyer, "api"), catalog.OK)
	if got := id("api"); got != strconv.FormatUint(first+3, 10) {
		t.Errorf("order/add minted %s, want %d", got, first+3)
	}
}

// TestAccountClockTimesOutOrders: advancing an account's clock past an
// order's expire_time makes it 181, whether a seed or order/add made it.
func TestAccountClockTimesOutOrders(t *testing.T) {
	w := newSeedWorld(t)
	w.mustSeed(control.Seed{Orders: []any{seedOrderItem("seeded", orderAwaitingPayment, set("expire_time", t0.Unix()+1800))}})
	w.call(orderAddPath, newOrder(seedBuyer, "made", setAt("expire_time", t0.Unix()+1800)), catalog.OK)
	for _, out := range []string{"seeded", "made"} {
		if s := orderStatus(t, w.tg, w.tok, seedBuyer, out); s != "10" {
			t.Errorf("%s before its deadline: %s", out, s)
		}
	}
	w.advance(31 * time.Minute)
	for _, out := range []string{"seeded", "made"} {
		resp := w.call(orderGetPath, ids(seedBuyer, out), catalog.OK)
		if s := num(t, resp, "order.status"); s != "181" {
			t.Errorf("%s after its deadline: %s, want 181", out, s)
		}
		if got, want := at(t, resp, "order.update_time"), chinaTime(t0.Add(30*time.Minute)); got != want {
			t.Errorf("%s timed out at %v, want %s", out, got, want)
		}
	}
	w.call(orderPayPath, payBody(seedBuyer, "seeded"), catalog.OrderStatusFlowError)
}

// TestAccountClockMovesTheDeadlineWindow: update_deadline's window (now +
// 7 days to now + 3×365 days) is read on the account's clock.
func TestAccountClockMovesTheDeadlineWindow(t *testing.T) {
	w := newSeedWorld(t)
	received := func(out string) map[string]any {
		return seedOrderItem(out, orderCompleted, shippedWith(1, 2), set("receive_time", chinaTime(t0)))
	}
	w.mustSeed(control.Seed{Orders: []any{received("before"), received("after")}})
	deadline := `"after_sale_deadline":` + strconv.FormatInt(t0.Add(10*24*time.Hour).Unix(), 10)
	w.call(deadlinePath, ids(seedBuyer, "before", deadline), catalog.OK)
	w.advance(5 * 24 * time.Hour)
	// Ten days after t0 is now five days away: under the window's 7.
	w.call(deadlinePath, ids(seedBuyer, "after", deadline), catalog.ParameterMissing)
	later := `"after_sale_deadline":` + strconv.FormatInt(t0.Add(13*24*time.Hour).Unix(), 10)
	w.call(deadlinePath, ids(seedBuyer, "after", later), catalog.OK)
}
