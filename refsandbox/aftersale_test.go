package refsandbox

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// TestAftersaleMoves: the v2 status machine's other branches
// (refsandbox/README.md), each read back through ecaftersale/get.
func TestAftersaleMoves(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		ten := newOrder(me, "m", setAt("order_detail.product_infos.0.product_cnt", 10), setAt("order_detail.product_infos.0.sku_real_price", 1000),
			setAt("order_detail.price_info.order_price", 1000))
		run(t, tg, "default", step{orderAddPath, ten, 0}, step{orderPayPath, payBody(me, "m"), 0})
		for _, tc := range []struct {
			name  string
			typ   int
			moves []step
			want  string
		}{
			{"refund only", 1, []step{{asRefundPath, `{"out_aftersale_id":"%s"}`, 0}}, "13"},
			{"refund refused", 1, []step{{asRejectPath, `{"out_aftersale_id":"%s"}`, 0}}, "4"},
			{"return refused", 2, []step{{asReturnPath, `{"out_aftersale_id":"%s",` + returnAddress + `}`, 0}, {asRejectPath, `{"out_aftersale_id":"%s"}`, 0}}, "5"},
			{"cancelled by the buyer", 2, []step{{asCancelPath, `{"openid":"` + me + `","out_aftersale_id":"%s"}`, 0},
				{asCancelPath, `{"openid":"` + me + `","out_aftersale_id":"%s"}`, catalog.OrderStatusFlowError}}, "1"},
			{"return before acceptance", 2, []step{{asShipPath, `{"openid":"` + me + `","out_aftersale_id":"%s","delivery_id":"SF","waybill_id":"w"}`, catalog.OrderStatusFlowError}}, "2"},
			{"accept return twice", 2, []step{{asReturnPath, `{"out_aftersale_id":"%s",` + returnAddress + `}`, 0},
				{asReturnPath, `{"out_aftersale_id":"%s",` + returnAddress + `}`, catalog.OrderStatusFlowError}}, "6"},
			{"edited by the buyer", 1, []step{{asUpdatePath, `{"openid":"` + me + `","out_aftersale_id":"%s","type":1,"orderamt":50,"refund_reason":"改","refund_reason_type":8}`, 0},
				{asUpdatePath, `{"openid":"` + me + `","out_aftersale_id":"%s","type":2,"orderamt":50,"refund_reason":"改","refund_reason_type":8}`, catalog.ParameterMissing}}, "2"},
			{"certificates in any status", 1, []step{{asRejectPath, `{"out_aftersale_id":"%s"}`, 0},
				{asCertsPath, `{"out_aftersale_id":"%s","refund_desc":"凭证","certificates":["https://mmecimage.cn/p/c.jpg"]}`, 0},
				{asCertsPath, `{"out_aftersale_id":"%s","certificates":"x"}`, catalog.ParameterMissing}}, "4"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				out := "m-" + tc.name
				wantCode(t, post(t, tg, tok, asAddPath, asBody(me, "m", out, tc.typ)), 0)
				for _, m := range tc.moves {
					wantCode(t, post(t, tg, tok, m.path, strings.ReplaceAll(m.body, "%s", out)), m.want)
				}
				if got := asStatus(t, tg, tok, out); got != tc.want {
					t.Errorf("status %s, want %s", got, tc.want)
				}
			})
		}
		// One refunded unit of ten leaves the order as it was.
		if got := orderStatus(t, tg, tok, me, "m"); got != "20" {
			t.Errorf("order status %s after partial after-sales, want 20", got)
		}
	})
}

// TestOrderClosesWhenFullyRefunded: 200 only when every line's every unit
// is refunded (refsandbox/README.md, order status machine).
func TestOrderClosesWhenFullyRefunded(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		two := newOrder(me, "two", setAt("order_detail.product_infos.0.product_cnt", 2), setAt("order_detail.product_infos.0.sku_real_price", 200),
			setAt("order_detail.price_info.order_price", 200))
		run(t, tg, "default", step{orderAddPath, two, 0}, step{orderPayPath, payBody(me, "two"), 0})
		claim := func(out string, cnt int) string {
			return ids(me, "two", `"out_aftersale_id":"`+out+`"`, `"type":1`, `"product_info":{"out_product_id":"never-uploaded","product_cnt":`+strconv.Itoa(cnt)+`}`,
				`"orderamt":100`, `"refund_reason":"x"`, `"refund_reason_type":2`)
		}
		run(t, tg, "default", step{asAddPath, claim("r1", 1), 0}, step{asRefundPath, `{"out_aftersale_id":"r1"}`, 0})
		if got := orderStatus(t, tg, tok, me, "two"); got != "20" {
			t.Errorf("one of two units refunded: %s", got)
		}
		run(t, tg, "default", step{asAddPath, claim("r2", 1), 0}, step{asRefundPath, `{"out_aftersale_id":"r2"}`, 0})
		if got := orderStatus(t, tg, tok, me, "two"); got != "200" {
			t.Errorf("both units refunded: %s", got)
		}
		wantCode(t, post(t, tg, tok, asAddPath, claim("r3", 1)), catalog.OrderStatusFlowError)
	})
}

// TestAftersaleLists: ecaftersale/get_list (ids, paging, filters) and the
// v1 aftersale/get shape.
func TestAftersaleLists(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		run(t, tg, "default", steps(unitsOrder(me, "g1", 2), paidOrder(me, "g2"), []step{
			{asAddPath, asBody(me, "g1", "g1-a", 1), 0}, {asAddPath, asBody(me, "g1", "g1-b", 1), 0}, {asAddPath, asBody(me, "g2", "g2-a", 2), 0},
			{asRejectPath, `{"out_aftersale_id":"g1-b"}`, 0},
		})...)
		resp := post(t, tg, tok, asListPath, `{"offset":0,"limit":2}`)
		wantCode(t, resp, 0)
		if len(at(t, resp, "after_sales_orders").([]any)) != 2 || at(t, resp, "has_more") != true {
			t.Errorf("first page: %v", resp)
		}
		resp = post(t, tg, tok, asListPath, `{"offset":2,"limit":2}`)
		if len(at(t, resp, "after_sales_orders").([]any)) != 1 || at(t, resp, "has_more") != false {
			t.Errorf("second page: %v", resp)
		}
		for body, want := range map[string]int{
			`{"offset":0,"limit":50,"out_order_id":"g1"}`:                                           2,
			`{"offset":0,"limit":50,"status":4}`:                                                    1,
			`{"offset":0,"limit":50,"openid":"` + me + `"}`:                                         3,
			`{"offset":0,"limit":50,"begin_create_time":` + ms(t0.Add(time.Second)) + `}`:           0,
			`{"offset":0,"limit":50,"end_create_time":` + ms(t0) + `,"begin_create_time":0}`:        3,
			`{"offset":5,"limit":50}`:                                                               0,
			`{"offset":0,"limit":50,"out_order_id":"g2","openid":"` + me + `","status":2}`:          1,
			`{"offset":0,"limit":50,"out_order_id":"g2","openid":"` + me + `","status":13}`:         0,
			`{"offset":0,"limit":50,"out_order_id":"nope"}`:                                         0,
			`{"offset":0,"limit":50,"status":2,"begin_create_time":` + ms(t0.Add(-time.Hour)) + `}`: 2,
		} {
			resp := post(t, tg, tok, asListPath, body)
			wantCode(t, resp, 0)
			if got := len(at(t, resp, "after_sales_orders").([]any)); got != want {
				t.Errorf("%s: %d after-sales, want %d", body, got, want)
			}
		}
		wantCode(t, post(t, tg, tok, asListPath, `{"offset":-1,"limit":5}`), catalog.ParameterMissing)
		wantCode(t, post(t, tg, tok, asListPath, `{"offset":0,"limit":0}`), catalog.ParameterMissing)
		wantCode(t, post(t, tg, tok, asListPath, `{"limit":5}`), catalog.ParameterMissing)
		wantCode(t, post(t, tg, tok, asListPath, `{"offset":0,"limit":50,"order_id":"x"}`), catalog.ParameterMissing)
		wantShape(t, asListPath, resp)

		v1 := post(t, tg, tok, v1GetPath, ids(me, "g1"))
		wantCode(t, v1, 0)
		if len(at(t, v1, "aftersale_infos").([]any)) != 2 {
			t.Errorf("v1 get: %v", v1)
		}
		wantFields(t, v1, "aftersale_infos.0.order_id", "aftersale_infos.0.aftersale_id", "aftersale_infos.0.out_aftersale_id", "aftersale_infos.0.openid",
			"aftersale_infos.0.type", "aftersale_infos.0.status", "aftersale_infos.0.refund", "aftersale_infos.0.path", "aftersale_infos.0.create_time",
			"aftersale_infos.0.product_infos.0.out_product_id")
		one := post(t, tg, tok, v1GetPath, ids(me, "g1", `"out_aftersale_id":"g1-b"`))
		if len(at(t, one, "aftersale_infos").([]any)) != 1 {
			t.Errorf("v1 get by after-sale: %v", one)
		}
		wantCode(t, post(t, tg, tok, v1GetPath, ids(me, "g1", `"out_aftersale_id":"g2-a"`)), catalog.AfterSaleNotFound)
		run(t, tg, "default", paidOrder(me, "g3")...)
		if empty := post(t, tg, tok, v1GetPath, ids(me, "g3")); len(at(t, empty, "aftersale_infos").([]any)) != 0 {
			t.Errorf("an order without after-sales: %v", empty)
		}
		full := post(t, tg, tok, asGetPath, `{"out_aftersale_id":"g2-a"}`)
		wantFields(t, full, "after_sales_order.aftersale_id", "after_sales_order.order_id", "after_sales_order.out_order_id", "after_sales_order.openid",
			"after_sales_order.type", "after_sales_order.orderamt", "after_sales_order.refund_reason_type", "after_sales_order.refund_reason",
			"after_sales_order.product_info.out_product_id", "after_sales_order.return_info", "after_sales_order.media_list",
			"after_sales_order.complaint_order_id_list", "after_sales_order.create_time", "after_sales_order.update_time")
		byID := post(t, tg, tok, asGetPath, `{"aftersale_id":`+num(t, full, "after_sales_order.aftersale_id")+`}`)
		if at(t, byID, "after_sales_order.out_aftersale_id") != "g2-a" {
			t.Errorf("by aftersale_id: %v", byID)
		}
	})
}

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// TestAftersaleV1UpdateAndDeadline: aftersale/update sets a v1 status and
// closes the order on finish_all_aftersale 1, after which the order takes
// no v1 update (1000000, DOC:aftersale/update); update_deadline takes a
// deadline 7 days to 3 years ahead on a completed order, once, and only
// one that extends the window (§2.7).
func TestAftersaleV1UpdateAndDeadline(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		upd := func(status, finish int) string {
			return ids(me, "v", `"out_aftersale_id":"v-a"`, `"status":`+strconv.Itoa(status), `"finish_all_aftersale":`+strconv.Itoa(finish))
		}
		deadline := func(out string, d time.Duration) string {
			return ids(me, out, `"after_sale_deadline":`+unix(t0.Add(d)))
		}
		const day = 24 * time.Hour
		run(t, tg, "default", steps(receivedOrder(me, "v"), []step{
			{asAddPath, asBody(me, "v", "v-a", 1), 0},
			{deadlinePath, deadline("v", 7*day-time.Second), catalog.ParameterMissing},
			{deadlinePath, deadline("v", 3*365*day+time.Second), catalog.ParameterMissing},
			// received now: the default 7 days end exactly at now + 7 days, which extends nothing.
			{deadlinePath, deadline("v", 7*day), catalog.ParameterMissing},
			{deadlinePath, deadline("v", 3*365*day), 0},
			{deadlinePath, deadline("v", 30*day), catalog.OrderStatusFlowError},
			{v1UpdatePath, upd(9, 0), catalog.ParameterMissing},
			{v1UpdatePath, upd(2, 2), catalog.ParameterMissing},
			{v1UpdatePath, upd(11, 0), 0},
		})...)
		if got := asStatus(t, tg, tok, "v-a"); got != "11" {
			t.Errorf("v1 status %s", got)
		}
		resp := post(t, tg, tok, orderGetPath, ids(me, "v"))
		if num(t, resp, "order.after_sale_deadline") != unix(t0.Add(3*365*day)) {
			t.Errorf("deadline %v", at(t, resp, "order.after_sale_deadline"))
		}
		wantCode(t, post(t, tg, tok, v1UpdatePath, upd(13, 1)), 0)
		if got := orderStatus(t, tg, tok, me, "v"); got != "200" {
			t.Errorf("finish_all_aftersale 1: order %s", got)
		}
		wantCode(t, post(t, tg, tok, v1UpdatePath, upd(13, 0)), catalog.OrderStatusFlowError)
		wantCode(t, post(t, tg, tok, deadlinePath, deadline("v", 30*day)), catalog.OrderStatusFlowError)

		// An order with a 30-day window takes only a deadline past it.
		long := newOrder(me, "v30", set("aftersale_duration", 30))
		run(t, tg, "default", step{orderAddPath, long, 0}, step{orderPayPath, payBody(me, "v30"), 0},
			step{sendPath, sendBody(me, "v30", 1), 0}, step{recievePath, ids(me, "v30"), 0},
			step{deadlinePath, deadline("v30", 10*day), catalog.ParameterMissing},
			step{deadlinePath, deadline("v30", 31*day), 0})
	})
}
