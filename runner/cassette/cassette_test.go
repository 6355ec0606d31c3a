package cassette

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

const hash = "sha256:8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4"

// small is a one-interaction cassette; golden is its file.
func small() *Cassette {
	return &Cassette{
		Case:        "product-1000012-already-exists",
		Domain:      "product",
		RequestHash: hash,
		Provenance:  "reference",
		// Not UTC and not to the second: Encode writes both away.
		RecordedAt: time.Date(2026, 1, 2, 11, 4, 5, 999_999_999, shanghai),
		Interactions: []Interaction{{
			Request: Request{Method: "POST", Path: "/shop/spu/add", ContentType: "application/json",
				Body: map[string]any{"title": "<b>Tea & cake</b>", "out_product_id": "{{uid}}", "price": json.Number("9007199254740993")}},
			Response: Response{Status: 200, Body: map[string]any{"errmsg": "product already exists", "errcode": json.Number("1000012")}},
		}},
	}
}

const golden = `{
  "case": "product-1000012-already-exists",
  "domain": "product",
  "interactions": [
    {
      "request": {
        "body": {
          "out_product_id": "{{uid}}",
          "price": 9007199254740993,
          "title": "<b>Tea & cake</b>"
        },
        "content_type": "application/json",
        "method": "POST",
        "path": "/shop/spu/add"
      },
      "response": {
        "body": {
          "errcode": 1000012,
          "errmsg": "product already exists"
        },
        "status": 200
      }
    }
  ],
  "provenance": "reference",
  "recorded_at": "2026-01-02T03:04:05Z",
  "request_hash": "sha256:8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4"
}
`

func TestEncodeGolden(t *testing.T) {
	got, err := Encode(small())
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != golden {
		t.Errorf("Encode:\n%s\nwant\n%s", got, golden)
	}
	c, err := Decode(got, "golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC); !c.RecordedAt.Equal(want) || c.RecordedAt.Location() != time.UTC {
		t.Errorf("recorded_at decoded as %v", c.RecordedAt)
	}
	again, err := Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, got) {
		t.Errorf("re-encoding a decoded cassette changed it:\n%s", again)
	}
}

func TestEncodeIsDeterministic(t *testing.T) {
	// Map iteration order is random on every range: many keys at several
	// levels would show any order leaking into the file.
	body := map[string]any{}
	for i := range 50 {
		body[fmt.Sprintf("k%02d", i)] = map[string]any{"z": i, "a": []any{map[string]any{"y": 1, "b": 2}}}
	}
	c := small()
	c.Interactions[0].Request.Body = body
	first, err := Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if again, _ := Encode(c); !bytes.Equal(again, first) {
			t.Fatal("two encodings of one cassette differ")
		}
	}
	if i, j := bytes.Index(first, []byte(`"k00"`)), bytes.Index(first, []byte(`"k49"`)); i < 0 || i > j {
		t.Error("keys are not sorted")
	}
	if !bytes.HasSuffix(first, []byte("}\n")) || bytes.HasSuffix(first, []byte("\n\n")) {
		t.Error("the file must end with exactly one newline")
	}
	// A cassette that went through every normaliser re-encodes the same
	// after a decode, raw bodies and big numbers included.
	full := &Cassette{Case: "upload-ok", Domain: "upload", RequestHash: hash, Provenance: "sandbox:api.weixin.qq.com", RecordedAt: v1.Now}
	full.Interactions = []Interaction{
		{NormalizeRequest("POST", "/shop/img/upload", "multipart/form-data; boundary=b", []byte("--b\r\n\x89PNG\\x41\r\n--b--"), v1),
			NormalizeResponse(200, []byte(sentBody(v1)), v1)},
		{NormalizeRequest("POST", "/shop/spu/add", "application/json", []byte(sentBody(v1)), v1),
			NormalizeResponse(502, []byte("<html>Bad gateway</html>"), v1)},
	}
	enc, err := Encode(full)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := Decode(enc, "full.json")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := Encode(dec); !bytes.Equal(again, enc) {
		t.Errorf("re-encoding changed the file:\n%s\nthen\n%s", enc, again)
	}
	if d := Diff(full.Interactions[1].Request, dec.Interactions[1].Request); d != nil {
		t.Errorf("a decoded request differs from the recorded one: %v", d)
	}
	if !bytes.Equal(dec.Interactions[0].Response.Bytes(v1), full.Interactions[0].Response.Bytes(v1)) {
		t.Error("a decoded answer renders differently")
	}
}

func TestEncodeEmpty(t *testing.T) {
	c := small()
	c.Interactions = nil
	b, err := Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"interactions": [],`)) {
		t.Errorf("no interactions written as:\n%s", b)
	}
	if _, err := Decode(b, "empty.json"); err != nil {
		t.Error(err)
	}
}

func TestDecodeIsStrict(t *testing.T) {
	// base is golden with one line swapped for another.
	base := func(old, new string) string {
		if !strings.Contains(golden, old) {
			panic("not in golden: " + old)
		}
		return strings.Replace(golden, old, new, 1)
	}
	for _, tt := range []struct {
		name, data string
		want       []string
	}{
		{"trailing comma", base(`"status": 200`, `"status": 200,`),
			[]string{`c.json:22:7: invalid JSON: invalid character '}' looking for beginning of object key string`}},
		{"repeated key", base(`"method": "POST",`, `"method": "POST", "method": "GET",`),
			[]string{`c.json:13:27: duplicate key "method" (first at 13:9)`}},
		{"not an object", `[]`, []string{`c.json:1:1: value must be an object, got []`}},
		{"empty file", ``, []string{`c.json:1:1: invalid JSON: unexpected end of input`}},
		{"unknown top-level field", base(`"provenance": "reference",`, `"provenance": "reference", "recorded": 1,`),
			[]string{`c.json:25:30: unknown field "recorded" (allowed: case, domain, request_hash, provenance, recorded_at, interactions)`}},
		{"unknown nested field", base(`"method": "POST",`, `"method": "POST", "headers": {},`),
			[]string{`c.json:13:27: unknown field "interactions[0].request.headers" (allowed: method, path, content_type, body, raw_body)`}},
		{"wrong type", base(`"status": 200`, `"status": "200"`),
			[]string{`c.json:21:19: field "interactions[0].response.status" must be an integer, got "200"`}},
		{"missing fields", base(`"status": 200`, `"raw_body": "x"`),
			[]string{`c.json:16:19: missing field "interactions[0].response.status"`, `c.json:16:19: interactions[0].response has both body and raw_body; a response has at most one`}},
		{"local time", base(`"2026-01-02T03:04:05Z"`, `"2026-01-02T11:04:05+08:00"`),
			[]string{`c.json:26:18: field "recorded_at" must be a UTC time to the second, like "2026-01-02T03:04:05Z", got "2026-01-02T11:04:05+08:00"`}},
		{"values outside their form", base(`"product-1000012-already-exists"`, `"Product_1"`),
			[]string{`c.json:2:11: field "case" must be a case id (lower-case letters, digits and -), got "Product_1"`}},
		{"several problems, in reading order", strings.NewReplacer(
			`"domain": "product"`, `"domain": "products"`,
			`"path": "/shop/spu/add"`, `"path": "/shop/spu/add?access_token=x"`,
			`"method": "POST"`, `"method": "post"`,
			`"status": 200`, `"status": 42`,
			`"provenance": "reference"`, `"provenance": "sandbox:"`,
			`"request_hash": "sha256:8f4`, `"request_hash": "md5:8f4`).Replace(golden),
			[]string{
				`c.json:3:13: field "domain" must be one of universal, product, order, access, audit, upload, coupon, share, got "products"`,
				`c.json:13:19: field "interactions[0].request.method" must be an HTTP method in capitals, got "post"`,
				`c.json:14:17: field "interactions[0].request.path" must be a path starting with / and without a query, got "/shop/spu/add?access_token=x"`,
				`c.json:21:19: field "interactions[0].response.status" must be an HTTP status (100-599), got 42`,
				`c.json:25:17: field "provenance" must be "reference", "sandbox:<host>" or "documented", got "sandbox:"`,
				`c.json:27:19: field "request_hash" must be "sha256:" and 64 lower-case hex digits, got "md5:8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4"`,
			}},
		{"missing top-level fields", `{"case": "x"}`, []string{
			`c.json:1:1: missing field "domain"`, `c.json:1:1: missing field "request_hash"`, `c.json:1:1: missing field "provenance"`,
			`c.json:1:1: missing field "recorded_at"`, `c.json:1:1: missing field "interactions"`}},
	} {
		c, err := Decode([]byte(tt.data), "c.json")
		if c != nil || err == nil {
			t.Errorf("%s: decoded without an error", tt.name)
			continue
		}
		if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, want)
		}
	}
}

func TestDecodeAcceptsEveryProvenance(t *testing.T) {
	for _, p := range []string{"reference", "documented", "sandbox:api.weixin.qq.com", "sandbox:127.0.0.1:8089"} {
		data := strings.Replace(golden, `"provenance": "reference"`, fmt.Sprintf(`"provenance": %q`, p), 1)
		if _, err := Decode([]byte(data), "c.json"); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestSameRecording(t *testing.T) {
	later := small()
	later.RecordedAt = later.RecordedAt.Add(72 * time.Hour)
	reordered := small() // the same maps, built in another order
	reordered.Interactions[0].Response.Body = map[string]any{"errcode": json.Number("1000012"), "errmsg": "product already exists"}
	changed := small()
	changed.Interactions[0].Response.Body.(map[string]any)["errcode"] = json.Number("0")
	moreSteps := small()
	moreSteps.Interactions = append(moreSteps.Interactions, moreSteps.Interactions[0])
	rehashed := small()
	rehashed.RequestHash = "sha256:" + strings.Repeat("1", 64)
	spelled := small() // 1.0 and 1 are one number, but not one file
	spelled.Interactions[0].Request.Body.(map[string]any)["price"] = json.Number("9007199254740993.0")
	decoded, err := Decode([]byte(golden), "golden.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		b    *Cassette
		want bool
	}{
		{"itself", small(), true},
		{"recorded later", later, true},
		{"map order", reordered, true},
		{"read back from its file", decoded, true},
		{"another answer", changed, false},
		{"another step", moreSteps, false},
		{"a changed case", rehashed, false},
		{"a number spelt otherwise", spelled, false},
		{"nil", nil, false},
	} {
		if got := SameRecording(small(), tt.b); got != tt.want {
			t.Errorf("%s: SameRecording = %v, want %v", tt.name, got, tt.want)
		}
	}
}
