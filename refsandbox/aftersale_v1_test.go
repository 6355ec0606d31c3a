package refsandbox

import (
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// TestAftersaleV1Add: v1 aftersale/add (DOC:aftersale/add) creates an
// after-sale on a paid order, re-entrant by out_aftersale_id; the order's
// status, its lines and what it holds decide; finish_all_aftersale 1
// closes the order.
func TestAftersaleV1Add(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		you := accountOf(t, tg, "default").OpenIDs[1]
		line := func(cnt any, sku string) edit {
			item := map[string]any{"out_product_id": "never-uploaded", "out_sku_id": sku}
			if cnt != nil {
				item["product_cnt"] = cnt
			}
			return set("product_infos", []any{item})
		}
		run(t, tg, "default", steps(unitsOrder(me, "a", 3), paidOrder(me, "b"), []step{
			{orderAddPath, newOrder(me, "unpaid"), 0},
			{v1AddPath, v1Add(me, "unpaid", "x"), catalog.OrderStatusFlowError},
			{v1AddPath, v1Add(me, "nope", "x"), catalog.OrderNotFound},
			{v1AddPath, v1Add(you, "a", "x"), catalog.OrderNotFound},
			{v1AddPath, v1Add(me, "a", "x", line(1, "")), catalog.AfterSaleProductNotInOrder},
			{v1AddPath, v1Add(me, "a", "x", line(4, "sku-1")), catalog.AfterSaleProductNotInOrder},
			{v1AddPath, v1Add(me, "a", "x", set("refund", 301)), catalog.AfterSaleProductNotInOrder},
			{v1AddPath, v1Add(me, "a", "a-1", set("status", 11), set("refund", 100)), 0},
			// Re-entrant: the same id on the same order rewrites it.
			{v1AddPath, v1Add(me, "a", "a-1", set("status", 12), set("type", 3), set("refund", 0), line(2, "sku-1")), 0},
			// Taken by another order's after-sale, or by a buyer's request.
			{v1AddPath, v1Add(me, "b", "a-1"), catalog.AfterSaleAlreadyExists},
			{asAddPath, claimOf(me, "a", "a-v2", 1, 100), 0},
			{v1AddPath, v1Add(me, "a", "a-v2"), catalog.AfterSaleAlreadyExists},
			// Every unit is held now (2 + 1 of 3).
			{v1AddPath, v1Add(me, "a", "a-2", line(nil, "sku-1")), catalog.AfterSaleProductNotInOrder},
		})...)
		resp := post(t, tg, tok, v1GetPath, ids(me, "a", `"out_aftersale_id":"a-1"`))
		wantCode(t, resp, 0)
		for path, want := range map[string]string{
			"aftersale_infos.0.status": "12", "aftersale_infos.0.type": "3", "aftersale_infos.0.refund": "0",
			"aftersale_infos.0.product_infos.0.product_cnt": "2",
		} {
			if got := num(t, resp, path); got != want {
				t.Errorf("%s = %s, want %s", path, got, want)
			}
		}
		if at(t, resp, "aftersale_infos.0.create_time") != "2024-05-01 09:30:00" || at(t, resp, "aftersale_infos.0.path") != "pages/aftersale/detail?id=a-1" {
			t.Errorf("v1 add's create_time and path are kept as sent: %v", resp)
		}
		// v2 reads it too.
		if got := asStatus(t, tg, tok, "a-1"); got != "12" {
			t.Errorf("ecaftersale/get status %s", got)
		}
		// finish_all_aftersale 1 closes the order; v1 adds then refuse.
		run(t, tg, "default", step{v1AddPath, v1Add(me, "b", "b-1", set("finish_all_aftersale", 1)), 0})
		if got := orderStatus(t, tg, tok, me, "b"); got != "200" {
			t.Errorf("finish_all_aftersale 1: order %s", got)
		}
		run(t, tg, "default", step{v1AddPath, v1Add(me, "b", "b-1"), catalog.OrderStatusFlowError})
		// A refunded (13) report of every unit closes the order as well.
		run(t, tg, "default", steps(paidOrder(me, "c"), []step{{v1AddPath, v1Add(me, "c", "c-1", set("status", 13), line(nil, "sku-1")), 0}})...)
		if got := orderStatus(t, tg, tok, me, "c"); got != "200" {
			t.Errorf("every unit refunded: order %s", got)
		}
	})
}

// TestAftersaleV1List: aftersale/list pages every after-sale in the v1
// shape, with get_list's filters.
func TestAftersaleV1List(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		run(t, tg, "default", steps(unitsOrder(me, "l1", 2), paidOrder(me, "l2"), []step{
			{asAddPath, claimOf(me, "l1", "l1-a", 1, 100), 0},
			{v1AddPath, v1Add(me, "l1", "l1-b", set("status", 13)), 0},
			{asAddPath, claimOf(me, "l2", "l2-a", 1, 100), 0},
		})...)
		for body, want := range map[string][]string{
			`{"offset":0,"limit":50}`:                      {"l1-a", "l1-b", "l2-a"},
			`{"offset":1,"limit":1}`:                       {"l1-b"},
			`{"offset":0,"limit":50,"out_order_id":"l1"}`:  {"l1-a", "l1-b"},
			`{"offset":0,"limit":50,"status":13}`:          {"l1-b"},
			`{"offset":0,"limit":50,"openid":"abcdef123"}`: {},
		} {
			resp := post(t, tg, tok, v1ListPath, body)
			wantCode(t, resp, 0)
			wantShape(t, v1ListPath, resp)
			infos := at(t, resp, "aftersale_infos").([]any)
			var got []string
			for _, it := range infos {
				got = append(got, it.(map[string]any)["out_aftersale_id"].(string))
			}
			if len(got) != len(want) || len(got) > 0 && got[0] != want[0] {
				t.Errorf("%s: %v, want %v", body, got, want)
			}
		}
		if more := at(t, post(t, tg, tok, v1ListPath, `{"offset":0,"limit":2}`), "has_more"); more != true {
			t.Errorf("has_more %v", more)
		}
	})
}
