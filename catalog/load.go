package catalog

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/internal/jsonpos"
)

// reservedNames are the package's own exported identifiers. An entry named
// like one of them would make the generated codes.go collide with
// catalog.go, and the build error would point at generated code instead of
// the data; TestReservedNamesMatchPackage keeps this list honest.
func reservedNames() []string {
	return []string{
		"Access", "Audit", "Catalog", "Code", "Coupon", "Default", "Documented",
		"Domain", "Domains", "Entry", "Evidence", "Inferred", "Liveness", "Load",
		"Order", "PageCode", "ParseDomain", "ParseVendorPage", "Product", "Share",
		"Universal", "Upload", "VendorPage",
	}
}

// Load parses and validates catalog data. It is strict, because a silently
// dropped field or a repeated code would change what the harness asserts:
// unknown fields, missing or null fields, wrong types, repeated codes or
// names, names that cannot become Go constants, values outside their enum
// and entries out of order are all findings. Every finding is reported, each
// as "line:col: code N: what is wrong", joined with errors.Join. Invalid
// JSON, including a repeated key, stops the reading and is reported alone.
func Load(data []byte) (*Catalog, error) {
	l := &loader{data: data}
	root, err := jsonpos.Parse(data)
	if err != nil {
		e := err.(*jsonpos.Error)
		// The top level is an object; tests pin that wording.
		return nil, fmt.Errorf("%s: %s", l.at(e.Off), strings.Replace(e.Msg, "top-level value", "top-level object", 1))
	}
	if root.Kind != jsonpos.Object {
		return nil, fmt.Errorf(`%s: the top level must be an object {"entries": [...]}`, l.at(root.Off))
	}
	for _, m := range root.Members {
		if m.Key != "entries" {
			l.addf(m.KeyOff, `unknown field %q (the only field is "entries")`, m.Key)
		}
	}
	var drafts []*draft
	switch entries := root.Member("entries"); {
	case entries == nil:
		l.addf(root.Off, `missing field "entries"`)
	case entries.Kind != jsonpos.Array:
		l.addf(entries.Off, `field "entries" must be an array`)
	default:
		for i, n := range entries.Items {
			drafts = append(drafts, l.readEntry(i, n))
		}
	}
	l.crossCheck(drafts)
	for _, d := range drafts {
		for _, p := range d.problems {
			l.addf(p.Off, "%s: %s", d.subject(), p.Msg)
		}
	}
	if len(l.findings) > 0 {
		// Reading order: a reader fixes the file top to bottom.
		slices.SortStableFunc(l.findings, func(a, b *jsonpos.Error) int { return cmp.Compare(a.Off, b.Off) })
		errs := make([]error, len(l.findings))
		for i, f := range l.findings {
			errs[i] = fmt.Errorf("%s: %s", l.at(f.Off), f.Msg)
		}
		return nil, errors.Join(errs...)
	}
	entries := make([]Entry, len(drafts))
	for i, d := range drafts {
		entries[i] = d.e
	}
	return newCatalog(data, entries), nil
}

type loader struct {
	data     []byte
	findings []*jsonpos.Error
}

func (l *loader) addf(off int, format string, args ...any) {
	l.findings = append(l.findings, &jsonpos.Error{Off: off, Msg: fmt.Sprintf(format, args...)})
}

// at names an offset as line:col, both 1-based, columns in characters.
func (l *loader) at(off int) string {
	line, col := jsonpos.LineCol(l.data, off)
	return fmt.Sprintf("%d:%d", line, col)
}

// draft is one entry as read, with its place in the JSON text so that a
// finding points at the value that is wrong rather than at the entry.
type draft struct {
	index    int
	n        *jsonpos.Node
	e        Entry
	bad      map[string]bool  // fields whose value does not fit their type
	problems []*jsonpos.Error // the subject ("code N") is known at the end
}

// node returns the value of a field ("live_sandbox.note"), or nil.
func (d *draft) node(field string) *jsonpos.Node {
	n := d.n
	for key := range strings.SplitSeq(field, ".") {
		if n = n.Member(key); n == nil {
			return nil
		}
	}
	return n
}

// ok reports whether field was given with a usable value, so that checks on
// its value do not pile onto a type error.
func (d *draft) ok(field string) bool {
	return d.node(field) != nil && !d.bad[field]
}

// pos returns where field's value starts, or the entry's start when the
// field is absent.
func (d *draft) pos(field string) int {
	if n := d.node(field); n != nil {
		return n.Off
	}
	return d.n.Off
}

func (d *draft) subject() string {
	if d.ok("code") {
		return fmt.Sprintf("code %d", d.e.Code)
	}
	return fmt.Sprintf("entry #%d", d.index+1)
}

func (d *draft) addf(off int, format string, args ...any) {
	d.problems = append(d.problems, &jsonpos.Error{Off: off, Msg: fmt.Sprintf(format, args...)})
}

// readEntry decodes one entry, keeping the values that fit for the checks
// that follow.
func (l *loader) readEntry(index int, n *jsonpos.Node) *draft {
	d := &draft{index: index, n: n, bad: map[string]bool{}}
	for _, e := range jsonpos.DecodeStrict(l.data, n, &d.e) {
		d.bad[e.Path] = true
		if e.Path == "endpoints" { // as tests pin it
			e.Msg = strings.Replace(e.Msg, "an array", "an array of paths", 1)
		}
		d.problems = append(d.problems, e)
	}
	if n.Kind != jsonpos.Object {
		return d
	}
	// Every field but platform must be spelt out: a missing "code" would
	// otherwise silently become 0, which is OK's code.
	for _, f := range []string{"code", "name", "domain", "text", "meaning", "evidence", "endpoints", "live_sandbox"} {
		if n.Member(f) == nil {
			d.addf(n.Off, "missing field %q", f)
		}
	}
	if live := n.Member("live_sandbox"); live != nil && live.Kind == jsonpos.Object && live.Member("triggerable") == nil {
		d.addf(live.Off, `missing field "live_sandbox.triggerable"`)
	}
	return d
}
