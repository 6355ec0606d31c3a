package openapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// TestEmbeddedSpecRendersValidOpenAPI: the document of the project's spec
// is valid OpenAPI 3.1, has an operation for every endpoint, and names
// only codes of the catalog.
func TestEmbeddedSpecRendersValidOpenAPI(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	raw, doc := render(t, spec, Options{})
	v := checked(t, raw)
	for _, ep := range spec.Endpoints {
		if !v.has(ep.Path, "post") {
			t.Errorf("%s: no POST operation", ep.Path)
			continue
		}
		op := at(t, doc, "paths", ep.Path, "post").(map[string]any)
		if op["operationId"] == nil || op["requestBody"] == nil {
			t.Errorf("%s: no operationId or request body", ep.Path)
		}
	}
	for _, c := range []struct{ path, method string }{{classicTokenPath, "get"}, {stableTokenPath, "post"}} {
		if !v.has(c.path, c.method) {
			t.Errorf("no %s %s", c.method, c.path)
		}
	}
	codes := errcodesIn(doc, "")
	if len(codes) == 0 {
		t.Fatal("no x-shopconform-errcode found")
	}
	for where, code := range codes {
		if !catalog.Default().Has(catalog.Code(code)) {
			t.Errorf("%s: errcode %d is not in the catalog", where, code)
		}
	}
}

// errcodesIn collects every code of x-shopconform-errcode and
// x-shopconform-errcodes (a list of {code} or a map of violation to code)
// with where it was found.
func errcodesIn(v any, at string) map[string]int {
	out := map[string]int{}
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			here := at + "/" + k
			switch k {
			case "x-shopconform-errcode":
				out[here] = int(sub.(float64))
				continue
			case "x-shopconform-errcodes":
				switch list := sub.(type) {
				case []any:
					for i, e := range list {
						out[fmt.Sprintf("%s/%d", here, i)] = int(e.(map[string]any)["code"].(float64))
					}
				case map[string]any:
					for viol, c := range list {
						out[here+"/"+viol] = int(c.(float64))
					}
				}
				continue
			}
			for w, c := range errcodesIn(sub, here) {
				out[w] = c
			}
		}
	case []any:
		for i, sub := range x {
			for w, c := range errcodesIn(sub, fmt.Sprintf("%s/%d", at, i)) {
				out[w] = c
			}
		}
	}
	return out
}

func post(t *testing.T, path, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, Vendor+path+"?access_token=T", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

// onlyBody reports whether every finding is the body's: a body the
// document refuses is not also refused for its path, token or type.
func onlyBody(fs findings) bool {
	return !slices.ContainsFunc(fs, func(f finding) bool { return f.part != "body" })
}

// TestRequestsAgainstTheDocument: the document accepts the requests the spec allows and refuses those it refuses,
// wherever JSON Schema can say the rule.
func TestRequestsAgainstTheDocument(t *testing.T) {
	raw, _ := render(t, loadTestSpec(t), Options{})
	v := checked(t, raw)
	const valid = `{"openid": "o123456789012345678901234567", "order_id": "18446744073709551615", "title": "t", "kind": 1, "label": "7",
		"created": "2024-01-02 03:04:05", "price": 100, "url": "https://a.example/x", "phone": "+86 10-1234", "class": "45",
		"address": {"name": "n"}, "skus": [{"sku": "a"}, {"sku": "b"}], "tags": ["a", "b"], "start": 2, "end": 3, "extra": [1]}`
	if fs := v.request(post(t, "/shop/t/add", valid)); fs != nil {
		t.Fatalf("a valid request is refused:\n%s", fs)
	}
	for name, body := range map[string]string{
		"required missing":    `{"title": "t"}`,
		"blank title":         `{"openid": "o123456789012345678901234567", "title": "  "}`,
		"not in the enum":     `{"openid": "o123456789012345678901234567", "title": "t", "kind": 3}`,
		"wrong type":          `{"openid": "o123456789012345678901234567", "title": "t", "price": "1"}`,
		"above max":           `{"openid": "o123456789012345678901234567", "title": "t", "price": 101}`,
		"too long":            `{"openid": "o123456789012345678901234567", "title": "t", "out_order_id": "123456789"}`,
		"bad datetime":        `{"openid": "o123456789012345678901234567", "title": "t", "created": "2024-01-02T03:04:05Z"}`,
		"bad decimal":         `{"openid": "o123456789012345678901234567", "title": "t", "class": "4.5"}`,
		"bad phone":           `{"openid": "o123456789012345678901234567", "title": "t", "phone": "call me"}`,
		"no items":            `{"openid": "o123456789012345678901234567", "title": "t", "skus": []}`,
		"too many items":      `{"openid": "o123456789012345678901234567", "title": "t", "skus": [{"sku": "a"}, {"sku": "b"}, {"sku": "c"}]}`,
		"item lacks a field":  `{"openid": "o123456789012345678901234567", "title": "t", "skus": [{}]}`,
		"repeated items":      `{"openid": "o123456789012345678901234567", "title": "t", "tags": ["a", "a"]}`,
		"object lacks fields": `{"openid": "o123456789012345678901234567", "title": "t", "address": {}}`,
		"id not a number":     `{"openid": "o123456789012345678901234567", "title": "t", "order_id": "12a"}`,
	} {
		if fs := v.request(post(t, "/shop/t/add", body)); fs == nil || !onlyBody(fs) {
			t.Errorf("%s: %s, want findings in the body alone:\n%s", name, body, fs)
		}
	}
	if fs := v.request(post(t, "/shop/t/open", `{}`)); fs != nil {
		t.Errorf("an endpoint without fields refuses {}:\n%s", fs)
	}
}

// TestResponsesAgainstTheDocument: an error comes with HTTP 200 and only
// the envelope; a success must carry its required fields.
func TestResponsesAgainstTheDocument(t *testing.T) {
	raw, _ := render(t, loadTestSpec(t), Options{})
	v := checked(t, raw)
	for body, want := range map[string]bool{
		`{"errcode": 0, "errmsg": "ok", "data": {"order_id": 12}}`:   true,
		`{"errcode": 1010011, "errmsg": "no such order rid: 1-2-3"}`: true,
		`{"errcode": 0, "errmsg": "ok"}`:                             false,
		`{"errcode": 0, "data": {}}`:                                 false,
		`{"errmsg": "ok"}`:                                           false,
	} {
		resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body))}
		fs := v.response(post(t, "/shop/t/add", `{}`), resp)
		if (fs == nil) != want || !onlyBody(fs) {
			t.Errorf("%s: valid %v, want %v\n%s", body, fs == nil, want, fs)
		}
	}
}

// TestEmbeddedExamplesAgainstTheDocument: every vendor example of the
// spec that keeps its page's rules is a valid request of the document
// (once its members that count as not supplied, null and "", are left
// out), and without one of its required members it is not. A body that
// supplies nothing is refused wherever something is required.
func TestEmbeddedExamplesAgainstTheDocument(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := render(t, spec, Options{})
	v := checked(t, raw)
	for _, ep := range spec.Endpoints {
		if ep.Multipart {
			continue
		}
		required := requiredNames(ep.Request)
		if fs := v.request(post(t, ep.Path, `{}`)); (fs == nil) == (len(required) > 0) || !onlyBody(fs) {
			t.Errorf("%s: {} valid %v, though it requires %v:\n%s", ep.Path, fs == nil, required, fs)
		}
		for i, ex := range ep.Examples {
			if ex.Breaks != "" {
				continue
			}
			var body map[string]any
			if err := json.Unmarshal(ex.Body, &body); err != nil {
				t.Fatalf("%s example %d: %v", ep.Path, i+1, err)
			}
			body = supplied(body).(map[string]any)
			data, _ := json.Marshal(body)
			if fs := v.request(post(t, ep.Path, string(data))); fs != nil {
				t.Errorf("%s example %d (%s:%d) is refused by the document:\n%s", ep.Path, i+1, ex.Pos.File, ex.Pos.Line, fs)
			}
			for _, name := range required {
				without := map[string]any{}
				for k, val := range body {
					if k != name {
						without[k] = val
					}
				}
				data, _ := json.Marshal(without)
				if fs := v.request(post(t, ep.Path, string(data))); fs == nil || !onlyBody(fs) {
					t.Errorf("%s example %d without %s: want findings in the body alone, got\n%s", ep.Path, i+1, name, fs)
				}
			}
		}
	}
}

// supplied leaves out the members the spec counts as not supplied.
func supplied(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			if val == nil || val == "" {
				continue
			}
			out[k] = supplied(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = supplied(val)
		}
		return out
	}
	return v
}
