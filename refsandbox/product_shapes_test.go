package refsandbox

import (
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
)

// TestProductAnswerShapes: every success answer of the product domain's
// endpoints has its documented shape, on a walk that reaches each one,
// the online copy and a granted brand included.
func TestProductAnswerShapes(t *testing.T) {
	sb, clock := newSandbox(t, nil)
	tg := &target{name: "in-process", sb: sb, clock: clock, client: sb.Client(), base: "http://sandbox.invalid"}
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, tg, "reviews-approve")
	wantCode(t, post(t, tg, tok, brandAudit, brandBody("有品牌")), 0)
	for _, c := range []struct{ path, body string }{
		{add, spuBody("s", set("info_version", "1"))},
		{"/shop/spu/get", ref("s")},
		{"/shop/spu/get", `{"out_product_id":"s","need_edit_spu":1}`},
		{getList, `{"page":1,"page_size":10}`},
		{update, spuBody("s", set("info_version", "2"))},
		{uwa, `{"out_product_id":"s","skus":[{"out_sku_id":"s-sku1","stock_num":0}]}`},
		{delisting, ref("s")},
		{listing, ref("s")},
		{"/shop/account/get_category_list", `{}`},
		{"/shop/account/get_brand_list", `{}`},
		{"/shop/account/update_info", `{"service_agent_type":[0]}`},
		{"/shop/account/get_info", `{}`},
		{spuDelPath, ref("s")},
	} {
		ep, _ := spec.Endpoint(c.path)
		resp := post(t, tg, tok, c.path, c.body)
		wantCode(t, resp, 0)
		for _, problem := range validate.Response(ep, resp) {
			t.Errorf("%s %s: %s", c.path, c.body, problem)
		}
	}
	// A withdrawn review, on the profile whose reviews stay pending.
	tok = token(t, tg, "default")
	wantCode(t, post(t, tg, tok, add, spuBody("w")), 0)
	ep, _ := spec.Endpoint(delAudit)
	resp := post(t, tg, tok, delAudit, ref("w"))
	wantCode(t, resp, 0)
	if problems := validate.Response(ep, resp); len(problems) > 0 {
		t.Errorf("del_audit: %v", problems)
	}
}
