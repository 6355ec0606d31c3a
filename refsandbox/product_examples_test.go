package refsandbox

import (
	"encoding/json"
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// The vendor's example requests (the spec's examples): with the state
// each presupposes, every one answers 0, and its answer has the
// documented shape; an example that breaks its own page (breaks) must
// not answer 0. Each runs on a fresh sandbox, in-process.

// need is the state one of an example's needs names: the profile to call
// as ("" for default) and what to set up first.
type need struct {
	profile string
	setup   func(t *testing.T, tg *target, tok string)
}

// productExampleNeeds maps the spec's needs, word for word, to state.
var productExampleNeeds = map[string]need{
	"third_cat_id 6666 in the account's category tree: level 3, no qualification needed": {setup: func(t *testing.T, tg *target, _ string) {
		addCategories(t, tg, "default", category{FirstCatID: 6600, FirstCatName: "数码", SecondCatID: 6610, SecondCatName: "游戏设备",
			ThirdCatID: 6666, ThirdCatName: "游戏机"})
	}},
	"product 1234566 (out_product_id), not under review": {setup: func(t *testing.T, tg *target, tok string) {
		run(t, tg, "default", step{add, spuBody("1234566"), 0}, step{delAudit, ref("1234566"), 0})
	}},
	"approved product 1234566 (product_id and out_product_id) with sku 1024": {setup: func(t *testing.T, tg *target, tok string) {
		wantCode(t, post(t, tg, tok, add, spuBody("1234566", setSKU("out_sku_id", "1024"))), 0)
		editProduct(t, tg, "1234566", func(p *product, st *productState) { rekey(p, st, 1234566); p.approve(t0) })
	}},
	"product 324545 (product_id) / 51514515 (out_product_id)": {setup: func(t *testing.T, tg *target, tok string) {
		seedProduct(t, tg, tok, func(*product) {})
	}},
	"product 324545 (product_id) / 51514515 (out_product_id), not under review": {setup: func(t *testing.T, tg *target, tok string) {
		seedProduct(t, tg, tok, func(p *product) { p.editStatus = editEditing })
	}},
	"product 324545 (product_id) / 51514515 (out_product_id), under review": {setup: func(t *testing.T, tg *target, tok string) {
		seedProduct(t, tg, tok, func(p *product) {})
	}},
	"product 324545 (product_id) / 51514515 (out_product_id), approved and delisted by the merchant": {setup: func(t *testing.T, tg *target, tok string) {
		seedProduct(t, tg, tok, func(p *product) { p.approve(t0); p.status = statusDelisted })
	}},
	"product 324545 (product_id) / 51514515 (out_product_id), approved and listed": {setup: func(t *testing.T, tg *target, tok string) {
		seedProduct(t, tg, tok, func(p *product) { p.approve(t0) })
	}},
}

func TestProductExamples(t *testing.T) { runExamples(t, catalog.Product) }

// runExamples sends every example of the domain's endpoints.
func runExamples(t *testing.T, domain catalog.Domain) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ep := range spec.Endpoints {
		if ep.Domain != domain {
			continue
		}
		if len(ep.Examples) == 0 {
			t.Errorf("%s has no example", ep.Path)
		}
		for i, ex := range ep.Examples {
			n++
			t.Run(ep.Path+"#"+itoa(i), func(t *testing.T) {
				sb, clock := newSandbox(t, nil)
				tg := &target{name: "in-process", sb: sb, clock: clock, client: sb.Client(), base: "http://sandbox.invalid"}
				profile := "default"
				var setups []func(*testing.T, *target, string)
				for _, words := range ex.Needs {
					nd, ok := productExampleNeeds[words]
					if !ok {
						t.Fatalf("no state for the need %q (%s:%d)", words, ex.Pos.File, ex.Pos.Line)
					}
					if nd.profile != "" {
						profile = nd.profile
					}
					if nd.setup != nil {
						setups = append(setups, nd.setup)
					}
				}
				tok := token(t, tg, profile)
				for _, setup := range setups {
					setup(t, tg, tok)
				}
				resp := sendExample(t, tg, tok, ep, ex)
				got := errcode(t, resp)
				switch {
				case ex.Breaks != "" && got == 0:
					t.Errorf("answers 0, though it breaks its page: %s", ex.Breaks)
				case ex.Breaks == "" && got != 0:
					t.Errorf("errcode %d (%v), want 0", got, resp["errmsg"])
				case got == 0:
					for _, problem := range validate.Response(ep, resp) {
						t.Errorf("answer shape: %s", problem)
					}
				}
			})
		}
	}
	if n == 0 {
		t.Fatalf("no examples in domain %s", domain)
	}
}

// sendExample posts the example's body as JSON, or, on a multipart
// route, as a form: a string member is a field, an object
// {filename, content_type} a file part holding a tiny image of that type.
func sendExample(t *testing.T, tg *target, tok string, ep *apispec.Endpoint, ex apispec.Example) map[string]any {
	t.Helper()
	if !ep.Multipart {
		return post(t, tg, tok, ep.Path, string(ex.Body))
	}
	var form map[string]any
	if err := json.Unmarshal(ex.Body, &form); err != nil {
		t.Fatal(err)
	}
	var parts []part
	for name, v := range form {
		switch x := v.(type) {
		case string:
			parts = append(parts, field(name, x))
		case map[string]any:
			data := tinyPNG
			if x["content_type"] == "image/jpeg" {
				data = tinyJPEG
			}
			filename, _ := x["filename"].(string)
			parts = append(parts, part{name: name, filename: filename, data: data})
		default:
			t.Fatalf("form member %s is %T, neither a field nor a file", name, v)
		}
	}
	return upload(t, tg, tok, parts...)
}

// tinyJPEG starts as a JPEG does, which is all a sniffer reads.
var tinyJPEG = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9")

// accountFor is the state of a profile's account, for tests that set up
// what no request can (an example's product ids, another category tree).
func accountFor(t *testing.T, tg *target, profile string) *account {
	t.Helper()
	acct, ok := tg.sb.store.account(accountOf(t, tg, profile).AppID)
	if !ok {
		t.Fatalf("no account for %s", profile)
	}
	return acct
}

// addCategories gives the profile's account a tree of the built-in one
// plus cats, read as strictly as categories.json (a test-only tree: the
// API cannot set categories).
func addCategories(t *testing.T, tg *target, profile string, cats ...category) {
	t.Helper()
	acct := accountFor(t, tg, profile)
	acct.mu.Lock()
	defer acct.mu.Unlock()
	raw, err := json.Marshal(append(append([]category{}, acct.audit.tree.list...), cats...))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := loadCategories(raw, "test tree")
	if err != nil {
		t.Fatal(err)
	}
	acct.audit.tree = tree
}

// editProduct changes the default account's product out in place.
func editProduct(t *testing.T, tg *target, out string, edit func(p *product, st *productState)) {
	t.Helper()
	acct := accountFor(t, tg, "default")
	acct.mu.Lock()
	defer acct.mu.Unlock()
	p := acct.product.byOut[out]
	if p == nil {
		t.Fatalf("no product %s", out)
	}
	edit(p, acct.product)
}

// rekey gives a product the product_id an example names.
func rekey(p *product, st *productState, id uint64) {
	delete(st.byID, p.id)
	p.id = id
	st.byID[id] = p
}

// seedProduct adds product 51514515 on default (under review), gives it
// product_id 324545, then edits it.
func seedProduct(t *testing.T, tg *target, tok string, edit func(p *product)) {
	t.Helper()
	wantCode(t, post(t, tg, tok, add, spuBody("51514515")), 0)
	editProduct(t, tg, "51514515", func(p *product, st *productState) { rekey(p, st, 324545); edit(p) })
}

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
