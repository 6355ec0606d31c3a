package validate

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// A small spec of its own, so these tests read the validator's rules and
// not the project's data.
const testSpec = `{"endpoints": [
 {"path": "/shop/t/add", "domain": "order", "summary": "s", "source": "§2.5",
  "request": [
   {"name": "openid", "type": "string", "presence": "required", "format": "openid"},
   {"name": "order_id", "type": "id"},
   {"name": "out_order_id", "type": "string", "max_length": 8},
   {"rule": "one_of", "fields": ["order_id", "out_order_id"], "errcode": 1010001},
   {"name": "title", "type": "string", "presence": "required", "errcode": 1000014},
   {"name": "kind", "type": "integer", "enum": [1, 2], "errcodes": {"enum": 1010026}},
   {"name": "created", "type": "string", "format": "datetime"},
   {"name": "expire", "type": "integer", "format": "unix_seconds", "window": {"min": 900, "max": 86400}},
   {"name": "price", "type": "integer", "min": 1, "max": 100},
   {"name": "url", "type": "string", "format": "url"},
   {"name": "phone", "type": "string", "format": "phone"},
   {"name": "class", "type": "string", "format": "decimal", "min": 1, "max": 45},
   {"name": "address", "type": "object", "presence": "conditional", "errcode": 1010009,
    "when": [{"field": "kind", "in": [1]}],
    "fields": [{"name": "name", "type": "string", "presence": "required"}]},
   {"name": "skus", "type": "array", "min_items": 1, "max_items": 2, "unique_by": "sku", "errcode": 1000020,
    "items": {"type": "object", "fields": [{"name": "sku", "type": "string", "presence": "required"}]}},
   {"name": "start", "type": "integer"},
   {"name": "end", "type": "integer"},
   {"rule": "ordered", "fields": ["start", "end"], "errcode": 990009},
   {"rule": "check", "name": "even", "description": "start is even", "errcode": 1010005}
  ]}
]}`

type env struct{ now time.Time }

func (e env) Now() time.Time            { return e.now }
func (e env) IsUser(openid string) bool { return strings.HasSuffix(openid, "user") }

const user = "o12345678901234567890123user"

func compile(t *testing.T) *Validator {
	t.Helper()
	s, err := apispec.Load(fstest.MapFS{"t.json": {Data: []byte(testSpec)}}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	ep, _ := s.Endpoint("/shop/t/add")
	even := func(obj map[string]any, _ Env) (string, bool) {
		n, ok := obj["start"].(json.Number)
		i, _ := n.Int64()
		return "start is odd", !ok || i%2 == 0
	}
	v, err := Compile(ep, map[string]Check{"even": even})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func body(t *testing.T, text string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRequest: each kind of rule answers its code with a detail that
// names the field as sent, and a valid body passes.
func TestRequest(t *testing.T) {
	v := compile(t)
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, ChinaTime)
	valid := `"openid": "` + user + `", "out_order_id": "a", "title": "t"`
	for _, tc := range []struct {
		name, body string
		code       catalog.Code
		detail     string
	}{
		{"valid", `{` + valid + `, "kind": 2, "skus": [{"sku": "a"}], "expire": ` + itoa(now.Unix()+3600) + `}`, 0, ""},
		{"a user of any shape", `{"openid": "OPENIDuser", "out_order_id": "a", "title": "t"}`, 0, ""},
		{"openid missing", `{"out_order_id": "a"}`, catalog.OpenIDMissing, "openid is missing"},
		{"openid malformed", `{"openid": "xxx"}`, catalog.OpenIDIllegalVariant, "openid is malformed"},
		{"openid a stranger", `{"openid": "o12345678901234567890123abcd"}`, catalog.OpenIDIllegal, "openid is not a user of this appid"},
		{"neither id", `{"openid": "` + user + `", "order_id": 0}`, catalog.OrderIDMissing, "one of order_id, out_order_id is required"},
		{"id not a number", `{"openid": "` + user + `", "order_id": "x1"}`, catalog.ParameterMissing, "order_id is not a 64-bit id"},
		{"too long", `{"openid": "` + user + `", "out_order_id": "123456789"}`, catalog.ParameterTooLong, "out_order_id is 9 characters, more than 8"},
		{"blank", `{"openid": "` + user + `", "out_order_id": "a", "title": "  "}`, catalog.ProductRequiredFieldMissing, "title is blank"},
		{"enum", `{` + valid + `, "kind": 3}`, catalog.OrderPayMethodTypeInvalid, "kind is 3, not one of the documented values"},
		{"integer type", `{` + valid + `, "kind": 1.5}`, catalog.ParameterMissing, "kind is not an integer"},
		{"datetime", `{` + valid + `, "created": "yesterday"}`, catalog.ParameterMissing, `created is "yesterday", not yyyy-MM-dd HH:mm:ss`},
		{"window", `{` + valid + `, "expire": ` + itoa(now.Unix()+30*86400) + `}`, catalog.ParameterMissing, "expire is 2027-01-02 12:00:00, outside now+900s to now+86400s"},
		{"below min", `{` + valid + `, "price": 0}`, catalog.ParameterMissing, "price is 0, below 1"},
		{"url", `{` + valid + `, "url": "hello"}`, catalog.ParameterMissing, `url is "hello", not an http(s) URL`},
		{"phone", `{` + valid + `, "phone": "not a phone"}`, catalog.ParameterMissing, `phone is "not a phone", not a telephone number`},
		{"decimal range", `{` + valid + `, "class": "99"}`, catalog.ParameterMissing, "class is 99, above 45"},
		{"conditional", `{` + valid + `, "kind": 1}`, catalog.OrderAddressInvalid, "address is missing"},
		{"nested", `{` + valid + `, "kind": 1, "address": {"name": ""}}`, catalog.OrderAddressInvalid, "address.name is missing"},
		{"no items", `{` + valid + `, "skus": []}`, catalog.ProductSKUListEmpty, "skus has 0 items, fewer than 1"},
		{"item field", `{` + valid + `, "skus": [{"sku": "a"}, {}]}`, catalog.ProductSKUListEmpty, "skus[1].sku is missing"},
		{"duplicate", `{` + valid + `, "skus": [{"sku": "a"}, {"sku": "a"}]}`, catalog.ProductSKUListEmpty, "skus repeats sku in items 0 and 1"},
		{"ordered", `{` + valid + `, "start": 4, "end": 3}`, catalog.StartAfterEnd, "start is after end"},
		{"check", `{` + valid + `, "start": 3, "end": 5}`, catalog.OrderPriceInfoInvalid, "start is odd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := v.Request(body(t, tc.body), env{now})
			switch {
			case tc.code == 0 && got != nil:
				t.Fatalf("refused: %+v", got)
			case tc.code == 0:
			case got == nil:
				t.Fatalf("accepted, want %d", tc.code)
			case got.Code != tc.code || got.Detail != tc.detail:
				t.Errorf("got %d %q, want %d %q", got.Code, got.Detail, tc.code, tc.detail)
			}
		})
	}
}

// TestCompileNeedsEveryCheck: a named rule without Go behind it stops
// Compile, so a sandbox cannot start without it.
func TestCompileNeedsEveryCheck(t *testing.T) {
	s, _ := apispec.Load(fstest.MapFS{"t.json": {Data: []byte(testSpec)}}, catalog.Default())
	ep, _ := s.Endpoint("/shop/t/add")
	if _, err := Compile(ep, nil); err == nil || !strings.Contains(err.Error(), "even") {
		t.Errorf("Compile without the check: %v", err)
	}
}

// TestResponse: a documented field that is absent or of another type is
// a problem; an undocumented one is not.
func TestResponse(t *testing.T) {
	s, err := apispec.Load(fstest.MapFS{"t.json": {Data: []byte(`{"endpoints": [
 {"path": "/shop/t/get", "domain": "order", "summary": "s", "source": "§2.5",
  "response": [{"name": "data", "type": "object", "presence": "required", "fields": [
    {"name": "id", "type": "id", "presence": "required"},
    {"name": "skus", "type": "array", "items": {"type": "object", "fields": [{"name": "sku_id", "type": "id", "presence": "required"}]}}]}]}
]}`)}}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	ep, _ := s.Endpoint("/shop/t/get")
	got := Response(ep, body(t, `{"errcode": 0, "data": {"extra": 1, "skus": [{"sku_id": "12"}, {"sku_id": true}]}}`))
	want := []string{"data.id: absent, though documented", "data.skus[1].sku_id: a boolean, not a 64-bit id"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := Response(ep, body(t, `{"data": {"id": 1}}`)); len(got) != 0 {
		t.Errorf("a documented answer: %q", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestHasSpaceOrControl: the eight-bytes-at-a-time scan agrees with the
// plain one at every position, for every byte that matters.
func TestHasSpaceOrControl(t *testing.T) {
	for _, c := range []byte{0, 1, '\t', '\n', ' ', '!', 'a', 0x7e, 0x7f, 0x80, 0xe4, 0xff} {
		for n := 1; n <= 20; n++ {
			for at := 0; at < n; at++ {
				b := bytes.Repeat([]byte("a"), n)
				b[at] = c
				want := c <= ' ' || c == 0x7f
				if got := hasSpaceOrControl(string(b)); got != want {
					t.Errorf("byte %#x at %d of %d: %v, want %v", c, at, n, got, want)
				}
			}
		}
	}
}
