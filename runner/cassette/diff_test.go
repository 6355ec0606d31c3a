package cassette

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	// req builds a normalised JSON request the way the runner does.
	req := func(body string) Request {
		return NormalizeRequest("POST", "/shop/spu/add", "application/json", []byte(body), Values{})
	}
	raw := func(body string) Request {
		return NormalizeRequest("POST", "/shop/spu/add", "text/plain", []byte(body), Values{})
	}
	long := strings.Repeat("a", 200)
	for _, tt := range []struct {
		name           string
		sent, recorded Request
		want           []string
	}{
		{"equal", req(`{"a":1,"b":[1,2]}`), req(`{"a":1,"b":[1,2]}`), nil},
		{"key order and formatting do not count", req(`{"b": [1, 2], "a": {"y": true, "x": null}}`), req(`{"a":{"x":null,"y":true},"b":[1,2]}`), nil},
		{"numbers are values: 1.0 is 1", req(`{"price":1.0,"n":1e2}`), req(`{"price":1,"n":100}`), nil},
		{"method", Request{Method: "GET", Path: "/shop/spu/get"}, Request{Method: "POST", Path: "/shop/spu/get"},
			[]string{"method: sent GET, recorded POST"}},
		{"path", Request{Method: "POST", Path: "/shop/spu/add"}, Request{Method: "POST", Path: "/shop/spu/get"},
			[]string{"path: sent /shop/spu/add, recorded /shop/spu/get"}},
		{"content type", Request{Method: "POST", Path: "/p", ContentType: "application/json; charset=utf-8"}, Request{Method: "POST", Path: "/p", ContentType: "application/json"},
			[]string{`content_type: sent "application/json; charset=utf-8", recorded "application/json"`}},
		{"no content type", Request{Method: "POST", Path: "/p"}, Request{Method: "POST", Path: "/p", ContentType: "application/json"},
			[]string{`content_type: sent "", recorded "application/json"`}},
		{"a value", req(`{"title":"a"}`), req(`{"title":"b"}`), []string{`body.title: sent "a", recorded "b"`}},
		{"a type", req(`{"stock":"10","on":1}`), req(`{"stock":10,"on":true}`),
			[]string{`body.on: sent 1, recorded true`, `body.stock: sent "10", recorded 10`}},
		{"64-bit ids exactly", req(`{"id":9007199254740993}`), req(`{"id":9007199254740992}`),
			[]string{"body.id: sent 9007199254740993, recorded 9007199254740992"}},
		{"nested arrays", req(`{"skus":[{"stock_num":1,"attrs":[["a","b"]]},{"stock_num":2}]}`), req(`{"skus":[{"stock_num":1,"attrs":[["a","c"]]},{"stock_num":3}]}`),
			[]string{`body.skus.0.attrs.0.1: sent "b", recorded "c"`, "body.skus.1.stock_num: sent 2, recorded 3"}},
		{"a field absent from the request", req(`{"skus":[{"price":1}]}`), req(`{"skus":[{"price":1,"stock_num":5}]}`),
			[]string{"body.skus.0.stock_num: absent from the request"}},
		{"a field absent from the recording", req(`{"a":1,"extra":{"x":1}}`), req(`{"a":1}`),
			[]string{"body.extra: absent from the recording"}},
		{"array lengths", req(`{"l":[1,2,3]}`), req(`{"l":[1]}`),
			[]string{"body.l.1: absent from the recording", "body.l.2: absent from the recording"}},
		{"items missing from the request", req(`[]`), req(`[{"a":1}]`), []string{"body.0: absent from the request"}},
		{"object for array", req(`{"l":{"0":1}}`), req(`{"l":[1]}`), []string{`body.l: sent {"0":1}, recorded [1]`}},
		{"a long value is cut", req(`{"l":[` + strings.Repeat(`"xxxxxxxxxx",`, 10) + `1]}`), req(`{"l":2}`),
			[]string{`body.l: sent ["xxxxxxxxxx","xxxxxxxxxx","xxxxxxxxxx","xxxxxxxxxx","xxxxxxxxxx","xxxxxxxxxx","…, recorded 2`}},
		{"placeholders compare as text", req(`{"t":"{{now+60}}"}`), req(`{"t":"{{now+120}}"}`),
			[]string{`body.t: sent "{{now+60}}", recorded "{{now+120}}"`}},
		{"body absent from the request", Request{Method: "POST", Path: "/shop/spu/add", ContentType: "application/json"}, req(`{}`), []string{"body: absent from the request"}},
		{"body absent from the recording", req(`{}`), Request{Method: "POST", Path: "/shop/spu/add", ContentType: "application/json"},
			[]string{"body: absent from the recording"}},
		{"raw body absent", Request{Method: "POST", Path: "/shop/spu/add", ContentType: "text/plain"}, raw(`{"a":`),
			[]string{"raw_body: absent from the request"}},
		{"JSON for raw text", req(`{"a":1}`), raw(`{"a":1,}`),
			[]string{`content_type: sent "application/json", recorded "text/plain"`, `body: sent JSON {"a":1}, recorded raw text "{\"a\":1,}"`}},
		{"raw text for JSON", raw(`{"a":`), req(`{"a":1}`),
			[]string{`content_type: sent "text/plain", recorded "application/json"`, `body: sent raw text "{\"a\":", recorded JSON {"a":1}`}},
		{"raw text", raw(`{"a":`), raw(`{"b":`), []string{`raw_body: sent "{\"a\":", recorded "{\"b\":"`}},
		{"long strings around their first difference", req(`{"s":"` + long + `"}`), req(`{"s":"` + long + `b"}`),
			[]string{`body.s: sent …"aaaaaaaaaaaaaaaaaaaa" (200 characters), recorded …"aaaaaaaaaaaaaaaaaaaab" (201 characters)`}},
		{"long raw text", raw(long + "x" + long), raw(long + "y" + long),
			[]string{`raw_body: sent …"aaaaaaaaaaaaaaaaaaaaxaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"…, recorded …"aaaaaaaaaaaaaaaaaaaayaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"…`}},
		{"everything at once, in a fixed order", Request{Method: "GET", Path: "/a", Body: map[string]any{"z": json.Number("1")}},
			Request{Method: "POST", Path: "/b", ContentType: "application/json", Body: map[string]any{"a": json.Number("1")}},
			[]string{"method: sent GET, recorded POST", "path: sent /a, recorded /b", `content_type: sent "", recorded "application/json"`,
				"body.a: absent from the request", "body.z: absent from the recording"}},
		{"Go numbers in a hand-built request", Request{Body: map[string]any{"n": 3, "f": 1.5}}, Request{Body: map[string]any{"n": json.Number("3"), "f": json.Number("1.50")}}, nil},
	} {
		if got := Diff(tt.sent, tt.recorded); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
