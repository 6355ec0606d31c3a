package apidoc

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/version"
)

// JSON renders the spec model itself, resolved: every field with its
// path, its checks in order and the code each answers, every endpoint
// with its own codes and the universal ones. The field names are those
// of the data files (apispec/README.md) plus path, checks, errcodes,
// universal_codes and at (file:line:col of the declaration); they are
// stable, for tools in any language.
func JSON(spec *apispec.Spec, cat *catalog.Catalog) ([]byte, error) {
	if err := knownCodes(spec, cat); err != nil {
		return nil, err
	}
	doc := model{Harness: version.Harness, Catalog: cat.Hash(), Endpoints: []modelEndpoint{}}
	for _, ep := range spec.Endpoints {
		m := modelEndpoint{
			Path: ep.Path, Domain: string(ep.Domain), Summary: ep.Summary, Source: ep.Source,
			Access: "open", Body: "json", ContentPolicy: ep.Content,
			Request: field(ep.Request), Response: field(ep.Response),
			Codes: codes(cat, ep.Codes), UniversalCodes: codes(cat, apispec.UniversalCodes(ep)),
			Notes: ep.Notes, At: at(ep.Pos),
		}
		if ep.PreOpen {
			m.Access = "pre_open"
		}
		if ep.Multipart {
			m.Body = "multipart"
		}
		for _, ex := range ep.Examples {
			m.Examples = append(m.Examples, modelExample{Body: ex.Body, Needs: ex.Needs, Setup: ex.Setup, Breaks: ex.Breaks, At: at(ex.Pos)})
		}
		doc.Endpoints = append(doc.Endpoints, m)
	}
	doc.RouteCodes = codes(cat, apispec.RouteCodes())
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("apidoc: %w", err)
	}
	return buf.Bytes(), nil
}

type model struct {
	Harness string `json:"harness_version"`
	Catalog string `json:"catalog"`
	// RouteCodes are answered before an endpoint is known.
	RouteCodes []modelCode     `json:"route_codes"`
	Endpoints  []modelEndpoint `json:"endpoints"`
}

type modelEndpoint struct {
	Path           string         `json:"path"`
	Domain         string         `json:"domain"`
	Summary        string         `json:"summary"`
	Source         apispec.Source `json:"source"`
	Access         string         `json:"access"`
	Body           string         `json:"body"`
	ContentPolicy  []string       `json:"content_policy,omitempty"`
	Request        *modelField    `json:"request"`
	Response       *modelField    `json:"response"`
	Codes          []modelCode    `json:"codes"`
	UniversalCodes []modelCode    `json:"universal_codes"`
	Notes          []string       `json:"notes,omitempty"`
	Examples       []modelExample `json:"examples,omitempty"`
	At             string         `json:"at"`
}

type modelField struct {
	Name      string                    `json:"name,omitempty"`
	Path      string                    `json:"path,omitempty"`
	Type      apispec.Type              `json:"type"`
	Presence  apispec.Presence          `json:"presence"`
	When      []apispec.Cond            `json:"when,omitempty"`
	Enum      []any                     `json:"enum,omitempty"`
	Min       *float64                  `json:"min,omitempty"`
	Max       *float64                  `json:"max,omitempty"`
	MinLength int                       `json:"min_length,omitempty"`
	MaxLength int                       `json:"max_length,omitempty"`
	MinItems  int                       `json:"min_items,omitempty"`
	MaxItems  int                       `json:"max_items,omitempty"`
	UniqueBy  string                    `json:"unique_by,omitempty"`
	Format    apispec.Format            `json:"format,omitempty"`
	NotBlank  bool                      `json:"not_blank,omitempty"`
	Window    *apispec.Window           `json:"window,omitempty"`
	NoMember  bool                      `json:"no_member,omitempty"`
	Checks    []apispec.Violation       `json:"checks,omitempty"`
	Errcodes  map[apispec.Violation]int `json:"errcodes,omitempty"`
	// Fields are an object's fields and rules (*modelRule) in check order.
	Fields      []any           `json:"fields,omitempty"`
	Items       *modelField     `json:"items,omitempty"`
	Source      *apispec.Source `json:"source,omitempty"`
	Description string          `json:"description,omitempty"`
	Note        string          `json:"note,omitempty"`
	At          string          `json:"at,omitempty"`
}

type modelRule struct {
	Rule        apispec.RuleKind `json:"rule"`
	Fields      []string         `json:"fields,omitempty"`
	Name        string           `json:"name,omitempty"`
	Strict      bool             `json:"strict,omitempty"`
	When        []apispec.Cond   `json:"when,omitempty"`
	Errcode     int              `json:"errcode"`
	Description string           `json:"description,omitempty"`
	Source      *apispec.Source  `json:"source,omitempty"`
	Note        string           `json:"note,omitempty"`
	At          string           `json:"at"`
}

type modelCode struct {
	Code    int             `json:"code"`
	Meaning string          `json:"meaning"`
	When    string          `json:"when"`
	Field   string          `json:"field,omitempty"`
	Source  *apispec.Source `json:"source,omitempty"`
}

type modelExample struct {
	Body  json.RawMessage `json:"body"`
	Needs []string        `json:"needs,omitempty"`
	// Setup are the control calls that make what Needs says, as the data
	// files write them: {call, body}.
	Setup  []apispec.ControlCall `json:"setup,omitempty"`
	Breaks string                `json:"breaks,omitempty"`
	At     string                `json:"at"`
}

func field(f *apispec.Field) *modelField {
	m := &modelField{
		Name: f.Name, Path: f.Path, Type: f.Type, Presence: f.Presence, When: f.When, Enum: enumValues(f),
		Min: f.Min, Max: f.Max, MinLength: f.MinLength, MaxLength: f.MaxLength, MinItems: f.MinItems, MaxItems: f.MaxItems,
		UniqueBy: f.UniqueBy, Format: f.Format, NotBlank: f.NotBlank, Window: f.Window, NoMember: f.NoMember,
		Source: source(f.Source), Description: f.Description, Note: f.Note,
	}
	if f.Path != "" { // the body itself has no checks of its own
		m.At = at(f.Pos)
		m.Checks = f.Checks()
		if len(m.Checks) > 0 {
			m.Errcodes = map[apispec.Violation]int{}
			for _, v := range m.Checks {
				m.Errcodes[v] = int(f.Code(v))
			}
		}
	}
	for _, e := range f.Order {
		if e.Field != nil {
			m.Fields = append(m.Fields, field(e.Field))
			continue
		}
		r := e.Rule
		m.Fields = append(m.Fields, &modelRule{
			Rule: r.Kind, Fields: r.Fields, Name: r.Name, Strict: r.Strict, When: r.When, Errcode: int(r.Code),
			Description: r.Description, Source: source(r.Source), Note: r.Note, At: at(r.Pos),
		})
	}
	if f.Items != nil {
		m.Items = field(f.Items)
	}
	return m
}

func enumValues(f *apispec.Field) []any {
	var out []any
	for _, n := range f.Enum {
		out = append(out, n)
	}
	for _, s := range f.EnumText {
		out = append(out, s)
	}
	return out
}

func source(s apispec.Source) *apispec.Source {
	if s == (apispec.Source{}) {
		return nil
	}
	return &s
}

func codes(cat *catalog.Catalog, uses []apispec.CodeUse) []modelCode {
	out := make([]modelCode, len(uses))
	for i, u := range uses {
		out[i] = modelCode{Code: int(u.Code), Meaning: meaning(cat, u.Code), When: u.When, Field: u.Field, Source: source(u.Source)}
	}
	return out
}

// meaning is the catalog's; knownCodes checked that it has them all.
func meaning(cat *catalog.Catalog, code catalog.Code) string {
	e, _ := cat.Lookup(code)
	return e.Meaning
}

func at(p apispec.Pos) string {
	if p.File == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}
