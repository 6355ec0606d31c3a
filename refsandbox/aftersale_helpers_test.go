package refsandbox

import ()

// Helpers of the after-sale tests, written by hand from api-reference
// §2.7 (never read from fixtures/).

const (
	v1AddPath          = "/shop/aftersale/add"
	v1ListPath         = "/shop/aftersale/list"
	merchantTestPath   = "/shop/ecaftersale/merchanttest"
	merchantUpdatePath = "/shop/ecaftersale/merchantupdate"
)

// unitsOrder adds and pays a new-flow order whose one line (newOrder's)
// has n units of 100 fen each.
func unitsOrder(openid, out string, n int) []step {
	body := newOrder(openid, out, setAt("order_detail.product_infos.0.product_cnt", n),
		setAt("order_detail.product_infos.0.sku_real_price", 100*n), setAt("order_detail.price_info.order_price", 100*n))
	return []step{{orderAddPath, body, 0}, {orderPayPath, payBody(openid, out), 0}}
}

// claimOf is an ecaftersale/add body for cnt units of the newOrder line
// and amount fen.
func claimOf(openid, out, outAS string, cnt, amount int, extra ...string) string {
	return ids(openid, out, append([]string{`"out_aftersale_id":"` + outAS + `"`, `"type":1`,
		`"product_info":{"out_product_id":"never-uploaded","out_sku_id":"sku-1","product_cnt":` + itoa(cnt) + `}`,
		`"orderamt":` + itoa(amount), `"refund_reason":"不想要了"`, `"refund_reason_type":2`}, extra...)...)
}

// v1Add is a v1 aftersale/add body (§2.7, DOC:aftersale/add) for the
// newOrder line, edited.
func v1Add(openid, out, outAS string, edits ...edit) string {
	b := map[string]any{
		"openid": openid, "out_order_id": out, "out_aftersale_id": outAS, "path": "pages/aftersale/detail?id=" + outAS,
		"refund": 100, "type": 1, "create_time": "2024-05-01 09:30:00", "status": 2, "finish_all_aftersale": 0,
		"product_infos": []any{map[string]any{"out_product_id": "never-uploaded", "out_sku_id": "sku-1", "product_cnt": 1}},
	}
	for _, e := range edits {
		e(b)
	}
	return jsonText(b)
}
