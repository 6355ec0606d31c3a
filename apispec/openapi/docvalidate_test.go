package openapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The tests read the rendered document as a stranger's tools would, not
// with the renderer's own idea of the format:
//
//   - the document must be valid against the official OpenAPI 3.1 schema
//     (testdata/oas-3.1, its schema-base variant, which also holds every
//     Schema Object to the OpenAPI dialect of JSON Schema 2020-12), with
//     no keyword in a Schema Object that the dialect does not define;
//   - requests and answers are held to the document's Schema Objects by an
//     independent JSON Schema 2020-12 implementation
//     (santhosh-tekuri/jsonschema), compiled where they sit in the
//     document, so that "$ref": "#/components/schemas/X" resolves in it.
//
// What JSON Schema does not say (which path and operation a request is,
// its parameters, security, content type, whether a body is required,
// which response a status is) is this file's reading of OpenAPI 3.1, kept
// to what the document uses. A construct it cannot read makes
// newDocValidator fail rather than pass unread: a Reference Object
// outside a Schema Object, a parameter that is not a plain string in the
// path or query, a security scheme other than an apiKey in the query or
// http, a server with a base path, response headers. What it reads
// narrowly fails the exchange, never passes it: a status must be one the
// operation lists exactly (no 4XX, no default), a content type one it
// lists exactly, and only JSON bodies are checked. Nothing is fetched:
// every schema is registered under its URL, and a $ref to any other URL
// fails.

// oasFiles are the official OpenAPI 3.1 schemas, by $id, in
// testdata/oas-3.1 (its README.md says where they come from).
var oasFiles = map[string]string{
	"https://spec.openapis.org/oas/3.1/schema/2022-10-07":      "schema.json",
	"https://spec.openapis.org/oas/3.1/schema-base/2022-10-07": "schema-base.json",
	"https://spec.openapis.org/oas/3.1/dialect/base":           "dialect/base.schema.json",
	"https://spec.openapis.org/oas/3.1/meta/base":              "meta/base.schema.json",
}

// strictURL and strictSchema are schema-base with one rule more: a Schema
// Object has only keywords of the dialect (and x- extensions). JSON
// Schema ignores a keyword it does not know, so a misspelt "minimun"
// would otherwise pass unread. schema-base finds Schema Objects through
// "$dynamicRef": "#meta", which takes the outermost "meta" anchor of the
// evaluation: this one.
const (
	strictURL    = "file:///oas-3.1-strict.json"
	strictSchema = `{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$ref": "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07",
		"$defs": {"schema": {
			"$dynamicAnchor": "meta",
			"$ref": "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07#/$defs/schema",
			"patternProperties": {"^x-": true},
			"unevaluatedProperties": false
		}}
	}`
)

// docURL is where a rendered document is registered with the compiler.
const docURL = "file:///openapi.json"

// noLoader is the compilers' loader: a URL that was not registered is an
// error, never a download (nor a file read).
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("%s is not registered with the compiler (nothing is fetched)", url)
}

// newCompiler is a JSON Schema 2020-12 compiler that knows the official
// OpenAPI 3.1 schemas and nothing else.
func newCompiler() (*jsonschema.Compiler, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(noLoader{})
	for id, file := range oasFiles {
		data, err := os.ReadFile(filepath.Join("testdata", "oas-3.1", filepath.FromSlash(file)))
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if got := doc.(map[string]any)["$id"]; got != id {
			return nil, fmt.Errorf("%s: $id is %v, want %s", file, got, id)
		}
		if err := c.AddResource(id, doc); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// oasSchema is the strict schema of OpenAPI 3.1 documents, asserting
// formats (so a pattern must be a valid regular expression, a $ref a
// URI reference).
var oasSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c, err := newCompiler()
	if err != nil {
		return nil, err
	}
	strict, err := jsonschema.UnmarshalJSON(strings.NewReader(strictSchema))
	if err != nil {
		return nil, err
	}
	if err := c.AddResource(strictURL, strict); err != nil {
		return nil, err
	}
	c.AssertFormat()
	return c.Compile(strictURL)
})

// checked validates raw against the official OpenAPI 3.1 schema and
// compiles every Schema Object in it, failing the test on any error.
func checked(t *testing.T, raw []byte) *docValidator {
	t.Helper()
	v, err := newDocValidator(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// docValidator holds requests and answers to one document.
type docValidator struct {
	routes []*route
}

// route is one path of the document.
type route struct {
	path     string
	segments []string // "{name}" for a template
	literals int
	ops      map[string]*operation // by method, upper case
}

// operation is what the document says of one operation.
type operation struct {
	params    []parameter
	security  [][]scheme // one requirement (all its schemes) suffices; none: no credentials
	body      *content   // nil: the operation takes no body
	responses map[string]*content
}

// content is a request body or a response: the schema of each media type
// (nil: any body of that type).
type content struct {
	required bool
	media    map[string]*jsonschema.Schema
}

// parameter is a path or query parameter whose value is a string.
type parameter struct {
	name, in string
	required bool
	schema   *jsonschema.Schema
}

// scheme is a security scheme: an apiKey in the query, or http.
type scheme struct {
	name string
	http bool
	key  string // the query parameter, or the HTTP authentication scheme
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// newDocValidator checks the document and compiles every schema in it.
func newDocValidator(raw []byte) (*docValidator, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("the document is not JSON: %w", err)
	}
	oas, err := oasSchema()
	if err != nil {
		return nil, fmt.Errorf("the official OpenAPI 3.1 schema does not compile: %w", err)
	}
	if err := oas.Validate(doc); err != nil {
		return nil, fmt.Errorf("the document breaks the OpenAPI 3.1 schema: %#v", err)
	}
	c, err := newCompiler()
	if err != nil {
		return nil, err
	}
	if err := c.AddResource(docURL, doc); err != nil {
		return nil, err
	}
	r := &reader{c: c, doc: doc.(map[string]any)}
	v := r.read()
	if err := errors.Join(r.errs...); err != nil {
		return nil, fmt.Errorf("the document cannot be read:\n%w", err)
	}
	return v, nil
}

// reader reads a document the official schema has accepted, so every
// object has the shape that schema gives it.
type reader struct {
	c    *jsonschema.Compiler
	doc  map[string]any
	errs []error
}

func (r *reader) fail(ptr, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: %s", ptr, fmt.Sprintf(format, args...)))
}

// object is node as an object; nil when there is none, or it is a
// Reference Object.
func (r *reader) object(node any, ptr string) map[string]any {
	obj, _ := node.(map[string]any)
	if _, ok := obj["$ref"]; ok {
		r.fail(ptr, "a Reference Object (this reader follows $ref in Schema Objects only)")
		return nil
	}
	return obj
}

// compile compiles the Schema Object at ptr.
func (r *reader) compile(ptr string) *jsonschema.Schema {
	toks := strings.Split(ptr, "/")
	for i, t := range toks {
		toks[i] = url.PathEscape(t)
	}
	s, err := r.c.Compile(docURL + "#" + strings.Join(toks, "/"))
	if err != nil {
		r.fail(ptr, "%v", err)
	}
	return s
}

func (r *reader) read() *docValidator {
	if _, ok := r.doc["jsonSchemaDialect"]; ok {
		r.fail("/jsonSchemaDialect", "this reader compiles Schema Objects as JSON Schema 2020-12 only")
	}
	r.servers(r.doc, "")
	comps, _ := r.doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	for _, name := range sortedKeys(schemas) {
		r.compile("/components/schemas/" + escapeToken(name))
	}
	schemes := r.schemes(comps)
	v := &docValidator{}
	paths, _ := r.doc["paths"].(map[string]any)
	for _, p := range sortedKeys(paths) {
		ptr := "/paths/" + escapeToken(p)
		if item := r.object(paths[p], ptr); item != nil {
			v.routes = append(v.routes, r.route(p, item, ptr, schemes))
		}
	}
	return v
}

// servers refuses a server this reader cannot match: requests are matched
// by their path alone, which is only right when no server has a base path
// or variables.
func (r *reader) servers(obj map[string]any, ptr string) {
	list, _ := obj["servers"].([]any)
	for i, s := range list {
		raw, _ := s.(map[string]any)["url"].(string)
		u, err := url.Parse(raw)
		if err != nil || strings.ContainsAny(raw, "{}") || strings.Trim(u.Path, "/") != "" {
			r.fail(fmt.Sprintf("%s/servers/%d", ptr, i), "%q has a base path or variables (this reader matches paths alone)", raw)
		}
	}
}

func (r *reader) schemes(comps map[string]any) map[string]scheme {
	out := map[string]scheme{}
	defs, _ := comps["securitySchemes"].(map[string]any)
	for _, name := range sortedKeys(defs) {
		ptr := "/components/securitySchemes/" + escapeToken(name)
		s := r.object(defs[name], ptr)
		switch {
		case s == nil:
		case s["type"] == "apiKey" && s["in"] == "query":
			out[name] = scheme{name: name, key: s["name"].(string)}
		case s["type"] == "http":
			out[name] = scheme{name: name, http: true, key: s["scheme"].(string)}
		default:
			r.fail(ptr, "type %v in %v (this reader checks an apiKey in the query, and http)", s["type"], s["in"])
		}
	}
	return out
}

func (r *reader) route(path string, item map[string]any, ptr string, schemes map[string]scheme) *route {
	rt := &route{path: path, segments: strings.Split(path, "/"), ops: map[string]*operation{}}
	for _, s := range rt.segments {
		switch {
		case !strings.ContainsAny(s, "{}"):
			rt.literals++
		case !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") || strings.Count(s, "{") > 1:
			r.fail(ptr, "a template that is not a whole segment (%q)", s)
		}
	}
	r.servers(item, ptr)
	for _, m := range methods {
		if op := r.object(item[m], ptr+"/"+m); op != nil {
			rt.ops[strings.ToUpper(m)] = r.operation(rt, item, op, ptr, ptr+"/"+m, schemes)
		}
	}
	return rt
}

func (r *reader) operation(rt *route, item, op map[string]any, itemPtr, ptr string, schemes map[string]scheme) *operation {
	r.servers(op, ptr)
	o := &operation{params: r.parameters(rt, item, op, itemPtr, ptr), responses: map[string]*content{}}
	reqs, ok := op["security"].([]any)
	secPtr := ptr + "/security"
	if !ok {
		reqs, _ = r.doc["security"].([]any)
		secPtr = "/security"
	}
	for i, req := range reqs {
		var all []scheme
		for _, name := range sortedKeys(req.(map[string]any)) {
			s, ok := schemes[name]
			if !ok {
				r.fail(fmt.Sprintf("%s/%d", secPtr, i), "security scheme %s is not one of the components'", name)
				continue
			}
			all = append(all, s)
		}
		o.security = append(o.security, all)
	}
	if body := r.object(op["requestBody"], ptr+"/requestBody"); body != nil {
		o.body = r.content(body, ptr+"/requestBody", body["required"] == true)
	}
	responses, _ := op["responses"].(map[string]any)
	for _, status := range sortedKeys(responses) {
		respPtr := ptr + "/responses/" + escapeToken(status)
		resp := r.object(responses[status], respPtr)
		if resp == nil {
			continue
		}
		if _, ok := resp["headers"]; ok {
			r.fail(respPtr, "response headers (this reader does not check them)")
		}
		o.responses[status] = r.content(resp, respPtr, resp["content"] != nil)
	}
	return o
}

// content compiles the schema of each media type of a request body or
// response.
func (r *reader) content(obj map[string]any, ptr string, required bool) *content {
	c := &content{required: required, media: map[string]*jsonschema.Schema{}}
	media, _ := obj["content"].(map[string]any)
	for _, mt := range sortedKeys(media) {
		var s *jsonschema.Schema
		if _, ok := media[mt].(map[string]any)["schema"]; ok {
			s = r.compile(ptr + "/content/" + escapeToken(mt) + "/schema")
		}
		c.media[strings.ToLower(mt)] = s
	}
	return c
}

// parameterKeys are what this reader understands of a Parameter Object:
// no style, explode, allowReserved, allowEmptyValue or content, so the
// value is the text as sent.
var parameterKeys = []string{"name", "in", "required", "schema", "description", "deprecated", "example", "examples"}

// parameters are the operation's parameters and its path item's: the
// operation's own replace those of the same name and location.
func (r *reader) parameters(rt *route, item, op map[string]any, itemPtr, opPtr string) []parameter {
	var out []parameter
	for _, level := range []struct {
		obj map[string]any
		ptr string
	}{{item, itemPtr}, {op, opPtr}} {
		list, _ := level.obj["parameters"].([]any)
		for i, node := range list {
			ptr := fmt.Sprintf("%s/parameters/%d", level.ptr, i)
			obj := r.object(node, ptr)
			if obj == nil {
				continue
			}
			p := parameter{name: obj["name"].(string), in: obj["in"].(string), required: obj["required"] == true}
			for _, k := range sortedKeys(obj) {
				if !slices.Contains(parameterKeys, k) && !strings.HasPrefix(k, "x-") {
					r.fail(ptr, "%s (this reader takes %s)", k, strings.Join(parameterKeys, ", "))
				}
			}
			switch {
			case p.in != "path" && p.in != "query":
				r.fail(ptr, "a %s parameter (this reader takes path and query ones)", p.in)
			case p.in == "path" && !slices.Contains(rt.templates(), p.name):
				r.fail(ptr, "path parameter %s, which %s does not template", p.name, rt.path)
			}
			if s, _ := obj["schema"].(map[string]any); s["type"] != "string" {
				r.fail(ptr, "a schema whose type is not string (this reader takes a parameter's text as it is)")
			}
			p.schema = r.compile(ptr + "/schema")
			if j := slices.IndexFunc(out, func(o parameter) bool { return o.name == p.name && o.in == p.in }); j >= 0 {
				out[j] = p
			} else {
				out = append(out, p)
			}
		}
	}
	for _, name := range rt.templates() {
		if !slices.ContainsFunc(out, func(p parameter) bool { return p.in == "path" && p.name == name }) {
			r.fail(opPtr, "no path parameter %s", name)
		}
	}
	return out
}

// templates are the names of a route's path parameters.
func (rt *route) templates() []string {
	var out []string
	for _, s := range rt.segments {
		if name, ok := strings.CutPrefix(s, "{"); ok {
			out = append(out, strings.TrimSuffix(name, "}"))
		}
	}
	return out
}

// match reads a request path (escaped, as sent) against rt, segment by
// segment: a template takes any non-empty segment.
func (rt *route) match(escaped string) (map[string]string, bool) {
	segs := strings.Split(escaped, "/")
	if len(segs) != len(rt.segments) {
		return nil, false
	}
	values := map[string]string{}
	for i, s := range segs {
		seg, err := url.PathUnescape(s)
		if err != nil {
			return nil, false
		}
		if name, ok := strings.CutPrefix(rt.segments[i], "{"); ok && seg != "" {
			values[strings.TrimSuffix(name, "}")] = seg
		} else if seg != rt.segments[i] {
			return nil, false
		}
	}
	return values, true
}

// has reports whether the document has an operation of method on path.
func (v *docValidator) has(path, method string) bool {
	i := slices.IndexFunc(v.routes, func(rt *route) bool { return rt.path == path })
	return i >= 0 && v.routes[i].ops[strings.ToUpper(method)] != nil
}

// find is the operation of a request and its path parameters: a concrete
// path before a templated one, as OpenAPI 3.1 says (§4.8.8.2).
func (v *docValidator) find(req *http.Request) (*operation, map[string]string, findings) {
	escaped := req.URL.EscapedPath()
	var best []*route
	var values map[string]string
	for _, rt := range v.routes {
		vals, ok := rt.match(escaped)
		switch {
		case !ok:
		case len(best) == 0 || rt.literals > best[0].literals:
			best, values = []*route{rt}, vals
		case rt.literals == best[0].literals:
			best = append(best, rt)
		}
	}
	if len(best) != 1 {
		return nil, nil, findings{{"path", fmt.Sprintf("%s matches %d of the document's paths, want one", escaped, len(best))}}
	}
	op := best[0].ops[req.Method]
	if op == nil {
		return nil, nil, findings{{"method", fmt.Sprintf("%s has no %s operation", best[0].path, req.Method)}}
	}
	return op, values, nil
}

// finding is one way an exchange differs from the document.
type finding struct {
	part string // "path", "method", "… parameter …", "security", "content type", "body", "status"
	what string
}

// findings are every difference of one exchange; none when it is what
// the document describes.
type findings []finding

func (fs findings) String() string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s: %s\n", f.part, f.what)
	}
	return b.String()
}

func escapeToken(tok string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
}

// readBody reads a body and puts it back.
func readBody(rc *io.ReadCloser) ([]byte, error) {
	if *rc == nil || *rc == http.NoBody {
		return nil, nil
	}
	data, err := io.ReadAll(*rc)
	(*rc).Close()
	*rc = io.NopCloser(bytes.NewReader(data))
	return data, err
}

// request checks a request: its path and method, parameters, security and
// body. The body is read and put back.
func (v *docValidator) request(req *http.Request) findings {
	data, err := readBody(&req.Body)
	if err != nil {
		return findings{{"body", err.Error()}}
	}
	op, values, fs := v.find(req)
	if fs != nil {
		return fs
	}
	for _, p := range op.params {
		fs = append(fs, p.check(req, values)...)
	}
	fs = append(fs, op.checkSecurity(req)...)
	if op.body == nil {
		if len(data) > 0 {
			fs = append(fs, finding{"body", "the operation takes none"})
		}
		return fs
	}
	return append(fs, op.body.check(req.Header.Get("Content-Type"), data)...)
}

// response checks an answer to req: its status is one the operation
// lists, and its body the content of that response. The body is read and
// put back.
func (v *docValidator) response(req *http.Request, resp *http.Response) findings {
	data, err := readBody(&resp.Body)
	if err != nil {
		return findings{{"body", err.Error()}}
	}
	op, _, fs := v.find(req)
	if fs != nil {
		return fs
	}
	c, ok := op.responses[strconv.Itoa(resp.StatusCode)]
	if !ok {
		return findings{{"status", fmt.Sprintf("HTTP %d is none of the operation's responses (%s)",
			resp.StatusCode, strings.Join(slices.Sorted(maps.Keys(op.responses)), ", "))}}
	}
	return c.check(resp.Header.Get("Content-Type"), data)
}

// check checks a parameter's value, the text as sent.
func (p parameter) check(req *http.Request, pathValues map[string]string) findings {
	part := p.in + " parameter " + p.name
	values := req.URL.Query()[p.name]
	if p.in == "path" {
		values = []string{pathValues[p.name]}
	}
	switch {
	case len(values) == 0 && p.required:
		return findings{{part, "missing, and required"}}
	case len(values) == 0:
		return nil
	case len(values) > 1:
		return findings{{part, fmt.Sprintf("given %d times; it takes one value", len(values))}}
	case values[0] == "":
		return findings{{part, "empty (the document does not allow empty values)"}}
	}
	if err := p.schema.Validate(values[0]); err != nil {
		return findings{{part, fmt.Sprintf("%q: %#v", values[0], err)}}
	}
	return nil
}

// checkSecurity checks that a request meets one of the security
// requirements (all the schemes of one): it carries the credentials,
// whatever their value.
func (o *operation) checkSecurity(req *http.Request) findings {
	if len(o.security) == 0 {
		return nil
	}
	var unmet []string
	for _, all := range o.security {
		var missing []string
		for _, s := range all {
			if !s.met(req) {
				missing = append(missing, s.String())
			}
		}
		if len(missing) == 0 {
			return nil
		}
		unmet = append(unmet, strings.Join(missing, " and "))
	}
	return findings{{"security", "no requirement is met: " + strings.Join(unmet, "; nor ")}}
}

func (s scheme) met(req *http.Request) bool {
	if !s.http {
		return req.URL.Query().Get(s.key) != ""
	}
	got, cred, _ := strings.Cut(req.Header.Get("Authorization"), " ")
	return strings.EqualFold(got, s.key) && strings.TrimSpace(cred) != ""
}

func (s scheme) String() string {
	if !s.http {
		return fmt.Sprintf("%s (query parameter %s)", s.name, s.key)
	}
	return fmt.Sprintf("%s (Authorization: %s …)", s.name, s.key)
}

// check checks a body against the content: its media type is one listed,
// and a JSON body is valid against its schema.
func (c *content) check(contentType string, data []byte) findings {
	if len(data) == 0 {
		if c.required {
			return findings{{"body", "empty, and the document describes one"}}
		}
		return nil
	}
	if len(c.media) == 0 {
		return findings{{"body", "the document describes none"}}
	}
	mt, _, err := mime.ParseMediaType(contentType)
	schema, ok := c.media[mt]
	if err != nil || !ok {
		return findings{{"content type", fmt.Sprintf("%q is none of %s", contentType, strings.Join(slices.Sorted(maps.Keys(c.media)), ", "))}}
	}
	switch {
	case schema == nil:
		return nil
	case mt != "application/json":
		return findings{{"body", fmt.Sprintf("a %s body, which this reader cannot check", mt)}}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return findings{{"body", "not JSON: " + err.Error()}}
	}
	if err := schema.Validate(inst); err != nil {
		return findings{{"body", fmt.Sprintf("%#v", err)}}
	}
	return nil
}
