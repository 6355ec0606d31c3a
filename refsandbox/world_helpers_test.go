package refsandbox

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// Helpers for the product, audit, account and upload tests. The bodies
// are a valid spu/add body written from the docs by hand (§2.4), never
// read from fixtures/.

// edit changes a body built by spuBody.
type edit func(body map[string]any)

// set sets a top-level field; del removes one.
func set(key string, v any) edit { return func(b map[string]any) { b[key] = v } }
func del(key string) edit        { return func(b map[string]any) { delete(b, key) } }

// setSKU and delSKU change the first sku.
func setSKU(key string, v any) edit {
	return func(b map[string]any) { b["skus"].([]any)[0].(map[string]any)[key] = v }
}
func delSKU(key string) edit {
	return func(b map[string]any) { delete(b["skus"].([]any)[0].(map[string]any), key) }
}

// spuBody is a valid spu/add body for out (§2.4).
func spuBody(out string, edits ...edit) string {
	b := map[string]any{
		"out_product_id": out,
		"title":          "坚果礼盒",
		"path":           "pages/product/product?id=" + out,
		"head_img":       []any{"https://mmecimage.cn/p/shopconform/head.jpg"},
		"third_cat_id":   6153,
		"brand_id":       2100000000,
		"skus": []any{map[string]any{
			"out_product_id": out,
			"out_sku_id":     out + "-sku1",
			"thumb_img":      "https://mmecimage.cn/p/shopconform/thumb.jpg",
			"sale_price":     1300,
			"market_price":   1500,
			"stock_num":      100,
			"sku_attrs":      []any{map[string]any{"attr_key": "颜色", "attr_value": "红"}},
		}},
		"desc_info": map[string]any{"desc": "好吃的坚果", "imgs": []any{}},
	}
	for _, e := range edits {
		e(b)
	}
	return jsonText(b)
}

func jsonText(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err) // test data only
	}
	return string(raw)
}

// ref is an id-pair body.
func ref(out string) string { return `{"out_product_id":"` + out + `"}` }

// at reads a dotted path (array indexes as numbers) from a response.
func at(t *testing.T, resp map[string]any, path string) any {
	t.Helper()
	var v any = resp
	for _, seg := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			var i int
			if _, err := fmt.Sscan(seg, &i); err != nil || i >= len(x) {
				t.Fatalf("%s: no index %s in %v", path, seg, x)
			}
			v = x[i]
		default:
			t.Fatalf("%s: %q is not in %v", path, seg, resp)
		}
	}
	return v
}

// num reads a number at path as its exact text.
func num(t *testing.T, resp map[string]any, path string) string {
	t.Helper()
	n, ok := at(t, resp, path).(json.Number)
	if !ok {
		t.Fatalf("%s = %v, want a number", path, at(t, resp, path))
	}
	return string(n)
}

// wantFields checks that every path is present and not null (the cases'
// expect.has).
func wantFields(t *testing.T, resp map[string]any, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if at(t, resp, p) == nil {
			t.Errorf("%s missing from %v", p, resp)
		}
	}
}

// spuOf reads spu/get's answer for out, as the draft or the online copy.
func spuOf(t *testing.T, tg *target, tok, out string, draft bool) map[string]any {
	t.Helper()
	body := `{"out_product_id":"` + out + `","need_edit_spu":0}`
	if draft {
		body = `{"out_product_id":"` + out + `","need_edit_spu":1}`
	}
	resp := post(t, tg, tok, "/shop/spu/get", body)
	wantCode(t, resp, 0)
	return resp["spu"].(map[string]any)
}

// jsonNum is how a decoded response holds the integer n.
func jsonNum(n int) json.Number { return json.Number(strconv.Itoa(n)) }

func itoa(n int) string { return strconv.Itoa(n) }

// TestMagicCodesInCatalog: every code a handler magic value names has
// catalog text, so no envelope carries a placeholder.
func TestMagicCodesInCatalog(t *testing.T) {
	for _, m := range handlerMagicValues() {
		if !catalog.Default().Has(m.code) {
			t.Errorf("catalog lacks %d", int(m.code))
		}
	}
}

// TestDomainKnobsLoadStrictly: the product and audit knobs of a profiles
// file are read like the rest.
func TestDomainKnobsLoadStrictly(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{`[{"name":"a","product":{"review_limit_per_hour":-1}}]`, `field "product.review_limit_per_hour" must be an integer, got -1`},
		{`[{"name":"a","product":{"deposit_paid":"no"}}]`, `field "product.deposit_paid" must be a boolean`},
		{`[{"name":"a","audit":{"miniapp_certificate":{"brand_info":{"brand":"x"}}}}]`, `unknown field "audit.miniapp_certificate.brand_info.brand"`},
	} {
		if _, err := LoadProfiles(strings.NewReader(tc.data), "p.json"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.data, err, tc.want)
		}
	}
	ps, err := LoadProfiles(strings.NewReader(`[{"name":"a","product":{"reviews_approve":true,"deposit_paid":false,"review_limit_per_hour":0},"audit":{"reviews_approve":true}}]`), "ok.json")
	if err != nil || !ps[0].Product.ReviewsApprove || *ps[0].Product.DepositPaid || *ps[0].Product.ReviewLimitPerHour != 0 || !ps[0].Audit.ReviewsApprove {
		t.Errorf("valid knobs: %+v, %v", ps, err)
	}
}
