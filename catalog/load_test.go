package catalog_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// base is a valid entry on one line; cases derive bad ones from it with
// entryLine so each test shows only what it breaks.
const base = `{"code": 1, "name": "One", "domain": "universal", "text": "t", "meaning": "m", "evidence": "documented", "endpoints": [], "live_sandbox": {"triggerable": true}}`

// entryLine returns base with code and name substituted and then each
// old/new pair of edits replaced once.
func entryLine(code int, name string, edits ...string) string {
	s := strings.Replace(base, `"code": 1`, fmt.Sprintf(`"code": %d`, code), 1)
	s = strings.Replace(s, `"name": "One"`, fmt.Sprintf(`"name": %q`, name), 1)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			panic("entryLine: no " + edits[i] + " in " + s)
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	return s
}

// doc puts each entry on its own line: entry i is on line i+2.
func doc(entries ...string) string {
	return "{\"entries\": [\n" + strings.Join(entries, ",\n") + "\n]}\n"
}

// finding is one expected line of Load's error: the position is given as the
// line and the text found at the column, so a case stays readable.
type finding struct {
	line int
	at   string // the column is where this first occurs on the line
	msg  string // what follows "line:col: "
}

func TestLoadAcceptsMinimalCatalog(t *testing.T) {
	in := doc(
		entryLine(-1, "SystemError", `"text": "t"`, `"text": ""`, `"triggerable": true}`, `"triggerable": false, "note": "why"}`, `"endpoints": []`, `"endpoints": [], "platform": true`),
		entryLine(7, "Seven"),
		entryLine(1000011, "ProductNotFound", `"universal"`, `"product"`, `"evidence": "documented"`, `"evidence": "inferred"`, `[]`, `["/shop/spu/get"]`),
	)
	c, err := catalog.Load([]byte(in))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var codes []catalog.Code
	for _, e := range c.Entries() {
		codes = append(codes, e.Code)
	}
	if fmt.Sprint(codes) != "[-1 7 1000011]" {
		t.Errorf("Entries() codes = %v, want [-1 7 1000011]", codes)
	}
	e, _ := c.Lookup(1000011)
	if e.Domain != catalog.Product || e.Evidence != catalog.Inferred || len(e.Endpoints) != 1 || e.Platform {
		t.Errorf("Lookup(1000011) = %+v", e)
	}
	if !strings.HasPrefix(c.Hash(), "sha256:") || len(c.Hash()) != len("sha256:")+64 {
		t.Errorf("Hash() = %q", c.Hash())
	}
	if got := c.Describe(7); got != "7 (m)" {
		t.Errorf("Describe(7) = %q", got)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []finding
	}{
		{
			name: "syntax error",
			in:   doc(`{"code": 1,}`),
			want: []finding{{2, "}", "invalid JSON: invalid character '}' looking for beginning of object key string"}},
		},
		{
			name: "truncated",
			in:   "{\"entries\": [\n" + base,
			want: []finding{{2, "", "invalid JSON: unexpected end of input"}},
		},
		{
			name: "trailing data",
			in:   doc(base) + "{}",
			want: []finding{{4, "{}", "unexpected data after the top-level object"}},
		},
		{
			name: "invalid UTF-8",
			in:   doc(entryLine(1, "One", `"text": "t"`, "\"text\": \"t\xff\"")),
			want: []finding{{2, "\xff", "invalid UTF-8"}},
		},
		{
			name: "top level not an object",
			in:   "[\n]",
			want: []finding{{1, "[", "the top level must be an object"}},
		},
		{
			name: "top level fields",
			in:   "{\"entrys\": []}",
			want: []finding{
				{1, "{", `missing field "entries"`},
				{1, `"entrys"`, `unknown field "entrys"`},
			},
		},
		{
			name: "unknown fields, nested too",
			in:   doc(entryLine(5, "Five", `"text"`, `"texts": "x", "text"`, `"triggerable": true`, `"triggerable": true, "why": ""`)),
			want: []finding{
				{2, `"texts"`, `code 5: unknown field "texts"`},
				{2, `"why"`, `code 5: unknown field "live_sandbox.why"`},
			},
		},
		{
			name: "missing, null and mistyped fields",
			in: doc(
				entryLine(1, "One", `"code": 1, `, ``),
				entryLine(2, "Two", `"name": "Two"`, `"name": null`, `"endpoints": []`, `"endpoints": "/shop/spu/get"`),
				entryLine(3, "Three", `"code": 3`, `"code": 3.5`, `{"triggerable": true}`, `{"triggerable": "yes"}`),
			),
			want: []finding{
				{2, "{", `entry #1: missing field "code"`},
				{3, "null", `code 2: field "name" is null`},
				{3, `"/shop`, `code 2: field "endpoints" must be an array of paths, got "/shop/spu/get"`},
				{4, "3.5", `entry #3: field "code" must be an integer, got 3.5`},
				{4, `"yes"`, `entry #3: field "live_sandbox.triggerable" must be a boolean, got "yes"`},
			},
		},
		{
			name: "repeated codes and names",
			in:   doc(entryLine(1, "One"), entryLine(1, "Uno"), entryLine(2, "One")),
			want: []finding{
				{3, "1,", "code 1: code already used by the entry at 2:1"},
				{4, `"One"`, `code 2: name "One" already used by the entry at 2:1`},
			},
		},
		{
			name: "names that cannot be constants",
			in: doc(
				entryLine(1, "lowerCase"),
				entryLine(2, "Has Space"),
				entryLine(3, "Product"),
				entryLine(4, ""),
			),
			want: []finding{
				{2, `"lowerCase"`, `code 1: name "lowerCase" is not an exported Go identifier`},
				{3, `"Has Space"`, `code 2: name "Has Space" is not an exported Go identifier`},
				{4, `"Product"`, `code 3: name "Product" collides with an identifier of package catalog`},
				{5, `""`, `code 4: name "" is not an exported Go identifier`},
			},
		},
		{
			name: "values outside their rules",
			in: doc(
				entryLine(1, "One", `"universal"`, `"sales"`),
				entryLine(2, "Two", `"text": "t"`, `"text": " "`, `"meaning": "m"`, `"meaning": ""`),
				entryLine(3, "Three", `"documented"`, `"D"`),
				entryLine(4, "Four", `"triggerable": true`, `"triggerable": false`),
				entryLine(6, "Six", `[]`, `["spu/get", "/shop/a", "/shop/a"]`),
				entryLine(7, "Seven", `"meaning": "m"`, `"meaning": "two\nlines"`),
				entryLine(8, "Eight", `"universal"`, `"coupon"`, `"endpoints": []`, `"endpoints": [], "platform": true`),
			),
			want: []finding{
				{2, `"sales"`, `code 1: unknown domain "sales" (allowed: universal, product, order, access, audit, upload, coupon, share)`},
				{3, `" "`, `code 2: text is empty`},
				{3, `""`, `code 2: meaning is empty`},
				{4, `"D"`, `code 3: evidence "D" is not one of "documented", "inferred"`},
				{5, `{"triggerable"`, `code 4: live_sandbox.triggerable is false but no note says why`},
				{6, `"spu/get"`, `code 6: endpoint "spu/get" must be a full path starting /shop/ or /cgi-bin/`},
				{6, `"/shop/a"]`, `code 6: endpoint "/shop/a" repeated`},
				{7, `"two`, `code 7: meaning must be a single line`},
				{8, `true, "live`, `code 8: platform entry must be in domain "universal", not "coupon"`},
			},
		},
		{
			name: "out of order",
			in: doc(
				entryLine(1000011, "ProductNotFound", `"universal"`, `"product"`),
				entryLine(40066, "URLNotFound"),
				entryLine(990010, "SystemBusy"),
				entryLine(990007, "ParameterMissing"),
			),
			want: []finding{
				{3, "{", "code 40066: out of order: must come before code 1000011 (product) at 2:1"},
				{5, "{", "code 990007: out of order: must come before code 990010 (universal) at 4:1"},
			},
		},
		{
			name: "several kinds in one file",
			in: doc(
				entryLine(1, "One", `"text"`, `"txt": "", "text"`),
				entryLine(1, "one", `"documented"`, `"maybe"`),
			),
			want: []finding{
				{2, `"txt"`, `code 1: unknown field "txt"`},
				{3, "1,", "code 1: code already used by the entry at 2:1"},
				{3, `"one"`, `code 1: name "one" is not an exported Go identifier`},
				{3, `"maybe"`, `code 1: evidence "maybe" is not one of`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := catalog.Load([]byte(tt.in))
			if err == nil {
				t.Fatalf("Load accepted the input (%d entries); want %d findings", len(c.Entries()), len(tt.want))
			}
			got := strings.Split(err.Error(), "\n")
			lines := strings.Split(tt.in, "\n")
			for i, w := range tt.want {
				col := len(lines[w.line-1]) + 1 // end of line, for "unexpected end"
				if w.at != "" {
					col = strings.Index(lines[w.line-1], w.at) + 1
				}
				prefix := fmt.Sprintf("%d:%d: %s", w.line, col, w.msg)
				if i >= len(got) || !strings.HasPrefix(got[i], prefix) {
					t.Errorf("finding %d: want a line starting\n\t%s\nLoad reported:\n\t%s", i+1, prefix, strings.Join(got, "\n\t"))
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("Load reported %d findings, want %d:\n\t%s", len(got), len(tt.want), strings.Join(got, "\n\t"))
			}
		})
	}
}
