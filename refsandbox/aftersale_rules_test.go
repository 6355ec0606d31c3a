package refsandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// TestAftersaleFieldRules: the spec's rules of the after-sale endpoints,
// one request per kind of rule, on a paid order whose after-sale awaits
// the merchant: everything else about each request is valid, so the rule
// named is what answers.
func TestAftersaleFieldRules(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		me := accountOf(t, tg, "default").OpenID
		claim := func(extra ...string) string { return claimOf(me, "f", "f-new", 1, 100, extra...) }
		move := func(extra ...string) string {
			return `{"openid":"` + me + `","out_aftersale_id":"f-a"` + strings.Join(append([]string{""}, extra...), ",") + `}`
		}
		run(t, tg, "default", steps(unitsOrder(me, "f", 3), []step{{asAddPath, claimOf(me, "f", "f-a", 1, 100), 0}})...)
		for _, tc := range []struct {
			name, path, body string
			want             catalog.Code
		}{
			{"openid missing", asAddPath, strings.Replace(claim(), `"openid":"`+me+`",`, "", 1), catalog.OpenIDMissing},
			{"order_id no uint64 names no order", asAddPath, claim(`"order_id":"x"`), catalog.OrderNotFound},
			{"type outside 1, 2", asAddPath, strings.Replace(claim(), `"type":1`, `"type":3`, 1), catalog.ParameterMissing},
			{"refund_reason_type outside 1-12", asAddPath, strings.Replace(claim(), `"refund_reason_type":2`, `"refund_reason_type":13`, 1), catalog.ParameterMissing},
			{"refund_reason blank", asAddPath, strings.Replace(claim(), `"refund_reason":"不想要了"`, `"refund_reason":"  "`, 1), catalog.ParameterMissing},
			{"orderamt 0", asAddPath, claimOf(me, "f", "f-new", 1, 0), catalog.ParameterMissing},
			{"product_cnt 0", asAddPath, claimOf(me, "f", "f-new", 0, 100), catalog.AfterSaleProductMissing},
			{"product_info names no product", asAddPath, strings.Replace(claim(), `"out_product_id":"never-uploaded",`, "", 1), catalog.AfterSaleProductMissing},
			{"media item without thumb_url", asAddPath, claim(`"media_list":[{"type":1,"url":"https://mmecimage.cn/p/a.jpg"}]`), catalog.ParameterMissing},
			{"media url no URL", asAddPath, claim(`"media_list":[{"type":1,"url":"xxx","thumb_url":"https://mmecimage.cn/p/a.jpg"}]`), catalog.ParameterMissing},
			{"media item without type", asAddPath, claim(`"media_list":[{"url":"https://mmecimage.cn/p/a.jpg","thumb_url":"https://mmecimage.cn/p/a.jpg"}]`), catalog.ParameterMissing},
			{"after-sale ids missing", asCancelPath, `{"openid":"` + me + `"}`, catalog.AfterSaleNotFound},
			{"aftersale_id no uint64", asRefundPath, `{"aftersale_id":"x"}`, catalog.AfterSaleNotFound},
			{"update's claim like add's", asUpdatePath, move(`"type":1`, `"orderamt":100`, `"refund_reason":"改"`, `"refund_reason_type":0`), catalog.ParameterMissing},
			{"return waybill missing", asShipPath, move(`"delivery_id":"SF"`), catalog.ParameterMissing},
			{"return address without town", asReturnPath, `{"out_aftersale_id":"f-a",` + strings.Replace(returnAddress, `,"town":"天河区"`, "", 1) + `}`, catalog.ParameterMissing},
			{"return address telephone", asReturnPath, `{"out_aftersale_id":"f-a",` + strings.Replace(returnAddress, `020-1234567`, `call me`, 1) + `}`, catalog.ParameterMissing},
			{"certificate no URL", asCertsPath, `{"out_aftersale_id":"f-a","certificates":["url1"]}`, catalog.ParameterMissing},
			{"list limit over 50", asListPath, `{"offset":0,"limit":51}`, catalog.PageSizeTooLarge},
			{"list offset below 0", asListPath, `{"offset":-1,"limit":10}`, catalog.ParameterMissing},
			{"list begin after end", asListPath, `{"offset":0,"limit":10,"begin_create_time":2,"end_create_time":1}`, catalog.StartAfterEnd},
			{"list status 3 is v1's", asListPath, `{"offset":0,"limit":10,"status":3}`, catalog.ParameterMissing},
			{"v1 list status 20", v1ListPath, `{"offset":0,"limit":10,"status":20}`, catalog.ParameterMissing},
			{"deadline not unix seconds", deadlinePath, ids(me, "f", `"after_sale_deadline":"soon"`), catalog.ParameterMissing},
			{"deadline under a week ahead", deadlinePath, ids(me, "f", `"after_sale_deadline":`+unix(t0.Add(6*24*time.Hour))), catalog.ParameterMissing},
			{"merchanttest operation unknown", merchantTestPath, `{"out_aftersale_id":"f-a","operation":"aftersale_merchant_sleep"}`, catalog.ParameterMissing},
			{"merchantupdate without address", merchantUpdatePath, `{"out_aftersale_id":"f-a"}`, catalog.ParameterMissing},
			{"v1 add without refund", v1AddPath, v1Add(me, "f", "v1", del("refund")), catalog.ParameterMissing},
			{"v1 add without out_order_id", v1AddPath, v1Add(me, "f", "v1", del("out_order_id")), catalog.OrderIDMissing},
			{"v1 add products empty", v1AddPath, v1Add(me, "f", "v1", set("product_infos", []any{})), catalog.AfterSaleProductMissing},
			{"v1 add item naming no product", v1AddPath, v1Add(me, "f", "v1", set("product_infos", []any{map[string]any{"product_cnt": 1}})), catalog.AfterSaleProductMissing},
			{"v1 add type 4", v1AddPath, v1Add(me, "f", "v1", set("type", 4)), catalog.ParameterMissing},
			{"v1 add status 9", v1AddPath, v1Add(me, "f", "v1", set("status", 9)), catalog.ParameterMissing},
			{"v1 add create_time", v1AddPath, v1Add(me, "f", "v1", set("create_time", "yesterday")), catalog.ParameterMissing},
			{"v1 add finish 2", v1AddPath, v1Add(me, "f", "v1", set("finish_all_aftersale", 2)), catalog.ParameterMissing},
			{"v1 update status 9", v1UpdatePath, ids(me, "f", `"out_aftersale_id":"f-a"`, `"status":9`, `"finish_all_aftersale":0`), catalog.ParameterMissing},
		} {
			t.Run(tc.name, func(t *testing.T) { run(t, tg, "default", step{tc.path, tc.body, tc.want}) })
		}
	})
}

// TestAftersaleCaps: a claim may not ask for more units or money than the
// order holds, less what its other after-sales hold (1020004; §5 2747020
// is the live code, not in the catalog).
func TestAftersaleCaps(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		me := accountOf(t, tg, "default").OpenID
		upd := func(outAS string, amount int) string {
			return `{"openid":"` + me + `","out_aftersale_id":"` + outAS + `","type":1,"orderamt":` + itoa(amount) + `,"refund_reason":"改","refund_reason_type":8}`
		}
		run(t, tg, "default", steps(paidOrder(me, "one"), unitsOrder(me, "two", 2), []step{
			// One unit bought, 100 fen paid.
			{asAddPath, claimOf(me, "one", "one-5", 5, 100), catalog.AfterSaleProductNotInOrder},
			{asAddPath, claimOf(me, "one", "one-big", 1, 99999), catalog.AfterSaleProductNotInOrder},
			{asAddPath, claimOf(me, "one", "one-a", 1, 100), 0},
			// The unit is held; cancelled, it can be claimed again.
			{asAddPath, claimOf(me, "one", "one-b", 1, 1), catalog.AfterSaleProductNotInOrder},
			{asCancelPath, `{"openid":"` + me + `","out_aftersale_id":"one-a"}`, 0},
			{asAddPath, claimOf(me, "one", "one-b", 1, 100), 0},
			// Two units, 200 fen: two claims of one unit and 100 fen fit, a third does not.
			{asAddPath, claimOf(me, "two", "two-a", 1, 150), 0},
			{asAddPath, claimOf(me, "two", "two-b", 1, 51), catalog.AfterSaleProductNotInOrder},
			{asAddPath, claimOf(me, "two", "two-b", 1, 50), 0},
			{asAddPath, claimOf(me, "two", "two-c", 1, 1), catalog.AfterSaleProductNotInOrder},
			// An edit counts the others, not itself.
			{asUpdatePath, upd("two-a", 151), catalog.AfterSaleProductNotInOrder},
			{asUpdatePath, upd("two-a", 150), 0},
			{asUpdatePath, upd("two-a", 10), 0},
			{asUpdatePath, upd("two-b", 190), 0},
		})...)
	})
}

// TestAftersaleAnswerShapes: every success answer of the after-sale
// endpoints has the spec's response shape.
func TestAftersaleAnswerShapes(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		run(t, tg, "default", steps(unitsOrder(me, "s", 3), []step{{sendPath, sendBody(me, "s", 1), 0}, {recievePath, ids(me, "s"), 0},
			{v1AddPath, v1Add(me, "s", "s-v1"), 0}})...)
		send := func(path, body string) {
			t.Helper()
			resp := post(t, tg, tok, path, body)
			wantCode(t, resp, 0)
			wantShape(t, path, resp)
		}
		send(asAddPath, claimOf(me, "s", "s-a", 1, 1, `"media_list":[{"type":1,"url":"https://mmecimage.cn/p/a.jpg","thumb_url":"https://mmecimage.cn/p/b.jpg"}]`))
		send(asGetPath, `{"out_aftersale_id":"s-a"}`)
		send(asGetPath, `{"out_aftersale_id":"s-v1"}`)
		send(asListPath, `{"offset":0,"limit":10}`)
		send(v1ListPath, `{"offset":0,"limit":10}`)
		send(v1GetPath, ids(me, "s"))
		send(asUpdatePath, `{"openid":"`+me+`","out_aftersale_id":"s-a","type":1,"orderamt":2,"refund_reason":"改","refund_reason_type":3}`)
		send(asCertsPath, `{"out_aftersale_id":"s-a","refund_desc":"凭证","certificates":["https://mmecimage.cn/p/c.jpg"]}`)
		send(asRefundPath, `{"out_aftersale_id":"s-a"}`)
		send(v1UpdatePath, ids(me, "s", `"out_aftersale_id":"s-v1"`, `"status":13`, `"finish_all_aftersale":0`))
		send(deadlinePath, ids(me, "s", `"after_sale_deadline":`+unix(t0.Add(30*24*time.Hour))))
	})
}
