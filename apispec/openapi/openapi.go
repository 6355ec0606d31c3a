// Package openapi renders the spec (package apispec) as an OpenAPI 3.1
// document: one POST operation per /shop/ endpoint with its request
// schema, every code it can answer and the vendor's example requests,
// plus the two token endpoints, and (Control) the reference sandbox's
// control API. apispec/README.md "Renderings" says how the spec's rules
// map to JSON Schema and x-shopconform extensions.
package openapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/version"
)

// Options adjusts a rendering.
type Options struct {
	// Version is info.version; empty means the harness's version.
	Version string
	// Extra are operations outside the vendor's API, each group under its
	// own tag: the reference sandbox's control API (Control) is one. The
	// /shop/ and token operations never come from here.
	Extra []PathGroup
}

// PathGroup is a set of operations outside the spec: OpenAPI path items
// by path, under one tag, with the component schemas and security
// schemes they name.
type PathGroup struct {
	Tag             string
	Description     string
	Paths           map[string]map[string]any
	Schemas         map[string]any
	SecuritySchemes map[string]any
}

// Vendor is the host of the vendor's API.
const Vendor = "https://api.weixin.qq.com"

// Render returns the document as JSON: sorted keys, two-space indent, a
// final newline, the same bytes for the same spec and catalog.
func Render(spec *apispec.Spec, cat *catalog.Catalog, opts Options) ([]byte, error) {
	doc, err := Document(spec, cat, opts)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return buf.Bytes(), nil
}

// Document returns the document as generic JSON (maps sort their keys
// when encoded).
func Document(spec *apispec.Spec, cat *catalog.Catalog, opts Options) (map[string]any, error) {
	r := renderer{cat: cat}
	paths := map[string]any{}
	ids := map[string]string{}
	var tags []catalog.Domain
	for _, ep := range spec.Endpoints {
		op := r.operation(ep)
		id := op["operationId"].(string)
		if prev, dup := ids[id]; dup {
			return nil, fmt.Errorf("openapi: %s and %s both make operationId %s", prev, ep.Path, id)
		}
		ids[id] = ep.Path
		paths[ep.Path] = map[string]any{
			"post":                   op,
			"x-shopconform-errcodes": r.codeList(only(apispec.RouteCodes(), catalog.RequirePOST)),
		}
		if !slices.Contains(tags, ep.Domain) {
			tags = append(tags, ep.Domain)
		}
	}
	for path, item := range r.tokenPaths() {
		paths[path] = item
	}
	tagList := domainTags(tags)
	tagList = append(tagList, map[string]any{"name": tokenTag, "description": "Obtaining the access_token every /shop/ call carries (api-reference.md §1.1)."})
	comps := components()
	for _, g := range opts.Extra {
		for path, item := range g.Paths {
			if _, taken := paths[path]; taken {
				return nil, fmt.Errorf("openapi: extra path %s (tag %s) is already an operation of the API", path, g.Tag)
			}
			paths[path] = item
		}
		for kind, extra := range map[string]map[string]any{"schemas": g.Schemas, "securitySchemes": g.SecuritySchemes} {
			have := comps[kind].(map[string]any)
			for name, v := range extra {
				if _, taken := have[name]; taken {
					return nil, fmt.Errorf("openapi: extra %s %s (tag %s) is already a component", kind, name, g.Tag)
				}
				have[name] = v
			}
		}
		tagList = append(tagList, map[string]any{"name": g.Tag, "description": g.Description})
	}
	if r.err != nil {
		return nil, r.err
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "WeChat Mini Program custom transaction component: server API",
			"version":     cmp.Or(opts.Version, version.Harness),
			"description": infoDescription,
		},
		"servers": []any{
			map[string]any{"url": Vendor, "description": "the vendor's API"},
			map[string]any{"url": "http://127.0.0.1:8089", "description": "the reference sandbox (shopconform serve, its default address)"},
		},
		"tags":                   tagList,
		"paths":                  paths,
		"security":               []any{map[string]any{"access_token": []string{}}, map[string]any{"authorizer_access_token": []string{}}},
		"components":             comps,
		"x-shopconform-catalog":  cat.Hash(),
		"x-shopconform-errcodes": r.codeList(only(apispec.RouteCodes(), catalog.URLNotFound)),
	}, nil
}

const infoDescription = `The /shop/ server API of the WeChat Mini Program custom transaction component (自定义版交易组件), as the shopconform conformance harness models it: rendered from its spec (apispec/data/*.json), whose sources and evidence are in apispec/api-reference.md.

Every /shop/ endpoint takes POST with a JSON body ({} when it has no parameters; /shop/img/upload takes multipart/form-data) and the access_token in the query.

Every answer comes with HTTP 200, errors included: errcode 0 is success, anything else is an error whose errmsg ends in " rid: …", a request id that changes with every call. x-shopconform-errcodes lists, per operation, every code it can answer: the universal ones first, then those of its field rules, then those of its state rules; the meanings are the catalog's (x-shopconform-catalog is its hash).

A field is "supplied" unless it is missing, null, "" or (an id) 0; an optional field that is not supplied is not checked further. Fields nobody documented are ignored, as the live API does. The schemas say every rule JSON Schema can say; the rest (conditional presence, rules over several fields, time windows, bounds of decimal strings) is in each schema's description and x-shopconform extensions. x-shopconform-errcode is what a violation of a field answers (that of its first check); x-shopconform-errcodes, on a field, maps each check to its code where they differ.`

// tokenTag is the tag of the token endpoints.
const tokenTag = "token"

type renderer struct {
	cat *catalog.Catalog
	err error
}

func (r *renderer) operation(ep *apispec.Endpoint) map[string]any {
	op := map[string]any{
		"operationId":            operationID(ep.Path),
		"summary":                ep.Summary,
		"tags":                   []string{string(ep.Domain)},
		"requestBody":            r.requestBody(ep),
		"responses":              map[string]any{"200": r.successResponse(ep)},
		"x-shopconform-errcodes": r.codeList(operationCodes(ep)),
		"x-shopconform-access":   access(ep),
	}
	if ep.Source != (apispec.Source{}) {
		op["x-shopconform-source"] = ep.Source
	}
	if len(ep.Content) > 0 {
		op["x-shopconform-content-policy"] = ep.Content
	}
	var desc []string
	if ep.PreOpen {
		desc = append(desc, "Callable before the component is opened (onboarding).")
	}
	if ep.Source.Section != "" {
		desc = append(desc, fmt.Sprintf("Source: api-reference.md %s%s.", ep.Source.Section, evidenceWords(ep.Source.Evidence)))
	}
	for _, n := range ep.Notes {
		desc = append(desc, "Note: "+n)
	}
	if len(desc) > 0 {
		op["description"] = strings.Join(desc, "\n\n")
	}
	if len(ep.Notes) > 0 {
		op["x-shopconform-notes"] = ep.Notes
	}
	return op
}

// access is the spec's word for when ep may be called.
func access(ep *apispec.Endpoint) string {
	if ep.PreOpen {
		return "pre_open"
	}
	return "open"
}

// only keeps the uses of one code.
func only(uses []apispec.CodeUse, code catalog.Code) []apispec.CodeUse {
	return slices.DeleteFunc(uses, func(u apispec.CodeUse) bool { return u.Code != code })
}

func evidenceWords(e apispec.Evidence) string {
	if e == "" {
		return ""
	}
	return " (" + string(e) + ")"
}

// operationCodes are every code of ep: the universal ones but the content
// policy, then those of the field rules, the content policy, and those of
// the state rules, each code once.
func operationCodes(ep *apispec.Endpoint) []apispec.CodeUse {
	universal := apispec.UniversalCodes(ep)
	var content []apispec.CodeUse
	if n := len(universal); n > 0 && universal[n-1].Code == catalog.ContentViolation {
		universal, content = universal[:n-1], universal[n-1:]
	}
	var fields, state []apispec.CodeUse
	for _, u := range ep.Codes {
		if u.Field != "" {
			fields = append(fields, u)
		} else {
			state = append(state, u)
		}
	}
	var out []apispec.CodeUse
	for _, u := range slices.Concat(universal, fields, content, state) {
		if i := slices.IndexFunc(out, func(o apispec.CodeUse) bool { return o.Code == u.Code }); i >= 0 {
			out[i].When += "; " + u.When
			continue
		}
		out = append(out, u)
	}
	return out
}

// codeList renders codes with their catalog meanings.
func (r *renderer) codeList(uses []apispec.CodeUse) []any {
	out := make([]any, 0, len(uses))
	for _, u := range uses {
		e, ok := r.cat.Lookup(u.Code)
		if !ok {
			r.err = cmp.Or(r.err, fmt.Errorf("openapi: errcode %d (%s) is not in the catalog", u.Code, u.When))
			continue
		}
		x := map[string]any{"code": int(u.Code), "meaning": e.Meaning, "when": u.When}
		if u.Field != "" {
			x["field"] = u.Field
		}
		if u.Source != (apispec.Source{}) {
			x["source"] = u.Source
		}
		out = append(out, x)
	}
	return out
}

func (r *renderer) requestBody(ep *apispec.Endpoint) map[string]any {
	media := map[string]any{"schema": requestSchema(ep)}
	if ex := r.examples(ep); len(ex) > 0 {
		media["examples"] = ex
	}
	kind := "application/json"
	if ep.Multipart {
		kind = "multipart/form-data"
	}
	return map[string]any{"required": true, "content": map[string]any{kind: media}}
}

// requestSchema is the body: an object of the spec's request fields.
func requestSchema(ep *apispec.Endpoint) schema {
	s := schema{"type": "object", "properties": properties(ep.Request, true)}
	if req := requiredNames(ep.Request); len(req) > 0 {
		s["required"] = req
	}
	if rules := rulesOf(ep.Request); len(rules) > 0 {
		s["x-shopconform-rules"] = rules
		var words []string
		for _, rl := range ep.Request.Rules {
			words = append(words, ruleWords(rl))
		}
		s["description"] = strings.Join(words, " ")
	}
	if order := checkOrder(ep.Request); len(order) > 1 {
		s["x-shopconform-order"] = order
	}
	return s
}

// checkOrder names the root's fields and rules in the order they are
// checked: the first violation answers.
func checkOrder(obj *apispec.Field) []string {
	var out []string
	for _, e := range obj.Order {
		switch {
		case e.Field != nil:
			out = append(out, e.Field.Name)
		case e.Rule.Kind == apispec.Check:
			out = append(out, "check("+e.Rule.Name+")")
		default:
			out = append(out, string(e.Rule.Kind)+"("+strings.Join(e.Rule.Fields, ",")+")")
		}
	}
	return out
}

func (r *renderer) examples(ep *apispec.Endpoint) map[string]any {
	out := map[string]any{}
	for i, ex := range ep.Examples {
		var value any
		if err := json.Unmarshal(ex.Body, &value); err != nil {
			r.err = cmp.Or(r.err, fmt.Errorf("openapi: %s example %d at %s:%d:%d: %w", ep.Path, i+1, ex.Pos.File, ex.Pos.Line, ex.Pos.Col, err))
			continue
		}
		key := fmt.Sprintf("vendor-%d", i+1)
		x := map[string]any{"summary": fmt.Sprintf("The vendor page's example request %d", i+1), "value": value}
		var desc []string
		if len(ex.Needs) > 0 {
			desc = append(desc, "Needs: "+strings.Join(ex.Needs, "; ")+".")
			x["x-shopconform-needs"] = ex.Needs
		}
		if len(ex.Setup) > 0 {
			x["x-shopconform-setup"] = r.setup(ep, i, ex.Setup)
			desc = append(desc, "Set up on an account of its own by the control API calls of x-shopconform-setup.")
		}
		if ex.Breaks != "" {
			key += "-breaks"
			x["summary"] = fmt.Sprintf("The vendor page's example request %d, which breaks its page's rules", i+1)
			desc = append(desc, "Breaks: "+ex.Breaks+" It does not answer 0.")
			x["x-shopconform-breaks"] = ex.Breaks
		}
		if len(desc) > 0 {
			x["description"] = strings.Join(desc, " ")
		}
		out[key] = x
	}
	return out
}

// setup renders an example's control calls: each names its operation of
// the control API (tag control) and its body.
func (r *renderer) setup(ep *apispec.Endpoint, i int, calls []apispec.ControlCall) []any {
	out := make([]any, 0, len(calls))
	for _, c := range calls {
		x := map[string]any{"call": c.Call, "operationId": controlOperations[c.Call]}
		if len(c.Body) > 0 {
			var body any
			if err := json.Unmarshal(c.Body, &body); err != nil {
				r.err = cmp.Or(r.err, fmt.Errorf("openapi: %s example %d: setup call %s: %w", ep.Path, i+1, c.Call, err))
				continue
			}
			x["body"] = body
		}
		out = append(out, x)
	}
	return out
}

// successResponse is the one response: HTTP 200 carries successes and
// errors alike.
func (r *renderer) successResponse(ep *apispec.Endpoint) map[string]any {
	s := schema{"$ref": "#/components/schemas/Envelope"}
	if len(ep.Response.Fields) > 0 {
		shape := schema{"type": "object", "properties": properties(ep.Response, false)}
		if req := requiredNames(ep.Response); len(req) > 0 {
			// Required on success only: an error carries errcode and
			// errmsg alone.
			shape["if"] = schema{"properties": schema{"errcode": schema{"const": 0}}}
			shape["then"] = schema{"required": req}
		}
		s = schema{"allOf": []any{s, shape}}
	}
	return map[string]any{
		"description": "Every answer, success or error: errcode 0 with the documented fields on success; on an error errcode and errmsg alone, also with HTTP 200.",
		"content":     map[string]any{"application/json": map[string]any{"schema": s}},
	}
}

func components() map[string]any {
	return map[string]any{
		"securitySchemes": map[string]any{
			"access_token": map[string]any{
				"type": "apiKey", "in": "query", "name": "access_token",
				"description": "From /cgi-bin/token or /cgi-bin/stable_token (api-reference.md §1, §1.1).",
			},
			"authorizer_access_token": map[string]any{
				"type": "apiKey", "in": "query", "name": "authorizer_access_token",
				"description": "A third-party platform's token for its authorizer, in the access_token's stead (api-reference.md §1).",
			},
		},
		"schemas": map[string]any{
			"Envelope": schema{
				"type":     "object",
				"required": []string{"errcode"},
				"properties": schema{
					"errcode": schema{"type": "integer", "description": "0 on success; otherwise a code of the catalog."},
					"errmsg":  schema{"type": "string", "description": `"ok" on success (several endpoints leave it out); on an error the catalog's text and " rid: …", a request id that changes with every call.`},
				},
			},
		},
	}
}

func domainTags(domains []catalog.Domain) []any {
	slices.SortStableFunc(domains, func(a, b catalog.Domain) int {
		return cmp.Compare(slices.Index(catalog.Domains(), a), slices.Index(catalog.Domains(), b))
	})
	out := make([]any, len(domains))
	for i, d := range domains {
		out[i] = map[string]any{"name": string(d), "description": "The endpoints of the " + string(d) + " suite (fixtures/" + string(d) + ")."}
	}
	return out
}

// operationID turns a path into an identifier: /shop/spu/get_list is
// shopSpuGetList.
func operationID(path string) string {
	var b strings.Builder
	for i, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '_' || r == '-' || r == '.' }) {
		if i > 0 {
			part = strings.ToUpper(part[:1]) + part[1:]
		}
		b.WriteString(part)
	}
	return b.String()
}
