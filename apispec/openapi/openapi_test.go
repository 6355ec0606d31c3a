package openapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/version"
)

// A small spec of its own with every kind of rule, so that these tests
// read the renderer's mapping and not the project's data.
const testSpec = `{"endpoints": [
 {"path": "/shop/t/add", "domain": "order", "summary": "Add a t", "source": "§2.5", "evidence": "D",
  "content_policy": ["title"],
  "notes": ["The table wins over the example."],
  "request": [
   {"name": "openid", "type": "string", "presence": "required", "format": "openid"},
   {"name": "order_id", "type": "id"},
   {"name": "out_order_id", "type": "string", "max_length": 8},
   {"rule": "one_of", "fields": ["order_id", "out_order_id"], "errcode": 1010001},
   {"name": "title", "type": "string", "presence": "required", "errcode": 1000014, "description": "The t's title."},
   {"name": "kind", "type": "integer", "enum": [1, 2], "errcodes": {"enum": 1010026}},
   {"name": "label", "type": "text", "enum": [7, "x", "8"]},
   {"name": "created", "type": "string", "format": "datetime"},
   {"name": "expire", "type": "integer", "format": "unix_seconds", "window": {"min": 900, "max": 86400}},
   {"name": "price", "type": "integer", "min": 1, "max": 100, "note": "0 is refused: a price of nothing is no price."},
   {"name": "url", "type": "string", "format": "url"},
   {"name": "phone", "type": "string", "format": "phone"},
   {"name": "class", "type": "string", "format": "decimal", "min": 1, "max": 45},
   {"name": "address", "type": "object", "presence": "conditional", "errcode": 1010009,
    "when": [{"field": "kind", "in": [1]}],
    "fields": [{"name": "name", "type": "string", "presence": "required"}]},
   {"name": "skus", "type": "array", "min_items": 1, "max_items": 2, "unique_by": "sku", "errcode": 1000020,
    "items": {"type": "object", "fields": [{"name": "sku", "type": "string", "presence": "required"}]}},
   {"name": "tags", "type": "array", "unique_by": ".", "items": {"type": "string", "max_length": 4}},
   {"name": "start", "type": "integer"},
   {"name": "end", "type": "integer"},
   {"rule": "ordered", "fields": ["start", "end"], "errcode": 990009},
   {"rule": "check", "name": "even", "description": "start is even", "errcode": 1010005},
   {"name": "extra", "type": "any"}
  ],
  "response": [
   {"name": "data", "type": "object", "presence": "required", "fields": [
    {"name": "order_id", "type": "id", "presence": "required"},
    {"name": "ticket", "type": "string"}]}
  ],
  "codes": [{"code": 1010011, "when": "the order does not exist", "source": "§3.3", "evidence": "D"}],
  "examples": [
   {"body": {"openid": "o123456789012345678901234567", "out_order_id": "a1", "title": "t", "skus": [{"sku": "s"}]}, "needs": ["a user"],
    "setup": [{"call": "account", "body": {"openids": ["o123456789012345678901234567"]}}, {"call": "seed", "body": {"orders": []}}, {"call": "reset"}]},
   {"body": {"openid": "o123456789012345678901234567", "title": "t"}, "breaks": "It names no order."}
  ]},
 {"path": "/shop/t/open", "domain": "access", "summary": "Before opening", "access": "pre_open", "request": []},
 {"path": "/shop/t/upload", "domain": "upload", "summary": "Upload", "body": "multipart",
  "request": [{"name": "media", "type": "file", "presence": "required", "max_length": 2097152},
              {"name": "resp_type", "type": "string", "enum": ["0", "1"]}]}
]}`

func loadTestSpec(t testing.TB) *apispec.Spec {
	t.Helper()
	s, err := apispec.Load(fstest.MapFS{"t.json": {Data: []byte(testSpec)}}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func render(t testing.TB, s *apispec.Spec, opts Options) (raw []byte, doc map[string]any) {
	t.Helper()
	raw, err := Render(s, catalog.Default(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return raw, doc
}

// at reads a value by keys and indexes (ints) through generic JSON.
func at(t *testing.T, v any, keys ...any) any {
	t.Helper()
	for i, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not an object at %v", keys[:i+1], keys[:i])
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("%v: no key %q (keys %v)", keys[:i+1], k, sortedKeys(m))
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("%v: no item %d", keys[:i+1], k)
			}
			v = l[k]
		}
	}
	return v
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// same compares two values through their JSON.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	norm := func(v any) (any, []byte) {
		data, _ := json.Marshal(v)
		var out any
		_ = json.Unmarshal(data, &out)
		return out, data
	}
	g, gotJSON := norm(got)
	w, wantJSON := norm(want)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s = %s, want %s", what, gotJSON, wantJSON)
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	s := loadTestSpec(t)
	a, _ := render(t, s, Options{})
	b, _ := render(t, s, Options{})
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of one spec differ")
	}
	if !bytes.HasPrefix(a, []byte("{\n  \"components\": {")) || !bytes.HasSuffix(a, []byte("}\n")) {
		t.Errorf("not sorted, two-space indented JSON:\n%.80s", a)
	}
}

func TestDocumentTopLevel(t *testing.T) {
	_, doc := render(t, loadTestSpec(t), Options{})
	same(t, "openapi", doc["openapi"], "3.1.0")
	same(t, "info.version", at(t, doc, "info", "version"), version.Harness)
	same(t, "x-shopconform-catalog", doc["x-shopconform-catalog"], catalog.Default().Hash())
	same(t, "security", doc["security"], []any{map[string]any{"access_token": []any{}}, map[string]any{"authorizer_access_token": []any{}}})
	same(t, "the access_token scheme", at(t, doc, "components", "securitySchemes", "access_token", "in"), "query")
	var tags []string
	for _, tg := range doc["tags"].([]any) {
		tags = append(tags, tg.(map[string]any)["name"].(string))
	}
	same(t, "tags", tags, []string{"order", "access", "upload", "token"})
	same(t, "40066 on the document", at(t, doc, "x-shopconform-errcodes", 0, "code"), 40066)
	same(t, "43002 on every path", at(t, doc, "paths", "/shop/t/open", "x-shopconform-errcodes", 0, "code"), 43002)

	_, other := render(t, loadTestSpec(t), Options{Version: "9.9.9"})
	same(t, "info.version from the options", at(t, other, "info", "version"), "9.9.9")
}

func TestOperation(t *testing.T) {
	_, doc := render(t, loadTestSpec(t), Options{})
	op := at(t, doc, "paths", "/shop/t/add", "post")
	same(t, "operationId", at(t, op, "operationId"), "shopTAdd")
	same(t, "summary", at(t, op, "summary"), "Add a t")
	same(t, "tags", at(t, op, "tags"), []string{"order"})
	same(t, "source", at(t, op, "x-shopconform-source"), map[string]string{"section": "§2.5", "evidence": "D"})
	same(t, "notes", at(t, op, "x-shopconform-notes"), []string{"The table wins over the example."})
	if d := at(t, op, "description").(string); !strings.Contains(d, "Note: The table wins over the example.") {
		t.Errorf("description lacks the note: %q", d)
	}
	same(t, "content policy", at(t, op, "x-shopconform-content-policy"), []string{"title"})
	if _, ok := at(t, doc, "paths", "/shop/t/upload", "post", "requestBody", "content").(map[string]any)["multipart/form-data"]; !ok {
		t.Error("a multipart endpoint's body is not multipart/form-data")
	}
	same(t, "a file field", at(t, doc, "paths", "/shop/t/upload", "post", "requestBody", "content", "multipart/form-data", "schema", "properties", "media", "format"), "binary")
	same(t, "a file's size", at(t, doc, "paths", "/shop/t/upload", "post", "requestBody", "content", "multipart/form-data", "schema", "properties", "media", "x-shopconform-max-bytes"), 2097152)
}

// TestOperationCodes: every code of the operation, universal ones first,
// each with the catalog's meaning; which universal codes apply follows
// the endpoint's body, access and content policy.
func TestOperationCodes(t *testing.T) {
	_, doc := render(t, loadTestSpec(t), Options{})
	codes := func(path string) []int {
		var out []int
		for _, c := range at(t, doc, "paths", path, "post", "x-shopconform-errcodes").([]any) {
			e := c.(map[string]any)
			if e["meaning"] == "" || e["when"] == "" {
				t.Errorf("%s: %v lacks its meaning or when", path, e)
			}
			out = append(out, int(e["code"].(float64)))
		}
		return out
	}
	same(t, "/shop/t/add codes", codes("/shop/t/add"), []int{
		41001, 40014, 40001, 42001, 47001, 61004, 61007, 48001, 45009, 300000, 990010, -1, // the pipeline
		990004, 990002, 990001, 990007, 990008, 1010001, 1000014, 1010026, 1010009, 1000020, 990009, 1010005, // field rules
		87014,   // content policy
		1010011, // state
	})
	same(t, "/shop/t/open (pre_open) codes", codes("/shop/t/open"), []int{41001, 40014, 40001, 42001, 47001, 61004, 61007, 45009, 300000, 990010, -1})
	same(t, "/shop/t/upload (multipart) codes", codes("/shop/t/upload"), []int{41001, 40014, 40001, 42001, 61004, 61007, 48001, 45009, 300000, 990010, -1, 990007, 990008})
	state := at(t, doc, "paths", "/shop/t/add", "post", "x-shopconform-errcodes", 25)
	same(t, "a state code", state, map[string]any{"code": 1010011, "meaning": mustMeaning(t, 1010011), "when": "the order does not exist", "source": map[string]string{"section": "§3.3", "evidence": "D"}})
	rule := at(t, doc, "paths", "/shop/t/add", "post", "x-shopconform-errcodes", 17)
	same(t, "a rule's code names its object", at(t, rule, "field"), "the body")
}

func mustMeaning(t *testing.T, code int) string {
	e, ok := catalog.Default().Lookup(catalog.Code(code))
	if !ok {
		t.Fatalf("%d not in the catalog", code)
	}
	return e.Meaning
}

// TestFieldSchemas: every rule JSON Schema can say is said in JSON
// Schema, the rest in x- extensions and words, with each field's codes.
func TestFieldSchemas(t *testing.T) {
	_, doc := render(t, loadTestSpec(t), Options{})
	body := at(t, doc, "paths", "/shop/t/add", "post", "requestBody", "content", "application/json", "schema")
	prop := func(name string) map[string]any { return at(t, body, "properties", name).(map[string]any) }
	same(t, "required", at(t, body, "required"), []string{"openid", "title"})
	same(t, "check order", at(t, body, "x-shopconform-order"), []string{"openid", "order_id", "out_order_id", "one_of(order_id,out_order_id)", "title", "kind", "label",
		"created", "expire", "price", "url", "phone", "class", "address", "skus", "tags", "start", "end", "ordered(start,end)", "check(even)", "extra"})

	openid := prop("openid")
	same(t, "openid pattern (none: a sandbox account may have users of any shape)", openid["pattern"], `\S`)
	same(t, "openid code", openid["x-shopconform-errcode"], 990004)
	same(t, "openid codes", openid["x-shopconform-errcodes"], map[string]int{"missing": 990004, "type": 990002, "blank": 990004, "format": 990002, "member": 990001})

	same(t, "id type", prop("order_id")["type"], []string{"integer", "string"})
	same(t, "maxLength", prop("out_order_id")["maxLength"], 8)
	same(t, "out_order_id codes", prop("out_order_id")["x-shopconform-errcodes"], map[string]int{"type": 990007, "too_long": 990008})
	title := prop("title")
	same(t, "title code", title["x-shopconform-errcode"], 1000014)
	if _, split := title["x-shopconform-errcodes"]; split {
		t.Error("a field whose checks all answer one code has x-shopconform-errcodes")
	}
	same(t, "not blank", title["pattern"], `\S`)
	same(t, "description", title["description"], "The t's title.")
	same(t, "enum", prop("kind")["enum"], []int{1, 2})
	same(t, "enum code", prop("kind")["x-shopconform-errcodes"], map[string]int{"type": 990007, "enum": 1010026})
	same(t, "a text enum takes numbers as text and back", prop("label")["enum"], []any{7, 8, "7", "x", "8"})
	same(t, "datetime", prop("created")["x-shopconform-format"], "datetime")
	if _, ok := prop("created")["pattern"]; !ok {
		t.Error("datetime has no pattern")
	}
	same(t, "window", prop("expire")["x-shopconform-window"], map[string]int{"min": 900, "max": 86400})
	same(t, "bounds", []any{prop("price")["minimum"], prop("price")["maximum"]}, []int{1, 100})
	if d := prop("price")["description"].(string); !strings.Contains(d, "Note: 0 is refused") {
		t.Errorf("the note is not in the description: %q", d)
	}
	same(t, "url", prop("url")["format"], "uri")
	same(t, "phone pattern", prop("phone")["pattern"], `^\+?[0-9][0-9 -]{4,19}$`)
	class := prop("class")
	same(t, "decimal", []any{class["pattern"], class["x-shopconform-minimum"], class["x-shopconform-maximum"], class["minimum"]}, []any{"^[0-9]{1,18}$", 1, 45, nil})

	address := prop("address")
	same(t, "conditional", address["x-shopconform-required-when"], []map[string]any{{"field": "kind", "in": []int{1}}})
	if d := address["description"].(string); !strings.Contains(d, "Required when kind is 1.") {
		t.Errorf("conditional description: %q", d)
	}
	same(t, "an object's required", at(t, address, "required"), []string{"name"})
	same(t, "an inherited code", at(t, address, "properties", "name", "x-shopconform-errcode"), 1010009)

	skus := prop("skus")
	same(t, "items", []any{skus["minItems"], skus["maxItems"], skus["x-shopconform-unique-by"]}, []any{1, 2, "sku"})
	same(t, "item required", at(t, skus, "items", "required"), []string{"sku"})
	same(t, "unique items", prop("tags")["uniqueItems"], true)
	same(t, "item maxLength", at(t, prop("tags"), "items", "maxLength"), 4)
	if _, ok := prop("extra")["x-shopconform-errcode"]; ok {
		t.Error("a field nothing can break has a code")
	}

	rules := at(t, body, "x-shopconform-rules").([]any)
	same(t, "rules", len(rules), 3)
	same(t, "one_of", rules[0], map[string]any{"rule": "one_of", "fields": []string{"order_id", "out_order_id"}, "errcode": 1010001,
		"description": "At least one of order_id, out_order_id is supplied (else 1010001)."})
	same(t, "ordered", at(t, rules[1], "description"), "start is not after end when both are supplied (else 990009).")
	same(t, "check", []any{at(t, rules[2], "name"), at(t, rules[2], "description")}, []string{"even", "start is even (else 1010005)."})
}

func TestExamplesAndResponse(t *testing.T) {
	_, doc := render(t, loadTestSpec(t), Options{})
	media := at(t, doc, "paths", "/shop/t/add", "post", "requestBody", "content", "application/json")
	same(t, "example keys", sortedKeys(at(t, media, "examples").(map[string]any)), []string{"vendor-1", "vendor-2-breaks"})
	same(t, "needs", at(t, media, "examples", "vendor-1", "x-shopconform-needs"), []string{"a user"})
	same(t, "value", at(t, media, "examples", "vendor-1", "value", "out_order_id"), "a1")
	same(t, "breaks", at(t, media, "examples", "vendor-2-breaks", "x-shopconform-breaks"), "It names no order.")
	same(t, "setup", at(t, media, "examples", "vendor-1", "x-shopconform-setup"), []any{
		map[string]any{"call": "account", "operationId": "controlMintAccount", "body": map[string]any{"openids": []string{"o123456789012345678901234567"}}},
		map[string]any{"call": "seed", "operationId": "controlSeed", "body": map[string]any{"orders": []any{}}},
		map[string]any{"call": "reset", "operationId": "controlResetAccount"},
	})
	if d := at(t, media, "examples", "vendor-1", "description").(string); !strings.Contains(d, "x-shopconform-setup") {
		t.Errorf("the description does not point at the setup: %q", d)
	}
	if _, has := at(t, media, "examples", "vendor-2-breaks").(map[string]any)["x-shopconform-setup"]; has {
		t.Error("an example without setup has x-shopconform-setup")
	}

	ok := at(t, doc, "paths", "/shop/t/add", "post", "responses", "200")
	if d := at(t, ok, "description").(string); !strings.Contains(d, "also with HTTP 200") {
		t.Errorf("the response does not say errors come with HTTP 200: %q", d)
	}
	s := at(t, ok, "content", "application/json", "schema")
	same(t, "envelope", at(t, s, "allOf", 0), map[string]string{"$ref": "#/components/schemas/Envelope"})
	same(t, "required on success", at(t, s, "allOf", 1, "then", "required"), []string{"data"})
	same(t, "nested required", at(t, s, "allOf", 1, "properties", "data", "required"), []string{"order_id"})
	same(t, "no shape: the envelope alone", at(t, doc, "paths", "/shop/t/open", "post", "responses", "200", "content", "application/json", "schema"),
		map[string]string{"$ref": "#/components/schemas/Envelope"})
}

func TestTokenEndpoints(t *testing.T) {
	_, doc := render(t, loadTestSpec(t), Options{})
	classic := at(t, doc, "paths", "/cgi-bin/token", "get")
	same(t, "no token needed", at(t, classic, "security"), []any{})
	same(t, "query", len(at(t, classic, "parameters").([]any)), 3)
	stable := at(t, doc, "paths", "/cgi-bin/stable_token", "post")
	same(t, "stable body", at(t, stable, "requestBody", "content", "application/json", "schema", "required"), []string{"grant_type", "appid", "secret"})
	same(t, "stable codes start with 47001", at(t, stable, "x-shopconform-errcodes", 0, "code"), 47001)
}

func TestExtraPathGroups(t *testing.T) {
	s := loadTestSpec(t)
	item := map[string]any{"post": map[string]any{"operationId": "x", "responses": map[string]any{"200": map[string]any{"description": "ok"}}}}
	_, doc := render(t, s, Options{Extra: []PathGroup{{Tag: "control", Description: "c", Paths: map[string]map[string]any{"/_shopconform/v1/x": item}}}})
	same(t, "extra path", at(t, doc, "paths", "/_shopconform/v1/x", "post", "operationId"), "x")
	same(t, "extra tag", at(t, doc, "tags", 4, "name"), "control")
	_, err := Render(s, catalog.Default(), Options{Extra: []PathGroup{{Tag: "c", Paths: map[string]map[string]any{"/shop/t/add": item}}}})
	if err == nil || !strings.Contains(err.Error(), "extra path /shop/t/add (tag c) is already an operation") {
		t.Errorf("a colliding extra path: %v", err)
	}
	_, err = Render(s, catalog.Default(), Options{Extra: []PathGroup{{Tag: "c", Schemas: map[string]any{"Envelope": schema{}}}}})
	if err == nil || !strings.Contains(err.Error(), "extra schemas Envelope (tag c) is already a component") {
		t.Errorf("a colliding extra schema: %v", err)
	}
}

func TestOperationIDsAreUnique(t *testing.T) {
	s, err := apispec.Load(fstest.MapFS{"t.json": {Data: []byte(`{"endpoints": [
	 {"path": "/shop/a_b/c", "domain": "order", "summary": "s", "request": []},
	 {"path": "/shop/a/b_c", "domain": "order", "summary": "s", "request": []}]}`)}}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Render(s, catalog.Default(), Options{}); err == nil || !strings.Contains(err.Error(), "both make operationId shopABC") {
		t.Errorf("colliding operationIds: %v", err)
	}
}
