package fuzz

import (
	"cmp"
	"encoding/json"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/jsonvalue"
)

// site is a place of a request the spec describes: a field at path, or a
// rule on the object at path. The zero site is the whole body.
type site struct {
	path   []string
	field  *apispec.Field
	rule   *apispec.Rule
	parent *apispec.Field // the object (or array, for an item) around it
}

// String names the site as findings show it: "skus[].out_sku_id", or a
// rule with its fields.
func (s site) String() string {
	at := strings.ReplaceAll(strings.Join(s.path, "."), "."+item, item)
	switch {
	case s.rule != nil:
		what := string(s.rule.Kind) + "(" + strings.Join(s.rule.Fields, ", ") + ")"
		if s.rule.Kind == apispec.Check {
			what = "check " + s.rule.Name
		}
		if at == "" {
			return what
		}
		return at + ": " + what
	case s.field != nil:
		return at
	}
	return "the body"
}

// isItem: the site is an array's item, which is always required.
func (s site) isItem() bool { return len(s.path) > 0 && s.path[len(s.path)-1] == item }

// sitesOf lists every field and rule of ep's request, outside in.
func sitesOf(ep *apispec.Endpoint) []site {
	var out []site
	var object func(obj *apispec.Field, path []string)
	var inner func(f *apispec.Field, path []string)
	object = func(obj *apispec.Field, path []string) {
		for _, e := range obj.Order {
			if e.Rule != nil {
				out = append(out, site{path: path, rule: e.Rule, parent: obj})
				continue
			}
			p := append(slices.Clone(path), e.Field.Name)
			out = append(out, site{path: p, field: e.Field, parent: obj})
			inner(e.Field, p)
		}
	}
	inner = func(f *apispec.Field, path []string) {
		switch {
		case f.Type == apispec.Object:
			object(f, path)
		case f.Type == apispec.Array && f.Items != nil:
			p := append(slices.Clone(path), item)
			out = append(out, site{path: p, field: f.Items, parent: f})
			inner(f.Items, p)
		}
	}
	object(ep.Request, nil)
	return out
}

// mutation is one way to break one valid request: an operator at a site,
// with the draw that seeds its choices.
type mutation struct {
	op   *operator
	site site
	draw uint64
}

// mutated is a mutation made on one body.
type mutated struct {
	body any     // the mutated body template
	raw  *string // instead of body: a text that is no JSON object
	// repeat sends valid, the body before the mutation, first, as a given
	// step.
	repeat bool
	valid  any
	// expected are the codes the request may earn, 0 among them when it
	// stays valid; primary is the one a case of it expects.
	expected   []catalog.Code
	primary    catalog.Code
	hasPrimary bool
}

// mut is the work of one operator on one body.
type mut struct {
	ep        *apispec.Endpoint
	multipart bool
	root      any
	site      site
	rng       *rand.Rand
	out       mutated
}

// apply makes m on a copy of body; ok is false when the operator does not
// apply there, or the spec cannot say what the result may earn.
func apply(ep *apispec.Endpoint, multipart bool, body any, m mutation, seed uint64) (mutated, bool) {
	// Each operator at each site draws its own values, so that two sites
	// of one body are not broken alike.
	h := fnv.New64a()
	h.Write([]byte(m.op.name + " " + m.site.String()))
	w := &mut{ep: ep, multipart: multipart, root: jsonvalue.Clone(body), site: m.site,
		rng: rand.New(rand.NewPCG(seed^h.Sum64(), m.draw))}
	if !m.op.make(w) {
		return mutated{}, false
	}
	w.out.body, w.out.valid = w.root, body
	slices.Sort(w.out.expected)
	w.out.expected = slices.Compact(w.out.expected)
	return w.out, true
}

// place locates the site's field in the body.
func (m *mut) place() (place, bool) { return locate(m.root, m.site.path, m.rng) }

// must says whether the site's field is required in the body as it now is.
func (m *mut) must() (must, known bool) {
	if m.site.isItem() {
		return true, true // an absent item is a missing one
	}
	return mustSend(m.site.field, m.root)
}

// expect records the codes a violation of f may earn: f's own, the
// endpoint's default for that violation, and the generic code (990008
// for a value too long, 990007 for anything else), as apispec/README.md
// "Which code" resolves them.
func (m *mut) expect(f *apispec.Field, v apispec.Violation) {
	own := cmp.Or(f.Code(v), generic(v))
	m.expectCodes(own, generic(v))
	if def := m.ep.Request.Code(v); def != 0 {
		m.expectCodes(def)
	}
}

// expectCodes records codes the request may earn; the first recorded is
// what a case of it expects.
func (m *mut) expectCodes(codes ...catalog.Code) {
	if !m.out.hasPrimary && len(codes) > 0 {
		m.out.primary, m.out.hasPrimary = codes[0], true
	}
	m.out.expected = append(m.out.expected, codes...)
}

// mayPass records that the request may stay valid: 0 is among what it
// may earn.
func (m *mut) mayPass() { m.expectCodes(catalog.OK) }

func generic(v apispec.Violation) catalog.Code {
	if v == apispec.TooLong {
		return catalog.ParameterTooLong
	}
	return catalog.ParameterMissing
}

// write puts value at the site (stored may be its template, such as
// {{repeat:x:N}}) and records what the spec says of it: the violation's
// codes, or, when the value is valid and pass allows it, 0. ok is false
// when the spec cannot tell, the value is valid and pass is false, or a
// multipart form cannot carry it.
func (m *mut) write(p place, stored, value any, pass bool) bool {
	switch stored.(type) {
	case string, formFile:
	default:
		if m.multipart {
			return false // a form carries text and files only
		}
	}
	p.set(stored)
	must, known := m.must()
	if !known {
		return false
	}
	v := judgeValue(m.site.field, value, must)
	switch {
	case !v.known:
		return false
	case v.broken != "":
		m.expect(m.site.field, v.broken)
		return true
	case pass:
		m.mayPass()
		return true
	}
	return false
}

// stateCodes are ep's codes of state rules, the handler's (its `codes`).
func stateCodes(ep *apispec.Endpoint) []catalog.Code {
	var out []catalog.Code
	for _, u := range ep.Codes {
		if u.Field == "" {
			out = append(out, u.Code)
		}
	}
	return out
}

// objects lists the objects of a body, the root first.
func objects(v any) []map[string]any {
	var out []map[string]any
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			out = append(out, x)
			for _, k := range slices.Sorted(maps.Keys(x)) {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// jsonText is a body template as JSON text.
func jsonText(v any) string {
	data, _ := json.Marshal(v) // decoded JSON always encodes
	return string(data)
}
