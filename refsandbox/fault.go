package refsandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopconform/shopconform/catalog"
)

// fault is what the domain layers return instead of a reply: a sentinel
// naming the rule that failed (and so its code), plus the detail that
// follows the catalog text in errmsg.
type fault struct {
	kind   error
	detail string
}

func (f *fault) Error() string { return f.kind.Error() + ": " + f.detail }
func (f *fault) Unwrap() error { return f.kind }

// failf wraps a sentinel with a detail.
func failf(kind error, format string, args ...any) error {
	return &fault{kind: kind, detail: fmt.Sprintf(format, args...)}
}

// detailOf is the detail of a fault, or "" for a bare sentinel.
func detailOf(err error) string {
	var f *fault
	if errors.As(err, &f) {
		return f.detail
	}
	return ""
}

// codedError is a rule of a domain that failed, with the code it answers:
// the store layers return these (wrapped in a fault with a detail), and
// replyOf turns them into the envelope. A sentinel names its code where it
// is declared, so there is one mapping from rule to code, not one a
// domain (style: stripe-mock's ResponseError, fake-gcs-server's sentinels).
type codedError struct {
	code catalog.Code
	text string
}

func (e *codedError) Error() string { return e.text }

// codeErr declares a sentinel that answers code.
func codeErr(code catalog.Code, text string) error { return &codedError{code: code, text: text} }

// codeFail is a one-off failure with a code and a detail, for a rule that
// needs no sentinel of its own.
func codeFail(code catalog.Code, detail ...string) error {
	return &fault{kind: &codedError{code: code, text: fmt.Sprintf("errcode %d", int(code))}, detail: strings.Join(detail, ": ")}
}

// errParameterMissing is the generic 990007 (§3.1) for a value a handler
// cannot use where no domain code fits.
var errParameterMissing = codeErr(catalog.ParameterMissing, "parameter missing")

// replyOf is the one adapter from a handler's result to its reply. An
// error that names no code is a bug of the sandbox, answered -1 with what
// went wrong, so that no case can mistake it for a documented answer.
func replyOf(data map[string]any, err error) reply {
	if err == nil {
		return okReply(data)
	}
	var c *codedError
	if errors.As(err, &c) {
		return errReply(c.code, detailOf(err))
	}
	return errReply(catalog.SystemError, "internal error of the reference sandbox: "+err.Error())
}

// Readers for values of a decoded JSON body (numbers are json.Number).
// Each answers false when the value is absent or of the wrong type, so a
// handler can treat "missing" and "unusable" alike where the docs give
// one code for both.

// asString is a non-empty string.
func asString(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok && s != ""
}

// asInt is an integral JSON number.
func asInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	return i, err == nil
}

// asUint is a 64-bit id: an integral JSON number, or its decimal text
// (§1: clients that cannot hold uint64 send ids as strings).
func asUint(v any) (uint64, bool) {
	var text string
	switch x := v.(type) {
	case json.Number:
		text = string(x)
	case string:
		text = x
	default:
		return 0, false
	}
	u, err := strconv.ParseUint(text, 10, 64)
	return u, err == nil
}

// asText is a string, or a number's exact text: for values the docs type
// one way and examples another (info_version, audit_id, §6.2 item 4).
func asText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case json.Number:
		return string(x), true
	}
	return "", false
}

// asStrings is an array whose items are all strings (possibly empty).
func asStrings(v any) ([]string, bool) {
	items, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func asObject(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	return m, ok
}

// absent is how the docs' "not supplied" reads on the wire: no key, null
// or "".
func absent(v any) bool { return v == nil || v == "" }

// fieldReader reads the fields of one JSON object in the order of the
// docs' field table and keeps the first problem, reported as kind (the
// domain's "required field missing" code).
type fieldReader struct {
	obj    map[string]any
	prefix string // e.g. "skus[0]." in details
	kind   error
	err    error
}

func (r *fieldReader) fail(key, why string) {
	if r.err == nil {
		r.err = failf(r.kind, "%s%s %s", r.prefix, key, why)
	}
}

// str is a required non-empty string.
func (r *fieldReader) str(key string) string {
	s, ok := asString(r.obj[key])
	if !ok {
		r.fail(key, "is missing or not a non-empty string")
	}
	return s
}

// optStr is an optional string; absent is "".
func (r *fieldReader) optStr(key string) string {
	v := r.obj[key]
	if v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		r.fail(key, "must be a string")
	}
	return s
}

// integer is a required integer of any sign.
func (r *fieldReader) integer(key string) int64 {
	n, ok := asInt(r.obj[key])
	if !ok {
		r.fail(key, "is missing or not an integer")
	}
	return n
}

// count is a required integer ≥ 0 (money in fen, stock).
func (r *fieldReader) count(key string) int64 {
	n, ok := asInt(r.obj[key])
	if !ok || n < 0 {
		r.fail(key, "is missing or not an integer ≥ 0")
	}
	return n
}

// optCount is an optional integer ≥ 0; absent is nil.
func (r *fieldReader) optCount(key string) *int64 {
	if r.obj[key] == nil {
		return nil
	}
	n, ok := asInt(r.obj[key])
	if !ok || n < 0 {
		r.fail(key, "must be an integer ≥ 0")
	}
	return &n
}

// id is a required uint64.
func (r *fieldReader) id(key string) uint64 {
	u, ok := asUint(r.obj[key])
	if !ok {
		r.fail(key, "is missing or not a uint64")
	}
	return u
}

// strs is a required non-empty array of non-empty strings.
func (r *fieldReader) strs(key string) []string {
	list, ok := asStrings(r.obj[key])
	if !ok || len(list) == 0 || slices.Contains(list, "") {
		r.fail(key, "is missing or not a non-empty array of non-empty strings")
	}
	return list
}

// optStrs is an optional array of strings; absent is empty, never nil,
// so that it answers as [] rather than null.
func (r *fieldReader) optStrs(key string) []string {
	if r.obj[key] == nil {
		return []string{}
	}
	list, ok := asStrings(r.obj[key])
	if !ok {
		r.fail(key, "must be an array of strings")
		return []string{}
	}
	return list
}

// optObject is an optional object; absent is an empty one.
func (r *fieldReader) optObject(key string) map[string]any {
	if r.obj[key] == nil {
		return map[string]any{}
	}
	m, ok := asObject(r.obj[key])
	if !ok {
		r.fail(key, "must be an object")
	}
	return m
}
