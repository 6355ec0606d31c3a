package apidoc

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// TestAPINotesAreCurrent: apispec/API.md is what the renderer makes of
// the embedded spec, so that the notes never drift from the data.
func TestAPINotesAreCurrent(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	want, err := Markdown(spec, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../API.md")
	if err != nil {
		t.Fatalf("%v; write it with: %s", err, Regenerate)
	}
	if !bytes.Equal(got, want) {
		line := 1
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				break
			}
			if got[i] == '\n' {
				line++
			}
		}
		t.Fatalf("apispec/API.md is not what the spec renders (first difference on line %d); regenerate it with:\n\t%s", line, Regenerate)
	}
}

// A small spec of its own, so that these tests read the renderer and not
// the project's data.
const testSpec = `{"endpoints": [
 {"path": "/shop/t/add", "domain": "order", "summary": "Add a t", "source": "§2.5", "evidence": "D",
  "content_policy": ["title"],
  "notes": ["The table wins over the example."],
  "request": [
   {"name": "openid", "type": "string", "presence": "required", "format": "openid"},
   {"name": "order_id", "type": "id"},
   {"name": "out_order_id", "type": "string", "max_length": 8},
   {"rule": "one_of", "fields": ["order_id", "out_order_id"], "errcode": 1010001, "source": "§3.3", "evidence": "D"},
   {"name": "title", "type": "string", "presence": "required", "errcode": 1000014, "description": "The t's | title."},
   {"name": "kind", "type": "integer", "enum": [1, 2], "errcodes": {"enum": 1010026}},
   {"name": "price", "type": "integer", "min": 1, "max": 100, "note": "0 is refused."},
   {"name": "class", "type": "string", "format": "decimal", "min": 1},
   {"name": "address", "type": "object", "presence": "conditional", "errcode": 1010009,
    "when": [{"field": "kind", "in": [1]}],
    "fields": [{"name": "name", "type": "string", "presence": "required"}]},
   {"name": "skus", "type": "array", "min_items": 1, "max_items": 2, "unique_by": "sku", "errcode": 1000020,
    "items": {"type": "object", "fields": [{"name": "sku", "type": "string", "presence": "required"}]}},
   {"name": "expire", "type": "integer", "format": "unix_seconds", "window": {"min": 900}},
   {"name": "start", "type": "integer"},
   {"name": "end", "type": "integer"},
   {"rule": "ordered", "fields": ["start", "end"], "strict": true, "errcode": 990009, "when": [{"field": "kind", "in": [2]}]},
   {"rule": "check", "name": "even", "description": "start is even.", "errcode": 1010005}
  ],
  "response": [{"name": "data", "type": "object", "presence": "required", "fields": [{"name": "order_id", "type": "id", "presence": "required"}]}],
  "codes": [{"code": 1010011, "when": "the order does not exist", "source": "§3.3", "evidence": "D"}],
  "examples": [
   {"body": {"openid": "o123456789012345678901234567", "out_order_id": "a1", "title": "t"}, "needs": ["a user", "a product"],
    "setup": [{"call": "account", "body": {"openids": ["o123456789012345678901234567"]}},
              {"call": "seed", "body": {"products": [{"out_product_id": "p1", "status": 5}]}}, {"call": "reset"}]},
   {"body": {"title": "t"}, "breaks": "It names no order."}
  ]},
 {"path": "/shop/t/open", "domain": "access", "summary": "Before opening", "access": "pre_open", "request": []},
 {"path": "/shop/t/upload", "domain": "upload", "summary": "Upload", "body": "multipart",
  "request": [{"name": "media", "type": "file", "presence": "required", "max_length": 2097152}]}
]}`

func loadTestSpec(t *testing.T) *apispec.Spec {
	t.Helper()
	s, err := apispec.Load(fstest.MapFS{"t.json": {Data: []byte(testSpec)}}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSetupWords: a body with a backtick still makes one code span.
func TestSetupWords(t *testing.T) {
	got := setupWords([]apispec.ControlCall{{Call: "seed", Body: []byte("{\"products\": [{\"title\": \"a`b\"}]}")}, {Call: "reset"}})
	if want := "seed `` {\"products\":[{\"title\":\"a`b\"}]} ``; reset"; got != want {
		t.Errorf("setupWords = %s, want %s", got, want)
	}
}

func TestMarkdown(t *testing.T) {
	md, err := Markdown(loadTestSpec(t), catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	text := string(md)
	for _, want := range []string{
		"| [order](#order) | [`/shop/t/add`](#shoptadd) |",
		"| 48001 | mini program lacks permission for this API (component not opened, or account not upgraded for ecaftersale) | the transaction component is not opened yet | every endpoint but the pre_open ones |",
		"| 47001 | body is not JSON | the body is not one JSON object (empty, an array, comments, trailing commas, trailing data) | JSON bodies |",
		"## order\n\n### `/shop/t/add`\n\nAdd a t\n\n- **Source**: [api-reference.md](api-reference.md) §2.5, evidence D\n- **Access**: open: 48001 until the component is opened\n- **Body**: JSON\n- **Content policy**: `title` (87014, after the field rules)",
		"| `openid` | string | required | openid; not blank; a user of the appid | 990004 (missing, blank); 990002 (type, format); 990001 (member) | — |",
		"| `order_id` | id (uint64: number or text) | optional | — | 990007 | — |",
		"| `out_order_id` | string | optional | ≤ 8 chars | 990007 (type); 990008 (too_long) | — |",
		"| `title` | string | required | not blank | 1000014 | The t's \\| title. |",
		"| `kind` | integer | optional | one of 1, 2 | 990007 (type); 1010026 (enum) | — |",
		"| `price` | integer | optional | 1 to 100 | 990007 | Note: 0 is refused. |",
		"| `class` | string | optional | value ≥ 1; decimal | 990007 | — |",
		"| `address` | object | required when `kind` is 1 | — | 1010009 | — |",
		"| `address.name` | string | required | not blank | 1010009 | — |",
		"| `skus` | array of object | optional | 1 to 2 items; unique by sku | 1000020 | — |",
		"| `skus[]` | object | each item | — | 1000020 | — |",
		"| `skus[].sku` | string | required | not blank | 1000020 | — |",
		"| `expire` | integer | optional | unix_seconds; within now+900s to … | 990007 | — |",
		"| at least one of `order_id`, `out_order_id` is supplied | the body | after `out_order_id` | always | 1010001 | (§3.3 D) |",
		"| `start` is before `end` when both are supplied | the body | after `end` | `kind` is 2 | 990009 | — |",
		"| start is even (check `even`) | the body | after `end` | always | 1010005 | — |",
		"| `data` | object | required | — |\n| `data.order_id` | id (uint64: number or text) | required | — |",
		"| 1010011 | order does not exist",
		"#### Notes\n\n- The table wins over the example.",
		"**Example 1**: needs a user; a product\n\nSet up with: account `{\"openids\":[\"o123456789012345678901234567\"]}`; " +
			"seed `{\"products\":[{\"out_product_id\":\"p1\",\"status\":5}]}`; reset\n\n```json\n{\n  \"openid\": \"o123456789012345678901234567\",\n  \"out_order_id\": \"a1\",\n  \"title\": \"t\"\n}\n```",
		"**Example 2**\n\n```json\n{\n  \"title\": \"t\"\n}\n```\n\nIt breaks its page's rules, so it must not answer 0: It names no order.",
		"- **Access**: pre_open: callable before the component is opened (no 48001)",
		"#### Request\n\nNo fields: the body is `{}`.",
		"- **Body**: multipart/form-data (no 47001)",
		"| `media` | file | required | ≤ 2097152 bytes | 990007 (missing, type); 990008 (too_long) | — |",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the notes lack:\n%s", want)
		}
	}
	if !strings.HasSuffix(text, "\n") || strings.HasSuffix(text, "\n\n") {
		t.Error("the notes do not end in exactly one newline")
	}
}

func TestModelJSON(t *testing.T) {
	data, err := JSON(loadTestSpec(t), catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Catalog    string `json:"catalog"`
		RouteCodes []struct {
			Code int `json:"code"`
		} `json:"route_codes"`
		Endpoints []struct {
			Path    string `json:"path"`
			Access  string `json:"access"`
			Body    string `json:"body"`
			Request struct {
				Fields []map[string]any `json:"fields"`
			} `json:"request"`
			Codes          []map[string]any `json:"codes"`
			UniversalCodes []map[string]any `json:"universal_codes"`
			Examples       []map[string]any `json:"examples"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Catalog != catalog.Default().Hash() || len(doc.RouteCodes) != 2 || len(doc.Endpoints) != 3 {
		t.Fatalf("top level: %s", data[:200])
	}
	add := doc.Endpoints[0]
	openid := add.Request.Fields[0]
	if openid["path"] != "openid" || openid["at"] != "apispec/data/t.json:6:4" {
		t.Errorf("openid: %v", openid)
	}
	if got, _ := json.Marshal(openid["errcodes"]); string(got) != `{"blank":990004,"format":990002,"member":990001,"missing":990004,"type":990002}` {
		t.Errorf("openid errcodes: %s", got)
	}
	if got, _ := json.Marshal(openid["checks"]); string(got) != `["missing","type","blank","format","member"]` {
		t.Errorf("openid checks: %s", got)
	}
	if rule := add.Request.Fields[3]; rule["rule"] != "one_of" || rule["errcode"] != 1010001.0 {
		t.Errorf("the rule in its place: %v", rule)
	}
	if add.Codes[len(add.Codes)-1]["code"] != 1010011.0 || add.Codes[len(add.Codes)-1]["meaning"] == "" {
		t.Errorf("codes: %v", add.Codes)
	}
	if n := len(add.UniversalCodes); n != 13 || add.UniversalCodes[n-1]["code"] != 87014.0 {
		t.Errorf("universal codes: %v", add.UniversalCodes)
	}
	if add.Examples[1]["breaks"] != "It names no order." {
		t.Errorf("examples: %v", add.Examples)
	}
	if got, _ := json.Marshal(add.Examples[0]["setup"]); string(got) != `[{"body":{"openids":["o123456789012345678901234567"]},"call":"account"},{"body":{"products":[{"out_product_id":"p1","status":5}]},"call":"seed"},{"call":"reset"}]` {
		t.Errorf("setup: %s", got)
	}
	if doc.Endpoints[1].Access != "pre_open" || doc.Endpoints[2].Body != "multipart" {
		t.Errorf("access and body: %+v", doc.Endpoints[1:])
	}
}

func TestRenderersRefuseCodesOutsideTheCatalog(t *testing.T) {
	empty, err := catalog.Load([]byte(`{"entries": []}`))
	if err != nil {
		t.Skipf("an empty catalog does not load (%v); nothing to refuse with", err)
	}
	if _, err := Markdown(loadTestSpec(t), empty); err == nil {
		t.Error("Markdown renders codes the catalog lacks")
	}
	if _, err := JSON(loadTestSpec(t), empty); err == nil {
		t.Error("JSON renders codes the catalog lacks")
	}
}
