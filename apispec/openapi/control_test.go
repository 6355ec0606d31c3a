package openapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// withControl renders the project's spec with the control API, as
// `shopconform spec` does.
func withControl(t *testing.T) (*apispec.Spec, []byte, map[string]any) {
	t.Helper()
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	control, err := Control(spec)
	if err != nil {
		t.Fatal(err)
	}
	raw, doc := render(t, spec, Options{Extra: []PathGroup{control}})
	return spec, raw, doc
}

// controlCalls are the operations of the control API: path, method,
// operationId.
var controlCalls = []struct{ path, method, id string }{
	{healthzPath, "get", "controlHealthz"},
	{controlAccounts, "post", "controlMintAccount"},
	{controlAccount, "get", "controlGetAccount"},
	{controlAccount + "/reset", "post", "controlResetAccount"},
	{controlAccount + "/clock", "post", "controlSetClock"},
	{controlAccount + "/categories", "put", "controlReplaceCategories"},
	{controlAccount + "/seed", "post", "controlSeed"},
	{controlAccount + "/reviews", "post", "controlDecideReview"},
}

// TestControlRendersValidOpenAPI: the document with the control API is
// valid OpenAPI 3.1; every call is there under the control
// tag, behind the control token (healthz needs none), with its refusals.
func TestControlRendersValidOpenAPI(t *testing.T) {
	_, raw, doc := withControl(t)
	v := checked(t, raw)
	for _, c := range controlCalls {
		if !v.has(c.path, c.method) {
			t.Errorf("%s %s: no operation", c.method, c.path)
			continue
		}
		op := at(t, doc, "paths", c.path, c.method)
		same(t, c.path+" operationId", at(t, op, "operationId"), c.id)
		same(t, c.path+" tags", at(t, op, "tags"), []string{ControlTag})
		if c.path == healthzPath {
			same(t, "healthz needs no token", at(t, op, "security"), []any{})
			continue
		}
		same(t, c.path+" security", at(t, op, "security"), []any{map[string]any{controlScheme: []any{}}})
		responses := at(t, op, "responses").(map[string]any)
		for _, status := range []string{"401", "404"} {
			if c.path == controlAccounts && status == "404" {
				status = "400"
			}
			same(t, c.path+" "+status, at(t, responses, status, "content", "application/json", "schema", "$ref"), "#/components/schemas/ControlRefusal")
		}
	}
	same(t, "the bearer scheme", at(t, doc, "components", "securitySchemes", controlScheme, "scheme"), "bearer")
	same(t, "the API's own scheme stays", at(t, doc, "components", "securitySchemes", "access_token", "in"), "query")
	same(t, "mint answers 201", at(t, doc, "paths", controlAccounts, "post", "responses", "201", "content", "application/json", "schema", "$ref"),
		"#/components/schemas/ControlAccount")
	same(t, "a clock moved back is 409", sortedKeys(at(t, doc, "paths", controlAccount+"/clock", "post", "responses").(map[string]any)), []string{"200", "400", "401", "404", "409"})
	tags := at(t, doc, "tags").([]any)
	same(t, "the control tag comes last", at(t, tags[len(tags)-1], "name"), ControlTag)
}

// TestSeedKindsFollowTheReadEndpoints: each seed kind's item has exactly
// the fields its read endpoints answer (plus an audit's own keys), as the
// spec has them now, and requires none.
func TestSeedKindsFollowTheReadEndpoints(t *testing.T) {
	spec, _, doc := withControl(t)
	body := at(t, doc, "paths", controlAccount+"/seed", "post", "requestBody", "content", "application/json", "schema")
	same(t, "seed kinds", sortedKeys(at(t, body, "properties").(map[string]any)),
		[]string{"aftersales", "audits", "coupons", "orders", "products", "sharers", "user_coupons"})
	same(t, "an unknown kind is refused", at(t, body, "additionalProperties"), false)
	member := func(path, dotted string) *apispec.Field {
		ep, ok := spec.Endpoint(path)
		if !ok {
			t.Fatalf("no %s", path)
		}
		f := ep.Response
		for _, part := range strings.Split(dotted, ".") {
			if part == "" {
				continue
			}
			name, item := strings.CutSuffix(part, "[]")
			f = f.Member(name)
			if item {
				f = f.Items
			}
		}
		return f
	}
	names := func(fs ...*apispec.Field) []string {
		var out []string
		for _, f := range fs {
			for _, m := range f.Fields {
				if !slices.Contains(out, m.Name) {
					out = append(out, m.Name)
				}
			}
		}
		slices.Sort(out)
		return out
	}
	for kind, want := range map[string][]string{
		"products":     names(member("/shop/spu/get", "spu")),
		"audits":       append(names(member("/shop/audit/result", "data")), "audit_id", "kind"),
		"orders":       names(member("/shop/order/get", "order")),
		"aftersales":   names(member("/shop/ecaftersale/get", "after_sales_order")),
		"coupons":      names(member("/shop/coupon/get", "result")),
		"user_coupons": names(member("/shop/coupon/get_usercoupon_list", "result_list[]")),
		"sharers":      names(member("/shop/sharer/get_sharer_list", "sharers[]"), member("/shop/sharer/search_sharer", "")),
	} {
		component := strings.TrimPrefix(at(t, body, "properties", kind, "items", "$ref").(string), "#/components/schemas/")
		item := at(t, doc, "components", "schemas", component)
		got := sortedKeys(at(t, item, "properties").(map[string]any))
		slices.Sort(want)
		same(t, kind+" fields", got, want)
		if requires(item) {
			t.Errorf("%s: the item requires a field", kind)
		}
	}
	// A deep field keeps the read endpoint's type: an order's id is a
	// uint64 as a number or its text.
	order := at(t, doc, "components", "schemas", "ControlSeedOrder")
	same(t, "order_id's type", at(t, order, "properties", "order_id", "type"), []string{"integer", "string"})
	same(t, "a nested field", at(t, order, "properties", "order_detail", "properties", "product_infos", "items", "properties", "product_cnt", "type"), "integer")
}

// requires reports whether a schema or one of its subschemas has a
// required list.
func requires(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["required"].([]any); ok {
			return true
		}
		for k, sub := range x {
			if k != "properties" && requires(sub) {
				return true
			}
		}
		if props, ok := x["properties"].(map[string]any); ok {
			for _, p := range props {
				if requires(p) {
					return true
				}
			}
		}
	case []any:
		return slices.ContainsFunc(x, requires)
	}
	return false
}

// TestControlNeedsTheReadEndpoints: a spec without a read endpoint a seed
// kind takes its shape from cannot describe the control API.
func TestControlNeedsTheReadEndpoints(t *testing.T) {
	s, err := apispec.Load(fstest.MapFS{"t.json": {Data: []byte(`{"endpoints": [
	 {"path": "/shop/cat/get", "domain": "product", "summary": "s", "request": [],
	  "response": [{"name": "third_cat_list", "type": "array", "items": {"type": "object", "fields": [{"name": "third_cat_id", "type": "integer"}]}}]}]}`)}}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Control(s); err == nil || !strings.Contains(err.Error(), "seed kind products: the spec has no /shop/spu/get") {
		t.Errorf("Control of a spec without spu/get: %v", err)
	}
}

// TestEmbeddedSetupsAgainstTheDocument: every control call of every
// example's setup is a valid request of the control API's document.
func TestEmbeddedSetupsAgainstTheDocument(t *testing.T) {
	spec, raw, _ := withControl(t)
	v := checked(t, raw)
	paths := map[string]struct{ method, path string }{
		"account": {http.MethodPost, controlAccounts}, "reset": {http.MethodPost, "/reset"}, "clock": {http.MethodPost, "/clock"},
		"categories": {http.MethodPut, "/categories"}, "seed": {http.MethodPost, "/seed"}, "review": {http.MethodPost, "/reviews"},
	}
	if len(paths) != len(apispec.ControlCalls()) {
		t.Fatalf("the test knows %d control calls, the spec %d", len(paths), len(apispec.ControlCalls()))
	}
	n := 0
	for _, ep := range spec.Endpoints {
		for i, ex := range ep.Examples {
			for _, c := range ex.Setup {
				n++
				p := paths[c.Call]
				if c.Call != "account" {
					p.path = controlAccounts + "/wxexample" + p.path
				}
				body := string(c.Body)
				if body == "" {
					body = "{}"
				}
				req, err := http.NewRequest(p.method, sandboxServer+p.path, strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer t")
				if fs := v.request(req); fs != nil {
					t.Errorf("%s example %d (%s:%d): setup call %s %s is refused by the document:\n%s", ep.Path, i+1, ex.Pos.File, ex.Pos.Line, c.Call, compact(c.Body), fs)
				}
			}
		}
	}
	t.Logf("%d setup calls", n)
}

func compact(raw json.RawMessage) string {
	if len(raw) > 200 {
		return string(raw[:200]) + "…"
	}
	return string(raw)
}
