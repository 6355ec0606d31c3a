package cassette

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Two runs of the same case: every run-scoped value differs, and so does
// the clock (v1's has milliseconds, which {{now}} and {{datetime}} drop).
var (
	v1 = Values{
		UID:     "sc3fa91c07d2-1a2b3c4d",
		Run:     "sc3fa91c07d2",
		AppID:   "wx1234567890abcdef",
		OpenIDs: []string{"oUser0aaaaaaaaaaaaaaaaaaaaaa", "oUser1bbbbbbbbbbbbbbbbbbbbbb"},
		Now:     time.Date(2026, 1, 2, 3, 4, 5, 250e6, time.UTC),
		Secrets: []string{"appsecret0123456789abcdef0123456", "TOKEN-9f8e7d6c5b4a39281706f5e4d3c2b1a0"},
	}
	v2 = Values{
		UID:     "sc0a0b0c0d0e-99887766",
		Run:     "sc0a0b0c0d0e",
		AppID:   "wxfedcba0987654321",
		OpenIDs: []string{"oOther0cccccccccccccccccccccc", "oOther1dddddddddddddddddddddd"},
		Now:     time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		Secrets: []string{"othersecret9876543210fedcba98765", "TOKEN-0000111122223333444455556666"},
	}
)

// sentBody is a request body as a case's templates render it for one run:
// run-scoped values, times at exact offsets from the case's clock, and
// values that must stay as they are (ids beyond float64, a decimal
// written with a trailing zero, times too far away to be the case's).
func sentBody(v Values) string {
	return fmt.Sprintf(`{
  "out_product_id": %q,
  "title": "shopconform %s item",
  "appid": %q,
  "openids": [%q, %q],
  %q: "key",
  "start_time": %d,
  "end_time_ms": %d,
  "deliver_by": %q,
  "ship_at": %q,
  "product_id": 9007199254740993,
  "u64": 18446744073709551615,
  "huge": 123456789012345678901234567890,
  "price": 1.50,
  "count": 3,
  "on": true,
  "nothing": null,
  "old_datetime": "2020-01-01 00:00:00",
  "old_time": 1000000000,
  "sci_time": 1.7e9,
  "time_text": "1767323105",
  "skus": [{"stock_num": 10, "note": "for %s"}, {"stock_num": 0, "rel": %d}]
}`,
		v.UID, v.Run, v.AppID, v.OpenIDs[0], v.OpenIDs[1], "k-"+v.UID,
		v.Now.Unix()+3600, v.Now.UnixMilli()-5000,
		v.Now.Add(86400*time.Second).In(shanghai).Format(datetimeLayout),
		v.Now.In(shanghai).Format(datetimeLayout),
		v.OpenIDs[1], v.Now.Unix()-37)
}

// wantSentBody is sentBody normalised, for every run.
var wantSentBody = map[string]any{
	"out_product_id": "{{uid}}",
	"title":          "shopconform {{run}} item",
	"appid":          "{{appid}}",
	"openids":        []any{"{{openid.0}}", "{{openid.1}}"},
	"k-{{uid}}":      "key",
	"start_time":     "{{now+3600}}",
	"end_time_ms":    "{{now_ms-5000}}",
	"deliver_by":     "{{datetime+86400}}",
	"ship_at":        "{{datetime}}",
	"product_id":     json.Number("9007199254740993"),
	"u64":            json.Number("18446744073709551615"),
	"huge":           json.Number("123456789012345678901234567890"),
	"price":          json.Number("1.50"),
	"count":          json.Number("3"),
	"on":             true,
	"nothing":        nil,
	"old_datetime":   "2020-01-01 00:00:00",
	"old_time":       json.Number("1000000000"),
	"sci_time":       json.Number("1.7e9"),
	"time_text":      "1767323105",
	"skus": []any{
		map[string]any{"stock_num": json.Number("10"), "note": "for {{openid.1}}"},
		map[string]any{"stock_num": json.Number("0"), "rel": "{{now-37}}"}, // requests keep exact offsets
	},
}

// decodeJSON reads JSON as cassettes hold it: numbers exact.
func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// renderBody renders a normalised JSON value for a run, as a replay does.
func renderBody(body any, v Values) []byte { return Response{Body: body}.Bytes(v) }

func TestRequestRoundTrip(t *testing.T) {
	req := NormalizeRequest("post", "/shop/spu/add?access_token="+v1.Secrets[1], "application/json", []byte(sentBody(v1)), v1)
	if req.Method != "POST" || req.Path != "/shop/spu/add" || req.ContentType != "application/json" || req.RawBody != "" {
		t.Errorf("request = %+v", req)
	}
	if !reflect.DeepEqual(req.Body, wantSentBody) {
		t.Errorf("normalised body:\n got %#v\nwant %#v", req.Body, wantSentBody)
	}
	// Another run of the same case records the same request.
	if other := NormalizeRequest("POST", "/shop/spu/add", "application/json", []byte(sentBody(v2)), v2); Diff(other, req) != nil {
		t.Errorf("a second run records a different request: %v", Diff(other, req))
	}
	for _, tt := range []struct {
		name string
		v    Values
	}{{"same values", v1}, {"other values", v2}} {
		got := decodeJSON(t, renderBody(req.Body, tt.v))
		if want := decodeJSON(t, []byte(sentBody(tt.v))); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: rendered\n%#v\nwant\n%#v", tt.name, got, want)
		}
	}
}

func TestRenderKeepsNumbersAndSplices(t *testing.T) {
	body := map[string]any{
		"t":        "{{now+60}}",
		"ms":       "{{now_ms-1500}}",
		"zero":     "{{now}}",
		"dt":       "{{datetime-3600}}",
		"spliced":  "at {{now+60}} by {{uid}} ({{datetime}})",
		"first":    "{{openid}}",
		"missing":  "{{openid.7}}",
		"unknown":  "{{step.first.data.product_id}}",
		"redacted": redacted,
		"id":       json.Number("9007199254740993"),
		"html":     "<a href=\"x\">&</a>",
	}
	got := string(renderBody(body, v1))
	want := `{"dt":"2026-01-02 10:04:05","first":"oUser0aaaaaaaaaaaaaaaaaaaaaa","html":"<a href=\"x\">&</a>","id":9007199254740993,` +
		`"missing":"{{openid.7}}","ms":1767323043750,"redacted":"[REDACTED]",` +
		`"spliced":"at 1767323105 by sc3fa91c07d2-1a2b3c4d (2026-01-02 11:04:05)","t":1767323105,"unknown":"{{step.first.data.product_id}}","zero":1767323045}`
	if got != want {
		t.Errorf("Bytes:\n got %s\nwant %s", got, want)
	}
	if b := (Response{Status: 204}).Bytes(v1); b != nil {
		t.Errorf("no body rendered as %q", b)
	}
}

func TestResponseTimesRoundToTheMinute(t *testing.T) {
	s, ms := v1.Now.Unix(), v1.Now.UnixMilli()
	dt := func(off int64) string {
		return v1.Now.Add(time.Duration(off) * time.Second).In(shanghai).Format(datetimeLayout)
	}
	const day = 86400
	for _, tt := range []struct {
		name string
		in   any
		want any
	}{
		{"seconds: a few seconds after the start", s + 3, "{{now}}"},
		{"seconds: the server a little later", s + 5, "{{now}}"},
		{"seconds: up to the half minute", s + 29, "{{now}}"},
		{"seconds: half a minute rounds away from zero", s + 30, "{{now+60}}"},
		{"seconds: before the start", s - 30, "{{now-60}}"},
		{"seconds: just before the start", s - 29, "{{now}}"},
		{"seconds: an hour on", s + 3599, "{{now+3600}}"},
		{"seconds: the window's edge", s + 400*day, fmt.Sprintf("{{now+%d}}", 400*day)},
		{"seconds: past the window", s + 400*day + 1, json.Number(fmt.Sprint(s + 400*day + 1))},
		{"seconds: before the window", s - 400*day - 1, json.Number(fmt.Sprint(s - 400*day - 1))},
		{"milliseconds", ms + 29999, "{{now_ms}}"},
		{"milliseconds: half a minute", ms + 30000, "{{now_ms+60000}}"},
		{"milliseconds: before", ms - 90001, "{{now_ms-120000}}"},
		{"milliseconds: past the window", ms + 400*day*1000 + 1, json.Number(fmt.Sprint(ms + 400*day*1000 + 1))},
		{"datetime", dt(3599), "{{datetime+3600}}"},
		{"datetime: a few seconds off", dt(-4), "{{datetime}}"},
		{"datetime: a year ago", dt(-365 * day), fmt.Sprintf("{{datetime-%d}}", 365*day)},
		{"datetime: too old", "2020-01-01 00:00:00", "2020-01-01 00:00:00"},
		{"datetime: not exactly the format", dt(0) + " ", dt(0) + " "},
	} {
		in, _ := json.Marshal(map[string]any{"t": tt.in})
		got := NormalizeResponse(200, in, v1).Body.(map[string]any)["t"]
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v normalised to %#v, want %#v", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestResponseRoundTrip(t *testing.T) {
	answer := func(v Values, skew int64) []byte {
		return fmt.Appendf(nil, `{"errcode":0,"errmsg":"ok rid: 6a1b2c3d-0e0f1a2b-3c4d5e6f","data":{"product_id":"9007199254740993","out_product_id":%q,`+
			`"create_time":%d,"update_time_ms":%d,"audit_time":%q,"owner":%q,"results":[{"errcode":1000012,"errmsg":"exists rid: ab-cd"}]}}`,
			v.UID, v.Now.Unix()+skew, v.Now.UnixMilli()+skew*1000,
			v.Now.Add(time.Duration(skew)*time.Second).In(shanghai).Format(datetimeLayout), v.OpenIDs[0])
	}
	resp := NormalizeResponse(200, answer(v1, 4), v1)
	want := map[string]any{"errcode": json.Number("0"), "errmsg": "ok", "data": map[string]any{
		"product_id": "9007199254740993", "out_product_id": "{{uid}}",
		"create_time": "{{now}}", "update_time_ms": "{{now_ms}}", "audit_time": "{{datetime}}", "owner": "{{openid.0}}",
		"results": []any{map[string]any{"errcode": json.Number("1000012"), "errmsg": "exists"}},
	}}
	if resp.Status != 200 || !reflect.DeepEqual(resp.Body, want) {
		t.Errorf("normalised:\n got %#v\nwant %#v", resp.Body, want)
	}
	// A live re-recording, with the server's clock a few seconds further
	// on and a new rid, records the same answer.
	if again := NormalizeResponse(200, answer(v2, 11), v2); !reflect.DeepEqual(again, resp) {
		t.Errorf("re-recording drifted:\n got %#v\nwant %#v", again.Body, resp.Body)
	}
	// Rendered, it is the answer without its rid and with its times
	// rounded: with this run's values, or another's.
	for _, tt := range []struct {
		name string
		v    Values
	}{{"same values", v1}, {"other values", v2}} {
		got := decodeJSON(t, resp.Bytes(tt.v))
		want := decodeJSON(t, answer(tt.v, 0))
		want.(map[string]any)["errmsg"] = "ok"
		want.(map[string]any)["data"].(map[string]any)["results"].([]any)[0].(map[string]any)["errmsg"] = "exists"
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: rendered\n%#v\nwant\n%#v", tt.name, got, want)
		}
	}
}

func TestRawBodies(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
	multipart := func(v Values) []byte {
		var b bytes.Buffer
		b.WriteString("--shopconform-boundary-7d1c0b3e\r\nContent-Disposition: form-data; name=\"resp_type\"\r\n\r\n" + v.UID + "\r\n")
		b.WriteString("--shopconform-boundary-7d1c0b3e\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n")
		b.Write(png)
		b.WriteString("\r\n--shopconform-boundary-7d1c0b3e--\r\n")
		return b.Bytes()
	}
	ct := "multipart/form-data; boundary=shopconform-boundary-7d1c0b3e"
	req := NormalizeRequest("POST", "/shop/img/upload", ct, multipart(v1), v1)
	if req.Body != nil || !strings.Contains(req.RawBody, "\r\n{{uid}}\r\n") || !strings.Contains(req.RawBody, `\x89PNG`) {
		t.Errorf("multipart recorded as %+v", req)
	}
	if other := NormalizeRequest("POST", "/shop/img/upload", ct, multipart(v2), v2); Diff(other, req) != nil {
		t.Errorf("a second run records a different upload: %v", Diff(other, req))
	}
	for _, v := range []Values{v1, v2} {
		if got := (Response{RawBody: req.RawBody}).Bytes(v); !bytes.Equal(got, multipart(v)) {
			t.Errorf("raw body rendered for %s as %q", v.UID, got)
		}
	}
	for _, tt := range []struct{ name, body, want string }{
		{"broken JSON (47001)", `{"title": "` + v1.UID + `",`, `{"title": "{{uid}}",`},
		{"a repeated key stays text, so neither value is lost", `{"a":1,"a":2}`, `{"a":1,"a":2}`},
		{"trailing data", `{} {}`, `{} {}`},
		{"null is not no body", `null`, `null`},
		{"form body with a literal \\x41", `a=\x41&b=` + v1.AppID, `a=\x5cx41&b={{appid}}`},
	} {
		resp := NormalizeResponse(200, []byte(tt.body), v1)
		if resp.Body != nil || resp.RawBody != tt.want {
			t.Errorf("%s: recorded as %+v, want raw_body %q", tt.name, resp, tt.want)
		}
		if got := string(resp.Bytes(v1)); got != tt.body {
			t.Errorf("%s: rendered as %q, want %q", tt.name, got, tt.body)
		}
	}
	if r := NormalizeRequest("POST", "/shop/x", "", nil, v1); r.Body != nil || r.RawBody != "" {
		t.Errorf("no body recorded as %+v", r)
	}
	if r := NormalizeRequest("POST", "/shop/x", "", []byte("{}"), v1); !reflect.DeepEqual(r.Body, map[string]any{}) {
		t.Errorf("{} recorded as %+v", r)
	}
}

func TestLongestValueWins(t *testing.T) {
	// The uid holds the run prefix; an openid holds the appid. Each must
	// be replaced whole, whatever order Values lists them in.
	v := Values{UID: "scabc-123", Run: "scabc", AppID: "wxapp", OpenIDs: []string{"wxapp-user"}}
	got := NormalizeRequest("POST", "/p", "", []byte(`["scabc-123 scabc wxapp wxapp-user"]`), v).Body
	if want := []any{"{{uid}} {{run}} {{appid}} {{openid.0}}"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

func TestPathLosesQueryAndHost(t *testing.T) {
	for in, want := range map[string]string{
		"/shop/spu/add?access_token=T0KEN":                   "/shop/spu/add",
		"https://api.weixin.qq.com/shop/spu/get?x=1#frag":    "/shop/spu/get",
		"/cgi-bin/token#x":                                   "/cgi-bin/token",
		"/shop/" + v1.AppID + "/x?authorizer_access_token=y": "/shop/{{appid}}/x",
	} {
		if got := NormalizeRequest("POST", in, "", nil, v1).Path; got != want {
			t.Errorf("path %q recorded as %q, want %q", in, got, want)
		}
	}
}

func TestNoClockNoTimes(t *testing.T) {
	// Without a clock nothing is a time: a zero Now must not turn
	// negative numbers near year 1 into placeholders.
	v := Values{UID: "u-1"}
	got := NormalizeRequest("POST", "/p", "", []byte(`{"t":1767323105,"d":"2026-01-02 11:04:05","n":-62135596800}`), v).Body
	want := map[string]any{"t": json.Number("1767323105"), "d": "2026-01-02 11:04:05", "n": json.Number("-62135596800")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v", got)
	}
}
