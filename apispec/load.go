package apispec

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/jsonpos"
)

// Load reads every *.json file of fsys, strictly. Every problem of every
// file is reported, each as "file:line:col: what is wrong", joined with
// errors.Join; nothing is returned unless all of it is right.
func Load(fsys fs.FS, cat *catalog.Catalog) (*Spec, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("apispec: no *.json spec files")
	}
	slices.Sort(names)
	s := &Spec{byPath: map[string]*Endpoint{}}
	var errs []error
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f := &file{name: path.Join("apispec/data", name), data: data, cat: cat}
		for _, ep := range f.read() {
			if prev, dup := s.byPath[ep.Path]; dup {
				f.addf(ep.node.Off, "endpoint %s is already declared at %s:%d:%d", ep.Path, prev.Pos.File, prev.Pos.Line, prev.Pos.Col)
				continue
			}
			s.byPath[ep.Path] = &ep.Endpoint
			s.Endpoints = append(s.Endpoints, &ep.Endpoint)
		}
		errs = append(errs, f.err())
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// file is one spec file being read; problems are collected with their
// offsets and reported in reading order.
type file struct {
	name     string
	data     []byte
	cat      *catalog.Catalog
	findings []*jsonpos.Error
}

func (f *file) addf(off int, format string, args ...any) {
	f.findings = append(f.findings, &jsonpos.Error{Off: off, Msg: fmt.Sprintf(format, args...)})
}

func (f *file) pos(off int) Pos {
	line, col := jsonpos.LineCol(f.data, off)
	return Pos{File: f.name, Line: line, Col: col}
}

func (f *file) err() error {
	slices.SortStableFunc(f.findings, func(a, b *jsonpos.Error) int { return cmp.Compare(a.Off, b.Off) })
	errs := make([]error, len(f.findings))
	for i, e := range f.findings {
		p := f.pos(e.Off)
		errs[i] = fmt.Errorf("%s:%d:%d: %s", p.File, p.Line, p.Col, e.Msg)
	}
	return errors.Join(errs...)
}

// decode stores the members of n but those in skip into v, strictly.
func (f *file) decode(n *jsonpos.Node, v any, skip ...string) bool {
	rest := *n
	rest.Members = slices.DeleteFunc(slices.Clone(n.Members), func(m jsonpos.Member) bool { return slices.Contains(skip, m.Key) })
	errs := jsonpos.DecodeStrict(f.data, &rest, v)
	for _, e := range errs {
		f.addf(e.Off, "%s", e.Msg)
	}
	return len(errs) == 0
}

// code checks that a code is in the catalog.
func (f *file) code(off int, c int) (catalog.Code, bool) {
	code := catalog.Code(c)
	if code == catalog.OK {
		f.addf(off, "errcode 0 is success, not a violation's answer")
		return 0, false
	}
	if !f.cat.Has(code) {
		f.addf(off, "errcode %d is not in the catalog (shopconform catalog lists them)", c)
		return 0, false
	}
	return code, true
}

func (f *file) read() []*readEndpoint {
	root, err := jsonpos.Parse(f.data)
	if err != nil {
		f.addf(err.(*jsonpos.Error).Off, "%s", err.(*jsonpos.Error).Msg)
		return nil
	}
	var top struct {
		Comment   string `json:"comment"`
		Endpoints []any  `json:"endpoints"`
	}
	if root.Kind != jsonpos.Object || !f.decode(root, &top, "endpoints") {
		if root.Kind != jsonpos.Object {
			f.addf(root.Off, `the top level must be an object {"endpoints": [...]}`)
		}
		return nil
	}
	list := root.Member("endpoints")
	if list == nil || list.Kind != jsonpos.Array {
		f.addf(root.Off, `field "endpoints" must be an array of endpoints`)
		return nil
	}
	var out []*readEndpoint
	for _, n := range list.Items {
		if ep := f.endpoint(n); ep != nil {
			out = append(out, ep)
		}
	}
	return out
}

type readEndpoint struct {
	Endpoint
	node *jsonpos.Node
}

type rawEndpoint struct {
	Path          string         `json:"path"`
	Domain        string         `json:"domain"`
	Summary       string         `json:"summary"`
	Section       string         `json:"source"`
	Evidence      string         `json:"evidence"`
	Access        string         `json:"access"`
	Body          string         `json:"body"`
	ContentPolicy []string       `json:"content_policy"`
	Errcode       *int           `json:"errcode"`
	Errcodes      map[string]int `json:"errcodes"`
	Notes         []string       `json:"notes"`
}

func (f *file) endpoint(n *jsonpos.Node) *readEndpoint {
	if n.Kind != jsonpos.Object {
		f.addf(n.Off, "an endpoint must be an object")
		return nil
	}
	var raw rawEndpoint
	if !f.decode(n, &raw, "request", "response", "codes", "examples") {
		return nil
	}
	ep := &readEndpoint{node: n, Endpoint: Endpoint{
		Path: raw.Path, Summary: raw.Summary, Notes: raw.Notes, Pos: f.pos(n.Off),
		Source: f.source(n, raw.Section, raw.Evidence),
	}}
	at := func(key string) int {
		if m := n.Member(key); m != nil {
			return m.Off
		}
		return n.Off
	}
	if !strings.HasPrefix(raw.Path, "/shop/") {
		f.addf(at("path"), "path %q is not under /shop/", raw.Path)
	}
	if raw.Summary == "" {
		f.addf(n.Off, "endpoint %s has no summary", raw.Path)
	}
	if d, ok := catalog.ParseDomain(raw.Domain); ok {
		ep.Domain = d
	} else {
		f.addf(at("domain"), "unknown domain %q (one of %v)", raw.Domain, catalog.Domains())
	}
	switch raw.Access {
	case "", "open":
	case "pre_open":
		ep.PreOpen = true
	default:
		f.addf(at("access"), `access is "open" (the default) or "pre_open", not %q`, raw.Access)
	}
	switch raw.Body {
	case "", "json":
	case "multipart":
		ep.Multipart = true
	default:
		f.addf(at("body"), `body is "json" (the default) or "multipart", not %q`, raw.Body)
	}
	inherit := f.codes(n, raw.Errcode, raw.Errcodes, nil)
	ep.Request = f.root(n.Member("request"), n, inherit, "request")
	ep.Response = f.root(n.Member("response"), n, nil, "response")
	fillGeneric(ep.Request)
	f.checkRules(ep.Request, ep.Request)
	f.checkConds(ep.Request, ep.Request)
	for _, p := range raw.ContentPolicy {
		if fld := ep.Request.lookup(p); fld == nil || (fld.Type != String && fld.Type != Text) {
			f.addf(at("content_policy"), "content_policy names %q, which is no string field of the request", p)
		}
	}
	ep.Content = raw.ContentPolicy
	ep.Codes = f.endpointCodes(ep, n.Member("codes"))
	ep.Examples = f.examples(n.Member("examples"))
	return ep
}

// source reads "source" and "evidence" of an element.
func (f *file) source(n *jsonpos.Node, section, evidence string) Source {
	switch Evidence(evidence) {
	case "", Documented, Inferred, NotTriggering:
	default:
		f.addf(n.Member("evidence").Off, `evidence is "D", "I" or "NS", not %q`, evidence)
	}
	if section != "" && !strings.HasPrefix(section, "§") {
		f.addf(n.Member("source").Off, `source names a section of api-reference.md ("§2.4"), not %q`, section)
	}
	return Source{Section: section, Evidence: Evidence(evidence)}
}

// codes reads an errcode/errcodes pair into a violation table over
// inherited ones.
func (f *file) codes(n *jsonpos.Node, one *int, each map[string]int, inherited map[Violation]catalog.Code) map[Violation]catalog.Code {
	out := map[Violation]catalog.Code{}
	for v, c := range inherited {
		out[v] = c
	}
	if one != nil {
		if c, ok := f.code(n.Member("errcode").Off, *one); ok {
			for _, v := range Violations() {
				out[v] = c
			}
		}
	}
	for key, c := range each {
		off := n.Member("errcodes").Off
		if !slices.Contains(Violations(), Violation(key)) {
			f.addf(off, "errcodes names %q, which is no violation (one of %v)", key, Violations())
			continue
		}
		if code, ok := f.code(off, c); ok {
			out[Violation(key)] = code
		}
	}
	return out
}

// root reads a request or response: an array of fields and rules, the
// members of the body's object.
func (f *file) root(n, ep *jsonpos.Node, inherit map[Violation]catalog.Code, what string) *Field {
	obj := &Field{Type: Object, Presence: Required, Pos: f.pos(ep.Off), Codes: inherit}
	if n == nil {
		return obj
	}
	obj.Pos = f.pos(n.Off)
	if n.Kind != jsonpos.Array {
		f.addf(n.Off, "%s must be an array of fields and rules", what)
		return obj
	}
	f.members(obj, n.Items)
	return obj
}

type rawField struct {
	Name        string         `json:"name"`
	Type        string         `json:"type"`
	Presence    string         `json:"presence"`
	When        []Cond         `json:"when"`
	Enum        []any          `json:"enum"`
	Min         *float64       `json:"min"`
	Max         *float64       `json:"max"`
	MinLength   int            `json:"min_length"`
	MaxLength   int            `json:"max_length"`
	MinItems    int            `json:"min_items"`
	MaxItems    int            `json:"max_items"`
	UniqueBy    string         `json:"unique_by"`
	Format      string         `json:"format"`
	NotBlank    bool           `json:"not_blank"`
	Window      *Window        `json:"window"`
	NoMember    bool           `json:"no_member"`
	Errcode     *int           `json:"errcode"`
	Errcodes    map[string]int `json:"errcodes"`
	Section     string         `json:"source"`
	Evidence    string         `json:"evidence"`
	Description string         `json:"description"`
	Note        string         `json:"note"`
}

type rawRule struct {
	Rule        string   `json:"rule"`
	Fields      []string `json:"fields"`
	Name        string   `json:"name"`
	Strict      bool     `json:"strict"`
	When        []Cond   `json:"when"`
	Errcode     *int     `json:"errcode"`
	Description string   `json:"description"`
	Section     string   `json:"source"`
	Evidence    string   `json:"evidence"`
	Note        string   `json:"note"`
}

// members reads an object's entries: fields, and rules (an entry with a
// "rule" key), in check order.
func (f *file) members(obj *Field, items []*jsonpos.Node) {
	for _, n := range items {
		if n.Kind != jsonpos.Object {
			f.addf(n.Off, "a member of %s must be an object (a field or a rule)", orRoot(obj.Path))
			continue
		}
		if n.Member("rule") != nil {
			if r := f.rule(obj, n); r != nil {
				obj.Rules = append(obj.Rules, r)
				obj.Order = append(obj.Order, Entry{Rule: r})
			}
			continue
		}
		fld := f.field(obj, n, true)
		if fld == nil {
			continue
		}
		if obj.Member(fld.Name) != nil {
			f.addf(n.Off, "field %s is declared twice", fld.Path)
			continue
		}
		obj.Fields = append(obj.Fields, fld)
		obj.Order = append(obj.Order, Entry{Field: fld})
	}
}

func orRoot(p string) string {
	if p == "" {
		return "the body"
	}
	return p
}

func (f *file) rule(obj *Field, n *jsonpos.Node) *Rule {
	var raw rawRule
	if !f.decode(n, &raw) {
		return nil
	}
	r := &Rule{
		Kind: RuleKind(raw.Rule), Fields: raw.Fields, Name: raw.Name, Strict: raw.Strict, When: raw.When,
		Description: raw.Description, Note: raw.Note, Path: obj.Path, Pos: f.pos(n.Off),
		Source: f.source(n, raw.Section, raw.Evidence),
	}
	switch r.Kind {
	case OneOf:
		if len(r.Fields) < 2 {
			f.addf(n.Off, "rule one_of needs at least two fields")
		}
	case Ordered:
		if len(r.Fields) != 2 {
			f.addf(n.Off, "rule ordered needs exactly two fields: the earlier, then the later")
		}
	case Check:
		if r.Name == "" || r.Description == "" {
			f.addf(n.Off, "rule check needs a name (the sandbox's Go check) and a description of what it checks")
		}
	default:
		f.addf(n.Member("rule").Off, "unknown rule %q (one of one_of, ordered, check)", raw.Rule)
	}
	if raw.Errcode == nil {
		f.addf(n.Off, "rule %s has no errcode", raw.Rule)
	} else if c, ok := f.code(n.Member("errcode").Off, *raw.Errcode); ok {
		r.Code = c
	}
	return r
}

// field reads one field; named is false for an array's item.
func (f *file) field(parent *Field, n *jsonpos.Node, named bool) *Field {
	var raw rawField
	f.decode(n, &raw, "fields", "items")
	fld := &Field{
		Name: raw.Name, Type: Type(raw.Type), Presence: Presence(cmp.Or(raw.Presence, string(Optional))),
		When: raw.When, Min: raw.Min, Max: raw.Max, MinLength: raw.MinLength, MaxLength: raw.MaxLength,
		MinItems: raw.MinItems, MaxItems: raw.MaxItems, UniqueBy: raw.UniqueBy, Format: Format(raw.Format),
		NotBlank: raw.NotBlank, Window: raw.Window, NoMember: raw.NoMember,
		Description: raw.Description, Note: raw.Note, Pos: f.pos(n.Off),
		Source: f.source(n, raw.Section, raw.Evidence),
		Codes:  f.codes(n, raw.Errcode, raw.Errcodes, parent.Codes),
	}
	switch {
	case named && raw.Name == "":
		f.addf(n.Off, "a field of %s has no name", orRoot(parent.Path))
		return nil
	case !named && raw.Name != "":
		f.addf(n.Member("name").Off, "an array's item has no name")
	case named && strings.ContainsAny(raw.Name, ".[] "):
		f.addf(n.Member("name").Off, "field name %q may not hold '.', '[', ']' or spaces", raw.Name)
	}
	switch {
	case !named:
		fld.Path = parent.Path + "[]"
	case parent.Path == "":
		fld.Path = raw.Name
	default:
		fld.Path = parent.Path + "." + raw.Name
	}
	f.checkField(fld, n, raw)
	if sub := n.Member("fields"); sub != nil {
		if fld.Type != Object {
			f.addf(sub.Off, "%s has fields but is of type %s, not object", fld.Path, fld.Type)
		} else if sub.Kind != jsonpos.Array {
			f.addf(sub.Off, "fields of %s must be an array", fld.Path)
		} else {
			f.members(fld, sub.Items)
		}
	}
	switch item := n.Member("items"); {
	case item != nil && fld.Type != Array:
		f.addf(item.Off, "%s has items but is of type %s, not array", fld.Path, fld.Type)
	case item == nil && fld.Type == Array:
		f.addf(n.Off, "array %s says nothing of its items", fld.Path)
	case item != nil && item.Kind != jsonpos.Object:
		f.addf(item.Off, "items of %s must be a field", fld.Path)
	case item != nil:
		fld.Items = f.field(fld, item, false)
	}
	if fld.UniqueBy != "" && fld.Items != nil && fld.UniqueBy != "." && (fld.Items.Type != Object || fld.Items.Member(fld.UniqueBy) == nil) {
		f.addf(n.Member("unique_by").Off, "unique_by names %q, which is no field of %s's items", fld.UniqueBy, fld.Path)
	}
	return fld
}

// checkField refuses what contradicts itself within one field.
func (f *file) checkField(fld *Field, n *jsonpos.Node, raw rawField) {
	at := func(key string) int {
		if m := n.Member(key); m != nil {
			return m.Off
		}
		return n.Off
	}
	if !slices.Contains(Types(), fld.Type) {
		f.addf(at("type"), "%s: unknown type %q (one of %v)", orRoot(fld.Path), raw.Type, Types())
		return
	}
	switch fld.Presence {
	case Optional, Required:
		if len(fld.When) > 0 {
			f.addf(at("when"), "%s: when goes with presence conditional", fld.Path)
		}
	case Conditional:
		if len(fld.When) == 0 {
			f.addf(n.Off, "%s: a conditional field needs when", fld.Path)
		}
	default:
		f.addf(at("presence"), "%s: presence is required, optional or conditional, not %q", fld.Path, raw.Presence)
	}
	is := func(ts ...Type) bool { return slices.Contains(ts, fld.Type) }
	numeric := is(Integer, Number) || fld.Format == Decimal
	if len(raw.Enum) > 0 {
		for _, v := range raw.Enum {
			switch x := v.(type) {
			case json.Number:
				if !is(Integer, Number, Text) {
					f.addf(at("enum"), "%s: enum value %s does not fit type %s", fld.Path, x, fld.Type)
				}
				fld.Enum = append(fld.Enum, x)
			case string:
				if !is(String, Text) {
					f.addf(at("enum"), "%s: enum value %q does not fit type %s", fld.Path, x, fld.Type)
				}
				fld.EnumText = append(fld.EnumText, x)
			default:
				f.addf(at("enum"), "%s: enum values are numbers or strings", fld.Path)
			}
		}
	}
	if (fld.Min != nil || fld.Max != nil) && !numeric {
		f.addf(at(cmp.Or(keyIf(fld.Min != nil, "min"), "max")), "%s: min and max bound numbers (or decimal strings), not %s", fld.Path, fld.Type)
	}
	if fld.Min != nil && fld.Max != nil && *fld.Min > *fld.Max {
		f.addf(at("min"), "%s: min %v is above max %v", fld.Path, *fld.Min, *fld.Max)
	}
	if (fld.MinLength > 0 || fld.MaxLength > 0) && !is(String, Text, File) {
		f.addf(at(cmp.Or(keyIf(fld.MinLength > 0, "min_length"), "max_length")), "%s: lengths bound strings and files, not %s", fld.Path, fld.Type)
	}
	if fld.MaxLength > 0 && fld.MinLength > fld.MaxLength {
		f.addf(at("min_length"), "%s: min_length %d is above max_length %d", fld.Path, fld.MinLength, fld.MaxLength)
	}
	if (fld.MinItems > 0 || fld.MaxItems > 0 || fld.UniqueBy != "") && !is(Array) {
		f.addf(at(cmp.Or(keyIf(fld.UniqueBy != "", "unique_by"), keyIf(fld.MinItems > 0, "min_items"), "max_items")), "%s: min_items, max_items and unique_by are for arrays, not %s", fld.Path, fld.Type)
	}
	if fld.MaxItems > 0 && fld.MinItems > fld.MaxItems {
		f.addf(at("min_items"), "%s: min_items %d is above max_items %d", fld.Path, fld.MinItems, fld.MaxItems)
	}
	if fld.Format != "" {
		types, known := Formats()[fld.Format]
		switch {
		case !known:
			f.addf(at("format"), "%s: unknown format %q", fld.Path, raw.Format)
		case !slices.Contains(types, fld.Type):
			f.addf(at("format"), "%s: format %s applies to %v, not %s", fld.Path, fld.Format, types, fld.Type)
		}
	}
	if fld.NotBlank && !is(String, Text) {
		f.addf(at("not_blank"), "%s: not_blank is for strings", fld.Path)
	}
	if fld.Window != nil && !fld.Format.IsTime() {
		f.addf(at("window"), "%s: window bounds a time, and format %q is none", fld.Path, fld.Format)
	}
	if fld.Window != nil && fld.Window.Min != nil && fld.Window.Max != nil && *fld.Window.Min > *fld.Window.Max {
		f.addf(at("window"), "%s: window min is above its max", fld.Path)
	}
	if fld.NoMember && fld.Format != OpenID {
		f.addf(at("no_member"), "%s: no_member is for openid fields", fld.Path)
	}
	if fld.Format == OpenID {
		// The universal openid codes (§3.1) unless the spec names others.
		for v, c := range map[Violation]catalog.Code{Missing: catalog.OpenIDMissing, Blank: catalog.OpenIDMissing, BadFormat: catalog.OpenIDIllegalVariant, WrongType: catalog.OpenIDIllegalVariant, NotMember: catalog.OpenIDIllegal} {
			if _, set := fld.Codes[v]; !set {
				fld.Codes[v] = c
			}
		}
	}
}

// fillGeneric gives every check that no errcode covers the generic code
// (§3.1): 990008 for a value too long, 990007 for anything else missing or
// unusable. It runs once the whole request is read, so that the generic
// codes are never inherited over a more specific one.
func fillGeneric(fld *Field) {
	for _, v := range fld.Checks() {
		if fld.Codes[v] == 0 {
			fld.Codes[v] = catalog.ParameterMissing
			if v == TooLong {
				fld.Codes[v] = catalog.ParameterTooLong
			}
		}
	}
	for _, m := range fld.Fields {
		fillGeneric(m)
	}
	if fld.Items != nil {
		fillGeneric(fld.Items)
		// An item is never optional: a null or "" item is a missing one
		// (package validate), whatever its presence says, so its absence
		// needs a code like any required field's.
		if fld.Items.Codes[Missing] == 0 {
			fld.Items.Codes[Missing] = catalog.ParameterMissing
		}
	}
}

func keyIf(cond bool, key string) string {
	if cond {
		return key
	}
	return ""
}

// lookup finds a field by its dotted path from this object, through
// objects only.
func (f *Field) lookup(dotted string) *Field {
	cur := f
	for seg := range strings.SplitSeq(dotted, ".") {
		if cur == nil || cur.Type != Object {
			return nil
		}
		cur = cur.Member(seg)
	}
	return cur
}

// Lookup finds a field by its dotted path from the body's root, through
// objects only ("order_detail.pay_info.pay_method_type").
func (e *Endpoint) Lookup(dotted string) *Field { return e.Request.lookup(dotted) }

// checkRules refuses a rule naming a field its object lacks, and an
// ordered rule over fields that are not comparable.
func (f *file) checkRules(root, obj *Field) {
	for _, r := range obj.Rules {
		var kinds []string
		for _, name := range r.Fields {
			m := obj.Member(name)
			if m == nil {
				f.addf(f.off(r.Pos), "rule %s names %q, which is no field of %s", r.Kind, name, orRoot(obj.Path))
				continue
			}
			switch {
			case m.Format.IsTime():
				kinds = append(kinds, "time:"+string(m.Format))
			case m.Type == Integer || m.Type == Number:
				kinds = append(kinds, "number")
			default:
				kinds = append(kinds, string(m.Type))
			}
		}
		if r.Kind == Ordered && len(kinds) == 2 && (kinds[0] != kinds[1] || !(strings.HasPrefix(kinds[0], "time:") || kinds[0] == "number")) {
			f.addf(f.off(r.Pos), "rule ordered compares two times of one format or two numbers, not %s and %s", kinds[0], kinds[1])
		}
		f.checkCondList(root, r.When, r.Pos)
	}
	for _, m := range obj.Fields {
		f.checkRules(root, m)
		if m.Items != nil {
			f.checkRules(root, m.Items)
		}
	}
}

// checkConds refuses a condition on a field that does not exist.
func (f *file) checkConds(root, fld *Field) {
	f.checkCondList(root, fld.When, fld.Pos)
	for _, m := range fld.Fields {
		f.checkConds(root, m)
	}
	if fld.Items != nil {
		f.checkConds(root, fld.Items)
	}
}

func (f *file) checkCondList(root *Field, conds []Cond, at Pos) {
	for _, c := range conds {
		target := root.lookup(c.Field)
		n := 0
		for _, set := range []bool{len(c.In) > 0 || len(c.InText) > 0, c.Present, c.Absent} {
			if set {
				n++
			}
		}
		switch {
		case target == nil:
			f.addf(f.off(at), "a condition names %q, which is no field of the request (paths are dotted from the body's root)", c.Field)
		case n != 1:
			f.addf(f.off(at), "a condition on %s says exactly one of in, in_text, present, absent", c.Field)
		}
	}
}

// off turns a Pos of this file back into an offset, for findings about
// an element that was read earlier.
func (f *file) off(p Pos) int {
	line, col := 1, 1
	for i, r := range string(f.data) {
		if line == p.Line && col == p.Col {
			return i
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return 0
}

type rawCode struct {
	Code     int    `json:"code"`
	When     string `json:"when"`
	Section  string `json:"source"`
	Evidence string `json:"evidence"`
}

// endpointCodes lists the codes of the fields and rules, then those the
// spec lists for the handler's state rules.
func (f *file) endpointCodes(ep *readEndpoint, n *jsonpos.Node) []CodeUse {
	var out []CodeUse
	seen := map[catalog.Code]bool{}
	add := func(u CodeUse) {
		if u.Code == 0 {
			return
		}
		if !seen[u.Code] {
			seen[u.Code] = true
			out = append(out, u)
			return
		}
		for i := range out {
			if out[i].Code == u.Code {
				out[i].When += "; " + u.When
			}
		}
	}
	var walk func(fld *Field)
	walk = func(fld *Field) {
		for _, e := range fld.Order {
			if r := e.Rule; r != nil {
				add(CodeUse{Code: r.Code, When: ruleWhen(r), Field: orRoot(r.Path), Source: r.Source})
				continue
			}
			m := e.Field
			for _, c := range fieldCodes(m) {
				add(CodeUse{Code: c, When: FieldWhen(m, c), Field: m.Path, Source: m.Source})
			}
			walk(m)
			if m.Items != nil {
				for _, c := range fieldCodes(m.Items) {
					add(CodeUse{Code: c, When: FieldWhen(m.Items, c), Field: m.Items.Path, Source: m.Items.Source})
				}
				walk(m.Items)
			}
		}
	}
	walk(ep.Request)
	if n == nil {
		return out
	}
	if n.Kind != jsonpos.Array {
		f.addf(n.Off, "codes must be an array of {code, when, source, evidence}")
		return out
	}
	for _, item := range n.Items {
		var raw rawCode
		if !f.decode(item, &raw) {
			continue
		}
		if raw.When == "" {
			f.addf(item.Off, "code %d says nothing of when it is answered", raw.Code)
		}
		if c, ok := f.code(item.Off, raw.Code); ok {
			// A state rule may answer a code a field answers too: add
			// joins the two whens.
			add(CodeUse{Code: c, When: raw.When, Source: f.source(item, raw.Section, raw.Evidence)})
		}
	}
	return out
}

// fieldCodes are the codes a field's own checks can answer, in violation
// order, each once.
func fieldCodes(fld *Field) []catalog.Code {
	var out []catalog.Code
	for _, v := range fld.Checks() {
		if c := fld.Codes[v]; c != 0 && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Checks lists the violations a field can have, given its declaration:
// what a validator checks and a fuzzer can break.
func (fld *Field) Checks() []Violation {
	var out []Violation
	add := func(cond bool, v ...Violation) {
		if cond {
			out = append(out, v...)
		}
	}
	add(fld.Presence != Optional, Missing)
	add(fld.Type != Any, WrongType)
	add(fld.NotBlank || (fld.Presence != Optional && (fld.Type == String || fld.Type == Text)), Blank)
	add(len(fld.Enum)+len(fld.EnumText) > 0, NotInEnum)
	add(fld.MinLength > 0, TooShort)
	add(fld.MaxLength > 0, TooLong)
	add(fld.Min != nil, BelowMin)
	add(fld.Max != nil, AboveMax)
	add(fld.Format != "" && fld.Format != UnixSeconds && fld.Format != UnixMillis, BadFormat)
	add(fld.Window != nil, OutWindow)
	add(fld.Format == OpenID && !fld.NoMember, NotMember)
	add(fld.MinItems > 0, TooFew)
	add(fld.MaxItems > 0, TooMany)
	add(fld.UniqueBy != "", Duplicate)
	return out
}

// FieldWhen says in words when a field answers code.
func FieldWhen(fld *Field, code catalog.Code) string {
	var what []string
	for _, v := range fld.Checks() {
		if fld.Codes[v] == code {
			what = append(what, fld.Describe(v))
		}
	}
	return orRoot(fld.Path) + ": " + strings.Join(what, ", ")
}

// Describe says in words what a violation of this field is.
func (fld *Field) Describe(v Violation) string {
	switch v {
	case Missing:
		if fld.Presence == Conditional {
			return "missing while " + CondWords(fld.When, Plain)
		}
		return "missing"
	case WrongType:
		return "not " + typeText(fld)
	case Blank:
		return "blank"
	case NotInEnum:
		return "not one of " + enumText(fld)
	case TooShort:
		return fmt.Sprintf("shorter than %d", fld.MinLength)
	case TooLong:
		return fmt.Sprintf("longer than %d", fld.MaxLength)
	case BelowMin:
		return fmt.Sprintf("below %v", *fld.Min)
	case AboveMax:
		return fmt.Sprintf("above %v", *fld.Max)
	case BadFormat:
		return "not a valid " + string(fld.Format)
	case OutWindow:
		return "outside " + fld.Window.String()
	case NotMember:
		return "no user of this appid"
	case TooFew:
		return fmt.Sprintf("fewer than %d items", fld.MinItems)
	case TooMany:
		return fmt.Sprintf("more than %d items", fld.MaxItems)
	case Duplicate:
		if fld.UniqueBy == "." {
			return "items repeated"
		}
		return "two items with one " + fld.UniqueBy
	}
	return string(v)
}

func typeText(fld *Field) string {
	switch fld.Type {
	case ID:
		return "a 64-bit id"
	case Text:
		return "a string or number"
	case Array, Object, Integer:
		return "an " + string(fld.Type)
	}
	return "a " + string(fld.Type)
}

func enumText(fld *Field) string {
	var vals []string
	for _, n := range fld.Enum {
		vals = append(vals, n.String())
	}
	for _, s := range fld.EnumText {
		vals = append(vals, fmt.Sprintf("%q", s))
	}
	return strings.Join(vals, ", ")
}

// CondWords says conditions that all hold, each field name written by
// name (plain, or quoted for Markdown).
func CondWords(conds []Cond, name func(field string) string) string {
	var parts []string
	for _, c := range conds {
		switch {
		case c.Present:
			parts = append(parts, name(c.Field)+" is supplied")
		case c.Absent:
			parts = append(parts, name(c.Field)+" is not supplied")
		default:
			var vals []string
			for _, n := range c.In {
				vals = append(vals, n.String())
			}
			for _, t := range c.InText {
				vals = append(vals, fmt.Sprintf("%q", t))
			}
			parts = append(parts, name(c.Field)+" is "+strings.Join(vals, " or "))
		}
	}
	return strings.Join(parts, " and ")
}

// Plain writes a field name as it is.
func Plain(field string) string { return field }

func ruleWhen(r *Rule) string {
	switch r.Kind {
	case OneOf:
		return "none of " + strings.Join(r.Fields, ", ") + " is supplied"
	case Ordered:
		if r.Strict {
			return r.Fields[0] + " is not before " + r.Fields[1]
		}
		return r.Fields[0] + " is after " + r.Fields[1]
	}
	return r.Description
}

type rawExample struct {
	Body   any      `json:"body"`
	Needs  []string `json:"needs"`
	Breaks string   `json:"breaks"`
	Setup  []any    `json:"setup"`
}

func (f *file) examples(n *jsonpos.Node) []Example {
	if n == nil {
		return nil
	}
	if n.Kind != jsonpos.Array {
		f.addf(n.Off, "examples must be an array")
		return nil
	}
	var out []Example
	for _, item := range n.Items {
		var raw rawExample
		if !f.decode(item, &raw, "body", "setup") {
			continue
		}
		body := item.Member("body")
		if body == nil {
			f.addf(item.Off, "an example needs a body")
			continue
		}
		out = append(out, Example{Body: json.RawMessage(f.data[body.Off:body.End]), Needs: raw.Needs, Breaks: raw.Breaks,
			Setup: f.setup(item.Member("setup")), Pos: f.pos(item.Off)})
	}
	return out
}

// setup reads an example's control calls: each {"call": NAME, "body":
// {...}}, "account" first if at all.
func (f *file) setup(n *jsonpos.Node) []ControlCall {
	if n == nil {
		return nil
	}
	if n.Kind != jsonpos.Array {
		f.addf(n.Off, "setup must be an array of control calls")
		return nil
	}
	var out []ControlCall
	for i, item := range n.Items {
		var raw struct {
			Call string `json:"call"`
		}
		if !f.decode(item, &raw, "body") {
			continue
		}
		switch {
		case !slices.Contains(ControlCalls(), raw.Call):
			f.addf(item.Off, "setup calls %q, which is no control call (one of %v)", raw.Call, ControlCalls())
			continue
		case raw.Call == "account" && i > 0:
			f.addf(item.Off, "the account call makes the example's account, so it comes first")
		}
		c := ControlCall{Call: raw.Call}
		if b := item.Member("body"); b != nil {
			if b.Kind != jsonpos.Object {
				f.addf(b.Off, "a control call's body is an object")
			}
			c.Body = json.RawMessage(f.data[b.Off:b.End])
		}
		out = append(out, c)
	}
	return out
}
