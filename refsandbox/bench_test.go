package refsandbox_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/refsandbox"
)

// These benchmarks use the sandbox's public faces only, so that the same
// file measures any version of it: the figures compare request handling
// before and after a change of the validation (`go test -bench . ./refsandbox/`).

type benchSandbox struct {
	h      http.Handler
	token  string
	openid string
}

func newBenchSandbox(b *testing.B) *benchSandbox {
	b.Helper()
	// A profile without the default quota and rate, which a benchmark's
	// millions of calls would exhaust.
	quota := 1 << 40
	sb, err := refsandbox.New(refsandbox.Options{Profiles: []refsandbox.Profile{
		{Name: "bench", DailyQuota: &quota, Rate: &refsandbox.Rate{PerSecond: 1e12, Burst: 1 << 40}},
	}})
	if err != nil {
		b.Fatal(err)
	}
	var acct refsandbox.Account
	for _, a := range sb.Accounts() {
		if a.Profile == "bench" {
			acct = a
		}
	}
	bs := &benchSandbox{h: sb.Handler(), openid: acct.OpenID}
	resp := bs.post(b, "/cgi-bin/stable_token", fmt.Sprintf(`{"grant_type":"client_credential","appid":%q,"secret":%q}`, acct.AppID, acct.Secret))
	bs.token, _ = resp["access_token"].(string)
	if bs.token == "" {
		b.Fatalf("no token: %v", resp)
	}
	return bs
}

func (bs *benchSandbox) post(b *testing.B, path, body string) map[string]any {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, path+"?access_token="+bs.token, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	bs.h.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		b.Fatalf("%s: %v", path, err)
	}
	return out
}

func errcode(m map[string]any) float64 {
	c, _ := m["errcode"].(float64)
	return c
}

const (
	benchImg = "https://mmecimage.cn/p/wx0000000000000000/bench.jpg"
	benchSPU = `{"out_product_id":"%s","title":"基准测试商品 bench product","path":"pages/p?id=%[1]s",
 "head_img":["` + benchImg + `"],"third_cat_id":6153,"brand_id":2100000000,"info_version":"1",
 "desc_info":{"desc":"a product for the benchmark","imgs":["` + benchImg + `"]},
 "skus":[{"out_product_id":"%[1]s","out_sku_id":"%[1]s-1","thumb_img":"` + benchImg + `","sale_price":1300,"market_price":1500,"stock_num":100,
   "sku_code":"A1","barcode":"123","sku_attrs":[{"attr_key":"颜色","attr_value":"红"}]},
  {"out_product_id":"%[1]s","out_sku_id":"%[1]s-2","thumb_img":"` + benchImg + `","sale_price":1400,"market_price":1600,"stock_num":10,
   "sku_code":"A2","barcode":"124","sku_attrs":[{"attr_key":"颜色","attr_value":"蓝"}]}]}`
	benchOrder = `{"create_time":"2026-12-03 10:00:00","out_order_id":"%s","openid":"%s","path":"pages/o?id=%[1]s","fund_type":0,
 "expire_time":%[3]d,"order_detail":{"product_infos":[{"out_product_id":"p-%[1]s","out_sku_id":"s-%[1]s","product_cnt":2,"sale_price":100,
 "sku_real_price":200,"path":"pages/p?id=%[1]s","title":"bench","head_img":"` + benchImg + `"}],
 "pay_info":{"pay_method_type":0,"prepay_id":"wx%[1]s","prepay_time":"2026-12-03 10:00:00"},
 "price_info":{"order_price":210,"freight":10}},"delivery_detail":{"delivery_type":1},
 "address_info":{"receiver_name":"张三","detailed_address":"广东省深圳市南山区","tel_number":"13800000000"}}`
)

// BenchmarkRequest is one whole request through the handler: the
// pipeline, the field validation and the domain handler. The "invalid"
// rows stop at a field rule; the "valid" rows go through every rule and
// store what they create.
func BenchmarkRequest(b *testing.B) {
	for _, tc := range []struct {
		name, path string
		body       func(bs *benchSandbox, i int) string
		want       float64
	}{
		{"spu-add-valid", "/shop/spu/add", func(_ *benchSandbox, i int) string { return fmt.Sprintf(benchSPU, fmt.Sprintf("bench-%d", i)) }, 0},
		{"spu-add-invalid", "/shop/spu/add", func(_ *benchSandbox, i int) string {
			return strings.Replace(fmt.Sprintf(benchSPU, fmt.Sprintf("bench-%d", i)), `"title":"基准测试商品 bench product",`, "", 1)
		}, 1000014},
		{"order-add-valid", "/shop/order/add", func(bs *benchSandbox, i int) string {
			return fmt.Sprintf(benchOrder, fmt.Sprintf("bench-%d", i), bs.openid, 1<<40)
		}, -2},
		{"order-add-invalid", "/shop/order/add", func(bs *benchSandbox, i int) string {
			return strings.Replace(fmt.Sprintf(benchOrder, fmt.Sprintf("bench-%d", i), bs.openid, 1<<40), `"create_time":"2026-12-03 10:00:00",`, "", 1)
		}, 1010020},
		{"spu-get-list", "/shop/spu/get_list", func(*benchSandbox, int) string { return `{"page":1,"page_size":10,"need_edit_spu":1}` }, 0},
	} {
		b.Run(tc.name, func(b *testing.B) {
			bs := newBenchSandbox(b)
			i := 0
			for b.Loop() {
				resp := bs.post(b, tc.path, tc.body(bs, i))
				i++
				// -2: an answer the benchmark does not pin (order/add's
				// expire_time window differs between versions); it must
				// still be an answer of the API.
				if got := errcode(resp); tc.want != -2 && got != tc.want {
					b.Fatalf("errcode %v, want %v: %v", got, tc.want, resp)
				}
			}
		})
	}
}

// BenchmarkServeVsBare compares requests per second over loopback: the
// sandbox's handler against a bare net/http handler that reads the body
// and answers a fixed envelope. The ratio of the two req/s figures is
// what `shopconform serve` keeps of what net/http can do.
func BenchmarkServeVsBare(b *testing.B) {
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok","company_list":[]}`))
	})
	for _, tc := range []struct {
		name string
		h    func(bs *benchSandbox) http.Handler
	}{
		{"bare", func(*benchSandbox) http.Handler { return bare }},
		{"sandbox", func(bs *benchSandbox) http.Handler { return bs.h }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			bs := newBenchSandbox(b)
			srv := httptest.NewServer(tc.h(bs))
			defer srv.Close()
			url := srv.URL + "/shop/spu/get_list?access_token=" + bs.token
			body := []byte(`{"page":1,"page_size":10}`)
			client := srv.Client()
			client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Post(url, "application/json", bytes.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}
