package resultsdiff

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/shopconform/shopconform/internal/jsonpos"
	"github.com/shopconform/shopconform/runner/results"
)

// Decode reads a results.json for comparison, strictly where the diff
// depends on it: the document must be one JSON object (no duplicate keys,
// nothing after it) whose kind is results.Kind and whose schema_version is
// results.SchemaVersion, its fields must have their types, and every case
// needs an id, unique in the file, a domain and an outcome of the closed
// set. Fields this version does not know are accepted: adding a field keeps
// the schema version.
//
// name is the file's name for the messages: each problem is one line,
// "name:line:col: what is wrong". A file of another kind or schema gets
// that one finding only; otherwise every case problem is reported.
func Decode(name string, data []byte) (*results.Report, error) {
	at := func(off int, format string, args ...any) error {
		line, col := jsonpos.LineCol(data, off)
		return fmt.Errorf("%s:%d:%d: %s", name, line, col, fmt.Sprintf(format, args...))
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, fmt.Errorf("%s: empty file: not a shopconform results.json", name)
	}
	root, err := jsonpos.Parse(data)
	if err != nil {
		var pe *jsonpos.Error
		errors.As(err, &pe)
		return nil, at(pe.Off, "%s", pe.Msg)
	}
	if err := checkIdentity(root, at); err != nil {
		return nil, err
	}
	var r results.Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, typeError(root, err, at)
	}
	if err := checkCases(root, r.Cases, at); err != nil {
		return nil, err
	}
	return &r, nil
}

// checkIdentity refuses a document that is not a results.json of the
// schema this package reads.
func checkIdentity(root *jsonpos.Node, at func(int, string, ...any) error) error {
	if root.Kind != jsonpos.Object {
		return at(root.Off, "the document is %s, not an object: not a shopconform results.json", root.Kind)
	}
	kind, schema := root.Member("kind"), root.Member("schema_version")
	if kind == nil && schema == nil {
		return at(root.Off, "no kind and no schema_version: not a shopconform results.json (want kind %q, schema_version %q)", results.Kind, results.SchemaVersion)
	}
	switch {
	case kind == nil:
		return at(root.Off, "no kind: not a shopconform results.json (want kind %q)", results.Kind)
	case kind.Kind != jsonpos.String || kind.Str != results.Kind:
		return at(kind.Off, "kind is %s, want %q: not a shopconform results.json", text(kind), results.Kind)
	case schema == nil:
		return at(root.Off, "no schema_version (want %q)", results.SchemaVersion)
	case schema.Kind == jsonpos.String && schema.Str == results.SchemaVersion:
		return nil
	case schema.Kind == jsonpos.String && strings.HasPrefix(schema.Str, "shopconform.results/"):
		return at(schema.Off, "schema_version %q is not the one this shopconform reads (%q): compare it with the shopconform version that wrote it", schema.Str, results.SchemaVersion)
	default:
		return at(schema.Off, "schema_version is %s, want %q: not a shopconform results.json", text(schema), results.SchemaVersion)
	}
}

// text quotes a node for a message.
func text(n *jsonpos.Node) string {
	if n.Kind == jsonpos.String {
		return fmt.Sprintf("%q", n.Str)
	}
	return n.Kind.String()
}

// typeError positions what encoding/json refused: a value of the wrong
// type, or a timestamp that is not RFC 3339.
func typeError(root *jsonpos.Node, err error, at func(int, string, ...any) error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// encoding/json's offset is the end of the value at fault.
		if path, n := nodeEndingAt(root, int(te.Offset), ""); n != nil {
			return at(n.Off, "%s must be %s, got %s", path, typeWord(te.Type), n.Kind)
		}
		return at(int(te.Offset), "%s must be %s, got %s", te.Field, typeWord(te.Type), te.Value)
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		for _, key := range []string{"started_at", "finished_at"} {
			if n := root.Member(key); n != nil && n.Kind == jsonpos.String {
				if _, perr := time.Parse(time.RFC3339Nano, n.Str); perr != nil {
					return at(n.Off, "%s %q is not an RFC 3339 time", key, n.Str)
				}
			}
		}
	}
	return at(root.Off, "%v", err)
}

// nodeEndingAt finds the innermost value whose text ends at off, with its
// path ("cases[3].actual_errcode").
func nodeEndingAt(n *jsonpos.Node, off int, path string) (string, *jsonpos.Node) {
	if off < n.Off || off > n.End {
		return "", nil
	}
	for _, m := range n.Members {
		if p, c := nodeEndingAt(m.Value, off, joinPath(path, m.Key)); c != nil {
			return p, c
		}
	}
	for i, it := range n.Items {
		if p, c := nodeEndingAt(it, off, fmt.Sprintf("%s[%d]", path, i)); c != nil {
			return p, c
		}
	}
	if n.End == off && path != "" {
		return path, n
	}
	return "", nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func typeWord(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return typeWord(t.Elem()) + " or null"
	default:
		return "an integer"
	}
}

// checkCases reports every case the diff could not key or judge.
func checkCases(root *jsonpos.Node, cases []results.Case, at func(int, string, ...any) error) error {
	list := root.Member("cases")
	if list == nil || list.Kind != jsonpos.Array {
		return nil // absent or null: a run that failed before any case
	}
	var errs []error
	firstUse := map[string]int{}
	for i, c := range cases {
		item := list.Items[i]
		pos := func(field string) int {
			if n := item.Member(field); n != nil {
				return n.Off
			}
			return item.Off
		}
		subject := fmt.Sprintf("cases[%d]", i)
		if c.ID != "" {
			subject += fmt.Sprintf(" (%s)", c.ID)
		}
		switch j, dup := firstUse[c.ID]; {
		case c.ID == "":
			errs = append(errs, at(pos("id"), "%s: no id", subject))
		case dup:
			errs = append(errs, at(pos("id"), "%s: duplicate id, already used by cases[%d]", subject, j))
		default:
			firstUse[c.ID] = i
		}
		if c.Domain == "" {
			errs = append(errs, at(pos("domain"), "%s: no domain", subject))
		}
		if !slices.Contains(results.Outcomes(), c.Outcome) {
			errs = append(errs, at(pos("outcome"), "%s: outcome %q is not one of %s", subject, c.Outcome, outcomeList()))
		}
	}
	return errors.Join(errs...)
}

func outcomeList() string {
	var s []string
	for _, o := range results.Outcomes() {
		s = append(s, string(o))
	}
	return strings.Join(s, ", ")
}
