package jsonpos

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// at renders an error as line:col: msg, as the callers show it.
func at(data string, e *Error) string {
	line, col := LineCol([]byte(data), e.Off)
	return fmt.Sprintf("%d:%d: %s", line, col, e.Msg)
}

func TestParseRejects(t *testing.T) {
	for _, tt := range []struct{ name, data, want string }{
		{"trailing comma", "{\n  \"id\": \"x\",\n}", "3:1: invalid JSON: invalid character '}' looking for beginning of object key string"},
		{"trailing comma in array", "[1,\n 2,]", "2:4: invalid JSON: invalid character ']' looking for beginning of value"},
		{"bad literal", "{\"a\": [tru]}", "1:11: invalid JSON: invalid character ']' in literal true (expecting 'e')"},
		{"bad escape", "{\n \"a\":\n  \"x\\q\"}", "3:6: invalid JSON: invalid character 'q' in string escape code"},
		{"comment", "{\n  // note\n  \"id\": \"x\"\n}", "2:3: invalid JSON: invalid character '/' looking for beginning of object key string"},
		{"missing comma", `{"a": 1 "b": 2}`, "1:9: invalid JSON: invalid character '\"' after object key:value pair"},
		{"truncated", "{\"a\": [1,\n", "2:1: invalid JSON: unexpected end of input"},
		{"empty", "", "1:1: invalid JSON: unexpected end of input"},
		{"duplicate key", "{\"a\": {\"id\": 1,\n \"id\": 2}}", "2:2: duplicate key \"id\" (first at 1:8)"},
		{"trailing data", "{\"a\": 1}\n {}", "2:2: unexpected data after the top-level value"},
		{"trailing separator", "[] ,", "1:4: unexpected data after the top-level value"},
		{"invalid UTF-8", "[\"国\xff\"]", "1:4: invalid UTF-8"},
	} {
		root, err := Parse([]byte(tt.data))
		e, ok := err.(*Error)
		if root != nil {
			t.Errorf("%s: Parse returned a tree with its error", tt.name)
		}
		if !ok {
			t.Errorf("%s: Parse error %v (%T), want an *Error", tt.name, err, err)
			continue
		}
		if got := at(tt.data, e); got != tt.want {
			t.Errorf("%s: got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestParseTree(t *testing.T) {
	data := " {\"a\": [1, \"国\", true, null],\n \"b\": {\"c\": -2.5e3}} \n"
	root, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	raw := func(n *Node) string { return data[n.Off:n.End] }
	if root.Kind != Object || raw(root) != strings.TrimSpace(data) {
		t.Errorf("root = %s %q", root.Kind, raw(root))
	}
	a := root.Member("a")
	if len(a.Items) != 4 || raw(a) != `[1, "国", true, null]` || raw(a.Items[1]) != `"国"` || a.Items[1].Str != "国" {
		t.Errorf("a = %q, items %v", raw(a), a.Items)
	}
	if m := root.Members[1]; m.Key != "b" || data[m.KeyOff:m.KeyOff+3] != `"b"` || raw(m.Value) != `{"c": -2.5e3}` {
		t.Errorf("member b = %+v", m)
	}
	if root.Member("zz") != nil || a.Member("a") != nil {
		t.Error("Member found a key that is not there")
	}
	want := map[string]any{"a": []any{json.Number("1"), "国", true, nil}, "b": map[string]any{"c": json.Number("-2.5e3")}}
	if got := root.Plain(); !reflect.DeepEqual(got, want) {
		t.Errorf("Plain() = %#v", got)
	}
}

// TestParseUnquotesAsEncodingJSON: escapes in keys and strings read as
// encoding/json reads them, offsets still on the quoted text.
func TestParseUnquotesAsEncodingJSON(t *testing.T) {
	data := `{"k\u0061": ["\"q\" \\ \/ \n\t", "\u56fd\ud83d\ude00", "\ud800", "{}"], "b": false}`
	root, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		KA []string `json:"ka"`
	}
	if err := json.Unmarshal([]byte(data), &want); err != nil {
		t.Fatal(err)
	}
	m := root.Members[0]
	if m.Key != "ka" || data[m.KeyOff:m.KeyOff+9] != `"k\u0061"` || len(m.Value.Items) != 4 {
		t.Fatalf("first member %+v", m)
	}
	for i, it := range m.Value.Items {
		if it.Kind != String || it.Str != want.KA[i] || data[it.Off] != '"' || data[it.End-1] != '"' {
			t.Errorf("item %d: %s %q [%d:%d], want %q", i, it.Kind, it.Str, it.Off, it.End, want.KA[i])
		}
	}
	if b := root.Member("b"); b.Kind != Bool || b.Bool || data[b.Off:b.End] != "false" {
		t.Errorf("b = %+v", b)
	}
}

func TestLineColCountsCharacters(t *testing.T) {
	data := []byte("ab\n国家x")
	for _, tt := range []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {len("ab\n国家"), 2, 3}, {-5, 1, 1}, {99, 2, 4},
	} {
		if l, c := LineCol(data, tt.off); l != tt.line || c != tt.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

type limits struct {
	Burst     int     `json:"burst"`
	PerSecond float64 `json:"per_second,omitempty"`
}

type target struct {
	Name    string            `json:"name"`
	Count   *int              `json:"count,omitempty"`
	Rate    *limits           `json:"rate"`
	Tags    []string          `json:"tags"`
	Extra   map[string]any    `json:"extra,omitzero"`
	Sizes   map[string]uint8  `json:"sizes"`
	ID      json.Number       `json:"id"`
	On      bool              `json:"on"`
	Skipped string            `json:"-"`
	Plain   string            // untagged: its Go name
	Nested  struct{ A int }   `json:"nested"`
	Labels  map[string]string `json:"labels"`
	hidden  int
}

func TestDecodeStrictReportsEverything(t *testing.T) {
	data := `{
  "name": 5, "nmae": "x",
  "rate": {"burst": "many", "per_sec": 1},
  "tags": ["a", 2, null],
  "sizes": {"s": 300},
  "id": "7", "on": null, "count": null,
  "-": 1, "Skipped": 1, "hidden": 1, "plain": 1,
  "nested": {"A": 1.5}
}`
	root, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var v target
	v.Name = "before"
	var got []string
	for _, e := range DecodeStrict([]byte(data), root, &v) {
		got = append(got, at(data, e))
	}
	want := []string{
		`2:11: field "name" must be a string, got 5`,
		`2:14: unknown field "nmae" (allowed: name, count, rate, tags, extra, sizes, id, on, Plain, nested, labels)`,
		`3:21: field "rate.burst" must be an integer, got "many"`,
		`3:29: unknown field "rate.per_sec" (allowed: burst, per_second)`,
		`4:17: field "tags[1]" must be a string, got 2`,
		`4:20: field "tags[2]" is null`,
		`5:18: field "sizes.s" must be an integer, got 300`,
		`6:9: field "id" must be a number, got "7"`,
		`6:20: field "on" is null`,
		`7:3: unknown field "-" (allowed: name, count, rate, tags, extra, sizes, id, on, Plain, nested, labels)`,
		`7:11: unknown field "Skipped" (allowed: name, count, rate, tags, extra, sizes, id, on, Plain, nested, labels)`,
		`7:25: unknown field "hidden" (allowed: name, count, rate, tags, extra, sizes, id, on, Plain, nested, labels)`,
		`7:38: unknown field "plain" (allowed: name, count, rate, tags, extra, sizes, id, on, Plain, nested, labels)`,
		`8:19: field "nested.A" must be an integer, got 1.5`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	// What fits is stored; what does not is left alone.
	if v.Name != "before" || v.Rate == nil || v.Rate.Burst != 0 || len(v.Tags) != 3 || v.Tags[0] != "a" || v.Count != nil {
		t.Errorf("partial decode: %+v", v)
	}
}

func TestDecodeStrictSaysWhatIsAtFault(t *testing.T) {
	data := `{"rate": {"burst": "x"}, "rat": 1}`
	root, _ := Parse([]byte(data))
	var v target
	errs := DecodeStrict([]byte(data), root, &v)
	if len(errs) != 2 {
		t.Fatalf("got %d errors, want 2: %v", len(errs), errs)
	}
	mis, unk := errs[0], errs[1]
	if mis.Path != "rate.burst" || data[mis.Off:mis.Off+3] != `"x"` {
		t.Errorf("mismatch = %+v", mis)
	}
	if unk.Path != "rat" || data[unk.Off:unk.Off+5] != `"rat"` {
		t.Errorf("unknown field = %+v", unk)
	}
}

func TestDecodeStrictDecodesLikeUnmarshal(t *testing.T) {
	data := `{"name": "n", "count": 3, "rate": {"burst": 2, "per_second": 0.5}, "tags": [],
	          "extra": {"big": 18446744073709551616, "l": [1, "s", {}], "z": null}, "sizes": {"s": 255},
	          "id": 12345678901234567890, "on": true, "Plain": "p", "nested": {"A": -1}, "labels": {}}`
	root, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var got target
	if errs := DecodeStrict([]byte(data), root, &got); errs != nil {
		t.Fatalf("errors: %v", errs)
	}
	var want target
	dec := json.NewDecoder(strings.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	var top []any
	if errs := DecodeStrict([]byte(data), &Node{Kind: Null}, &top); len(errs) != 1 || errs[0].Msg != "value is null" {
		t.Errorf("null for a slice: %v", errs)
	}
	var p *int
	if errs := DecodeStrict([]byte(data), &Node{Kind: Null}, &p); errs != nil || p != nil {
		t.Errorf("null for a pointer: %v", errs)
	}
}
