package openapi

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopconform/shopconform/apispec"
)

// schema is one JSON Schema (2020-12, the dialect of OpenAPI 3.1).
type schema = map[string]any

// The patterns of the formats JSON Schema has no word for. They say what
// package validate checks (schema_test.go holds them to it).
var formatPatterns = map[apispec.Format]string{
	apispec.DateTime: `^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$`,
	apispec.Decimal:  `^[0-9]{1,18}$`,
	apispec.Phone:    `^\+?[0-9][0-9 -]{4,19}$`,
	apispec.URL:      `^https?://[^\s/?#]+[^\s]*$`,
	apispec.Media:    `^(https?://[^\s/?#]+[^\s]*|[A-Za-z0-9_=+/-]{16,})$`,
}

// notBlank is a string holding something else than white space.
const notBlank = `\S`

// idPattern is a 64-bit id as decimal text; 0 counts as not supplied.
const idPattern = `^[0-9]{1,20}$`

// request renders a request field: its type and every rule JSON Schema can
// say, the codes its violations answer, and the rest in words and x-
// extensions.
func request(f *apispec.Field) schema {
	s := typed(f, true)
	if code, each := fieldCodes(f); code != 0 {
		s["x-shopconform-errcode"] = code
		if each != nil {
			s["x-shopconform-errcodes"] = each
		}
	}
	return s
}

// response renders a field of a success answer: its type and presence;
// nothing in it answers a code.
func response(f *apispec.Field) schema { return typed(f, false) }

// typed is what request and response fields share.
func typed(f *apispec.Field, isRequest bool) schema {
	s := schema{}
	var words []string
	if f.Description != "" {
		words = append(words, f.Description)
	}
	switch f.Type {
	case apispec.String:
		s["type"] = "string"
	case apispec.Integer:
		s["type"] = "integer"
	case apispec.Number:
		s["type"] = "number"
	case apispec.Boolean:
		s["type"] = "boolean"
	case apispec.ID:
		s["type"] = []string{"integer", "string"}
		s["minimum"] = 0
		s["pattern"] = idPattern
		if isRequest {
			words = append(words, "A 64-bit id: a number, or its decimal text for clients that cannot hold a uint64; 0 counts as not supplied.")
		} else {
			words = append(words, "A 64-bit id: a number, or its decimal text.")
		}
	case apispec.Text:
		s["type"] = []string{"string", "number"}
		words = append(words, "A string or a number.")
	case apispec.File:
		s["type"] = "string"
		s["format"] = "binary"
		s["contentMediaType"] = "application/octet-stream"
	case apispec.Object:
		s["type"] = "object"
		s["properties"] = properties(f, isRequest)
		if req := requiredNames(f); len(req) > 0 {
			s["required"] = req
		}
		if rules := rulesOf(f); len(rules) > 0 {
			s["x-shopconform-rules"] = rules
			for _, r := range f.Rules {
				words = append(words, ruleWords(r))
			}
		}
	case apispec.Array:
		s["type"] = "array"
		if f.Items != nil {
			if isRequest {
				s["items"] = request(f.Items)
			} else {
				s["items"] = response(f.Items)
			}
		}
	case apispec.Any:
		words = append(words, "Any JSON value.")
	}
	words = append(words, constrain(s, f)...)
	if f.Presence == apispec.Conditional {
		s["x-shopconform-required-when"] = f.When
		words = append(words, "Required when "+apispec.CondWords(f.When, apispec.Plain)+".")
	}
	if f.Note != "" {
		words = append(words, "Note: "+f.Note)
	}
	if f.Source != (apispec.Source{}) {
		s["x-shopconform-source"] = f.Source
	}
	if len(words) > 0 {
		s["description"] = strings.Join(words, " ")
	}
	return s
}

// constrain adds the field's bounds, enum and format, and says in words
// what JSON Schema cannot.
func constrain(s schema, f *apispec.Field) []string {
	var words []string
	if e := enum(f); len(e) > 0 {
		s["enum"] = e
	}
	if f.Format == apispec.Decimal {
		// A decimal string's bounds are on its value, which JSON Schema
		// cannot read out of a string.
		if f.Min != nil {
			s["x-shopconform-minimum"] = *f.Min
			words = append(words, fmt.Sprintf("Its value is at least %v.", *f.Min))
		}
		if f.Max != nil {
			s["x-shopconform-maximum"] = *f.Max
			words = append(words, fmt.Sprintf("Its value is at most %v.", *f.Max))
		}
	} else {
		if f.Min != nil {
			s["minimum"] = *f.Min
		}
		if f.Max != nil {
			s["maximum"] = *f.Max
		}
	}
	if f.Type == apispec.File {
		if f.MinLength > 0 {
			s["x-shopconform-min-bytes"] = f.MinLength
		}
		if f.MaxLength > 0 {
			s["x-shopconform-max-bytes"] = f.MaxLength
			words = append(words, fmt.Sprintf("At most %d bytes.", f.MaxLength))
		}
	} else {
		if f.MinLength > 0 {
			s["minLength"] = f.MinLength
		}
		if f.MaxLength > 0 {
			s["maxLength"] = f.MaxLength
		}
	}
	if f.MinItems > 0 {
		s["minItems"] = f.MinItems
	}
	if f.MaxItems > 0 {
		s["maxItems"] = f.MaxItems
	}
	switch f.UniqueBy {
	case "":
	case ".":
		s["uniqueItems"] = true
	default:
		s["x-shopconform-unique-by"] = f.UniqueBy
		words = append(words, "No two items have the same "+f.UniqueBy+".")
	}
	if f.Format != "" {
		s["x-shopconform-format"] = f.Format
		words = append(words, formatWords(f.Format))
		switch f.Format {
		case apispec.URL:
			s["format"] = "uri"
		case apispec.UnixSeconds, apispec.UnixMillis:
			s["format"] = "int64"
		}
		if p, ok := formatPatterns[f.Format]; ok {
			s["pattern"] = p
		}
	}
	if _, has := s["pattern"]; !has && blankRefused(f) {
		s["pattern"] = notBlank
	}
	if f.Window != nil {
		s["x-shopconform-window"] = f.Window
		words = append(words, "Within "+f.Window.String()+" of the server's clock.")
	}
	if f.Format == apispec.OpenID {
		if f.NoMember {
			words = append(words, "Whether it is a user of the caller's appid is the endpoint's own check.")
		} else {
			words = append(words, "A user of the caller's appid.")
		}
	}
	return words
}

// enum lists the allowed values. A text field takes a number or its
// text, so each number of its enum is allowed as text too, and each
// text that is a number as that number.
func enum(f *apispec.Field) []any {
	var out []any
	for _, n := range f.Enum {
		out = append(out, n)
	}
	if f.Type == apispec.Text {
		for _, t := range f.EnumText {
			if isNumber(t) && !slices.Contains(f.Enum, json.Number(t)) {
				out = append(out, json.Number(t))
			}
		}
		for _, n := range f.Enum {
			if !slices.Contains(f.EnumText, n.String()) {
				out = append(out, n.String())
			}
		}
	}
	for _, t := range f.EnumText {
		out = append(out, t)
	}
	return out
}

// isNumber reports whether s is the text of a JSON number.
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && json.Valid([]byte(s))
}

// blankRefused: a string of white space alone is a violation.
func blankRefused(f *apispec.Field) bool {
	for _, v := range f.Checks() {
		if v == apispec.Blank {
			return true
		}
	}
	return false
}

func formatWords(f apispec.Format) string {
	switch f {
	case apispec.DateTime:
		return `A time "yyyy-MM-dd HH:mm:ss" in China time (UTC+8).`
	case apispec.UnixSeconds:
		return "A time in unix seconds."
	case apispec.UnixMillis:
		return "A time in unix milliseconds."
	case apispec.Decimal:
		return "Decimal digits."
	case apispec.OpenID:
		return `An openid of a user of the appid. WeChat issues "o" and 27 of [A-Za-z0-9_-]; a sandbox account may have users of any other shape, so the schema sets no pattern.`
	case apispec.URL:
		return "An absolute http or https URL."
	case apispec.Media:
		return "An http(s) URL or a media_id."
	case apispec.Phone:
		return `A telephone number: digits, optionally "+", spaces and "-".`
	}
	return ""
}

// properties renders an object's fields in check order; JSON object keys
// are sorted on output, so x-shopconform-order keeps the order.
func properties(f *apispec.Field, isRequest bool) schema {
	props := schema{}
	for _, m := range f.Fields {
		if isRequest {
			props[m.Name] = request(m)
		} else {
			props[m.Name] = response(m)
		}
	}
	return props
}

func requiredNames(f *apispec.Field) []string {
	var out []string
	for _, m := range f.Fields {
		if m.Presence == apispec.Required {
			out = append(out, m.Name)
		}
	}
	return out
}

// rulesOf renders an object's rules, which JSON Schema cannot say with
// the spec's meaning of "supplied" (no key, null, "" and the id 0 are all
// absent).
func rulesOf(f *apispec.Field) []schema {
	var out []schema
	for _, r := range f.Rules {
		x := schema{"rule": r.Kind, "fields": r.Fields, "errcode": r.Code, "description": ruleWords(r)}
		if r.Name != "" {
			x["name"] = r.Name
		}
		if r.Strict {
			x["strict"] = true
		}
		if len(r.When) > 0 {
			x["when"] = r.When
		}
		if r.Note != "" {
			x["note"] = r.Note
		}
		if r.Source != (apispec.Source{}) {
			x["source"] = r.Source
		}
		out = append(out, x)
	}
	return out
}

// ruleWords says a rule in a sentence, with the code it answers.
func ruleWords(r *apispec.Rule) string {
	var s string
	switch r.Kind {
	case apispec.OneOf:
		s = "At least one of " + strings.Join(r.Fields, ", ") + " is supplied"
	case apispec.Ordered:
		rel := "not after"
		if r.Strict {
			rel = "before"
		}
		s = r.Fields[0] + " is " + rel + " " + r.Fields[1] + " when both are supplied"
	default:
		s = strings.TrimSuffix(r.Description, ".")
	}
	if len(r.When) > 0 {
		s += ", when " + apispec.CondWords(r.When, apispec.Plain)
	}
	return fmt.Sprintf("%s (else %d).", s, r.Code)
}

// fieldCodes is the code of the field's first check and, when its checks
// answer different codes, every check's code.
func fieldCodes(f *apispec.Field) (int, map[apispec.Violation]int) {
	checks := f.Checks()
	if len(checks) == 0 {
		return 0, nil
	}
	first := int(f.Code(checks[0]))
	each := map[apispec.Violation]int{}
	same := true
	for _, v := range checks {
		c := int(f.Code(v))
		each[v] = c
		same = same && c == first
	}
	if same {
		return first, nil
	}
	return first, each
}
