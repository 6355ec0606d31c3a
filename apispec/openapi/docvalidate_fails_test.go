package openapi

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The document reader of docvalidate_test.go can fail: a broken document
// is refused, and an exchange the document does not describe gets
// findings. Each case breaks one thing of a small document that is
// valid, so what fails is what the case broke.

// tinyDoc is valid OpenAPI 3.1 of each construct the reader takes.
const tinyDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "servers": [{"url": "https://api.example"}],
  "security": [{"key": []}],
  "paths": {
    "/items": {"post": {
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
      "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}
    }},
    "/items/{id}": {
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9]+$"}}],
      "get": {
        "security": [{"bearer": []}],
        "parameters": [{"name": "fields", "in": "query", "schema": {"type": "string", "enum": ["all", "some"]}}],
        "responses": {
          "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
          "404": {"description": "none"}
        }
      }
    },
    "/items/new": {"get": {"security": [], "responses": {"204": {"description": "nothing"}}}}
  },
  "components": {
    "schemas": {"Item": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}, "additionalProperties": false}},
    "securitySchemes": {"key": {"type": "apiKey", "in": "query", "name": "key"}, "bearer": {"type": "http", "scheme": "bearer"}}
  }
}`

// TestDocValidatorRefusesBrokenDocuments: tinyDoc is read, and each case
// (one value set at a JSON pointer; nil removes it) makes it a document
// the reader refuses, with an error naming what is wrong.
func TestDocValidatorRefusesBrokenDocuments(t *testing.T) {
	if _, err := newDocValidator([]byte(tinyDoc)); err != nil {
		t.Fatalf("tinyDoc: %v", err)
	}
	const (
		item     = "/components/schemas/Item"
		post     = "/paths/~1items/post"
		postBody = post + "/requestBody/content/application~1json/schema"
		byID     = "/paths/~1items~1{id}"
	)
	for _, tc := range []struct {
		name  string
		ptr   string
		value any
		want  string
	}{
		{"openapi is a number", "/openapi", 3.1, "at '/openapi'"},
		{"openapi 3.0", "/openapi", "3.0.3", "at '/openapi'"},
		{"no info", "/info", nil, "missing property 'info'"},
		{"an unknown field of an operation", post + "/summery", "s", "at '/paths/~1items/post/summery'"},
		{"an unknown keyword in a Schema Object", item + "/properties/name/minLenght", 1, "at '/components/schemas/Item/properties/name/minLenght'"},
		{"OpenAPI 3.0's nullable", item + "/nullable", true, "at '/components/schemas/Item/nullable'"},
		{"a pattern that is no regular expression", item + "/properties/name/pattern", "[", "'[' is not valid regex"},
		{"a $ref to no component", postBody + "/$ref", "#/components/schemas/Nope", "Nope"},
		{"a $ref to another document", postBody + "/$ref", "https://schemas.example/item.json", "not registered"},
		{"Schema Objects of another dialect", "/jsonSchemaDialect", "https://spec.openapis.org/oas/3.1/dialect/base", "JSON Schema 2020-12 only"},
		{"a server with a base path", "/servers/0/url", "https://api.example/v1", "base path"},
		{"a Reference Object for a body", post + "/requestBody", map[string]any{"$ref": "#/components/requestBodies/Item"}, "a Reference Object"},
		{"response headers", post + "/responses/200/headers", map[string]any{"X-Rate": map[string]any{"schema": map[string]any{"type": "integer"}}}, "response headers"},
		{"a header parameter", byID + "/get/parameters/0", map[string]any{"name": "X-Trace", "in": "header", "schema": map[string]any{"type": "string"}}, "a header parameter"},
		{"a parameter style", byID + "/get/parameters/0/style", "spaceDelimited", "style (this reader takes"},
		{"a parameter that is not a string", byID + "/get/parameters/0/schema", map[string]any{"type": "integer"}, "type is not string"},
		{"a template without its parameter", byID + "/parameters", []any{}, "no path parameter id"},
		{"a template inside a segment", "/paths/~1files~1x{id}", map[string]any{"get": map[string]any{"responses": map[string]any{"204": map[string]any{"description": "n"}}}}, "not a whole segment"},
		{"an unknown security scheme", "/security/0", map[string]any{"nokey": []any{}}, "security scheme nokey"},
		{"an OAuth2 scheme", "/components/securitySchemes/key", map[string]any{"type": "oauth2", "flows": map[string]any{
			"implicit": map[string]any{"authorizationUrl": "https://auth.example/", "scopes": map[string]any{}}}}, "type oauth2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(tinyDoc), &doc); err != nil {
				t.Fatal(err)
			}
			setAt(t, doc, tc.ptr, tc.value)
			raw, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			_, err = newDocValidator(raw)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// setAt sets the value at a JSON pointer of doc (nil removes it): the
// last token may be a new key, or an index of an item there is.
func setAt(t *testing.T, doc any, ptr string, value any) {
	t.Helper()
	toks := strings.Split(ptr, "/")[1:]
	for i, tok := range toks {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		last := i == len(toks)-1
		switch node := doc.(type) {
		case map[string]any:
			if last && value == nil {
				delete(node, tok)
			} else if last {
				node[tok] = value
			}
			doc = node[tok]
		case []any:
			n, err := strconv.Atoi(tok)
			if err != nil || n < 0 || n >= len(node) {
				t.Fatalf("%s: no item %s", ptr, tok)
			}
			if last {
				node[n] = value
			}
			doc = node[n]
		default:
			t.Fatalf("%s: %s is in no object or array", ptr, tok)
		}
	}
}

// TestDocValidatorFindsWhatTheDocumentRefuses: against tinyDoc, each
// exchange is described (want "") or gets findings of one part only.
func TestDocValidatorFindsWhatTheDocumentRefuses(t *testing.T) {
	v := checked(t, []byte(tinyDoc))
	const (
		jsonType = "application/json"
		bearer   = "Bearer t"
	)
	for _, tc := range []struct {
		name                              string
		method, target, auth, ctype, body string
		status                            int // 0: the request alone
		answerType, answer                string
		want                              string // the part of every finding; "" for none
	}{
		{name: "a valid request", method: "POST", target: "/items?key=k", ctype: jsonType, body: `{"name": "a"}`},
		{name: "a valid request with parameters", method: "GET", target: "/items/12?fields=all", auth: bearer},
		{name: "a concrete path before a template", method: "GET", target: "/items/new"},
		{name: "no such path", method: "POST", target: "/things?key=k", ctype: jsonType, body: `{"name": "a"}`, want: "path"},
		{name: "no such method", method: "DELETE", target: "/items?key=k", want: "method"},
		{name: "no api key", method: "POST", target: "/items", ctype: jsonType, body: `{"name": "a"}`, want: "security"},
		{name: "an empty api key", method: "POST", target: "/items?key=", ctype: jsonType, body: `{"name": "a"}`, want: "security"},
		{name: "no bearer token", method: "GET", target: "/items/12", want: "security"},
		{name: "basic, not bearer", method: "GET", target: "/items/12", auth: "Basic dTpw", want: "security"},
		{name: "a path parameter off its pattern", method: "GET", target: "/items/abc", auth: bearer, want: "path parameter id"},
		{name: "a query parameter off its enum", method: "GET", target: "/items/12?fields=none", auth: bearer, want: "query parameter fields"},
		{name: "a query parameter twice", method: "GET", target: "/items/12?fields=all&fields=some", auth: bearer, want: "query parameter fields"},
		{name: "an empty query parameter", method: "GET", target: "/items/12?fields=", auth: bearer, want: "query parameter fields"},
		{name: "a body off its schema", method: "POST", target: "/items?key=k", ctype: jsonType, body: `{"name": ""}`, want: "body"},
		{name: "an unknown member", method: "POST", target: "/items?key=k", ctype: jsonType, body: `{"name": "a", "x": 1}`, want: "body"},
		{name: "a body that is not JSON", method: "POST", target: "/items?key=k", ctype: jsonType, body: `{"name"`, want: "body"},
		{name: "no body where one is required", method: "POST", target: "/items?key=k", want: "body"},
		{name: "another content type", method: "POST", target: "/items?key=k", ctype: "text/plain", body: `{"name": "a"}`, want: "content type"},
		{name: "a body where none is taken", method: "GET", target: "/items/12", auth: bearer, ctype: jsonType, body: `{}`, want: "body"},
		{name: "a valid answer", method: "GET", target: "/items/12", auth: bearer, status: 200, answerType: jsonType, answer: `{"name": "a"}`},
		{name: "a valid answer without content", method: "GET", target: "/items/12", auth: bearer, status: 404},
		{name: "an undocumented status", method: "GET", target: "/items/12", auth: bearer, status: 500, want: "status"},
		{name: "an answer off its schema", method: "GET", target: "/items/12", auth: bearer, status: 200, answerType: jsonType, answer: `{"nom": "a"}`, want: "body"},
		{name: "an answer of another type", method: "GET", target: "/items/12", auth: bearer, status: 200, answerType: "text/html", answer: `<p>a</p>`, want: "content type"},
		{name: "an empty answer where one is described", method: "GET", target: "/items/12", auth: bearer, status: 200, want: "body"},
		{name: "an answer where none is described", method: "GET", target: "/items/12", auth: bearer, status: 404, answerType: jsonType, answer: `{}`, want: "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, "https://api.example"+tc.target, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, val := range map[string]string{"Authorization": tc.auth, "Content-Type": tc.ctype} {
				if val != "" {
					req.Header.Set(k, val)
				}
			}
			fs := v.request(req)
			if tc.status != 0 {
				resp := &http.Response{StatusCode: tc.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(tc.answer))}
				if tc.answerType != "" {
					resp.Header.Set("Content-Type", tc.answerType)
				}
				fs = append(fs, v.response(req, resp)...)
			}
			if (fs == nil) != (tc.want == "") || slices.ContainsFunc(fs, func(f finding) bool { return f.part != tc.want }) {
				t.Errorf("findings:\n%swant %q alone", fs, cmp.Or(tc.want, "none"))
			}
		})
	}
}
