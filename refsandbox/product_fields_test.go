package refsandbox

import (
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// TestProductFieldRules: the spec's field rules of the product and
// account endpoints (apispec/data/product.json), one request per rule
// kind, each refused with its code where it used to answer 0 or where its
// code is the point.
func TestProductFieldRules(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		twoSKUs := func(second map[string]any) edit {
			return func(b map[string]any) {
				first := b["skus"].([]any)[0].(map[string]any)
				s := map[string]any{}
				for k, v := range first {
					s[k] = v
				}
				for k, v := range second {
					s[k] = v
				}
				b["skus"] = append(b["skus"].([]any), s)
			}
		}
		const missing, tooLong, generic = catalog.ProductRequiredFieldMissing, catalog.ParameterTooLong, catalog.ParameterMissing
		for _, tc := range []struct {
			name, path, body string
			want             catalog.Code
		}{
			{"format: a head_img that is no URL", add, spuBody("f", set("head_img", []string{"hello"})), missing},
			{"format: a thumb_img that is no URL", add, spuBody("f", setSKU("thumb_img", "thumb.jpg")), missing},
			{"format: desc_info.imgs", add, spuBody("f", set("desc_info", map[string]any{"imgs": []string{"ftp://a/b.jpg"}})), missing},
			{"format: qualification_pics", add, spuBody("f", set("qualification_pics", []string{"pic"})), missing},
			{"blank: a title of spaces", add, spuBody("f", set("title", " ")), missing},
			{"blank: an out_product_id of spaces", add, spuBody(" "), catalog.ProductOutProductIDMissing},
			{"length: a title over 60 characters", add, spuBody("f", set("title", strings.Repeat("坚", 61))), tooLong},
			{"length: a title of 60 characters", add, spuBody("f60", set("title", strings.Repeat("坚", 60))), 0},
			{"length: sku_code over 20", add, spuBody("f", setSKU("sku_code", strings.Repeat("A", 21))), tooLong},
			{"duplicate: two skus with one out_sku_id", add, spuBody("f", twoSKUs(nil)), missing},
			{"duplicate: two skus, two ids", add, spuBody("f2", twoSKUs(map[string]any{"out_sku_id": "f2-sku2"})), 0},
			{"range: sale_price 0", add, spuBody("f", setSKU("sale_price", 0)), missing},
			{"range: market_price 0", add, spuBody("f", setSKU("market_price", 0)), missing},
			{"range: sale_price over 10 million yuan", add, spuBody("f", setSKU("sale_price", 1000000001)), missing},
			{"range: stock_num over 10 million", add, spuBody("f", setSKU("stock_num", 10000001)), missing},
			{"type: a fractional price", add, spuBody("f", setSKU("sale_price", 13.5)), missing},
			{"type: brand_id as letters", add, spuBody("f", set("brand_id", "none")), missing},
			{"type: brand_id 0 is not supplied", add, spuBody("f", set("brand_id", 0)), missing},
			{"type: scene_group_list", add, spuBody("f", set("scene_group_list", "1")), missing},
			{"type: item_type", add, spuBody("f", set("item_type", "normal")), missing},
			{"type: info_version an object", add, spuBody("f", set("info_version", map[string]any{})), missing},
			{"required: an sku_attrs item without its value", add, spuBody("f", setSKU("sku_attrs", []any{map[string]any{"attr_key": "颜色"}})), missing},
			{"the sku's fields before a zero stock of another sku", add, spuBody("f", setSKU("stock_num", 0), twoSKUs(map[string]any{"out_sku_id": "x", "thumb_img": ""})), missing},
			{"a zero stock on add", add, spuBody("f", twoSKUs(map[string]any{"out_sku_id": "x", "stock_num": 0})), catalog.ProductSKUStockZero},
			{"update: duplicate out_sku_id", update, spuBody("f2", twoSKUs(nil)), missing},
			{"update: fields before an unusable product_id", update, spuBody("f2", set("product_id", "12x"), del("title")), missing},
			{"update: an unusable product_id names no product", update, spuBody("f2", set("product_id", "12x")), catalog.ProductNotFound},
			{"update_without_audit: duplicate out_sku_id", uwa, `{"out_product_id":"f2","skus":[{"out_sku_id":"a"},{"out_sku_id":"a"}]}`, missing},
			{"update_without_audit: sale_price 0", uwa, `{"out_product_id":"f2","skus":[{"out_sku_id":"a","sale_price":0}]}`, missing},
			{"update_without_audit: an out_product_id that is no string", uwa, `{"out_product_id":12}`, catalog.ProductOutProductIDMissing},
			{"get: need_edit_spu 2", get, `{"out_product_id":"f2","need_edit_spu":2}`, generic},
			{"get_list: status 99", getList, `{"page":1,"page_size":10,"status":99}`, generic},
			{"get_list: page 0", getList, `{"page":0,"page_size":10}`, generic},
			{"get_list: page as text", getList, `{"page":"1","page_size":10}`, generic},
			{"get_list: page_size 0", getList, `{"page":1,"page_size":0}`, generic},
			{"get_list: half a time pair", getList, `{"page":1,"page_size":10,"start_update_time":"2024-05-01 00:00:00"}`, generic},
			{"get_list: a time that does not parse", getList, `{"page":1,"page_size":10,"start_create_time":"2024/05/01","end_create_time":"2024-05-02 00:00:00"}`, generic},
			{"get_list: page_size first", getList, `{"page":0,"page_size":101}`, catalog.PageSizeTooLarge},
			{"update_info: a phone that is no phone", "/shop/account/update_info", `{"service_agent_phone":"not a phone"}`, generic},
			{"update_info: tel_number", "/shop/account/update_info",
				`{"default_receiving_address":{"receiver_name":"张三","detailed_address":"科技园1号","tel_number":"收货人电话"}}`, generic},
			{"update_info: a repeated service_agent_type", "/shop/account/update_info", `{"service_agent_type":[0,0]}`, generic},
			{"update_info: an address member of spaces", "/shop/account/update_info",
				`{"default_receiving_address":{"receiver_name":" ","detailed_address":"科技园1号","tel_number":"13800000000"}}`, generic},
		} {
			t.Run(tc.name, func(t *testing.T) { run(t, tg, "default", step{tc.path, tc.body, tc.want}) })
		}
	})
}
