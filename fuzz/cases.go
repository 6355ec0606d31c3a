package fuzz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
)

// A mutation runs as a case of its own: the valid case it comes from,
// with its given steps, and the mutated request in place of its own. So
// the runner sets up the state exactly as for the valid case, and a
// finding is written out as a case file that `shopconform lint` reads.

// base is a valid case the campaign derives mutations from.
type base struct {
	c         *fixtures.Case
	file      caseFile
	ep        *apispec.Endpoint
	multipart bool
	body      any // the request body template; a form is one map
	plan      []mutation
	// checked: its valid request answered 0 here; dropped: it did not, or
	// could not run, so its mutations would prove nothing.
	checked, dropped bool
}

// caseFile is a case file's members, in the order cases are written.
type caseFile struct {
	ID           string         `json:"id"`
	Summary      string         `json:"summary"`
	Endpoint     string         `json:"endpoint"`
	Account      string         `json:"account,omitempty"`
	FreshAccount bool           `json:"fresh_account,omitempty"`
	Given        []any          `json:"given,omitempty"`
	Request      map[string]any `json:"request"`
	Expect       map[string]any `json:"expect"`
	Cleanup      []any          `json:"cleanup,omitempty"`
	Labels       []string       `json:"labels,omitempty"`
	Evidence     string         `json:"evidence"`
}

// loadBases reads the valid cases of src (errcode 0, an endpoint of the
// spec, a body or a form) with their files, in corpus order.
func loadBases(src fixtures.Source, spec *apispec.Spec) ([]*base, error) {
	set, problems := fixtures.Load(src, catalog.Default())
	if len(problems) > 0 {
		errs := make([]string, 0, len(problems))
		for _, p := range problems {
			errs = append(errs, p.Error())
		}
		return nil, fmt.Errorf("%d malformed fixtures (shopconform lint lists them):\n%s", len(problems), strings.Join(errs, "\n"))
	}
	var out []*base
	for _, c := range set.Cases {
		ep, ok := spec.Endpoint(c.Endpoint)
		if !ok || c.Expect.Errcode != catalog.OK || c.Request.Method != "POST" || c.Request.RawBody != nil {
			continue
		}
		b, err := readBase(src, c, ep)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func readBase(src fixtures.Source, c *fixtures.Case, ep *apispec.Endpoint) (*base, error) {
	rel := strings.TrimPrefix(strings.TrimPrefix(c.File, src.Prefix), "/")
	data, err := fs.ReadFile(src.FS, rel)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.File, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	b := &base{c: c, ep: ep, multipart: c.Request.Multipart != nil}
	if err := dec.Decode(&b.file); err != nil {
		return nil, fmt.Errorf("%s: %w", c.File, err)
	}
	if b.multipart {
		b.body = formBody(b.file.Request["multipart"])
	} else {
		b.body = b.file.Request["body"]
	}
	return b, nil
}

// formBody turns a case's multipart into one map: text fields as
// strings, file parts as formFile values under their field's name.
func formBody(v any) map[string]any {
	mp, _ := v.(map[string]any)
	out := map[string]any{}
	fields, _ := mp["fields"].(map[string]any)
	for k, f := range fields {
		out[k] = f
	}
	files, _ := mp["files"].([]any)
	for _, f := range files {
		part, _ := f.(map[string]any)
		name, _ := part["field"].(string)
		ff := formFile{}
		ff.Filename, _ = part["filename"].(string)
		ff.ContentType, _ = part["content_type"].(string)
		ff.Base64, _ = part["base64"].(string)
		out[name] = ff
	}
	return out
}

// formJSON is formBody's inverse, in the case format.
func formJSON(body any) map[string]any {
	obj, _ := body.(map[string]any)
	fields := map[string]any{}
	var files []any
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		switch v := obj[k].(type) {
		case formFile:
			part := map[string]any{"field": k, "base64": v.Base64}
			if v.Filename != "" {
				part["filename"] = v.Filename
			}
			if v.ContentType != "" {
				part["content_type"] = v.ContentType
			}
			files = append(files, part)
		default:
			fields[k] = v
		}
	}
	out := map[string]any{"fields": fields}
	if len(files) > 0 {
		out["files"] = files
	}
	return out
}

// requestJSON is the case format's request (or a step's inline request
// members) sending m.
func (b *base) requestJSON(m mutated) map[string]any {
	req := map[string]any{}
	for _, k := range []string{"method", "content_type"} {
		if v, ok := b.file.Request[k]; ok && !b.multipart {
			req[k] = v
		}
	}
	switch {
	case m.raw != nil:
		req["raw_body"] = *m.raw
		if _, ok := req["content_type"]; !ok {
			req["content_type"] = "application/json"
		}
	case b.multipart:
		req["multipart"] = formJSON(m.body)
	default:
		req["body"] = m.body
	}
	return req
}

// caseOf is the case file of one mutation: b's account, given steps
// (and, for a repeat, its valid request as one more) and cleanup, m as
// its request, and the code m's primary as its expectation. fresh runs it
// on an account of its own, which needs no cleanup.
func (b *base) caseOf(id, summary string, m mutated, fresh bool) caseFile {
	f := b.file
	f.ID, f.Summary = id, summary
	f.FreshAccount = f.FreshAccount || fresh
	f.Request = b.requestJSON(m)
	f.Expect = map[string]any{"errcode": int(m.primary)}
	f.Labels = append(slices.DeleteFunc(slices.Clone(f.Labels), func(l string) bool { return l == "fuzz" }), "fuzz")
	if m.repeat {
		step := b.requestJSON(mutated{body: m.valid})
		step["endpoint"] = b.c.Endpoint
		f.Given = append(slices.Clone(f.Given), step)
	}
	if fresh {
		f.Cleanup = nil
	}
	return f
}

// load reads a case file as `shopconform lint` would.
func load(domain catalog.Domain, f caseFile) (*fixtures.Case, []byte, error) {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	name := path.Join(string(domain), f.ID+".json")
	set, problems := fixtures.Load(fixtures.Source{FS: fstest.MapFS{name: {Data: data}}, Prefix: "fuzz"}, catalog.Default())
	if len(problems) > 0 {
		return nil, nil, fmt.Errorf("the mutated case does not load: %v", problems[0])
	}
	return set.Cases[0], append(data, '\n'), nil
}
