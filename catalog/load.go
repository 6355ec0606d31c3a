package catalog

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
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
// as "line:col: code N: what is wrong", joined with errors.Join. A JSON
// syntax error stops the walk and is reported alone.
func Load(data []byte) (*Catalog, error) {
	l := &loader{data: data}
	if !utf8.Valid(data) {
		return nil, l.invalidUTF8()
	}
	drafts, err := l.readTop()
	if err != nil {
		return nil, err
	}
	l.crossCheck(drafts)
	for _, d := range drafts {
		for _, p := range d.problems {
			l.findings = append(l.findings, l.finding(p.off, d.subject(), p.msg))
		}
	}
	if len(l.findings) > 0 {
		// Reading order: a reader fixes the file top to bottom.
		slices.SortStableFunc(l.findings, func(a, b error) int {
			var ea, eb *loadError
			if !errors.As(a, &ea) || !errors.As(b, &eb) {
				return 0
			}
			return cmp.Or(cmp.Compare(ea.line, eb.line), cmp.Compare(ea.col, eb.col))
		})
		return nil, errors.Join(l.findings...)
	}
	entries := make([]Entry, len(drafts))
	for i, d := range drafts {
		entries[i] = d.e
	}
	return newCatalog(data, entries), nil
}

// loadError is one finding, positioned in the JSON text. Lines and columns
// are 1-based; columns count bytes, as Go's own tools do.
type loadError struct {
	line, col int
	subject   string
	msg       string
}

func (e *loadError) Error() string {
	if e.subject == "" {
		return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.msg)
	}
	return fmt.Sprintf("%d:%d: %s: %s", e.line, e.col, e.subject, e.msg)
}

type loader struct {
	data     []byte
	findings []error
}

// problem is a finding inside an entry whose subject ("code N") may only be
// known once the whole entry has been read.
type problem struct {
	off int
	msg string
}

// draft is one entry as read, with the offsets of its values so that a
// finding points at the value that is wrong rather than at the entry.
type draft struct {
	index    int
	off      int
	e        Entry
	at       map[string]int  // every field seen, valid or not
	bad      map[string]bool // fields seen with a null or mistyped value
	problems []problem
}

// ok reports whether field was given with a usable value, so that checks on
// its value do not pile onto a type error.
func (d *draft) ok(field string) bool {
	_, seen := d.at[field]
	return seen && !d.bad[field]
}

func (d *draft) subject() string {
	if d.ok("code") {
		return fmt.Sprintf("code %d", d.e.Code)
	}
	return fmt.Sprintf("entry #%d", d.index+1)
}

func (d *draft) addf(off int, format string, args ...any) {
	d.problems = append(d.problems, problem{off, fmt.Sprintf(format, args...)})
}

// pos returns where field's value starts, or the entry's start when the
// field is absent.
func (d *draft) pos(field string) int {
	if off, ok := d.at[field]; ok {
		return off
	}
	return d.off
}

func (l *loader) position(off int) (line, col int) {
	off = min(max(off, 0), len(l.data))
	before := l.data[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	return line, off - bytes.LastIndexByte(before, '\n')
}

func (l *loader) finding(off int, subject, msg string) error {
	line, col := l.position(off)
	return &loadError{line: line, col: col, subject: subject, msg: msg}
}

// skip moves past the separators json.Decoder leaves between InputOffset
// and the next token, so offsets point at the token itself.
func (l *loader) skip(off int) int {
	for off < len(l.data) && strings.IndexByte(" \t\r\n,:", l.data[off]) >= 0 {
		off++
	}
	return off
}

func (l *loader) invalidUTF8() error {
	off := 0
	for off < len(l.data) {
		r, n := utf8.DecodeRune(l.data[off:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		off += n
	}
	return l.finding(off, "", "invalid UTF-8 (the vendor texts must survive byte for byte)")
}

// syntax positions a decoder error; base is where the decoder's input
// starts in the data.
func (l *loader) syntax(err error, base int) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return l.finding(base+int(se.Offset)-1, "", "invalid JSON: "+se.Error())
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return l.finding(len(l.data), "", "invalid JSON: unexpected end of input")
	default:
		return l.finding(base, "", "invalid JSON: "+err.Error())
	}
}

// members walks the object that starts at base, handing each key and raw
// value to fn together with their offsets in the data.
func (l *loader) members(val []byte, base int, fn func(key string, keyOff int, v []byte, vOff int)) error {
	dec := json.NewDecoder(bytes.NewReader(val))
	if _, err := dec.Token(); err != nil {
		return l.syntax(err, base)
	}
	for dec.More() {
		keyOff := l.skip(base + int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			return l.syntax(err, base)
		}
		vOff := l.skip(base + int(dec.InputOffset()))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return l.syntax(err, base)
		}
		fn(tok.(string), keyOff, v, vOff)
	}
	if _, err := dec.Token(); err != nil {
		return l.syntax(err, base)
	}
	return nil
}

// elements walks the array that starts at base.
func (l *loader) elements(val []byte, base int, fn func(v []byte, vOff int)) error {
	dec := json.NewDecoder(bytes.NewReader(val))
	if _, err := dec.Token(); err != nil {
		return l.syntax(err, base)
	}
	for dec.More() {
		vOff := l.skip(base + int(dec.InputOffset()))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return l.syntax(err, base)
		}
		fn(v, vOff)
	}
	if _, err := dec.Token(); err != nil {
		return l.syntax(err, base)
	}
	return nil
}

// readTop reads {"entries": [...]}. The whole document goes through one
// decoder first so that a syntax error anywhere is found before any entry is
// judged.
func (l *loader) readTop() ([]*draft, error) {
	dec := json.NewDecoder(bytes.NewReader(l.data))
	start := l.skip(0)
	var doc json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		return nil, l.syntax(err, 0)
	}
	if rest := l.skip(int(dec.InputOffset())); rest < len(l.data) {
		return nil, l.finding(rest, "", "unexpected data after the top-level object")
	}
	if doc[0] != '{' {
		return nil, l.finding(start, "", `the top level must be an object {"entries": [...]}`)
	}
	var drafts []*draft
	seen := false
	err := l.members(doc, start, func(key string, keyOff int, v []byte, vOff int) {
		switch {
		case key != "entries":
			l.findings = append(l.findings, l.finding(keyOff, "", fmt.Sprintf("unknown field %q (the only field is \"entries\")", key)))
		case seen:
			l.findings = append(l.findings, l.finding(keyOff, "", `field "entries" repeated`))
		case v[0] != '[':
			seen = true
			l.findings = append(l.findings, l.finding(vOff, "", `field "entries" must be an array`))
		default:
			seen = true
			err := l.elements(v, vOff, func(ev []byte, eOff int) {
				drafts = append(drafts, l.readEntry(len(drafts), ev, eOff))
			})
			if err != nil {
				l.findings = append(l.findings, err)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if !seen {
		l.findings = append(l.findings, l.finding(start, "", `missing field "entries"`))
	}
	return drafts, nil
}

// entryFields are the JSON fields of Entry, in the order the data spells
// them.
func entryFields() []string {
	return []string{"code", "name", "domain", "text", "meaning", "evidence", "endpoints", "live_sandbox", "platform"}
}

func (l *loader) readEntry(index int, val []byte, off int) *draft {
	d := &draft{index: index, off: off, at: map[string]int{}, bad: map[string]bool{}}
	if val[0] != '{' {
		d.addf(off, "entry must be an object, got %s", excerpt(val))
		return d
	}
	err := l.members(val, off, func(key string, keyOff int, v []byte, vOff int) {
		if _, dup := d.at[key]; dup {
			d.addf(keyOff, "field %q repeated", key)
			return
		}
		if !slices.Contains(entryFields(), key) {
			d.addf(keyOff, "unknown field %q", key)
			return
		}
		d.at[key] = vOff
		if string(v) == "null" {
			d.bad[key] = true
			d.addf(vOff, "field %q is null", key)
			return
		}
		switch key {
		case "code":
			d.scalar(key, v, vOff, &d.e.Code, "an integer")
		case "name":
			d.scalar(key, v, vOff, &d.e.Name, "a string")
		case "domain":
			d.scalar(key, v, vOff, &d.e.Domain, "a string")
		case "text":
			d.scalar(key, v, vOff, &d.e.Text, "a string")
		case "meaning":
			d.scalar(key, v, vOff, &d.e.Meaning, "a string")
		case "evidence":
			d.scalar(key, v, vOff, &d.e.Evidence, "a string")
		case "platform":
			d.scalar(key, v, vOff, &d.e.Platform, "a boolean")
		case "endpoints":
			l.readEndpoints(d, v, vOff)
		case "live_sandbox":
			l.readLive(d, v, vOff)
		}
	})
	if err != nil {
		d.addf(off, "%v", err)
	}
	// Every field but platform must be spelt out: a missing "code" would
	// otherwise silently become 0, which is OK's code.
	for _, f := range entryFields() {
		if f == "platform" {
			continue
		}
		if _, ok := d.at[f]; !ok {
			d.addf(off, "missing field %q", f)
		}
	}
	return d
}

func (d *draft) scalar(key string, v []byte, vOff int, into any, want string) {
	if err := json.Unmarshal(v, into); err != nil {
		d.bad[key] = true
		d.addf(vOff, "field %q must be %s, got %s", key, want, excerpt(v))
	}
}

func (l *loader) readEndpoints(d *draft, v []byte, vOff int) {
	if v[0] != '[' {
		d.bad["endpoints"] = true
		d.addf(vOff, `field "endpoints" must be an array of paths, got %s`, excerpt(v))
		return
	}
	d.e.Endpoints = []string{}
	err := l.elements(v, vOff, func(ev []byte, eOff int) {
		var p string
		if err := json.Unmarshal(ev, &p); err != nil || string(ev) == "null" {
			d.addf(eOff, "endpoint must be a string, got %s", excerpt(ev))
			return
		}
		switch {
		case !strings.HasPrefix(p, "/shop/") && !strings.HasPrefix(p, "/cgi-bin/"):
			d.addf(eOff, "endpoint %q must be a full path starting /shop/ or /cgi-bin/", p)
		case strings.ContainsAny(p, " \t\r\n?#"):
			d.addf(eOff, "endpoint %q must be a bare path (no spaces, query or fragment)", p)
		case slices.Contains(d.e.Endpoints, p):
			d.addf(eOff, "endpoint %q repeated", p)
		default:
			d.e.Endpoints = append(d.e.Endpoints, p)
		}
	})
	if err != nil {
		d.addf(vOff, "%v", err)
	}
}

func (l *loader) readLive(d *draft, v []byte, vOff int) {
	if v[0] != '{' {
		d.bad["live_sandbox"] = true
		d.addf(vOff, `field "live_sandbox" must be an object {"triggerable": bool, "note": string}, got %s`, excerpt(v))
		return
	}
	err := l.members(v, vOff, func(key string, keyOff int, fv []byte, fOff int) {
		field := "live_sandbox." + key
		if _, dup := d.at[field]; dup {
			d.addf(keyOff, "field %q repeated", field)
			return
		}
		if key != "triggerable" && key != "note" {
			d.addf(keyOff, "unknown field %q", field)
			return
		}
		d.at[field] = fOff
		if string(fv) == "null" {
			d.bad[field] = true
			d.addf(fOff, "field %q is null", field)
			return
		}
		switch key {
		case "triggerable":
			d.scalar(field, fv, fOff, &d.e.Live.Triggerable, "a boolean")
		case "note":
			d.scalar(field, fv, fOff, &d.e.Live.Note, "a string")
		}
	})
	if err != nil {
		d.addf(vOff, "%v", err)
	}
	if _, ok := d.at["live_sandbox.triggerable"]; !ok {
		d.addf(vOff, `missing field "live_sandbox.triggerable"`)
	}
}

// excerpt quotes a bad value in a message; whitespace is collapsed so that
// each finding stays on one line.
func excerpt(v []byte) string {
	const limit = 40
	s := strings.Join(strings.Fields(string(v)), " ")
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit]) + "…"
	}
	return s
}
