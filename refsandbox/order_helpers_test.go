package refsandbox

import (
	"strconv"
	"strings"
	"testing"
)

// Helpers for the order, delivery and after-sale tests. The bodies are
// written by hand from api-reference §2.5–§2.7, never read from
// fixtures/.

const (
	orderAddPath  = "/shop/order/add"
	orderPayPath  = "/shop/order/pay"
	orderGetPath  = "/shop/order/get"
	orderListPath = "/shop/order/get_list"
	orderClosePth = "/shop/order/close"
	payParamsPath = "/shop/order/getpaymentparams"
	sendPath      = "/shop/delivery/send"
	recievePath   = "/shop/delivery/recieve"
	asAddPath     = "/shop/ecaftersale/add"
	asGetPath     = "/shop/ecaftersale/get"
	asListPath    = "/shop/ecaftersale/get_list"
	asCancelPath  = "/shop/ecaftersale/cancel"
	asUpdatePath  = "/shop/ecaftersale/update"
	asReturnPath  = "/shop/ecaftersale/acceptreturn"
	asShipPath    = "/shop/ecaftersale/uploadreturninfo"
	asRefundPath  = "/shop/ecaftersale/acceptrefund"
	asRejectPath  = "/shop/ecaftersale/reject"
	asCertsPath   = "/shop/ecaftersale/upload_certificates"
	v1GetPath     = "/shop/aftersale/get"
	v1UpdatePath  = "/shop/aftersale/update"
	deadlinePath  = "/shop/aftersale/update_deadline"
)

// setAt and delAt change a body at a dotted path; a number segment
// indexes an array ("order_detail.product_infos.0.path").
func setAt(path string, v any) edit {
	return func(b map[string]any) {
		parent, key := walk(b, path)
		switch p := parent.(type) {
		case map[string]any:
			p[key] = v
		case []any:
			i, _ := strconv.Atoi(key)
			p[i] = v
		}
	}
}

func delAt(path string) edit {
	return func(b map[string]any) {
		if parent, ok := walkParent(b, path); ok {
			delete(parent, path[strings.LastIndex(path, ".")+1:])
		}
	}
}

func walkParent(b map[string]any, path string) (map[string]any, bool) {
	parent, _ := walk(b, path)
	m, ok := parent.(map[string]any)
	return m, ok
}

// walk returns the container of path's last segment and that segment.
func walk(b map[string]any, path string) (any, string) {
	segs := strings.Split(path, ".")
	var cur any = b
	for _, s := range segs[:len(segs)-1] {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[s]
		case []any:
			i, _ := strconv.Atoi(s)
			cur = c[i]
		}
	}
	return cur, segs[len(segs)-1]
}

// newOrder is a valid new-flow body: fund_type 0, WeChat
// Pay with prepay_id and prepay_time, one line of a product that was
// never uploaded (title, path, head_img given), sale_price 100 × 1,
// sku_real_price 100, order_price 100, freight 0, express delivery with a
// full address.
func newOrder(openid, out string, edits ...edit) string {
	b := map[string]any{
		"create_time":  "2024-05-01 10:00:00",
		"out_order_id": out,
		"openid":       openid,
		"path":         "pages/order/detail?id=" + out,
		"fund_type":    0,
		"expire_time":  t0.Unix() + 3600,
		"order_detail": map[string]any{
			"product_infos": []any{map[string]any{
				"out_product_id": "never-uploaded", "out_sku_id": "sku-1", "product_cnt": 1,
				"sale_price": 100, "sku_real_price": 100, "title": "坚果礼盒",
				"path": "pages/product/detail?id=1", "head_img": "https://mmecimage.cn/p/shopconform/head.jpg",
			}},
			"pay_info":   map[string]any{"pay_method_type": 0, "prepay_id": "wx201410272009395522657a690389285100", "prepay_time": "2024-05-01 10:00:00"},
			"price_info": map[string]any{"order_price": 100, "freight": 0},
		},
		"delivery_detail": map[string]any{"delivery_type": 1},
		"address_info": map[string]any{
			"receiver_name": "张三", "detailed_address": "北京市朝阳区一号", "tel_number": "13800000000",
			"province": "北京市", "city": "北京市", "town": "朝阳区",
		},
	}
	for _, e := range edits {
		e(b)
	}
	return jsonText(b)
}

// twoUnits makes newOrder's line two units (sku_real_price and
// order_price 200), for a partial shipment.
var twoUnits = []edit{
	setAt("order_detail.product_infos.0.product_cnt", 2),
	setAt("order_detail.product_infos.0.sku_real_price", 200),
	setAt("order_detail.price_info.order_price", 200),
}

// tenUnits makes newOrder's line ten units, shipped one a package
// (oneUnit).
var tenUnits = []edit{
	setAt("order_detail.product_infos.0.product_cnt", 10),
	setAt("order_detail.product_infos.0.sku_real_price", 1000),
	setAt("order_detail.price_info.order_price", 1000),
}

const oneUnit = `{"delivery_id":"SF","waybill_id":"w","product_info_list":[{"out_product_id":"never-uploaded","out_sku_id":"sku-1","product_cnt":1}]}`

// oldOrder is an old (ticket) flow body: no fund_type, a scene, one line
// of the uploaded product prod (its sku prod-sku1, spuBody's), real_price
// per unit.
func oldOrder(openid, out, prod string, edits ...edit) string {
	b := map[string]any{
		"create_time":  "2024-05-01 10:00:00",
		"out_order_id": out,
		"openid":       openid,
		"path":         "pages/order/detail?id=" + out,
		"scene":        1177,
		"order_detail": map[string]any{
			"product_infos": []any{map[string]any{
				"out_product_id": prod, "out_sku_id": prod + "-sku1", "product_cnt": 2,
				"sale_price": 1300, "real_price": 1200, "path": "pages/product/detail?id=" + prod,
			}},
			"pay_info":   map[string]any{"pay_method_type": 0, "pay_method": "微信支付"},
			"price_info": map[string]any{"order_price": 2410, "freight": 10},
		},
		"delivery_detail": map[string]any{"delivery_type": 1},
		"address_info":    map[string]any{"receiver_name": "李四", "detailed_address": "上海市一号", "tel_number": "13900000000"},
	}
	for _, e := range edits {
		e(b)
	}
	return jsonText(b)
}

// ids is an id-pair body with the openid, plus extra fields.
func ids(openid, out string, extra ...string) string {
	s := `{"openid":"` + openid + `","out_order_id":"` + out + `"`
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

// payBody pays an order (action_type 1 with transaction_id and pay_time).
func payBody(openid, out string) string {
	return ids(openid, out, `"action_type":1`, `"transaction_id":"4200001234202405011234567890"`, `"pay_time":"2024-05-01 10:05:00"`)
}

// sendBody ships one unit of the newOrder line; finish_all_delivery 1
// comes with its ship_done_time (§2.6 C).
func sendBody(openid, out string, finish int, extra ...string) string {
	fields := []string{`"finish_all_delivery":` + itoa(finish),
		`"delivery_list":[{"delivery_id":"SF","waybill_id":"SF100` + itoa(finish) + `","product_info_list":[{"out_product_id":"never-uploaded","out_sku_id":"sku-1","product_cnt":1}]}]`}
	if finish == 1 {
		fields = append(fields, `"ship_done_time":"2024-05-02 10:00:00"`)
	}
	return ids(openid, out, append(fields, extra...)...)
}

// asBody is an ecaftersale/add body for the newOrder line.
func asBody(openid, out, outAS string, typ int, extra ...string) string {
	return ids(openid, out, append([]string{`"out_aftersale_id":"` + outAS + `"`, `"type":` + itoa(typ),
		`"product_info":{"out_product_id":"never-uploaded","out_sku_id":"sku-1","product_cnt":1}`,
		`"orderamt":100`, `"refund_reason":"不想要了"`, `"refund_reason_type":2`}, extra...)...)
}

const returnAddress = `"address_info":{"receiver_name":"王五","detailed_address":"广州市一号","tel_number":"020-1234567","province":"广东省","city":"广州市","town":"天河区"}`

// orderStatus reads order/get's status.
func orderStatus(t *testing.T, tg *target, tok, openid, out string) string {
	t.Helper()
	resp := post(t, tg, tok, orderGetPath, ids(openid, out))
	wantCode(t, resp, 0)
	return num(t, resp, "order.status")
}

// asStatus reads ecaftersale/get's status.
func asStatus(t *testing.T, tg *target, tok, outAS string) string {
	t.Helper()
	resp := post(t, tg, tok, asGetPath, `{"out_aftersale_id":"`+outAS+`"}`)
	wantCode(t, resp, 0)
	return num(t, resp, "after_sales_order.status")
}

// paidOrder adds a new-flow order and pays it.
func paidOrder(openid, out string) []step {
	return []step{{orderAddPath, newOrder(openid, out), 0}, {orderPayPath, payBody(openid, out), 0}}
}

// receivedOrder is a paid order shipped in full and received (100).
func receivedOrder(openid, out string) []step {
	return append(paidOrder(openid, out), step{sendPath, sendBody(openid, out, 1), 0}, step{recievePath, ids(openid, out), 0})
}

func steps(parts ...[]step) []step {
	var out []step
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
