package validate

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// TestWithoutLetsTheBrokenRequestThrough: a validator compiled from
// Spec.Without(id) accepts the request that breaks only rule id, which
// the full spec refuses; rules that cannot go alone are refused by name.
func TestWithoutLetsTheBrokenRequestThrough(t *testing.T) {
	spec, err := apispec.Load(fstest.MapFS{"t.json": {Data: []byte(testSpec)}}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, ChinaTime)
	valid := `"openid": "` + user + `", "out_order_id": "a", "title": "t"`
	for _, tc := range []struct{ id, body string }{
		{"openid missing", `{"out_order_id": "a", "title": "t"}`},
		{"openid member", `{"openid": "o12345678901234567890123abcd", "out_order_id": "a", "title": "t"}`},
		{"title missing", `{"openid": "` + user + `", "out_order_id": "a"}`},
		{". one_of(order_id,out_order_id)", `{"openid": "` + user + `", "order_id": 0, "title": "t"}`},
		{"out_order_id too_long", `{"openid": "` + user + `", "out_order_id": "123456789", "title": "t"}`},
		{"kind type", `{` + valid + `, "kind": "2"}`},
		{"kind enum", `{` + valid + `, "kind": 3}`},
		{"created format", `{` + valid + `, "created": "yesterday"}`},
		{"expire window", `{` + valid + `, "expire": ` + itoa(now.Unix()+30*86400) + `}`},
		{"price below_min", `{` + valid + `, "price": 0}`},
		{"price above_max", `{` + valid + `, "price": 101}`},
		{"address missing", `{` + valid + `, "kind": 1}`},
		{"address.name missing", `{` + valid + `, "kind": 1, "address": {}}`},
		{"skus too_few", `{` + valid + `, "skus": []}`},
		{"skus too_many", `{` + valid + `, "skus": [{"sku": "a"}, {"sku": "b"}, {"sku": "c"}]}`},
		{"skus duplicate", `{` + valid + `, "skus": [{"sku": "a"}, {"sku": "a"}]}`},
		{". ordered(start,end)", `{` + valid + `, "start": 4, "end": 2}`},
		{". check(even)", `{` + valid + `, "start": 3}`},
	} {
		t.Run(tc.id, func(t *testing.T) {
			id := "/shop/t/add " + tc.id
			if got := validator(t, spec).Request(body(t, tc.body), env{now}); got == nil {
				t.Fatalf("the full spec accepts %s", tc.body)
			}
			mutant, err := spec.Without(id)
			if err != nil {
				t.Fatal(err)
			}
			if got := validator(t, mutant).Request(body(t, tc.body), env{now}); got != nil {
				t.Errorf("without %q: still refused: %s", id, got.Detail)
			}
			if got := validator(t, spec).Request(body(t, tc.body), env{now}); got == nil {
				t.Errorf("Without changed the spec it was called on")
			}
		})
	}
	for id, why := range map[string]string{
		"title blank":     "title: a required string is never blank",
		"class format":    "class: its other checks need the format decimal",
		"openid format":   "openid: its other checks need the format openid",
		"title no_such":   "has no such rule",
		". one_of(a,b)":   "has no such rule",
		"skus[].sku type": "",
	} {
		_, err := spec.Without("/shop/t/add " + id)
		switch {
		case why == "" && err != nil:
			t.Errorf("%s: %v", id, err)
		case why != "" && (err == nil || !strings.Contains(err.Error(), why)):
			t.Errorf("%s: %v, want an error saying %q", id, err, why)
		}
	}
	if _, err := spec.Without("/shop/t/nope kind enum"); err == nil || !strings.Contains(err.Error(), "no endpoint /shop/t/nope") {
		t.Errorf("an unknown endpoint: %v", err)
	}
}

func validator(t *testing.T, spec *apispec.Spec) *Validator {
	t.Helper()
	ep, _ := spec.Endpoint("/shop/t/add")
	v, err := Compile(ep, map[string]Check{"even": func(obj map[string]any, _ Env) (string, bool) {
		return "start is odd", !strings.HasSuffix(ScalarText(obj["start"]), "3")
	}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}
