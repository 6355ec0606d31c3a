package fuzz

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/jsonvalue"
)

// operator is one named way of breaking a request. It works on fields
// (field), on rules (rule), or on the whole body (neither).
type operator struct {
	name string
	what string // one line, for the README and --help
	on   target
	make func(m *mut) bool
}

type target int

const (
	onField target = iota
	onRule
	onBody
)

// Operators lists the operators' names, in the order they are tried.
func Operators() []string {
	out := make([]string, len(operators))
	for i, op := range operators {
		out[i] = op.name
	}
	return out
}

// Describe is the operators as "name: what it does" lines.
func Describe() []string {
	out := make([]string, len(operators))
	for i, op := range operators {
		out[i] = op.name + ": " + op.what
	}
	return out
}

var operators = []*operator{
	{"drop-required", "remove a field the spec requires (or requires under conditions that hold)", onField, dropRequired},
	{"null", "send null: a required field is then missing, an optional one absent (valid)", onField, setNull},
	{"wrong-type", "a value of another JSON type (a string for a number, an object for a string, 1.5 for an integer)", onField, wrongType},
	{"empty-string", `send "": missing when required, absent (valid) otherwise`, onField, emptyString},
	{"blank-string", "white space alone", onField, blankString},
	{"too-long", "one character (or more) over max_length", onField, tooLong},
	{"too-short", "one character under min_length (an empty file under a file's min_length)", onField, tooShort},
	{"enum-unknown", "a value outside the field's enum", onField, enumUnknown},
	{"negative", "a negative number where the spec bounds it below (or an id, which is unsigned)", onField, negative},
	{"zero", "0 where the spec bounds a number above it, or for a required id (0 is no id)", onField, zero},
	{"huge-number", "one over max, or a number beyond 64 bits", onField, huge},
	{"bad-time-format", `a time that is not "yyyy-MM-dd HH:mm:ss" (or not unix seconds)`, onField, badTimeFormat},
	{"out-of-window", "a time a month outside its window relative to now", onField, outOfWindow},
	{"malformed-openid", "an openid of the wrong shape", onField, malformedOpenID},
	{"foreign-openid", "a well-formed openid of no user of the appid", onField, foreignOpenID},
	{"empty-array", "[] where the spec asks for min_items", onField, emptyArray},
	{"too-many-items", "one item over max_items", onField, tooManyItems},
	{"duplicate-items", "an item repeated where the spec asks for unique items", onField, duplicateItems},
	{"oversize-page-size", "page_size (or limit) over its maximum", onField, oversizePageSize},
	{"unicode-text", "a free-text field in other scripts, with combining, zero-width, direction and NUL characters (valid)", onField, unicodeText},
	{"emoji-text", "a free-text field in emoji, up to its max_length in characters (valid)", onField, emojiText},
	{"reversed-range", "a time range whose start is after its end", onRule, reversedRange},
	{"pair-neither", "neither id of a pair where one is required (二选一)", onRule, pairNeither},
	{"pair-both", "both ids of a pair, the added one naming no object (the docs are silent: 0 or a state code)", onRule, pairBoth},
	{"unknown-id", "the ids of a pair naming no object", onRule, unknownID},
	{"unknown-field", "an extra member the spec does not know (ignored: valid)", onBody, unknownField},
	{"malformed-json", "a body that is not one JSON object: cut short, a trailing comma, a comment, trailing data, an array, empty", onBody, malformedJSON},
	{"wrong-state", "the valid request again, once it has done its work: refused where the docs say so, else 0 or a state code", onBody, wrongState},
}

func dropRequired(m *mut) bool {
	p, ok := m.place()
	if !ok || !p.present || p.obj == nil {
		return false
	}
	delete(p.obj, p.name)
	must, known := m.must()
	if !known || !must {
		return false
	}
	m.expect(m.site.field, apispec.Missing)
	return true
}

func setNull(m *mut) bool {
	p, ok := m.place()
	return ok && p.present && !m.multipart && m.write(p, nil, nil, true)
}

// wrongValues are values of every JSON type but those t accepts.
var wrongValues = map[apispec.Type][]any{
	apispec.String:  {json.Number("12345"), true, []any{}, map[string]any{}},
	apispec.Integer: {"12", json.Number("1.5"), true, []any{json.Number("1")}},
	apispec.Number:  {"1.5", true, map[string]any{}},
	apispec.ID:      {"not-an-id", json.Number("-1"), json.Number("1.5"), true},
	apispec.Boolean: {"true", json.Number("1"), []any{}},
	apispec.Text:    {true, []any{"x"}, map[string]any{}},
	apispec.Object:  {"x", []any{}, json.Number("1")},
	apispec.Array:   {map[string]any{}, "x", json.Number("1")},
}

func wrongType(m *mut) bool {
	values := wrongValues[m.site.field.Type]
	p, ok := m.place()
	if !ok || len(values) == 0 {
		return false
	}
	v := jsonvalue.Clone(values[m.rng.IntN(len(values))])
	return m.write(p, v, v, false)
}

func emptyString(m *mut) bool {
	p, ok := m.place()
	return ok && p.present && isText(m.site.field) && m.write(p, "", "", true)
}

func isText(f *apispec.Field) bool {
	return f.Type == apispec.String || f.Type == apispec.Text || f.Type == apispec.ID
}

func blankString(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	if !ok || !p.present || f.Type != apispec.String && f.Type != apispec.Text {
		return false
	}
	v := []string{"   ", "\t", " \n "}[m.rng.IntN(3)]
	return m.write(p, v, v, true)
}

// filler is what long strings are made of: one byte, or one CJK
// character (three bytes, one character).
var filler = []string{"x", "字"}

func tooLong(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	if !ok || f.MaxLength == 0 || f.Type != apispec.String && f.Type != apispec.Text {
		return false
	}
	n := f.MaxLength + 1 + m.rng.IntN(2)*m.rng.IntN(64)
	stored, value := repeat(filler[m.rng.IntN(len(filler))], n)
	return m.write(p, stored, value, false)
}

// repeat is s n times, written as {{repeat:s:n}} when long, so that an
// emitted case stays readable.
func repeat(s string, n int) (stored, value string) {
	value = strings.Repeat(s, n)
	if n <= 40 {
		return value, value
	}
	return fmt.Sprintf("{{repeat:%s:%d}}", s, n), value
}

func tooShort(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	switch {
	case !ok:
		return false
	case f.Type == apispec.File && f.MinLength > 0:
		file, _ := p.value.(formFile)
		file.Base64 = ""
		return m.write(p, file, file, false)
	case f.MinLength > 1 && (f.Type == apispec.String || f.Type == apispec.Text):
		stored, value := repeat("x", f.MinLength-1)
		return m.write(p, stored, value, false)
	}
	return false
}

func enumUnknown(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	if !ok || len(f.Enum)+len(f.EnumText) == 0 {
		return false
	}
	var v any = fmt.Sprintf("fuzz_unknown_%d", m.rng.IntN(100))
	if len(f.Enum) > 0 {
		top := int64(0)
		for _, e := range f.Enum {
			if n, err := e.Int64(); err == nil && n > top {
				top = n
			}
		}
		n := number(top + 1 + int64(m.rng.IntN(50)))
		v = n
		if f.Type == apispec.String || m.multipart {
			v = n.String()
		}
	}
	return m.write(p, v, v, false)
}

func isNumeric(f *apispec.Field) bool {
	return f.Type == apispec.Integer || f.Type == apispec.Number || f.Type == apispec.ID
}

func negative(m *mut) bool {
	p, ok := m.place()
	if !ok || !isNumeric(m.site.field) {
		return false
	}
	v := number(-1 - int64(m.rng.IntN(2))*int64(m.rng.IntN(1000000)))
	return m.write(p, v, v, false)
}

func zero(m *mut) bool {
	p, ok := m.place()
	if !ok || !isNumeric(m.site.field) {
		return false
	}
	v := json.Number("0")
	return m.write(p, v, v, false)
}

func huge(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	if !ok || !isNumeric(f) {
		return false
	}
	var candidates []any
	if f.Max != nil {
		candidates = append(candidates, above(f.Max))
	}
	switch f.Type {
	case apispec.Integer:
		candidates = append(candidates, json.Number("9223372036854775808"))
	case apispec.ID:
		candidates = append(candidates, json.Number("18446744073709551616"))
	}
	if len(candidates) == 0 {
		return false
	}
	v := candidates[m.rng.IntN(len(candidates))]
	return m.write(p, v, v, false)
}

var badTimes = []string{"2024/05/01 10:00:00", "2024-05-01T10:00:00+08:00", "2024-02-30 10:00:00", "2024-05-01 24:00:00", "yesterday", "1714528800"}

func badTimeFormat(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	if !ok || !f.Format.IsTime() {
		return false
	}
	var v any = badTimes[m.rng.IntN(len(badTimes))]
	if f.Format != apispec.DateTime {
		v = []any{"2024-05-01 10:00:00", json.Number("1714528800.5")}[m.rng.IntN(2)]
	}
	return m.write(p, v, v, false)
}

// month is how far outside its window a time is put: the target's clock
// and the campaign's may differ by minutes, never by a month.
const month = 30 * 24 * 3600

func outOfWindow(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	if !ok || f.Window == nil || m.multipart {
		return false
	}
	w := f.Window
	var offset int64
	switch {
	case w.Max != nil && (w.Min == nil || m.rng.IntN(2) == 0):
		offset = *w.Max + month + int64(m.rng.IntN(10))*86400
	case w.Min != nil:
		offset = *w.Min - month - int64(m.rng.IntN(10))*86400
	default:
		return false
	}
	stored, ok := relativeTime(f.Format, offset)
	if !ok {
		return false
	}
	p.set(stored)
	m.expect(f, apispec.OutWindow)
	return true
}

// relativeTime is the placeholder of a time offset seconds from now, in
// the field's format.
func relativeTime(format apispec.Format, offset int64) (string, bool) {
	name := map[apispec.Format]string{apispec.DateTime: "datetime", apispec.UnixSeconds: "now", apispec.UnixMillis: "now_ms"}[format]
	if name == "" {
		return "", false
	}
	if format == apispec.UnixMillis {
		offset *= 1000
	}
	return fmt.Sprintf("{{%s%+d}}", name, offset), true
}

var openIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func malformedOpenID(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	if !ok || f.Format != apispec.OpenID || f.Type != apispec.String {
		return false
	}
	v := []string{"not-an-openid", "o123", "oFUZZ " + strings.Repeat("x", 22), "x" + strings.Repeat("A", 27)}[m.rng.IntN(4)]
	p.set(v)
	must, known := m.must()
	if !known {
		return false
	}
	if strings.TrimSpace(v) == "" && must {
		return false
	}
	m.expect(f, apispec.BadFormat)
	return true
}

func foreignOpenID(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	if !ok || f.Format != apispec.OpenID || f.NoMember || f.Type != apispec.String {
		return false
	}
	var b strings.Builder
	b.WriteString("oFuzz")
	for b.Len() < 28 {
		b.WriteByte(openIDAlphabet[m.rng.IntN(len(openIDAlphabet))])
	}
	p.set(b.String())
	m.expect(f, apispec.NotMember)
	return true
}

func emptyArray(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	if !ok || !p.present || f.Type != apispec.Array || f.MinItems == 0 || m.multipart {
		return false
	}
	return m.write(p, []any{}, []any{}, false)
}

// maxPadded bounds the arrays too-many-items writes.
const maxPadded = 1000

func tooManyItems(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	items, isArray := p.value.([]any)
	if !ok || !isArray || len(items) == 0 || f.MaxItems == 0 || f.MaxItems >= maxPadded {
		return false
	}
	for len(items) <= f.MaxItems {
		items = append(items, jsonvalue.Clone(items[m.rng.IntN(len(items))]))
	}
	return m.write(p, items, items, false)
}

func duplicateItems(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	items, isArray := p.value.([]any)
	if !ok || !isArray || len(items) == 0 || f.UniqueBy == "" {
		return false
	}
	it := items[m.rng.IntN(len(items))]
	key := it
	if f.UniqueBy != "." {
		obj, _ := it.(map[string]any)
		key = obj[f.UniqueBy]
	}
	if absent(key) {
		return false // absent keys never repeat
	}
	p.set(append(slices.Clone(items), jsonvalue.Clone(it)))
	if f.MaxItems > 0 && len(items)+1 > f.MaxItems {
		m.expect(f, apispec.TooMany)
	}
	m.expect(f, apispec.Duplicate)
	return true
}

func oversizePageSize(m *mut) bool {
	f := m.site.field
	p, ok := m.place()
	if !ok || f.Max == nil || f.Name != "page_size" && f.Name != "limit" {
		return false
	}
	n, _ := above(f.Max).Int64()
	v := number(n + int64(m.rng.IntN(2)*m.rng.IntN(1000)))
	return m.write(p, v, v, false)
}

// unicodeSamples are valid texts that stress a decoder and a database:
// other scripts, combining marks, zero-width and direction characters,
// NUL and the byte-order mark.
var unicodeSamples = []string{
	"商品名称测试", "Ünïcödé ţëxţ", "עִבְרִית\u200f", "नमस्ते दुनिया", "e\u0301\u0301\u0301", "a\u200bb\u200dc",
	"\u202eevil\u202c", "nul\u0000byte", "\ufeffbom", "𠜎𠜱𠝹", "ℌ𝔢𝔩𝔩𝔬", "\u00a0nbsp\u3000",
}

// emojiSamples are emoji, a character each, and sequences of several.
var emojiSamples = []string{"😀", "🛒", "🇨🇳", "👨\u200d👩\u200d👧", "❤\ufe0f", "🏳\ufe0f\u200d🌈", "👍🏽"}

func unicodeText(m *mut) bool { return freeText(m, unicodeSamples) }
func emojiText(m *mut) bool   { return freeText(m, emojiSamples) }

// freeText replaces a present free-text field (no format, no enum) with
// samples, as many characters as its lengths allow: valid, so 0 is among
// what it may earn (and so is any documented code, should the text name
// an object or fill a condition).
func freeText(m *mut, samples []string) bool {
	f := m.site.field
	p, ok := m.place()
	if !ok || !p.present || f.Type != apispec.String && f.Type != apispec.Text || f.Format != "" || len(f.Enum)+len(f.EnumText) > 0 {
		return false
	}
	limit := f.MaxLength
	if limit == 0 || limit > 64 {
		limit = 64
	}
	want := max(f.MinLength, 1+m.rng.IntN(limit))
	var runes []rune
	for len(runes) < want {
		runes = append(runes, []rune(samples[m.rng.IntN(len(samples))])...)
	}
	runes = runes[:min(len(runes), limit)]
	if strings.TrimSpace(string(runes)) == "" {
		runes[0] = '字'
	}
	v := string(runes)
	return m.write(p, v, v, true)
}

// ruleObject is the object a rule site sits in, when the body has it and
// the rule's conditions hold there.
func (m *mut) ruleObject() (map[string]any, bool) {
	var obj map[string]any
	if len(m.site.path) == 0 {
		obj, _ = m.root.(map[string]any)
	} else if p, ok := m.place(); ok {
		obj, _ = p.value.(map[string]any)
	}
	if obj == nil {
		return nil, false
	}
	ok, known := holds(m.root, m.site.rule.When)
	return obj, ok && known
}

func reversedRange(m *mut) bool {
	r := m.site.rule
	obj, ok := m.ruleObject()
	if !ok || r.Kind != apispec.Ordered || m.multipart {
		return false
	}
	first, second := m.site.parent.Member(r.Fields[0]), m.site.parent.Member(r.Fields[1])
	if first == nil || second == nil {
		return false
	}
	end := obj[r.Fields[1]]
	if absent(end) {
		var ok bool
		if end, ok = relativeTime(second.Format, 0); !ok {
			return false
		}
		obj[r.Fields[1]] = end
	}
	start, ok := later(end, second.Format)
	if !ok {
		return false
	}
	obj[r.Fields[0]] = start
	m.expectCodes(r.Code, catalog.ParameterMissing)
	if first.Window != nil {
		m.expect(first, apispec.OutWindow)
	}
	return true
}

var relativeRE = regexp.MustCompile(`^\{\{(now|now_ms|datetime)([+-][0-9]+)?\}\}$`)

// later is a value a day after v (one after it for a plain number), in
// v's own form: a placeholder, a datetime, a number.
func later(v any, format apispec.Format) (any, bool) {
	day := int64(86400)
	if format == apispec.UnixMillis {
		day *= 1000
	}
	switch x := v.(type) {
	case string:
		if mm := relativeRE.FindStringSubmatch(x); mm != nil {
			off, _ := strconv.ParseInt(mm[2], 10, 64)
			return fmt.Sprintf("{{%s%+d}}", mm[1], off+day), true
		}
		t, err := time.ParseInLocation(time.DateTime, x, chinaTime)
		if err != nil {
			return nil, false
		}
		return t.Add(24 * time.Hour).Format(time.DateTime), true
	case json.Number:
		n, err := x.Int64()
		if err != nil {
			return nil, false
		}
		if !format.IsTime() {
			day = 1
		}
		return number(n + day), true
	}
	return nil, false
}

func pairNeither(m *mut) bool {
	r := m.site.rule
	obj, ok := m.ruleObject()
	if !ok || r.Kind != apispec.OneOf {
		return false
	}
	for _, k := range r.Fields {
		delete(obj, k)
	}
	m.expectCodes(r.Code, catalog.ParameterMissing)
	return true
}

// idPair: a one_of rule over ids ("二选一"), naming an existing object.
func idPair(r *apispec.Rule) bool {
	if r.Kind != apispec.OneOf {
		return false
	}
	for _, k := range r.Fields {
		if !strings.HasSuffix(k, "_id") {
			return false
		}
	}
	return true
}

// unknownIDValue is an id no object has: a WeChat id far above any the
// sandboxes issue, or a merchant id with a marker.
func (m *mut) unknownIDValue(f *apispec.Field) any {
	if f.Type == apispec.ID {
		return number(8_000_000_000_000_000_000 + int64(m.rng.IntN(1_000_000_000)))
	}
	return fmt.Sprintf("fuzz-unknown-%08x", m.rng.Uint32())
}

func unknownID(m *mut) bool {
	r := m.site.rule
	obj, ok := m.ruleObject()
	states := stateCodes(m.ep)
	if !ok || !idPair(r) || len(states) == 0 {
		return false
	}
	changed := false
	for _, k := range r.Fields {
		if f := m.site.parent.Member(k); f != nil && !absent(obj[k]) {
			obj[k] = m.unknownIDValue(f)
			changed = true
		}
	}
	if changed {
		m.expectCodes(states...)
		m.expectCodes(catalog.ParameterMissing)
	}
	return changed
}

func pairBoth(m *mut) bool {
	r := m.site.rule
	obj, ok := m.ruleObject()
	if !ok || !idPair(r) {
		return false
	}
	var missing []string
	for _, k := range r.Fields {
		if absent(obj[k]) {
			missing = append(missing, k)
		}
	}
	if len(missing) != 1 {
		return false
	}
	f := m.site.parent.Member(missing[0])
	if f == nil {
		return false
	}
	obj[missing[0]] = m.unknownIDValue(f)
	m.mayPass()
	m.expectCodes(stateCodes(m.ep)...)
	return true
}

var unknownValues = []any{"fuzz", json.Number("1"), true, map[string]any{"fuzz": "x"}, []any{json.Number("1"), "x"}}

// unknownField adds a member to the body or one of its objects: the spec
// ignores members it does not know (apispec/README.md, "Choices").
func unknownField(m *mut) bool {
	objs := objects(m.root)
	if len(objs) == 0 {
		return false
	}
	obj := objs[m.rng.IntN(len(objs))]
	name := fmt.Sprintf("fuzz_unknown_%d", m.rng.IntN(1000))
	if _, taken := obj[name]; taken {
		return false
	}
	v := jsonvalue.Clone(unknownValues[m.rng.IntN(len(unknownValues))])
	if m.multipart {
		obj, v = objs[0], "fuzz"
	}
	obj[name] = v
	m.mayPass()
	return true
}

// malformedJSON writes the body as text that is not one JSON object
// (§3.1 47001), never starting a placeholder the case format would read.
func malformedJSON(m *mut) bool {
	if m.multipart {
		return false
	}
	text := jsonText(m.root)
	variants := []func() string{
		func() string { return cutShort(text) },
		func() string { return strings.TrimSuffix(text, "}") + `,}` },
		func() string { return "// a comment\n" + text },
		func() string { return text + ` {"trailing": true}` },
		func() string { return "[" + text + "]" },
		func() string { return "" },
		func() string { return strings.ReplaceAll(text, `"`, `'`) },
	}
	raw := variants[m.rng.IntN(len(variants))]()
	if raw == text || strings.HasPrefix(text, "{}") && raw == "{" {
		return false
	}
	m.out.raw = &raw
	m.expectCodes(catalog.NotJSON)
	return true
}

// cutShort cuts a JSON text in half, outside any placeholder.
func cutShort(text string) string {
	at := len(text) / 2
	if open := strings.LastIndex(text[:at], "{{"); open >= 0 && !strings.Contains(text[open:at], "}}") {
		at = open
	}
	if at == 0 {
		at = 1
	}
	return text[:at]
}

// refusesRepeat are the endpoints whose valid request, sent a second
// time, the docs refuse, with the code (apispec/api-reference.md §3):
// elsewhere a repeat may be idempotent, and 0 is among what it may earn.
var refusesRepeat = map[string]catalog.Code{
	"/shop/spu/add":    1000012, // §3.2: the same out_product_id twice
	"/shop/coupon/add": 1090002, // §3.7: the same out_coupon_id twice
	"/shop/order/pay":  1000000, // §3.3: an order that no longer awaits payment
}

func wrongState(m *mut) bool {
	m.out.repeat = true
	if code, refused := refusesRepeat[m.ep.Path]; refused {
		m.expectCodes(code)
	} else {
		m.mayPass()
	}
	m.expectCodes(stateCodes(m.ep)...)
	return true
}
