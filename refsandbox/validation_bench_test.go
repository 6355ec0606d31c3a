package refsandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func benchBody(b *testing.B, text string) map[string]any {
	d := json.NewDecoder(bytes.NewReader([]byte(text)))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		b.Fatal(err)
	}
	return m
}

const vImg = "https://mmecimage.cn/p/wx0000000000000000/bench.jpg"
const vSPU = `{"out_product_id":"bench-1","title":"基准测试商品 bench product","path":"pages/p?id=1",
 "head_img":["` + vImg + `"],"third_cat_id":6153,"brand_id":2100000000,"info_version":"1",
 "desc_info":{"desc":"a product for the benchmark","imgs":["` + vImg + `"]},
 "skus":[{"out_product_id":"bench-1","out_sku_id":"s1","thumb_img":"` + vImg + `","sale_price":1300,"market_price":1500,"stock_num":100,
   "sku_code":"A1","barcode":"123","sku_attrs":[{"attr_key":"颜色","attr_value":"红"}]},
  {"out_product_id":"bench-1","out_sku_id":"s2","thumb_img":"` + vImg + `","sale_price":1400,"market_price":1600,"stock_num":10,
   "sku_code":"A2","barcode":"124","sku_attrs":[{"attr_key":"颜色","attr_value":"蓝"}]}]}`

func vOrder(openid string) string {
	return fmt.Sprintf(`{"create_time":"2026-12-03 10:00:00","out_order_id":"o1","openid":%q,"path":"pages/o?id=1","fund_type":0,
 "expire_time":%d,"order_detail":{"product_infos":[{"out_product_id":"p-1","out_sku_id":"s-1","product_cnt":2,"sale_price":100,
 "sku_real_price":200,"path":"pages/p?id=1","title":"bench","head_img":"`+vImg+`"}],
 "pay_info":{"pay_method_type":0,"prepay_id":"wx1","prepay_time":"2026-12-03 10:00:00"},
 "price_info":{"order_price":210,"freight":10}},"delivery_detail":{"delivery_type":1},
 "address_info":{"receiver_name":"张三","detailed_address":"广东省深圳市南山区","tel_number":"13800000000"}}`, openid, time.Now().Unix()+3600)
}

// BenchmarkValidation is the field validation of a valid body: the spec's
// validator alone, the cost that BenchmarkRequest's whole request adds to
// JSON decoding and the handler. (The same names measured the hand-written
// checks the validator replaced, for the before-and-after figures in the
// project's notes.)
func BenchmarkValidation(b *testing.B) {
	sb, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	acct, _ := sb.store.account(sb.profiles[0].AppID)
	for _, p := range sb.profiles {
		if p.Name == "default" {
			acct, _ = sb.store.account(p.AppID)
		}
	}
	now := time.Now()
	for _, tc := range []struct{ name, path, body string }{
		{"spu-add", "/shop/spu/add", vSPU},
		{"order-add", "/shop/order/add", vOrder(acct.profile.OpenIDs[0])},
	} {
		b.Run(tc.name, func(b *testing.B) {
			body := benchBody(b, tc.body)
			rt := sb.routes[tc.path]
			env := &call{acct: acct, now: now}
			for b.Loop() {
				if v := rt.validator.Request(body, env); v != nil {
					b.Fatal(v.Detail)
				}
			}
		})
	}
}
