// Package apidoc renders the spec (package apispec) for people and tools:
// the API notes in Markdown (apispec/API.md), and the model itself as
// JSON. Both read only the model, so they stay right as the data grows.
package apidoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// Regenerate is the command that rewrites apispec/API.md.
const Regenerate = "go run ./cmd/shopconform spec --format markdown --out apispec/API.md"

// Markdown renders the API notes: per domain, per endpoint, what it does,
// its fields and their rules with the code each violation answers, its
// cross-field rules, its codes, the choices written in the spec and the
// vendor's example requests. Links are relative to apispec/.
func Markdown(spec *apispec.Spec, cat *catalog.Catalog) ([]byte, error) {
	if err := knownCodes(spec, cat); err != nil {
		return nil, err
	}
	w := &writer{cat: cat}
	w.intro(spec)
	w.everyCall()
	for _, d := range domains(spec) {
		w.p("## %s", d)
		for _, ep := range spec.Endpoints {
			if ep.Domain == d {
				w.endpoint(ep)
			}
		}
	}
	return append(bytes.TrimRight(w.buf.Bytes(), "\n"), '\n'), nil
}

// knownCodes refuses a spec that names a code the catalog lacks: the
// notes give every code its meaning.
func knownCodes(spec *apispec.Spec, cat *catalog.Catalog) error {
	var errs []error
	uses := apispec.RouteCodes()
	for _, ep := range spec.Endpoints {
		uses = slices.Concat(uses, ep.Codes, apispec.UniversalCodes(ep))
	}
	for _, u := range uses {
		if !cat.Has(u.Code) {
			errs = append(errs, fmt.Errorf("apidoc: errcode %d (%s) is not in the catalog", u.Code, u.When))
		}
	}
	return errors.Join(errs...)
}

type writer struct {
	buf bytes.Buffer
	cat *catalog.Catalog
}

// p writes one paragraph (or table, or list) and a blank line.
func (w *writer) p(format string, args ...any) {
	fmt.Fprintf(&w.buf, format, args...)
	w.buf.WriteString("\n\n")
}

func (w *writer) intro(spec *apispec.Spec) {
	w.p("# API notes")
	w.p("<!-- Generated from apispec/data/*.json by `%s`. Edit the spec, not this file. -->", Regenerate)
	w.p("Every `/shop/` endpoint as the spec ([README.md](README.md)) models it: what it does, " +
		"its fields and the rule each obeys, the errcode each violation answers, its rules over several fields, " +
		"the codes of its state rules, the choices made where the docs are silent or disagree, and the vendor's example requests. " +
		"Sections (§) are those of [api-reference.md](api-reference.md), the research the spec comes from; evidence D is documented, " +
		"I inferred, NS not triggerable on a plain sandbox account. The meanings are the catalog's (`shopconform catalog`). " +
		"`shopconform spec` renders the same spec as OpenAPI 3.1, with the reference sandbox's control API (tag `control`). " +
		"An example's \"Set up with\" line lists the control calls ([refsandbox/README.md](../refsandbox/README.md#control-api)) " +
		"that make the state it presupposes, on an account minted for it by its `account` call.")
	var rows []string
	for _, d := range domains(spec) {
		var links []string
		for _, ep := range spec.Endpoints {
			if ep.Domain == d {
				links = append(links, fmt.Sprintf("[`%s`](#%s)", ep.Path, anchor(ep.Path)))
			}
		}
		rows = append(rows, fmt.Sprintf("| [%s](#%s) | %s |", d, anchor(string(d)), strings.Join(links, ", ")))
	}
	w.p("| domain | endpoints |\n|---|---|\n%s", strings.Join(rows, "\n"))
}

// everyCall says which codes every call can answer: the choice of
// apispec.UniversalCodes, with where each applies.
func (w *writer) everyCall() {
	w.p("## Every call")
	w.p("Every endpoint takes POST with the `access_token` in the query and a JSON body (`{}` when it has no fields; " +
		"multipart/form-data where the notes say so). Every answer comes with HTTP 200: errcode 0 is success, anything else an error " +
		"with `errmsg` alone. A field is supplied unless it is missing, `null`, `\"\"` or (an id) 0; an optional field that is not " +
		"supplied is not checked further, and fields the spec does not know are ignored. A request's fields are checked in the order " +
		"of its table, and the first violation answers.")
	w.p("Besides its own codes, every call can answer these, checked in this order before its field rules (87014 after them):")
	full := apispec.UniversalCodes(&apispec.Endpoint{Content: []string{"its content-policy fields"}})
	multipart := apispec.UniversalCodes(&apispec.Endpoint{Multipart: true, Content: []string{"x"}})
	preOpen := apispec.UniversalCodes(&apispec.Endpoint{PreOpen: true, Content: []string{"x"}})
	plain := apispec.UniversalCodes(&apispec.Endpoint{})
	var rows []string
	for _, u := range full {
		where := "every endpoint"
		switch {
		case !hasCode(multipart, u.Code):
			where = "JSON bodies"
		case !hasCode(preOpen, u.Code):
			where = "every endpoint but the pre_open ones"
		case !hasCode(plain, u.Code):
			where = "endpoints with content-policy fields"
		}
		rows = append(rows, fmt.Sprintf("| %d | %s | %s | %s |", u.Code, cell(w.meaning(u.Code)), cell(u.When), where))
	}
	w.p("| code | meaning | when | on |\n|---|---|---|---|\n%s", strings.Join(rows, "\n"))
	var route []string
	for _, u := range apispec.RouteCodes() {
		route = append(route, fmt.Sprintf("%d when %s", u.Code, u.When))
	}
	w.p("Before any of them: %s. The token endpoints `/cgi-bin/token` and `/cgi-bin/stable_token` (§1.1) are not in the spec; "+
		"the OpenAPI document describes them.", strings.Join(route, "; "))
}

func hasCode(uses []apispec.CodeUse, code catalog.Code) bool {
	return slices.ContainsFunc(uses, func(u apispec.CodeUse) bool { return u.Code == code })
}

func (w *writer) meaning(code catalog.Code) string {
	e, _ := w.cat.Lookup(code) // knownCodes checked them all
	return e.Meaning
}

func (w *writer) endpoint(ep *apispec.Endpoint) {
	w.p("### `%s`", ep.Path)
	w.p("%s", ep.Summary)
	var facts []string
	if ep.Source.Section != "" {
		facts = append(facts, "- **Source**: "+sourceWords(ep.Source))
	}
	if ep.PreOpen {
		facts = append(facts, "- **Access**: pre_open: callable before the component is opened (no 48001)")
	} else {
		facts = append(facts, "- **Access**: open: 48001 until the component is opened")
	}
	if ep.Multipart {
		facts = append(facts, "- **Body**: multipart/form-data (no 47001)")
	} else {
		facts = append(facts, "- **Body**: JSON")
	}
	if len(ep.Content) > 0 {
		facts = append(facts, "- **Content policy**: "+codeList(ep.Content)+" (87014, after the field rules)")
	}
	w.p("%s", strings.Join(facts, "\n"))
	w.request(ep)
	w.rules(ep)
	w.response(ep)
	w.codes(ep)
	if len(ep.Notes) > 0 {
		var items []string
		for _, n := range ep.Notes {
			items = append(items, "- "+n)
		}
		w.p("#### Notes\n\n%s", strings.Join(items, "\n"))
	}
	w.examples(ep)
}

func (w *writer) request(ep *apispec.Endpoint) {
	rows := fieldRows(ep.Request, true)
	if len(rows) == 0 {
		w.p("#### Request\n\nNo fields: the body is `{}`.")
		return
	}
	w.p("#### Request\n\n| field | type | presence | rules | code | about |\n|---|---|---|---|---|---|\n%s", strings.Join(rows, "\n"))
}

func (w *writer) response(ep *apispec.Endpoint) {
	rows := fieldRows(ep.Response, false)
	if len(rows) == 0 {
		w.p("#### Response\n\nNo fields documented besides `errcode` and `errmsg`.")
		return
	}
	w.p("#### Response\n\nOn success, besides `errcode` and `errmsg`; every target's success answers are checked against it.\n\n"+
		"| field | type | presence | about |\n|---|---|---|---|\n%s", strings.Join(rows, "\n"))
}

// fieldRows lists an object's fields depth first in check order, an
// array's item as path[].
func fieldRows(obj *apispec.Field, isRequest bool) []string {
	var rows []string
	var walk func(f *apispec.Field)
	walk = func(f *apispec.Field) {
		for _, m := range f.Fields {
			rows = append(rows, fieldRow(m, isRequest))
			walk(m)
			if m.Items != nil {
				rows = append(rows, fieldRow(m.Items, isRequest))
				walk(m.Items)
			}
		}
	}
	walk(obj)
	return rows
}

func fieldRow(f *apispec.Field, isRequest bool) string {
	about := []string{f.Description}
	if f.Note != "" {
		about = append(about, "Note: "+f.Note)
	}
	if f.Source.Section != "" {
		about = append(about, "("+sourceShort(f.Source)+")")
	}
	cells := []string{"`" + f.Path + "`", typeWords(f), presenceWords(f)}
	if isRequest {
		cells = append(cells, strings.Join(constraints(f), "; "), codeWords(f))
	}
	cells = append(cells, strings.Join(nonEmpty(about), " "))
	for i := range cells {
		cells[i] = cell(cells[i])
	}
	return "| " + strings.Join(cells, " | ") + " |"
}

func typeWords(f *apispec.Field) string {
	switch f.Type {
	case apispec.Array:
		if f.Items != nil {
			return "array of " + string(f.Items.Type)
		}
	case apispec.ID:
		return "id (uint64: number or text)"
	case apispec.Text:
		return "text (string or number)"
	}
	return string(f.Type)
}

func presenceWords(f *apispec.Field) string {
	if f.Path != "" && strings.HasSuffix(f.Path, "[]") {
		return "each item"
	}
	if f.Presence == apispec.Conditional {
		return "required when " + apispec.CondWords(f.When, code)
	}
	return string(f.Presence)
}

// constraints says a field's rules in short words.
func constraints(f *apispec.Field) []string {
	var out []string
	if vals := enumValues(f); len(vals) > 0 {
		var s []string
		for _, v := range vals {
			if t, ok := v.(string); ok {
				s = append(s, fmt.Sprintf("%q", t))
			} else {
				s = append(s, fmt.Sprint(v))
			}
		}
		out = append(out, "one of "+strings.Join(s, ", "))
	}
	value := ""
	if f.Format == apispec.Decimal {
		value = "value "
	}
	out = append(out, span(value, f.Min, f.Max, "")...)
	unit := " chars"
	if f.Type == apispec.File {
		unit = " bytes"
	}
	out = append(out, lengthSpan(f.MinLength, f.MaxLength, unit)...)
	out = append(out, lengthSpan(f.MinItems, f.MaxItems, " items")...)
	switch f.UniqueBy {
	case "":
	case ".":
		out = append(out, "items unique")
	default:
		out = append(out, "unique by "+f.UniqueBy)
	}
	if f.Format != "" {
		out = append(out, string(f.Format))
	}
	if f.Window != nil {
		out = append(out, "within "+f.Window.String())
	}
	if slices.Contains(f.Checks(), apispec.Blank) {
		out = append(out, "not blank")
	}
	if f.Format == apispec.OpenID {
		if f.NoMember {
			out = append(out, "membership checked by the endpoint")
		} else {
			out = append(out, "a user of the appid")
		}
	}
	return out
}

func span(prefix string, lo, hi *float64, unit string) []string {
	num := func(p *float64) string { return strconv.FormatFloat(*p, 'f', -1, 64) }
	switch {
	case lo != nil && hi != nil:
		return []string{prefix + num(lo) + " to " + num(hi) + unit}
	case lo != nil:
		return []string{prefix + "≥ " + num(lo) + unit}
	case hi != nil:
		return []string{prefix + "≤ " + num(hi) + unit}
	}
	return nil
}

func lengthSpan(lo, hi int, unit string) []string {
	var l, h *float64
	if lo > 0 {
		v := float64(lo)
		l = &v
	}
	if hi > 0 {
		v := float64(hi)
		h = &v
	}
	return span("", l, h, unit)
}

// codeWords is the code a field's violations answer, or which check
// answers which when they differ.
func codeWords(f *apispec.Field) string {
	var order []catalog.Code
	by := map[catalog.Code][]string{}
	for _, v := range f.Checks() {
		c := f.Code(v)
		if _, seen := by[c]; !seen {
			order = append(order, c)
		}
		by[c] = append(by[c], string(v))
	}
	if len(order) == 1 {
		return fmt.Sprint(order[0])
	}
	var parts []string
	for _, c := range order {
		parts = append(parts, fmt.Sprintf("%d (%s)", c, strings.Join(by[c], ", ")))
	}
	return strings.Join(parts, "; ")
}

// rules lists every rule over several fields, with where it is checked.
func (w *writer) rules(ep *apispec.Endpoint) {
	var rows []string
	var walk func(obj *apispec.Field)
	walk = func(obj *apispec.Field) {
		after := "first"
		for _, e := range obj.Order {
			if e.Field != nil {
				after = "after `" + e.Field.Path + "`"
				continue
			}
			r := e.Rule
			when := "always"
			if len(r.When) > 0 {
				when = apispec.CondWords(r.When, code)
			}
			about := nonEmpty([]string{r.Note})
			if r.Source.Section != "" {
				about = append(about, "("+sourceShort(r.Source)+")")
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %d | %s |", cell(ruleWords(r)), cell(orBody(r.Path)), cell(after), cell(when), r.Code, cell(strings.Join(about, " "))))
		}
		for _, m := range obj.Fields {
			walk(m)
			if m.Items != nil {
				walk(m.Items)
			}
		}
	}
	walk(ep.Request)
	if len(rows) > 0 {
		w.p("#### Rules\n\n| rule | in | checked | when | code | about |\n|---|---|---|---|---|---|\n%s", strings.Join(rows, "\n"))
	}
}

func (w *writer) codes(ep *apispec.Endpoint) {
	var rows []string
	for _, u := range ep.Codes {
		rows = append(rows, fmt.Sprintf("| %d | %s | %s |", u.Code, cell(w.meaning(u.Code)), cell(u.When)))
	}
	if len(rows) == 0 {
		w.p("#### Codes\n\nOnly those [every call](#every-call) can answer.")
		return
	}
	w.p("#### Codes\n\nBesides those [every call](#every-call) can answer: its field rules' and then its state rules'.\n\n"+
		"| code | meaning | when |\n|---|---|---|\n%s", strings.Join(rows, "\n"))
}

func (w *writer) examples(ep *apispec.Endpoint) {
	if len(ep.Examples) == 0 {
		return
	}
	w.p("#### Examples")
	for i, ex := range ep.Examples {
		head := fmt.Sprintf("**Example %d**", i+1)
		if len(ex.Needs) > 0 {
			head += ": needs " + strings.Join(ex.Needs, "; ")
		}
		w.p("%s", head)
		if len(ex.Setup) > 0 {
			w.p("Set up with: %s", setupWords(ex.Setup))
		}
		var body bytes.Buffer
		if err := json.Indent(&body, ex.Body, "", "  "); err != nil {
			body.Reset()
			body.Write(ex.Body)
		}
		w.p("```json\n%s\n```", body.String())
		if ex.Breaks != "" {
			w.p("It breaks its page's rules, so it must not answer 0: %s", ex.Breaks)
		}
	}
}

// setupWords lists an example's control calls, each with its body as
// one line of JSON.
func setupWords(calls []apispec.ControlCall) string {
	parts := make([]string, len(calls))
	for i, c := range calls {
		parts[i] = c.Call
		var body bytes.Buffer
		if len(c.Body) == 0 || json.Compact(&body, c.Body) != nil {
			continue
		}
		fence := "`"
		if bytes.Contains(body.Bytes(), []byte("`")) {
			fence = "`` "
		}
		parts[i] += " " + fence + body.String() + reverse(fence)
	}
	return strings.Join(parts, "; ")
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// ruleWords says a rule in words.
func ruleWords(r *apispec.Rule) string {
	switch r.Kind {
	case apispec.OneOf:
		return "at least one of " + codeList(r.Fields) + " is supplied"
	case apispec.Ordered:
		rel := "not after"
		if r.Strict {
			rel = "before"
		}
		return fmt.Sprintf("`%s` is %s `%s` when both are supplied", r.Fields[0], rel, r.Fields[1])
	}
	return fmt.Sprintf("%s (check `%s`)", strings.TrimSuffix(r.Description, "."), r.Name)
}

func sourceWords(s apispec.Source) string {
	out := "[api-reference.md](api-reference.md) " + s.Section
	if s.Evidence != "" {
		out += ", evidence " + string(s.Evidence)
	}
	return out
}

func sourceShort(s apispec.Source) string {
	if s.Evidence == "" {
		return s.Section
	}
	return s.Section + " " + string(s.Evidence)
}

func orBody(path string) string {
	if path == "" {
		return "the body"
	}
	return "`" + path + "`"
}

func codeList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	return strings.Join(quoted, ", ")
}

func nonEmpty(ss []string) []string {
	return slices.DeleteFunc(ss, func(s string) bool { return s == "" })
}

// cell makes text safe inside a table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	if s == "" {
		return "—"
	}
	return s
}

// domains lists the spec's domains in the catalog's order.
func domains(spec *apispec.Spec) []catalog.Domain {
	var out []catalog.Domain
	for _, d := range catalog.Domains() {
		if slices.ContainsFunc(spec.Endpoints, func(ep *apispec.Endpoint) bool { return ep.Domain == d }) {
			out = append(out, d)
		}
	}
	return out
}

// anchor is GitHub's anchor of a heading: lower case, punctuation but
// '-' and '_' dropped, spaces to '-'.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// code writes a field name as Markdown code.
func code(field string) string { return "`" + field + "`" }
