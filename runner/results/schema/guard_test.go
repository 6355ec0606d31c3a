package schema_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/runner/results"
)

// addedWithinV1 are the fields the writer always writes that files of
// earlier v1 writers lack: the schema lists them but cannot require them.
// A field added to an always-written place goes here too.
var addedWithinV1 = map[string]bool{
	"Statistics.flaky":    true,
	"Statistics.expected": true,
}

// TestGoTypesMatchSchema fails when a field is added to (or dropped from)
// the Go types without the schema knowing, or the other way around: each
// struct the report holds has exactly its JSON fields as properties, with
// matching types, nullability and required-ness.
func TestGoTypesMatchSchema(t *testing.T) {
	doc := schemaDoc(t)
	reached := map[string]bool{}
	checkStruct(t, doc, reflect.TypeFor[results.Report](), doc, "#", reached)
	for name := range doc["$defs"].(map[string]any) {
		if !reached["#/$defs/"+name] {
			t.Errorf("$defs/%s describes no Go type the report holds", name)
		}
	}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[results.Report](), reflect.TypeFor[results.Case](), reflect.TypeFor[results.Exchange](),
		reflect.TypeFor[results.Pending](), reflect.TypeFor[results.Problem](), reflect.TypeFor[results.Statistics](),
		reflect.TypeFor[results.DomainResult](), reflect.TypeFor[results.ShardOf](), reflect.TypeFor[results.Fingerprint](),
		reflect.TypeFor[results.CaseSet](), reflect.TypeFor[results.MergedShard](),
		reflect.TypeFor[results.Attempt](), reflect.TypeFor[results.Finding](), reflect.TypeFor[results.Expectation](), reflect.TypeFor[results.Expectations](),
		reflect.TypeFor[results.ExpectationEntry](), reflect.TypeFor[results.BrokenExpectation](),
	} {
		if !reached[typ.Name()] {
			t.Errorf("results.%s was not checked against the schema", typ.Name())
		}
	}
}

type jsonField struct {
	goName, name string
	omitempty    bool
	typ          reflect.Type
}

func jsonFields(t *testing.T, typ reflect.Type) []jsonField {
	var out []jsonField
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, ok := f.Tag.Lookup("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !ok || name == "" || f.Anonymous {
			t.Errorf("results.%s.%s has no json name: every field of the report is named in its tag", typ.Name(), f.Name)
			continue
		}
		out = append(out, jsonField{goName: f.Name, name: name, omitempty: slices.Contains(strings.Split(opts, ","), "omitempty"), typ: f.Type})
	}
	return out
}

func checkStruct(t *testing.T, doc map[string]any, typ reflect.Type, node map[string]any, at string, reached map[string]bool) {
	if reached[at] && reached[typ.Name()] {
		return
	}
	reached[at], reached[typ.Name()] = true, true
	if node["type"] != "object" || node["additionalProperties"] != false {
		t.Errorf("%s (results.%s): want \"type\": \"object\" and \"additionalProperties\": false", at, typ.Name())
	}
	props, _ := node["properties"].(map[string]any)
	var required []string
	for _, r := range asList(node["required"]) {
		required = append(required, r.(string))
	}
	known := map[string]bool{}
	for _, f := range jsonFields(t, typ) {
		known[f.name] = true
		where := "results." + typ.Name() + "." + f.goName + " (" + f.name + ")"
		prop, ok := props[f.name].(map[string]any)
		if !ok {
			t.Errorf("%s is not in the schema: add it to %s/properties (optional: a field added within v1 is never required)", where, at)
			continue
		}
		key := typ.Name() + "." + f.name
		switch req := slices.Contains(required, f.name); {
		case f.omitempty && req:
			t.Errorf("%s is omitempty, yet %s requires it", where, at)
		case !f.omitempty && !req && !addedWithinV1[key]:
			t.Errorf("%s is always written but %s does not require it: require it, or list %q in addedWithinV1 if it was added within v1", where, at, key)
		case req && addedWithinV1[key]:
			t.Errorf("%s was added within v1, so %s must not require it", where, at)
		}
		target, targetAt := prop, at+"/properties/"+f.name
		if ref, ok := prop["$ref"].(string); ok {
			target, targetAt = resolve(t, doc, ref), ref
		}
		checkType(t, where, f, jsonTypes(target))
		elem := f.typ
		for elem.Kind() == reflect.Pointer || elem.Kind() == reflect.Slice {
			if elem.Kind() == reflect.Slice {
				items, _ := target["items"].(map[string]any)
				target, targetAt = items, targetAt+"/items"
				if ref, ok := items["$ref"].(string); ok {
					target, targetAt = resolve(t, doc, ref), ref
				}
			}
			elem = elem.Elem()
		}
		if elem.Kind() == reflect.Struct && elem != reflect.TypeFor[time.Time]() {
			if target == nil {
				t.Errorf("%s: the schema does not describe its elements", where)
				continue
			}
			checkStruct(t, doc, elem, target, targetAt, reached)
		}
	}
	for name := range props {
		if !known[name] {
			t.Errorf("%s/properties/%s is no field of results.%s", at, name, typ.Name())
		}
	}
	for _, r := range required {
		if !known[r] {
			t.Errorf("%s requires %q, which results.%s does not have", at, r, typ.Name())
		}
	}
}

// jsonTypes is the set of JSON types a schema allows, from its type, const
// or enum.
func jsonTypes(node map[string]any) []string {
	var out []string
	for _, ty := range asList(node["type"]) {
		out = append(out, ty.(string))
	}
	values := asList(node["enum"])
	if c, ok := node["const"]; ok {
		values = append(values, c)
	}
	for _, v := range values {
		ty := "null"
		switch v.(type) {
		case string:
			ty = "string"
		case bool:
			ty = "boolean"
		case float64:
			ty = "number"
		case map[string]any:
			ty = "object"
		case []any:
			ty = "array"
		}
		if !slices.Contains(out, ty) {
			out = append(out, ty)
		}
	}
	return out
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		return []any{x}
	}
}

// checkType compares what encoding/json writes for a field with what the
// schema allows: the same JSON type, and null exactly where a nil value is
// written (a non-omitempty pointer or slice; a map may be declared never
// nil).
func checkType(t *testing.T, where string, f jsonField, allowed []string) {
	typ, nullable := f.typ, false
	if typ.Kind() == reflect.Pointer {
		typ, nullable = typ.Elem(), !f.omitempty
	}
	var want string
	switch typ.Kind() {
	case reflect.String:
		want = "string"
	case reflect.Bool:
		want = "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		want = "integer"
	case reflect.Float32, reflect.Float64:
		want = "number"
	case reflect.Slice, reflect.Array:
		want, nullable = "array", typ.Kind() == reflect.Slice && !f.omitempty
	case reflect.Map:
		want = "object"
	case reflect.Struct:
		want = "object"
		if typ == reflect.TypeFor[time.Time]() {
			want = "string"
		}
	default:
		t.Errorf("%s: a %s has no JSON type here", where, typ)
		return
	}
	var others []string
	for _, a := range allowed {
		if a != want && a != "null" {
			others = append(others, a)
		}
	}
	hasNull := slices.Contains(allowed, "null")
	mayBeNil := f.typ.Kind() == reflect.Map && !f.omitempty
	switch {
	case !slices.Contains(allowed, want) || len(others) > 0:
		t.Errorf("%s: the schema allows %v, the writer writes %s", where, allowed, want)
	case nullable && !hasNull:
		t.Errorf("%s: the writer may write null (a nil %s without omitempty), the schema does not allow it", where, f.typ)
	case hasNull && !nullable && !mayBeNil:
		t.Errorf("%s: the schema allows null, the writer never writes it", where)
	}
}
