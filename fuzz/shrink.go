package fuzz

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/jsonvalue"
	"github.com/shopconform/shopconform/runner"
)

// maxShrinkTries bounds the mutations one finding's shrinking sends.
const maxShrinkTries = 24

// shrink drops, one at a time, the members of the valid body that the
// mutation does not touch and that no condition or rule of the spec reads
// (optional members, items beyond min_items), keeping each drop after
// which the mutated request still gets the same finding. What is dropped
// may break a state rule or a named check of the valid request too: the
// finding still stands, as the target gave the same answer with the
// mutation in; the case a finding is emitted as keeps the valid body
// whole, so that it breaks one rule and expects that rule's code.
func (c *campaign) shrink(ctx context.Context, i int, m mutation, mu mutated, p runner.Probed, w *wrong) (mutated, runner.Probed) {
	b := c.bases[i]
	body, tries := b.body, 0
	for _, at := range droppable(b.ep, body, m.site) {
		if tries >= maxShrinkTries || ctx.Err() != nil {
			break
		}
		smaller, ok := without(body, at)
		if !ok {
			continue
		}
		mu2, ok := apply(b.ep, b.multipart, smaller, m, c.drawSeed(i))
		if !ok || slices.Contains(mu2.expected, catalog.OK) != slices.Contains(mu.expected, catalog.OK) {
			continue
		}
		tries++
		p2, err := c.send(ctx, b, m, mu2)
		if err != nil {
			break // the budget, the context: the finding keeps what it has
		}
		if p2 == nil {
			continue
		}
		if w2 := judge(*p2, mu2.expected, c.documented(b.ep)); w2 != nil && w2.kind == w.kind && codeText(w2.errcode) == codeText(w.errcode) {
			body, mu, p = smaller, mu2, *p2
		}
	}
	return mu, p
}

// droppable lists the members of body shrinking may try to drop, as paths
// of names and indexes, outside in.
func droppable(ep *apispec.Endpoint, body any, s site) [][]any {
	read := readPaths(ep)
	at := specPath(s.path)
	// related: dropping p would take the broken field, or the object a
	// broken rule sits in, with it; a rule's own fields are read anyway.
	related := func(p string) bool {
		switch {
		case s.field != nil:
			return p == at || under(at, p) || under(p, at)
		case s.rule != nil:
			return at != "" && (p == at || under(at, p))
		}
		return false
	}
	var out [][]any
	var walk func(v any, spec *apispec.Field, path []any, abstract string)
	walk = func(v any, spec *apispec.Field, path []any, abstract string) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				var f *apispec.Field
				if spec != nil {
					f = spec.Member(k)
				}
				p := append(slices.Clone(path), k)
				ap := joinPath(abstract, k)
				if related(ap) {
					continue
				}
				if (f == nil || f.Presence == apispec.Optional) && !read[ap] {
					out = append(out, p)
				}
				walk(x[k], f, p, ap)
			}
		case []any:
			var items *apispec.Field
			min := 0
			if spec != nil {
				items, min = spec.Items, spec.MinItems
			}
			for idx := len(x) - 1; idx >= max(min, 1); idx-- {
				out = append(out, append(slices.Clone(path), idx))
			}
			for idx, e := range x {
				walk(e, items, append(slices.Clone(path), idx), abstract+item)
			}
		}
	}
	walk(body, ep.Request, nil, "")
	return out
}

// under: a is inside b.
func under(a, b string) bool { return strings.HasPrefix(a, b+".") || strings.HasPrefix(a, b+item) }

func joinPath(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

// specPath writes a site's path as the spec does: "skus[].out_sku_id".
func specPath(path []string) string {
	return strings.ReplaceAll(strings.Join(path, "."), "."+item, item)
}

// readPaths are the fields a condition or a rule of ep reads.
func readPaths(ep *apispec.Endpoint) map[string]bool {
	out := map[string]bool{}
	var walk func(f *apispec.Field)
	walk = func(f *apispec.Field) {
		for _, c := range f.When {
			out[c.Field] = true
		}
		for _, r := range f.Rules {
			for _, c := range r.When {
				out[c.Field] = true
			}
			for _, name := range r.Fields {
				out[joinPath(r.Path, name)] = true
			}
		}
		for _, m := range f.Fields {
			walk(m)
		}
		if f.Items != nil {
			walk(f.Items)
		}
	}
	walk(ep.Request)
	return out
}

// without is a copy of body without the member or item at path.
func without(body any, path []any) (any, bool) {
	out := jsonvalue.Clone(body)
	cur := out
	for i, seg := range path {
		last := i == len(path)-1
		switch k := seg.(type) {
		case string:
			obj, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if last {
				if _, ok := obj[k]; !ok {
					return nil, false
				}
				delete(obj, k)
				return out, true
			}
			if arr, ok := obj[k].([]any); ok && i+1 == len(path)-1 {
				if idx, ok := path[i+1].(int); ok && idx < len(arr) {
					obj[k] = slices.Delete(arr, idx, idx+1)
					return out, true
				}
				return nil, false
			}
			cur = obj[k]
		case int:
			arr, ok := cur.([]any)
			if !ok || k >= len(arr) || last {
				return nil, false // an item is dropped from its parent above
			}
			cur = arr[k]
		}
	}
	return nil, false
}
