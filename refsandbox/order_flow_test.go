package refsandbox

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// TestOrderWalk walks one two-unit order through the whole documented
// life: add → pay → send (one unit, then the other) → recieve →
// ecaftersale/add → acceptreturn → uploadreturninfo → acceptrefund,
// reading the documented status after every step (§2.5–§2.7; the status
// machines of refsandbox/README.md).
func TestOrderWalk(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		for _, s := range []struct {
			path, body      string
			order, aftersal string // statuses to read afterwards ("" skips)
		}{
			{orderAddPath, newOrder(me, "w", twoUnits...), "10", ""},
			{orderPayPath, payBody(me, "w"), "20", ""},
			{sendPath, sendBody(me, "w", 0), "21", ""},
			{sendPath, sendBody(me, "w", 1), "30", ""},
			{recievePath, ids(me, "w"), "100", ""},
			{asAddPath, strings.Replace(asBody(me, "w", "w-as", 2), `"product_cnt":1`, `"product_cnt":2`, 1), "100", "2"},
			{asReturnPath, `{"out_aftersale_id":"w-as",` + returnAddress + `}`, "100", "6"},
			{asShipPath, `{"openid":"` + me + `","out_aftersale_id":"w-as","delivery_id":"SF","waybill_id":"SF200","delivery_name":"顺丰速运"}`, "100", "8"},
			{asRefundPath, `{"out_aftersale_id":"w-as"}`, "200", "14"},
		} {
			resp := post(t, tg, tok, s.path, s.body)
			wantCode(t, resp, 0)
			if got := orderStatus(t, tg, tok, me, "w"); got != s.order {
				t.Errorf("after %s: order status %s, want %s", s.path, got, s.order)
			}
			if s.aftersal != "" {
				if got := asStatus(t, tg, tok, "w-as"); got != s.aftersal {
					t.Errorf("after %s: after-sale status %s, want %s", s.path, got, s.aftersal)
				}
			}
		}
		resp := post(t, tg, tok, orderGetPath, ids(me, "w"))
		if got := at(t, resp, "order.order_detail.delivery_detail.delivery_list.1.waybill_id"); got != "SF1001" {
			t.Errorf("second waybill %v", got)
		}
		wantFields(t, resp, "order.order_detail.pay_info.transaction_id", "order.receive_time", "order.address_info.receiver_name")
		if got := num(t, resp, "order.order_detail.product_infos.0.can_after_sale"); got != "0" {
			t.Errorf("a refunded line can_after_sale = %s", got)
		}
		as := post(t, tg, tok, asGetPath, `{"out_aftersale_id":"w-as"}`)
		wantFields(t, as, "after_sales_order.return_info.waybill_id", "after_sales_order.refund_pay_detail.refund_id", "after_sales_order.return_id")
	})
}

// TestOldFlowTicket: the old flow on reviews-approve, where a product is
// listed as soon as it is added (refsandbox/README.md), answers a ticket, is
// re-entrant while the order awaits payment, and refuses a rewrite after
// payment (1010006).
func TestOldFlowTicket(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "reviews-approve")
		me := accountOf(t, tg, "reviews-approve").OpenID
		wantCode(t, post(t, tg, tok, add, spuBody("nuts")), 0)
		first := post(t, tg, tok, orderAddPath, oldOrder(me, "old", "nuts"))
		wantCode(t, first, 0)
		wantFields(t, first, "data.order_id", "data.out_order_id", "data.ticket", "data.ticket_expire_time")
		if got := num(t, first, "data.final_price"); got != "2410" {
			t.Errorf("final_price %s, want the order_price 2410", got)
		}
		if got := at(t, first, "data.ticket_expire_time"); got != "2024-05-01 12:00:00" {
			t.Errorf("ticket_expire_time %v", got)
		}
		again := post(t, tg, tok, orderAddPath, oldOrder(me, "old", "nuts", setAt("order_detail.price_info.order_price", 2420)))
		wantCode(t, again, 0)
		if num(t, again, "data.order_id") != num(t, first, "data.order_id") || num(t, again, "data.final_price") != "2420" {
			t.Errorf("re-entrant add: %v then %v", first, again)
		}
		got := post(t, tg, tok, orderGetPath, ids(me, "old"))
		if id := num(t, got, "order.order_detail.product_infos.0.sku_id"); id == "0" {
			t.Error("the line's sku_id is not filled from the product")
		}
		if title := at(t, got, "order.order_detail.product_infos.0.title"); title != "坚果礼盒" {
			t.Errorf("title %v, want the product's", title)
		}
		wantCode(t, post(t, tg, tok, orderPayPath, payBody(me, "old")), 0)
		wantCode(t, post(t, tg, tok, orderAddPath, oldOrder(me, "old", "nuts")), catalog.OrderUpdateFailed)
		// A new-flow body may not reuse it, nor an old-flow one a new-flow id.
		wantCode(t, post(t, tg, tok, orderAddPath, newOrder(me, "old")), catalog.OrderAlreadyExists)
		wantCode(t, post(t, tg, tok, orderAddPath, newOrder(me, "new")), 0)
		wantCode(t, post(t, tg, tok, orderAddPath, oldOrder(me, "new", "nuts")), catalog.OrderAlreadyExists)
	})
}

// TestAmountFormulas: the new flow's two formulas (§2.5; the spec's rule
// amounts); the old flow checks neither.
func TestAmountFormulas(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		line := func(sale, cnt, real int) map[string]any {
			return map[string]any{"out_product_id": "x", "product_cnt": cnt, "sale_price": sale, "sku_real_price": real,
				"title": "t", "path": "p", "head_img": "https://mmecimage.cn/p/h.jpg"}
		}
		for i, tc := range []struct {
			lines []any
			price map[string]any
			want  catalog.Code
		}{
			{[]any{line(100, 1, 100)}, map[string]any{"order_price": 100, "freight": 0}, 0},
			// 2×300 + 1×50 + 20 − 70 + 5 = 605 = (530 + 50) + 20 + 5
			{[]any{line(300, 2, 530), line(50, 1, 50)}, map[string]any{"order_price": 605, "freight": 20, "discounted_price": 70, "additional_price": 5}, 0},
			// the first formula counts product_cnt: 2×300 ≠ 300
			{[]any{line(300, 2, 300)}, map[string]any{"order_price": 300, "freight": 0}, catalog.OrderPriceInfoInvalid},
			// the first holds, the second does not (§2.11: the vendor's own example breaks it)
			{[]any{line(100, 1, 90)}, map[string]any{"order_price": 90, "freight": 0, "discounted_price": 10}, 0},
			{[]any{line(100, 1, 100)}, map[string]any{"order_price": 90, "freight": 0, "discounted_price": 10}, catalog.OrderPriceInfoInvalid},
			// absent sku_real_price counts as 0
			{[]any{map[string]any{"out_product_id": "x", "product_cnt": 1, "sale_price": 100, "title": "t", "path": "p", "head_img": "https://mmecimage.cn/p/h.jpg"}}, map[string]any{"order_price": 100, "freight": 0}, catalog.OrderPriceInfoInvalid},
			{[]any{line(100, 1, 100)}, map[string]any{"order_price": 100}, catalog.OrderPriceInfoInvalid},
			{[]any{line(100, 1, 100)}, map[string]any{"order_price": 100, "freight": 0, "discounted_price": -1}, catalog.OrderPriceInfoInvalid},
		} {
			body := newOrder(me, "f"+strconv.Itoa(i), setAt("order_detail.product_infos", tc.lines), setAt("order_detail.price_info", tc.price))
			if got := errcode(t, post(t, tg, tok, orderAddPath, body)); got != tc.want {
				t.Errorf("case %d: %d, want %d", i, got, tc.want)
			}
		}
		ra := token(t, tg, "reviews-approve")
		wantCode(t, post(t, tg, ra, add, spuBody("nuts")), 0)
		old := oldOrder(accountOf(t, tg, "reviews-approve").OpenID, "old", "nuts", setAt("order_detail.price_info.order_price", 1))
		wantCode(t, post(t, tg, ra, orderAddPath, old), 0)
	})
}

// TestOrderTimeout: expire_time is now + 15 min to now + 1 day (§2.5);
// an order still awaiting payment at it is 181 on read, and no longer
// payable; out_user_id SHOPCONFORM_MAGIC_ORDER_EXPIRED makes an order
// whose deadline is already reached.
func TestOrderTimeout(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		soon := t0.Add(15 * time.Minute).Unix()
		for _, tc := range []struct {
			expire any
			want   catalog.Code
		}{
			{soon - 1, catalog.ParameterMissing},
			{t0.Unix() - 60, catalog.ParameterMissing},
			{t0.Add(30 * 24 * time.Hour).Unix(), catalog.ParameterMissing},
			{t0.Add(24*time.Hour).Unix() + 1, catalog.ParameterMissing},
			{strconv.FormatInt(soon, 10), catalog.ParameterMissing},
			{"soon", catalog.ParameterMissing},
			{t0.Add(24 * time.Hour).Unix(), 0},
		} {
			wantCode(t, post(t, tg, tok, orderAddPath, newOrder(me, fmt.Sprint("x", tc.expire), setAt("expire_time", tc.expire))), tc.want)
		}
		wantCode(t, post(t, tg, tok, orderAddPath, newOrder(me, "none", delAt("expire_time"))), catalog.ParameterMissing)
		wantCode(t, post(t, tg, tok, orderAddPath, newOrder(me, "e", setAt("expire_time", soon))), 0)
		wantCode(t, post(t, tg, tok, orderAddPath, newOrder(me, "past", set("out_user_id", magicOrderExpired))), 0)
		if got := orderStatus(t, tg, tok, me, "past"); got != "181" {
			t.Errorf("made expired: %s", got)
		}
		if got := orderStatus(t, tg, tok, me, "e"); got != "10" {
			t.Errorf("before expiry: %s", got)
		}
		tg.clock.advance(15 * time.Minute)
		if got := orderStatus(t, tg, tok, me, "e"); got != "181" {
			t.Errorf("at expire_time: %s", got)
		}
		wantCode(t, post(t, tg, tok, orderPayPath, payBody(me, "e")), catalog.OrderStatusFlowError)
		wantCode(t, post(t, tg, tok, payParamsPath, ids(me, "e")), catalog.OrderNotPendingPayment)
		wantCode(t, post(t, tg, tok, orderClosePth, ids(me, "e")), catalog.OrderStatusFlowError)
	})
}

// TestOrderAnswers: every order endpoint answers a valid request with
// errcode 0 and its documented fields (§2.5), and 64-bit ids are exact.
func TestOrderAnswers(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		added := post(t, tg, tok, orderAddPath, newOrder(me, "a1"))
		wantCode(t, added, 0)
		id := num(t, added, "data.order_id")
		if n, _ := strconv.ParseUint(id, 10, 64); n <= 1<<53 {
			t.Errorf("order_id %s is not above 2^53", id)
		}
		str := post(t, tg, tok, orderAddPath, newOrder(me, "a2", set("stringify_64bits_number", true)))
		if s, ok := at(t, str, "data.order_id").(string); !ok || s == "" {
			t.Errorf("stringify_64bits_number: order_id %v", at(t, str, "data.order_id"))
		}
		byID := post(t, tg, tok, orderGetPath, `{"openid":"`+me+`","order_id":`+id+`}`)
		wantCode(t, byID, 0)
		if num(t, byID, "order.order_id") != id {
			t.Errorf("order_id %s came back as %s", id, num(t, byID, "order.order_id"))
		}
		wantFields(t, byID, "order.out_order_id", "order.openid", "order.status", "order.path", "order.fund_type", "order.create_time",
			"order.update_time", "order.order_detail.product_infos.0.title", "order.order_detail.pay_info.prepay_id",
			"order.order_detail.price_info.order_price", "order.order_detail.delivery_detail.delivery_type",
			"order.order_detail.promotion_info", "order.settlement_info", "order.refund_info", "order.related_aftersale_info", "order.commission_info")
		wantCode(t, post(t, tg, tok, orderGetPath, `{"openid":"`+me+`","order_id":"`+id+`","out_order_id":"a1"}`), 0)
		wantCode(t, post(t, tg, tok, orderGetPath, `{"openid":"`+me+`","order_id":`+id+`,"out_order_id":"a2"}`), catalog.OrderNotFound)

		wantCode(t, post(t, tg, tok, payParamsPath, ids(me, "a1")), catalog.OrderNotPendingPayment)
		wantCode(t, post(t, tg, tok, orderAddPath, newOrder(me, "cashier", set("fund_type", 1))), 0)
		params := post(t, tg, tok, payParamsPath, ids(me, "cashier"))
		wantCode(t, params, 0)
		wantFields(t, params, "payment_params.timeStamp", "payment_params.nonceStr", "payment_params.package", "payment_params.paySign", "payment_params.signType")
		wantCode(t, post(t, tg, tok, orderClosePth, ids(me, "a2")), 0)
		if got := orderStatus(t, tg, tok, me, "a2"); got != "250" {
			t.Errorf("closed order status %s", got)
		}
		wantCode(t, post(t, tg, tok, orderAddPath, newOrder(me, "a3")), 0)
		wantCode(t, post(t, tg, tok, orderPayPath, ids(me, "a3", `"action_type":3`)), 0)
		if got := orderStatus(t, tg, tok, me, "a3"); got != "250" {
			t.Errorf("user-cancelled order status %s", got)
		}
		// Cash on delivery needs no transaction_id.
		wantCode(t, post(t, tg, tok, orderAddPath, newOrder(me, "cod", setAt("order_detail.pay_info", map[string]any{"pay_method_type": 1}))), 0)
		wantCode(t, post(t, tg, tok, orderPayPath, ids(me, "cod", `"action_type":1`, `"pay_time":"2024-05-01 10:05:00"`)), 0)
		// order/pay is not for fund_type 1 orders (§2.5).
		wantCode(t, post(t, tg, tok, orderPayPath, payBody(me, "cashier")), catalog.OrderStatusFlowError)
	})
}

// TestOrderLists: get_list pages and sorts by create_time; the attributed
// lists are empty; scene/check matches the Channels scenes.
func TestOrderLists(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		for i, day := range []string{"2024-05-03", "2024-05-01", "2024-05-02"} {
			wantCode(t, post(t, tg, tok, orderAddPath, newOrder(me, "l"+strconv.Itoa(i), set("create_time", day+" 10:00:00"))), 0)
		}
		resp := post(t, tg, tok, orderListPath, `{"page":1,"page_size":2,"sort_order":2}`)
		wantCode(t, resp, 0)
		if at(t, resp, "orders.0.out_order_id") != "l1" || at(t, resp, "orders.1.out_order_id") != "l2" || num(t, resp, "total_num") != "3" {
			t.Errorf("ascending page 1: %v", resp)
		}
		resp = post(t, tg, tok, orderListPath, `{"page":2,"page_size":2,"sort_order":2}`)
		if orders := at(t, resp, "orders").([]any); len(orders) != 1 {
			t.Errorf("page 2 holds %d orders", len(orders))
		}
		resp = post(t, tg, tok, orderListPath, `{"page":1,"page_size":10,"sort_order":1,"start_create_time":"2024-05-02 00:00:00"}`)
		if at(t, resp, "orders.0.out_order_id") != "l0" || num(t, resp, "total_num") != "2" {
			t.Errorf("descending from 05-02: %v", resp)
		}
		wantCode(t, post(t, tg, tok, orderListPath, `{"page":0,"page_size":10,"sort_order":1}`), catalog.ParameterMissing)
		wantCode(t, post(t, tg, tok, orderListPath, `{"page":1,"page_size":10}`), catalog.ParameterMissing)
		wantCode(t, post(t, tg, tok, orderListPath, `{"page":1,"page_size":101,"sort_order":1}`), catalog.PageSizeTooLarge)
		for _, p := range []string{"/shop/order/get_list_by_finder", "/shop/order/get_list_by_sharer"} {
			resp := post(t, tg, tok, p, `{"page":1,"page_size":10}`)
			wantCode(t, resp, 0)
			if num(t, resp, "total_num") != "0" || len(at(t, resp, "orders").([]any)) != 0 {
				t.Errorf("%s: %v", p, resp)
			}
			wantCode(t, post(t, tg, tok, p, `{"page":1,"page_size":10,"start_pay_time":"x"}`), catalog.ParameterMissing)
		}
		for scene, want := range map[string]string{"1175": "1", "1195": "1", "1001": "0"} {
			resp := post(t, tg, tok, "/shop/scene/check", `{"scene":`+scene+`}`)
			wantCode(t, resp, 0)
			if num(t, resp, "is_matched") != want || num(t, resp, "requiredFundType") != want {
				t.Errorf("scene %s: %v", scene, resp)
			}
		}
		wantCode(t, post(t, tg, tok, "/shop/scene/check", `{"scene":"abc"}`), catalog.ParameterMissing)
	})
}
