package cassette

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Diff compares a normalised request with a recorded one: nil when equal,
// else one line per difference (Differences, as "path: problem"), in a
// fixed order (method, path, content type, body; object keys sorted, array
// items in order), each naming where it is:
//
//	method: sent GET, recorded POST
//	path: sent /shop/spu/add, recorded /shop/spu/get
//	content_type: sent "application/json; charset=utf-8", recorded "application/json"
//	body.title: sent "a", recorded "b"
//	body.skus.0.stock_num: absent from the request
//	body.skus.2: absent from the recording
//	raw_body: sent "{\"a\":", recorded "{\"b\":"
//	multipart.media.filename: sent "a.png", recorded "shopconform.png"
//
// JSON bodies are compared as values: key order and formatting do not
// count, and numbers are equal when they are the same number exactly (1.0
// equals 1; 9007199254740993 does not equal 9007199254740992, as it would
// through float64). Long strings are shown around their first difference.
// Multipart/form-data bodies are compared by meaning (multipart.go): their
// boundaries do not count, nor does the order of parts with different
// names. Both sides must be normalised with their own run's values, so
// that run-scoped values and times compare as placeholders.
func Diff(sent, recorded Request) []string {
	ds := Differences(sent, recorded)
	if len(ds) == 0 {
		return nil
	}
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return lines
}

// Difference is one way a request differs from a recorded one: Path says
// where ("method", "content_type", "body.skus.0.stock_num", "raw_body",
// "multipart.media.filename") and Problem how ("absent from the request",
// "sent \"a\", recorded \"b\"").
type Difference struct {
	Path    string
	Problem string
}

func (d Difference) String() string { return d.Path + ": " + d.Problem }

// Differences is Diff with each difference's path and problem apart.
func Differences(sent, recorded Request) []Difference {
	var d differ
	if sent.Method != recorded.Method {
		d.addf("method", "sent %s, recorded %s", sent.Method, recorded.Method)
	}
	if sent.Path != recorded.Path {
		d.addf("path", "sent %s, recorded %s", sent.Path, recorded.Path)
	}
	sm, rm, multi := multiparts(sent, recorded)
	// A multipart content type's boundary belongs to the body's framing,
	// which is compared by meaning below.
	if sent.ContentType != recorded.ContentType && !multi {
		d.addf("content_type", "sent %q, recorded %q", sent.ContentType, recorded.ContentType)
	}
	if multi {
		d.multipart(sm, rm)
	} else {
		d.body(sent, recorded)
	}
	return d.diffs
}

type differ struct{ diffs []Difference }

func (d *differ) addf(path, format string, args ...any) {
	d.diffs = append(d.diffs, Difference{Path: path, Problem: fmt.Sprintf(format, args...)})
}

// body compares the bodies by their kind first: none, JSON or raw text.
func (d *differ) body(sent, recorded Request) {
	sj, rj := sent.Body != nil, recorded.Body != nil
	sr, rr := sent.RawBody != "", recorded.RawBody != ""
	switch {
	case sj && rj:
		d.value("body", sent.Body, recorded.Body)
	case sr && rr:
		if sent.RawBody != recorded.RawBody {
			s, r := excerpts(sent.RawBody, recorded.RawBody)
			d.addf("raw_body", "sent %s, recorded %s", s, r)
		}
	case !sj && !sr && (rj || rr):
		d.addf(bodyField(recorded), "absent from the request")
	case (sj || sr) && !rj && !rr:
		d.addf(bodyField(sent), "absent from the recording")
	case sj && rr:
		d.addf("body", "sent JSON %s, recorded raw text %s", clip(render(sent.Body)), quoteClip(recorded.RawBody))
	case sr && rj:
		d.addf("body", "sent raw text %s, recorded JSON %s", quoteClip(sent.RawBody), clip(render(recorded.Body)))
	}
}

func bodyField(r Request) string {
	if r.Body != nil {
		return "body"
	}
	return "raw_body"
}

// value compares two JSON values at path.
func (d *differ) value(path string, s, r any) {
	switch sv := s.(type) {
	case map[string]any:
		rv, ok := r.(map[string]any)
		if !ok {
			break
		}
		for _, k := range unionKeys(sv, rv) {
			si, inS := sv[k]
			ri, inR := rv[k]
			switch p := path + "." + k; {
			case !inS:
				d.addf(p, "absent from the request")
			case !inR:
				d.addf(p, "absent from the recording")
			default:
				d.value(p, si, ri)
			}
		}
		return
	case []any:
		rv, ok := r.([]any)
		if !ok {
			break
		}
		for i := range max(len(sv), len(rv)) {
			switch p := path + "." + strconv.Itoa(i); {
			case i >= len(sv):
				d.addf(p, "absent from the request")
			case i >= len(rv):
				d.addf(p, "absent from the recording")
			default:
				d.value(p, sv[i], rv[i])
			}
		}
		return
	default:
		if scalarEqual(s, r) {
			return
		}
	}
	ss, rs := render(s), render(r)
	if a, aok := s.(string); aok {
		if b, bok := r.(string); bok {
			ss, rs = excerpts(a, b)
		}
	}
	d.addf(path, "sent %s, recorded %s", clip(ss), clip(rs))
}

// scalarEqual compares strings, booleans, null and numbers; numbers by
// value, exactly.
func scalarEqual(a, b any) bool {
	if x, ok := number(a); ok {
		y, ok := number(b)
		return ok && x.Cmp(y) == 0
	}
	if _, ok := number(b); ok {
		return false
	}
	switch a.(type) {
	case map[string]any, []any:
		return false
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	return a == b
}

// number reads a JSON number exactly. Bodies hold json.Number; a Request
// built by hand may hold Go numbers.
func number(v any) (*big.Rat, bool) {
	var s string
	switch n := v.(type) {
	case json.Number:
		s = string(n)
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, false
		}
		return new(big.Rat).SetFloat64(n), true
	case float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		s = fmt.Sprint(n)
	default:
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// render shows a JSON value compactly.
func render(v any) string {
	b, err := marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// clip keeps a shown value short: a long object or array is cut.
func clip(s string) string {
	const limit = 80
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit]) + "…"
}

// excerptWidth is how much of a long string a difference shows.
const excerptWidth = 60

// excerpts quotes two different strings; long ones are cut to a window
// around their first difference, with their lengths when those differ, so
// that a {{repeat:…}} body does not fill a failure message.
func excerpts(a, b string) (string, string) {
	ra, rb := []rune(a), []rune(b)
	if len(ra) <= excerptWidth && len(rb) <= excerptWidth {
		return strconv.Quote(a), strconv.Quote(b)
	}
	first := 0
	for first < len(ra) && first < len(rb) && ra[first] == rb[first] {
		first++
	}
	start := max(0, first-excerptWidth/3)
	cut := func(r []rune) string {
		end := min(len(r), start+excerptWidth)
		s := strconv.Quote(string(r[min(start, len(r)):end]))
		if start > 0 {
			s = "…" + s
		}
		if end < len(r) {
			s += "…"
		}
		if len(ra) != len(rb) {
			s += fmt.Sprintf(" (%d characters)", len(r))
		}
		return s
	}
	return cut(ra), cut(rb)
}

// quoteClip quotes the start of a long string.
func quoteClip(s string) string {
	if r := []rune(s); len(r) > excerptWidth {
		return strconv.Quote(string(r[:excerptWidth])) + "…"
	}
	return strconv.Quote(s)
}

// unionKeys are the keys of a and b, each once, in sorted order: a diff
// walks what either side has.
func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, dup := a[k]; !dup {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
