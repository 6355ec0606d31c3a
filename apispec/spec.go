// Package apispec is the API as data: every /shop/ endpoint with its
// request fields, the rule each field obeys, the errcode each violation
// answers, the success answer's shape, and where in api-reference.md
// (this folder) each rule comes from.
//
// The data is data/*.json, read once and strictly (Load): a spec that
// contradicts itself — an unknown type, a code the catalog does not know,
// a rule naming a field that does not exist — is refused with
// file:line:col. The reference sandbox validates every request from it
// (package validate), `shopconform spec` renders it as OpenAPI 3.1, and
// the fuzzer derives its invalid requests and their expected codes from
// it. The format is described in README.md.
package apispec

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/shopconform/shopconform/catalog"
)

// Spec is every endpoint, in the order of the data files.
type Spec struct {
	Endpoints []*Endpoint
	byPath    map[string]*Endpoint
}

// Endpoint returns the endpoint with this path.
func (s *Spec) Endpoint(path string) (*Endpoint, bool) {
	ep, ok := s.byPath[path]
	return ep, ok
}

// Paths lists every endpoint's path in data order.
func (s *Spec) Paths() []string {
	out := make([]string, len(s.Endpoints))
	for i, ep := range s.Endpoints {
		out[i] = ep.Path
	}
	return out
}

// Endpoint is one /shop/ URL.
type Endpoint struct {
	Path    string
	Domain  catalog.Domain
	Summary string
	Source  Source
	// PreOpen endpoints answer before the component is opened (the
	// onboarding calls); every other one is 48001 until then.
	PreOpen bool
	// Multipart endpoints take multipart/form-data: Request describes the
	// form's fields, whose values are strings or files.
	Multipart bool
	// Content lists the text fields under the content policy (87014).
	Content []string
	// Request is the body: an object whose Fields and Rules are checked
	// in Order.
	Request *Field
	// Response is the success answer beside errcode and errmsg.
	Response *Field
	// Codes is every code this endpoint answers besides the universal
	// pipeline's: those of its fields and rules, then those of its state
	// rules (the handler's), each once.
	Codes []CodeUse
	// Notes are the choices made where the docs are silent or disagree.
	Notes []string
	// Examples are requests of the shape the vendor's page prints, with
	// what they presuppose; see Example.
	Examples []Example

	Pos Pos
}

// Source is where a rule comes from: a section of api-reference.md and
// its evidence marker.
type Source struct {
	Section  string   `json:"section,omitempty"`  // "§2.4"
	Evidence Evidence `json:"evidence,omitempty"` // D, I or NS
}

// Evidence follows api-reference.md: D documented, I inferred, NS not
// triggerable on a plain sandbox account.
type Evidence string

// The evidence markers.
const (
	Documented    Evidence = "D"
	Inferred      Evidence = "I"
	NotTriggering Evidence = "NS"
)

// CodeUse is one code an endpoint answers, with when.
type CodeUse struct {
	Code catalog.Code
	When string
	// Field is the field or rule that answers it ("skus[].stock_num"),
	// empty for a state rule of the handler.
	Field  string
	Source Source
}

// Type is a JSON type as the docs use it.
type Type string

// The types. ID is §1's 64-bit id: an integral number, or its decimal
// text for clients that cannot hold uint64; 0 counts as not supplied.
// Text is a string or a number (values the docs type one way and the
// examples the other). File is a multipart file part.
const (
	String  Type = "string"
	Integer Type = "integer"
	Number  Type = "number"
	ID      Type = "id"
	Boolean Type = "boolean"
	Text    Type = "text"
	Object  Type = "object"
	Array   Type = "array"
	Any     Type = "any"
	File    Type = "file"
)

// Types lists every type, for messages.
func Types() []Type {
	return []Type{String, Integer, Number, ID, Boolean, Text, Object, Array, Any, File}
}

// Presence says whether a field must be sent.
type Presence string

// The presences. A conditional field is required when every condition
// of its When holds, and optional otherwise.
const (
	Optional    Presence = "optional"
	Required    Presence = "required"
	Conditional Presence = "conditional"
)

// Format constrains a string's or a number's text.
type Format string

// The formats. DateTime is "yyyy-MM-dd HH:mm:ss" in China time; the unix
// formats are integers; Decimal is a string of digits whose value min and
// max bound; OpenID is "o" plus 27 of [A-Za-z0-9_-]; URL is an absolute
// http or https URL; Media is a URL or a media_id (no spaces); Phone is a
// telephone number (digits, optionally "+", spaces and "-").
const (
	DateTime    Format = "datetime"
	UnixSeconds Format = "unix_seconds"
	UnixMillis  Format = "unix_millis"
	Decimal     Format = "decimal"
	OpenID      Format = "openid"
	URL         Format = "url"
	Media       Format = "media"
	Phone       Format = "phone"
)

// Formats lists every format with the types it applies to.
func Formats() map[Format][]Type {
	return map[Format][]Type{
		DateTime:    {String},
		UnixSeconds: {Integer},
		UnixMillis:  {Integer},
		Decimal:     {String},
		OpenID:      {String},
		URL:         {String},
		Media:       {String},
		Phone:       {String},
	}
}

// IsTime reports whether values of the format are points in time.
func (f Format) IsTime() bool { return f == DateTime || f == UnixSeconds || f == UnixMillis }

// Violation is a kind of broken field rule; each answers a code.
type Violation string

// The violations, in the order a field is checked. Member is an openid
// that is well-formed but no user of the caller's appid; Window is a time
// outside its window relative to now.
const (
	Missing   Violation = "missing"
	WrongType Violation = "type"
	Blank     Violation = "blank"
	NotInEnum Violation = "enum"
	TooShort  Violation = "too_short"
	TooLong   Violation = "too_long"
	BelowMin  Violation = "below_min"
	AboveMax  Violation = "above_max"
	BadFormat Violation = "format"
	OutWindow Violation = "window"
	NotMember Violation = "member"
	TooFew    Violation = "too_few"
	TooMany   Violation = "too_many"
	Duplicate Violation = "duplicate"
)

// Violations lists every violation in check order.
func Violations() []Violation {
	return []Violation{Missing, WrongType, Blank, NotInEnum, TooShort, TooLong, BelowMin, AboveMax,
		BadFormat, OutWindow, NotMember, TooFew, TooMany, Duplicate}
}

// Field is one field of a request or response object, or the item of an
// array (Name empty).
type Field struct {
	Name string
	// Path is the field's place from the body's root: "skus[].out_sku_id".
	Path     string
	Type     Type
	Presence Presence
	When     []Cond
	Enum     []json.Number // numbers, for integer fields
	EnumText []string      // strings, for string fields
	Min, Max *float64
	// MinLength and MaxLength count characters of strings, bytes of files.
	MinLength, MaxLength int
	MinItems, MaxItems   int
	// UniqueBy is the item key that must differ between an array's items;
	// "." compares the items themselves.
	UniqueBy string
	Format   Format
	// NotBlank refuses a string of white space alone; required strings
	// are never blank.
	NotBlank bool
	// Window bounds a time relative to the sandbox's clock, in seconds.
	Window *Window
	// NoMember leaves an openid's membership to the handler (it has a
	// code of its own for a stranger).
	NoMember bool
	// Codes is the code each violation answers, resolved (see Code).
	Codes       map[Violation]catalog.Code
	Fields      []*Field // an object's fields, in check order
	Rules       []*Rule  // an object's rules
	Order       []Entry  // Fields and Rules interleaved in check order
	Items       *Field   // an array's item
	Source      Source
	Description string
	Note        string

	Pos Pos
}

// Entry is one step of an object's checks: a field or a rule.
type Entry struct {
	Field *Field
	Rule  *Rule
}

// Code is what a violation of this field answers.
func (f *Field) Code(v Violation) catalog.Code { return f.Codes[v] }

// Member returns the object field with this name.
func (f *Field) Member(name string) *Field {
	i := slices.IndexFunc(f.Fields, func(m *Field) bool { return m.Name == name })
	if i < 0 {
		return nil
	}
	return f.Fields[i]
}

// Window is a span relative to now, in seconds: Min ≤ t − now ≤ Max.
type Window struct {
	Min *int64 `json:"min,omitempty"`
	Max *int64 `json:"max,omitempty"`
}

// String says the window in words: "now+900s … now+86400s".
func (w *Window) String() string {
	end := func(p *int64) string {
		if p == nil {
			return "…"
		}
		return fmt.Sprintf("now%+ds", *p)
	}
	return end(w.Min) + " to " + end(w.Max)
}

// Cond is one condition of a conditional field or rule: the field at
// Field (dotted, from the body's root) is present (Present), absent
// (Absent) or one of In.
type Cond struct {
	Field   string        `json:"field"`
	In      []json.Number `json:"in,omitempty"`
	InText  []string      `json:"in_text,omitempty"`
	Present bool          `json:"present,omitempty"`
	Absent  bool          `json:"absent,omitempty"`
}

// RuleKind is a kind of cross-field rule.
type RuleKind string

// The rule kinds. OneOf: at least one of Fields is supplied (§1 "二选一").
// Ordered: Fields[0] ≤ Fields[1] (< when Strict) when both are supplied,
// times or numbers. Check: a named rule the reference sandbox implements
// in Go (formulas); Description says what it checks.
const (
	OneOf   RuleKind = "one_of"
	Ordered RuleKind = "ordered"
	Check   RuleKind = "check"
)

// Rule is a rule over several fields of one object.
type Rule struct {
	Kind        RuleKind
	Fields      []string // names in the same object
	Name        string   // Check's name
	Strict      bool
	When        []Cond
	Code        catalog.Code
	Description string
	Source      Source
	Note        string
	// Path is the object the rule sits in ("" for the body's root).
	Path string

	Pos Pos
}

// Example is a request of the shape the vendor's page prints, with the
// state it presupposes, so that tests can show it answers 0.
type Example struct {
	Body json.RawMessage
	// Needs says in words what must exist first.
	Needs []string
	// Setup makes it exist: calls of the sandbox's control API, in order,
	// on an account minted for the example (refsandbox/README.md,
	// "Control API").
	Setup []ControlCall
	// Breaks is set when the vendor's example breaks its own page's
	// rules: it says how, and the example must not answer 0.
	Breaks string
	Pos    Pos
}

// ControlCall is one call of the control API: Call names it (account,
// seed, clock, categories, review, reset) and Body is its JSON body.
type ControlCall struct {
	Call string          `json:"call"`
	Body json.RawMessage `json:"body,omitempty"`
}

// ControlCalls are the calls an example's setup may make. "account" is
// the minting call and may come only first.
func ControlCalls() []string {
	return []string{"account", "seed", "clock", "categories", "review", "reset"}
}

// Pos is where a spec element was written.
type Pos struct {
	File      string
	Line, Col int
}
