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

// TestDiffComparesMultipartByMeaning: a form built by another client
// (its own boundary, its own part order, a charset on a text part) is the
// same request; a changed field, file name, content type or byte is not,
// and each is named by the part's field name.
func TestDiffComparesMultipartByMeaning(t *testing.T) {
	type part struct{ name, filename, contentType, data string }
	form := func(boundary string, parts ...part) Request {
		var b strings.Builder
		for _, p := range parts {
			b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"")
			if p.filename != "" {
				b.WriteString("; filename=\"" + p.filename + "\"")
			}
			b.WriteString("\r\n")
			if p.contentType != "" {
				b.WriteString("Content-Type: " + p.contentType + "\r\n")
			}
			b.WriteString("\r\n" + p.data + "\r\n")
		}
		b.WriteString("--" + boundary + "--\r\n")
		return NormalizeRequest("POST", "/shop/img/upload", "multipart/form-data; boundary="+boundary, []byte(b.String()), Values{})
	}
	png := "\x89PNG\r\n\x1a\n\x00\xff"
	resp := part{"resp_type", "", "", "1"}
	upload := part{"upload_type", "", "", "0"}
	media := part{"media", "shopconform.png", "image/png", png}
	recorded := form("shopconform-boundary-7d1c0b3e", resp, upload, media)
	for _, tt := range []struct {
		name string
		sent Request
		want []string
	}{
		{"another boundary and part order", form("----WebKitFormBoundaryX3b9", media, upload, resp), nil},
		{"a charset on a text part", form("b", part{"resp_type", "", "text/plain; charset=utf-8", "1"}, upload, media), nil},
		{"a field's value", form("b", part{"resp_type", "", "", "2"}, upload, media), []string{`multipart.resp_type.content: sent "2", recorded "1"`}},
		{"a field dropped", form("b", upload, media), []string{"multipart.resp_type: absent from the request"}},
		{"a field added", form("b", resp, upload, media, part{"img_url", "", "", "x"}), []string{"multipart.img_url: absent from the recording"}},
		{"a file name", form("b", resp, upload, part{"media", "a.png", "image/png", png}), []string{`multipart.media.filename: sent "a.png", recorded "shopconform.png"`}},
		{"a file's content type", form("b", resp, upload, part{"media", "shopconform.png", "application/octet-stream", png}),
			[]string{`multipart.media.content_type: sent "application/octet-stream", recorded "image/png"`}},
		{"a file's bytes", form("b", resp, upload, part{"media", "shopconform.png", "image/png", png[:len(png)-1] + "\xfe"}),
			[]string{`multipart.media.content: sent "\\x89PNG\r\n\x1a\n\x00\\xfe", recorded "\\x89PNG\r\n\x1a\n\x00\\xff"`}},
		{"a field sent as a file", form("b", part{"resp_type", "r.txt", "", "1"}, upload, media), []string{`multipart.resp_type: sent a file "r.txt", recorded a field`}},
		{"a repeated field keeps its order", form("b", resp, upload, media, part{"media", "b.png", "image/png", png}),
			[]string{"multipart.media.1: absent from the recording"}},
	} {
		got := Diff(tt.sent, recorded)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
	// A body that is not well-formed multipart is compared as text.
	broken := recorded
	broken.RawBody = strings.TrimSuffix(broken.RawBody, "--\r\n")[:40]
	if got := Diff(broken, recorded); len(got) != 1 || !strings.HasPrefix(got[0], "raw_body: sent ") {
		t.Errorf("a broken multipart body: %q", got)
	}
}
