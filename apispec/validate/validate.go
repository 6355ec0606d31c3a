// Package validate checks a request against its endpoint's spec: the one
// generic validator the reference sandbox runs before any handler. It is
// compiled once per endpoint, so a request costs one walk over its body.
package validate

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// Env is what a request is judged against beyond its own fields.
type Env interface {
	// Now is the caller's clock, for the windows of time fields.
	Now() time.Time
	// IsUser reports whether openid is a user of the caller's appid.
	IsUser(openid string) bool
}

// Check is a named rule of the spec (rule "check"), implemented in Go:
// obj is the object the rule sits in. It answers what is wrong, or ok.
type Check func(obj map[string]any, env Env) (detail string, ok bool)

// FilePart is a multipart file's value in a form body.
type FilePart struct {
	Filename    string
	ContentType string
	Size        int
}

// Violation is the first broken rule of a request.
type Violation struct {
	Code catalog.Code
	Kind apispec.Violation // empty for a rule
	Rule apispec.RuleKind  // empty for a field
	// Path is the field at fault as sent: "skus[1].out_sku_id"; for a
	// rule, the object it sits in.
	Path   string
	Detail string // for errmsg: "skus[1].out_sku_id is missing"
}

// Validator checks the requests of one endpoint.
type Validator struct {
	root *node
}

// ChinaTime is the zone of the "yyyy-MM-dd HH:mm:ss" times (§1): China
// has no daylight saving, so a fixed offset needs no tzdata.
var ChinaTime = time.FixedZone("Asia/Shanghai", 8*60*60)

// Compile builds the validator of ep. checks implements the spec's named
// rules; a name the spec uses and checks lacks is an error.
func Compile(ep *apispec.Endpoint, checks map[string]Check) (*Validator, error) {
	c := compiler{checks: checks}
	root := c.field(ep.Request)
	if len(c.missing) > 0 {
		return nil, fmt.Errorf("%s: no Go check for rule(s) %s", ep.Path, strings.Join(c.missing, ", "))
	}
	return &Validator{root: root}, nil
}

// Request returns the first violation of body, or nil. The root is an
// object; its entries run in the spec's order, each field's checks in
// the order of apispec.Violations.
func (v *Validator) Request(body map[string]any, env Env) *Violation {
	w := walkers.Get().(*walker)
	w.env, w.root, w.path, w.found = env, body, w.path[:0], nil
	w.object(v.root, body)
	found := w.found
	w.env, w.root = nil, nil
	walkers.Put(w)
	return found
}

type compiler struct {
	checks  map[string]Check
	missing []string
}

// node is a compiled field.
type node struct {
	f        *apispec.Field
	name     string
	codes    [16]catalog.Code
	enumInt  map[int64]bool
	enumText map[string]bool
	when     []cond
	entries  []entry
	items    *node

	// Read off f once, so that a walk compares no strings of the spec.
	accepts     kinds // the Go kinds a value of the type may have
	integer, id bool
	required    bool // required, or conditional (then see when)
	conditional bool
	blankCheck  bool // a blank string is refused even when optional
	lengths     bool
	bounds      bool
}

// kinds is a set of the Go kinds of a decoded JSON value.
type kinds uint8

const (
	kString kinds = 1 << iota
	kNumber
	kBool
	kArray
	kObject
	kFile
	kAll = kString | kNumber | kBool | kArray | kObject | kFile
)

var accepted = map[apispec.Type]kinds{
	apispec.String: kString, apispec.Integer: kNumber, apispec.Number: kNumber, apispec.ID: kString | kNumber,
	apispec.Boolean: kBool, apispec.Text: kString | kNumber, apispec.Object: kObject, apispec.Array: kArray,
	apispec.File: kFile, apispec.Any: kAll,
}

type entry struct {
	field *node
	rule  *rule
}

type rule struct {
	r      *apispec.Rule
	when   []cond
	fields []string
	check  Check
}

type cond struct {
	c    apispec.Cond
	path []string
	in   map[string]bool
}

var violationIndex = func() map[apispec.Violation]int {
	m := map[apispec.Violation]int{}
	for i, v := range apispec.Violations() {
		m[v] = i
	}
	return m
}()

func (c *compiler) field(f *apispec.Field) *node {
	n := &node{f: f, name: f.Name, when: compileConds(f.When),
		accepts: accepted[f.Type], integer: f.Type == apispec.Integer, id: f.Type == apispec.ID,
		required: f.Presence != apispec.Optional, conditional: f.Presence == apispec.Conditional,
		blankCheck: f.NotBlank, lengths: f.MinLength > 0 || f.MaxLength > 0,
		bounds: f.Min != nil || f.Max != nil || f.Window != nil}
	for v, code := range f.Codes {
		n.codes[violationIndex[v]] = code
	}
	if len(f.Enum) > 0 {
		n.enumInt = map[int64]bool{}
		n.enumText = map[string]bool{}
		for _, e := range f.Enum {
			if i, err := e.Int64(); err == nil {
				n.enumInt[i] = true
			}
			n.enumText[e.String()] = true
		}
	}
	if len(f.EnumText) > 0 {
		if n.enumText == nil {
			n.enumText = map[string]bool{}
		}
		for _, e := range f.EnumText {
			n.enumText[e] = true
		}
	}
	for _, e := range f.Order {
		if e.Field != nil {
			n.entries = append(n.entries, entry{field: c.field(e.Field)})
			continue
		}
		r := &rule{r: e.Rule, when: compileConds(e.Rule.When), fields: e.Rule.Fields}
		if e.Rule.Kind == apispec.Check {
			if r.check = c.checks[e.Rule.Name]; r.check == nil {
				c.missing = append(c.missing, e.Rule.Name)
			}
		}
		n.entries = append(n.entries, entry{rule: r})
	}
	if f.Items != nil {
		n.items = c.field(f.Items)
	}
	return n
}

func compileConds(cs []apispec.Cond) []cond {
	out := make([]cond, len(cs))
	for i, c := range cs {
		out[i] = cond{c: c, path: strings.Split(c.Field, ".")}
		if len(c.In)+len(c.InText) > 0 {
			out[i].in = map[string]bool{}
			for _, v := range c.In {
				out[i].in[v.String()] = true
			}
			for _, v := range c.InText {
				out[i].in[v] = true
			}
		}
	}
	return out
}

// walker is one request's walk; path is the place in the body, built into
// a string only when something is wrong.
type walker struct {
	env   Env
	root  map[string]any
	path  []segment
	found *Violation
}

// walkers are reused: a walk's path would otherwise cost an allocation
// per request.
var walkers = sync.Pool{New: func() any { return &walker{path: make([]segment, 0, 16)} }}

// segment is a member's name, or an item's index when name is "".
type segment struct {
	name  string
	index int
}

func (w *walker) here() string {
	var b strings.Builder
	for _, seg := range w.path {
		switch {
		case seg.name == "":
			b.WriteString("[" + strconv.Itoa(seg.index) + "]")
		case b.Len() > 0:
			b.WriteString("." + seg.name)
		default:
			b.WriteString(seg.name)
		}
	}
	return b.String()
}

func (w *walker) fail(n *node, v apispec.Violation, format string, args ...any) {
	p := w.here()
	w.found = &Violation{Code: n.codes[violationIndex[v]], Kind: v, Path: p, Detail: p + " " + fmt.Sprintf(format, args...)}
}

func (w *walker) failRule(r *rule, format string, args ...any) {
	p := w.here()
	detail := fmt.Sprintf(format, args...)
	if p != "" {
		detail = p + ": " + detail
	}
	w.found = &Violation{Code: r.r.Code, Rule: r.r.Kind, Path: p, Detail: detail}
}

// object runs an object's entries in order; it stops at the first problem.
func (w *walker) object(n *node, obj map[string]any) {
	for _, e := range n.entries {
		if e.rule != nil {
			w.rule(e.rule, obj)
		} else {
			w.path = append(w.path, segment{name: e.field.name})
			w.value(e.field, obj[e.field.name])
			w.path = w.path[:len(w.path)-1]
		}
		if w.found != nil {
			return
		}
	}
}

func (w *walker) holds(cs []cond) bool {
	for _, c := range cs {
		v := lookup(w.root, c.path)
		switch {
		case c.c.Present && Absent(v):
			return false
		case c.c.Absent && !Absent(v):
			return false
		case c.in != nil && !c.in[ScalarText(v)]:
			return false
		}
	}
	return true
}

func lookup(obj map[string]any, path []string) any {
	var v any = obj
	for _, seg := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[seg]
	}
	return v
}

// ScalarText is how a condition's "in" list reads a decoded JSON value:
// its text for a string, number or boolean; anything else matches no
// listed value.
func ScalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return "\x00" // matches no condition value
}

// Absent is how the docs' "not supplied" reads on the wire: no key, null,
// "", or the id 0.
func Absent(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	}
	return false
}

func (w *walker) value(n *node, v any) {
	switch x := v.(type) {
	case nil:
		w.absent(n)
	case string:
		switch {
		case x == "" || n.id && x == "0":
			w.absent(n)
		case n.accepts&kString == 0 || n.id && !isUint(x):
			w.wrongType(n)
		default:
			w.text(n, x)
		}
	case json.Number:
		switch {
		case n.id && x == "0":
			w.absent(n)
		case n.accepts&kNumber == 0 || n.id && !isUint(string(x)) || n.integer && !isInt(x):
			w.wrongType(n)
		default:
			w.number(n, x)
		}
	case bool:
		if n.accepts&kBool == 0 {
			w.wrongType(n)
		}
	case []any:
		if n.accepts&kArray == 0 {
			w.wrongType(n)
		} else {
			w.array(n, x)
		}
	case map[string]any:
		if n.accepts&kObject == 0 {
			w.wrongType(n)
		} else {
			w.object(n, x)
		}
	case FilePart:
		if n.accepts&kFile == 0 {
			w.wrongType(n)
		} else {
			w.length(n, x.Size, "bytes")
		}
	default:
		w.wrongType(n)
	}
}

func (w *walker) wrongType(n *node) {
	w.fail(n, apispec.WrongType, "is not %s", typeWord(n.f.Type))
}

// absent judges a field that was not supplied.
func (w *walker) absent(n *node) {
	if w.mustSend(n) {
		w.fail(n, apispec.Missing, "is missing")
	}
}

// mustSend: required, or conditional with every condition holding.
func (w *walker) mustSend(n *node) bool {
	return n.required && (!n.conditional || w.holds(n.when))
}

func isUint(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func isInt(n json.Number) bool {
	_, err := strconv.ParseInt(string(n), 10, 64)
	return err == nil
}

func (w *walker) text(n *node, s string) {
	f := n.f
	if (n.blankCheck || n.required) && isBlank(s) && (n.blankCheck || w.mustSend(n)) {
		w.fail(n, apispec.Blank, "is blank")
		return
	}
	if n.enumText != nil && !n.enumText[s] {
		w.fail(n, apispec.NotInEnum, "is %q, not one of the documented values", s)
		return
	}
	if n.lengths {
		if w.length(n, utf8.RuneCountInString(s), "characters"); w.found != nil {
			return
		}
	}
	if f.Format == apispec.Decimal {
		if !decimalRE.MatchString(s) {
			w.fail(n, apispec.BadFormat, "is %q, not a decimal number", s)
			return
		}
		val, _ := strconv.ParseFloat(s, 64)
		if w.bounds(n, val); w.found != nil {
			return
		}
	}
	w.format(n, s)
}

func (w *walker) length(n *node, size int, unit string) {
	f := n.f
	switch {
	case f.MinLength > 0 && size < f.MinLength:
		w.fail(n, apispec.TooShort, "is %d %s, fewer than %d", size, unit, f.MinLength)
	case f.MaxLength > 0 && size > f.MaxLength:
		w.fail(n, apispec.TooLong, "is %d %s, more than %d", size, unit, f.MaxLength)
	}
}

func (w *walker) number(n *node, x json.Number) {
	f := n.f
	if n.enumInt != nil || n.enumText != nil {
		ok := n.enumText[x.String()]
		if i, err := x.Int64(); err == nil && n.enumInt[i] {
			ok = true
		}
		if !ok {
			w.fail(n, apispec.NotInEnum, "is %s, not one of the documented values", x)
			return
		}
	}
	if !n.bounds {
		return
	}
	var val float64
	if i, err := x.Int64(); err == nil {
		val = float64(i)
	} else {
		val, _ = x.Float64()
	}
	if w.bounds(n, val); w.found != nil {
		return
	}
	if f.Window != nil {
		t := time.Unix(int64(val), 0)
		if f.Format == apispec.UnixMillis {
			t = time.UnixMilli(int64(val))
		}
		w.window(n, t)
	}
}

func (w *walker) bounds(n *node, val float64) {
	f := n.f
	switch {
	case f.Min != nil && val < *f.Min:
		w.fail(n, apispec.BelowMin, "is %v, below %v", val, *f.Min)
	case f.Max != nil && val > *f.Max:
		w.fail(n, apispec.AboveMax, "is %v, above %v", val, *f.Max)
	}
}

func (w *walker) window(n *node, t time.Time) {
	win := n.f.Window
	d := int64(t.Sub(w.env.Now()) / time.Second)
	if win.Min != nil && d < *win.Min || win.Max != nil && d > *win.Max {
		w.fail(n, apispec.OutWindow, "is %s, outside %s", t.In(ChinaTime).Format(time.DateTime), win)
	}
}

var (
	openIDRE  = regexp.MustCompile(`^o[A-Za-z0-9_-]{27}$`)
	decimalRE = regexp.MustCompile(`^[0-9]{1,18}$`)
	phoneRE   = regexp.MustCompile(`^\+?[0-9][0-9 -]{4,19}$`)
	mediaIDRE = regexp.MustCompile(`^[A-Za-z0-9_=+/-]{16,}$`)
)

// OpenIDPattern is the shape of an openid: "o" and 27 of [A-Za-z0-9_-].
func OpenIDPattern() *regexp.Regexp { return openIDRE }

func (w *walker) format(n *node, s string) {
	f := n.f
	switch f.Format {
	case apispec.DateTime:
		t, ok := parseDateTime(s)
		if !ok {
			w.fail(n, apispec.BadFormat, "is %q, not yyyy-MM-dd HH:mm:ss", s)
			return
		}
		if f.Window != nil {
			w.window(n, t)
		}
	case apispec.OpenID:
		// A user of the account passes whatever its shape: an account may
		// be made with the openids a user chooses (the vendor's examples
		// send "OPENID"), and only a stranger's openid is judged by form.
		switch {
		case w.env.IsUser(s):
		case !openIDRE.MatchString(s):
			w.fail(n, apispec.BadFormat, "is malformed")
		case !f.NoMember && !w.env.IsUser(s):
			w.fail(n, apispec.NotMember, "is not a user of this appid")
		}
	case apispec.URL:
		if !isURL(s) {
			w.fail(n, apispec.BadFormat, "is %q, not an http(s) URL", s)
		}
	case apispec.Media:
		if !isURL(s) && !mediaIDRE.MatchString(s) {
			w.fail(n, apispec.BadFormat, "is %q, neither an http(s) URL nor a media_id", s)
		}
	case apispec.Phone:
		if !phoneRE.MatchString(s) {
			w.fail(n, apispec.BadFormat, "is %q, not a telephone number", s)
		}
	}
}

// isURL is an absolute http or https URL with a host and no white space
// or control characters: what a client can send as an image link. Every
// image of a product goes through it, so it reads eight bytes at a time.
func isURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	if rest == "" || rest[0] == '/' || rest[0] == '?' || rest[0] == '#' {
		return false // no host
	}
	return !hasSpaceOrControl(rest)
}

// hasSpaceOrControl reports a byte ≤ 0x20 or 0x7f (bytes of multi-byte
// UTF-8 are ≥ 0x80 and never match).
func hasSpaceOrControl(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		below := (x - 0x21*ones) &^ x & highs                      // a byte < 0x21
		del := ((x ^ 0x7f*ones) - ones) &^ (x ^ 0x7f*ones) & highs // a byte == 0x7f
		if below|del != 0 {
			return true
		}
	}
	for ; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}

func (w *walker) array(n *node, items []any) {
	f := n.f
	switch {
	case f.MinItems > 0 && len(items) < f.MinItems:
		w.fail(n, apispec.TooFew, "has %d items, fewer than %d", len(items), f.MinItems)
		return
	case f.MaxItems > 0 && len(items) > f.MaxItems:
		w.fail(n, apispec.TooMany, "has %d items, more than %d", len(items), f.MaxItems)
		return
	}
	if n.items != nil {
		for i, it := range items {
			w.path = append(w.path, segment{index: i})
			if Absent(it) {
				w.fail(n.items, apispec.Missing, "is missing")
			} else {
				w.value(n.items, it)
			}
			w.path = w.path[:len(w.path)-1]
			if w.found != nil {
				return
			}
		}
	}
	if f.UniqueBy != "" {
		if i, j, dup := duplicate(items, f.UniqueBy); dup {
			w.fail(n, apispec.Duplicate, "repeats %s in items %d and %d", uniqueWhat(f.UniqueBy), i, j)
		}
	}
}

// duplicate finds two items with one key ("." the item itself); absent
// keys never repeat. Short arrays, the usual case, are compared pairwise
// without a map.
func duplicate(items []any, by string) (int, int, bool) {
	var buf [16]uniqueKey
	keys := buf[:0]
	var seen map[uniqueKey]int
	for i, it := range items {
		key := it
		if by != "." {
			obj, _ := it.(map[string]any)
			if key = obj[by]; Absent(key) {
				continue
			}
		}
		k := keyOf(key)
		if seen == nil {
			for _, prev := range keys {
				if prev.key == k {
					return prev.index, i, true
				}
			}
			if keys = append(keys, uniqueKey{key: k, index: i}); len(keys) > 16 {
				seen = make(map[uniqueKey]int, len(items))
				for _, prev := range keys {
					seen[uniqueKey{key: prev.key}] = prev.index
				}
			}
			continue
		}
		if j, dup := seen[uniqueKey{key: k}]; dup {
			return j, i, true
		}
		seen[uniqueKey{key: k}] = i
	}
	return 0, 0, false
}

// comparableKey is a value as a key: strings and numbers by their text
// (of different kinds, so "1" and 1 differ), anything else by its JSON.
type comparableKey struct {
	kind byte
	text string
}

type uniqueKey struct {
	key   comparableKey
	index int
}

func keyOf(v any) comparableKey {
	switch x := v.(type) {
	case string:
		return comparableKey{'s', x}
	case json.Number:
		return comparableKey{'n', x.String()}
	}
	b, _ := json.Marshal(v)
	return comparableKey{'j', string(b)}
}

func uniqueWhat(by string) string {
	if by == "." {
		return "an item"
	}
	return by
}

func (w *walker) rule(r *rule, obj map[string]any) {
	if !w.holds(r.when) {
		return
	}
	switch r.r.Kind {
	case apispec.OneOf:
		if !slices.ContainsFunc(r.fields, func(k string) bool { return !Absent(obj[k]) && !isZeroID(obj[k]) }) {
			w.failRule(r, "one of %s is required", strings.Join(r.fields, ", "))
		}
	case apispec.Ordered:
		a, aok := comparable(obj[r.fields[0]])
		b, bok := comparable(obj[r.fields[1]])
		if aok && bok && (a > b || r.r.Strict && a == b) {
			w.failRule(r, "%s is after %s", r.fields[0], r.fields[1])
		}
	case apispec.Check:
		if detail, ok := r.check(obj, w.env); !ok {
			w.failRule(r, "%s", detail)
		}
	}
}

// comparable reads a time ("yyyy-MM-dd HH:mm:ss") or a number as one
// float, for the ordered rule: both fields share one format (Load checks).
func comparable(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		t, ok := parseDateTime(x)
		return float64(t.Unix()), ok
	}
	return 0, false
}

func isZeroID(v any) bool {
	switch x := v.(type) {
	case json.Number:
		return x == "0"
	case string:
		return x == "0"
	}
	return false
}

// fits reports whether v has type t.
func fits(t apispec.Type, v any) bool {
	switch t {
	case apispec.String:
		_, ok := v.(string)
		return ok
	case apispec.Integer:
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := strconv.ParseInt(string(n), 10, 64)
		return err == nil
	case apispec.Number:
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Float64()
		return err == nil
	case apispec.ID:
		var text string
		switch x := v.(type) {
		case json.Number:
			text = string(x)
		case string:
			text = x
		default:
			return false
		}
		_, err := strconv.ParseUint(text, 10, 64)
		return err == nil
	case apispec.Boolean:
		_, ok := v.(bool)
		return ok
	case apispec.Text:
		switch v.(type) {
		case string, json.Number:
			return true
		}
		return false
	case apispec.Object:
		_, ok := v.(map[string]any)
		return ok
	case apispec.Array:
		_, ok := v.([]any)
		return ok
	case apispec.File:
		_, ok := v.(FilePart)
		return ok
	}
	return true // Any
}

func typeWord(t apispec.Type) string {
	switch t {
	case apispec.ID:
		return "a 64-bit id"
	case apispec.Text:
		return "a string or a number"
	case apispec.Integer, apispec.Object, apispec.Array:
		return "an " + string(t)
	case apispec.File:
		return "a file part"
	}
	return "a " + string(t)
}

// parseDateTime reads "yyyy-MM-dd HH:mm:ss" in China time, as
// time.ParseInLocation(time.DateTime, …) would, without its layout
// interpreter: every request with a time goes through it.
func parseDateTime(s string) (time.Time, bool) {
	if len(s) != len(time.DateTime) || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			if s[i] < '0' || s[i] > '9' {
				return -1
			}
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	y, mo, d, h, mi, sec := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, ChinaTime)
	return t, t.Day() == d // the 31st of a 30-day month rolls over
}

// isBlank is strings.TrimSpace(s) == "" without building the trimmed
// string: a non-space byte ends it at once.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			if s[i] < utf8.RuneSelf {
				return false
			}
			return strings.TrimSpace(s[i:]) == ""
		}
	}
	return true
}
