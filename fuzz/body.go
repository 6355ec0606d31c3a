package fuzz

import (
	"math/rand/v2"
	"strings"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
)

// A request body here is the case's body template as decoded JSON
// (json.Number for numbers), with its {{placeholders}} still in: a
// mutation is written into the case, so that the same state is set up
// and an emitted case reproduces it. A multipart body is its text fields
// as strings and its files as formFile values.

// item is the path segment of an array's items.
const item = "[]"

// place is where a field sits in one body: a member of obj, or the item
// idx of arr.
type place struct {
	root    any
	obj     map[string]any
	arr     []any
	idx     int
	name    string
	value   any
	present bool
}

// locate finds path in root; an array's item is drawn by rng. It fails
// when an object or item on the way is not there.
func locate(root any, path []string, rng *rand.Rand) (place, bool) {
	p := place{root: root}
	cur := root
	for i, seg := range path {
		last := i == len(path)-1
		if seg == item {
			arr, ok := cur.([]any)
			if !ok || len(arr) == 0 {
				return p, false
			}
			idx := rng.IntN(len(arr))
			if last {
				p.arr, p.idx, p.value, p.present = arr, idx, arr[idx], true
				return p, true
			}
			cur = arr[idx]
			continue
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return p, false
		}
		if last {
			v, present := obj[seg]
			p.obj, p.name, p.value, p.present = obj, seg, v, present
			return p, true
		}
		cur = obj[seg]
	}
	return p, false // the root itself is no field
}

func (p place) set(v any) {
	if p.obj != nil {
		p.obj[p.name] = v
		return
	}
	p.arr[p.idx] = v
}

// templated reports a string that holds a placeholder: its value is
// known only once the case runs.
func templated(v any) bool {
	s, ok := v.(string)
	return ok && strings.Contains(s, "{{")
}

// absent is how the docs' "not supplied" reads in a condition: no key,
// null or "" (apispec/README.md "A field").
func absent(v any) bool {
	s, ok := v.(string)
	return v == nil || ok && s == ""
}

// lookup reads a dotted path of object members from the root.
func lookup(root any, dotted string) any {
	v := root
	for _, seg := range strings.Split(dotted, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[seg]
	}
	return v
}

// holds evaluates conditions on a body; known is false when one reads a
// value a placeholder fills in.
func holds(root any, conds []apispec.Cond) (ok, known bool) {
	ok = true
	for _, c := range conds {
		v := lookup(root, c.Field)
		switch {
		case c.Present:
			ok = ok && !absent(v)
		case c.Absent:
			ok = ok && absent(v)
		default:
			if templated(v) {
				return false, false
			}
			text, in := validate.ScalarText(v), false
			for _, n := range c.In {
				in = in || n.String() == text
			}
			for _, s := range c.InText {
				in = in || s == text
			}
			ok = ok && in
		}
	}
	return ok, true
}

// mustSend says whether f is required in root; known is false when a
// condition reads a placeholder.
func mustSend(f *apispec.Field, root any) (must, known bool) {
	switch f.Presence {
	case apispec.Required:
		return true, true
	case apispec.Conditional:
		return holds(root, f.When)
	}
	return false, true
}

// formFile is a file part of a multipart body.
type formFile struct {
	Filename    string `json:"filename,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Base64      string `json:"base64"`
}
