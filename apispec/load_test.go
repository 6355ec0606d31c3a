package apispec

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shopconform/shopconform/catalog"
)

// TestDefaultLoads: the embedded spec loads, names every endpoint once,
// and says what each is and where it comes from.
func TestDefaultLoads(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Endpoints) != 73 {
		t.Errorf("%d endpoints, want the 73 of api-reference.md §2 and §2.11", len(s.Endpoints))
	}
	for _, ep := range s.Endpoints {
		if ep.Summary == "" || ep.Source.Section == "" {
			t.Errorf("%s: no summary or source section", ep.Path)
		}
		if got, ok := s.Endpoint(ep.Path); !ok || got != ep {
			t.Errorf("%s: not found by its path", ep.Path)
		}
	}
}

// load reads one spec file named t.json.
func load(text string) error {
	_, err := Load(fstest.MapFS{"t.json": {Data: []byte(text)}}, catalog.Default())
	return err
}

func endpoint(request string) string {
	return `{"endpoints": [
  {"path": "/shop/x/y", "domain": "order", "summary": "s", "source": "§2.5",
   "request": ` + request + `}
]}`
}

// TestLoadRefuses: a spec that contradicts itself is refused at load with
// file:line:col and what is wrong, every problem of the file at once.
func TestLoadRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		text string
		want []string
	}{
		"unknown type": {endpoint(`[{"name": "a", "type": "strnig"}]`),
			[]string{`apispec/data/t.json:3:38: a: unknown type "strnig"`}},
		"code not in the catalog": {endpoint(`[{"name": "a", "type": "string", "errcode": 1234567}]`),
			[]string{"apispec/data/t.json:3:59: errcode 1234567 is not in the catalog"}},
		"rule on a missing field": {endpoint(`[{"name": "a", "type": "string"}, {"rule": "one_of", "fields": ["a", "b"], "errcode": 1010001}]`),
			[]string{`apispec/data/t.json:3:49: rule one_of names "b", which is no field of the body`}},
		"condition on a missing field": {endpoint(`[{"name": "a", "type": "string", "presence": "conditional", "when": [{"field": "c.d", "in": [1]}]}]`),
			[]string{`apispec/data/t.json:3:16: a condition names "c.d", which is no field of the request`}},
		"unknown key": {endpoint(`[{"name": "a", "type": "string", "requird": true}]`),
			[]string{`apispec/data/t.json:3:48: unknown field "requird"`}},
		"format for another type": {endpoint(`[{"name": "a", "type": "integer", "format": "datetime"}]`),
			[]string{"apispec/data/t.json:3:59: a: format datetime applies to [string], not integer"}},
		"enum of the wrong type": {endpoint(`[{"name": "a", "type": "integer", "enum": ["x"]}]`),
			[]string{`apispec/data/t.json:3:57: a: enum value "x" does not fit type integer`}},
		"field twice": {endpoint(`[{"name": "a", "type": "string"}, {"name": "a", "type": "string"}]`),
			[]string{"apispec/data/t.json:3:49: field a is declared twice"}},
		"items on an object": {endpoint(`[{"name": "a", "type": "object", "items": {"type": "string"}}]`),
			[]string{"apispec/data/t.json:3:57: a has items but is of type object, not array"}},
		"min above max": {endpoint(`[{"name": "a", "type": "integer", "min": 5, "max": 1}]`),
			[]string{"apispec/data/t.json:3:56: a: min 5 is above max 1"}},
		"unique_by a missing key": {endpoint(`[{"name": "a", "type": "array", "unique_by": "k", "items": {"type": "object", "fields": [{"name": "j", "type": "string"}]}}]`),
			[]string{`apispec/data/t.json:3:60: unique_by names "k", which is no field of a's items`}},
		"ordered across types": {endpoint(`[{"name": "a", "type": "string", "format": "datetime"}, {"name": "b", "type": "integer"}, {"rule": "ordered", "fields": ["a", "b"], "errcode": 990009}]`),
			[]string{"apispec/data/t.json:3:105: rule ordered compares two times of one format or two numbers, not time:datetime and number"}},
		"errcode 0": {endpoint(`[{"name": "a", "type": "string", "errcode": 0}]`),
			[]string{"apispec/data/t.json:3:59: errcode 0 is success, not a violation's answer"}},
		"two problems, both reported": {endpoint(`[{"name": "a", "type": "nope"}, {"name": "b", "type": "string", "errcode": 7}]`),
			[]string{`3:38: a: unknown type "nope"`, "3:90: errcode 7 is not in the catalog"}},
		"a path outside /shop/": {`{"endpoints": [{"path": "/cgi-bin/x", "domain": "order", "summary": "s", "source": "§1"}]}`,
			[]string{`apispec/data/t.json:1:25: path "/cgi-bin/x" is not under /shop/`}},
		"not JSON": {`{"endpoints": [},`, []string{"apispec/data/t.json:1:16:"}},
	} {
		t.Run(name, func(t *testing.T) {
			err := load(tc.text)
			if err == nil {
				t.Fatalf("loaded; want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nlacks %q", err, w)
				}
			}
		})
	}
}

// TestCodesAndInheritance: a field answers its own code, else its
// object's, else the endpoint's, else the generic one (990007, or 990008
// for a value too long); every code an endpoint can answer is listed.
func TestCodesAndInheritance(t *testing.T) {
	s, err := Load(fstest.MapFS{"t.json": {Data: []byte(`{"endpoints": [
  {"path": "/shop/x/y", "domain": "order", "summary": "s", "source": "§2.5", "errcode": 1010003,
   "request": [
     {"name": "a", "type": "string", "presence": "required", "max_length": 3},
     {"name": "o", "type": "object", "errcode": 1010004, "fields": [
       {"name": "p", "type": "integer", "presence": "required", "enum": [0, 1], "errcodes": {"enum": 1010026}}]},
     {"name": "openid", "type": "string", "format": "openid"}
   ],
   "codes": [{"code": 1010011, "when": "no such order"}]}
]}`)}}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	ep, _ := s.Endpoint("/shop/x/y")
	p := ep.Lookup("o.p")
	for _, tc := range []struct {
		f    *Field
		v    Violation
		want catalog.Code
	}{
		{ep.Lookup("a"), Missing, catalog.OrderProductInfosInvalid},
		{ep.Lookup("a"), TooLong, catalog.OrderProductInfosInvalid},
		{p, Missing, catalog.OrderPayInfoInvalid},
		{p, NotInEnum, catalog.OrderPayMethodTypeInvalid},
		{ep.Lookup("openid"), BadFormat, catalog.OrderProductInfosInvalid},
	} {
		if got := tc.f.Code(tc.v); got != tc.want {
			t.Errorf("%s %s answers %d, want %d", tc.f.Path, tc.v, got, tc.want)
		}
	}
	var listed []catalog.Code
	for _, u := range ep.Codes {
		listed = append(listed, u.Code)
	}
	want := []catalog.Code{catalog.OrderProductInfosInvalid, catalog.OrderPayInfoInvalid, catalog.OrderPayMethodTypeInvalid, catalog.OrderNotFound}
	if !slices.Equal(listed, want) {
		t.Errorf("codes %v, want %v", listed, want)
	}

	generic, err := Load(fstest.MapFS{"t.json": {Data: []byte(endpoint(`[{"name": "a", "type": "string", "presence": "required", "max_length": 3},
	  {"name": "openid", "type": "string", "presence": "required", "format": "openid"}]`))}}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	g, _ := generic.Endpoint("/shop/x/y")
	for _, tc := range []struct {
		f    *Field
		v    Violation
		want catalog.Code
	}{
		{g.Lookup("a"), Missing, catalog.ParameterMissing},
		{g.Lookup("a"), TooLong, catalog.ParameterTooLong},
		{g.Lookup("openid"), Missing, catalog.OpenIDMissing},
		{g.Lookup("openid"), BadFormat, catalog.OpenIDIllegalVariant},
		{g.Lookup("openid"), NotMember, catalog.OpenIDIllegal},
	} {
		if got := tc.f.Code(tc.v); got != tc.want {
			t.Errorf("%s %s answers %d, want %d", tc.f.Path, tc.v, got, tc.want)
		}
	}
}
