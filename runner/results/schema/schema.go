// Package schema holds the JSON Schema (draft 2020-12) of results.json
// and of fuzz.json, one file per schema version.
//
// Each schema file is strict: every object has "additionalProperties":
// false, so it lists exactly what the current writer emits, and the
// writer's tests validate against it as is. Within a version fields are only
// ever added, as optional properties, so a later writer of the same version
// may emit properties an earlier schema does not list. Readers must ignore
// those: they validate with the open form (OpenForm), never with the strict
// one. reports/README.md, "Schema", says what bumps the version.
package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
)

// IDV1 is the $id of ResultsV1: an identifier, never fetched.
const IDV1 = "https://shopconform.dev/schemas/results.v1.json"

// ResultsV1 is the strict schema of results.json at schema_version
// "shopconform.results/v1" (results.SchemaVersion). Treat it as read-only;
// OpenForm returns a new slice.
//
//go:embed results.v1.schema.json
var ResultsV1 []byte

// IDFuzzV1 is the $id of FuzzV1.
const IDFuzzV1 = "https://shopconform.dev/schemas/fuzz.v1.json"

// FuzzV1 is the strict schema of fuzz.json at schema_version 1
// (fuzz/report.SchemaVersion), written by `shopconform fuzz`. Treat it as
// read-only.
//
//go:embed fuzz.v1.schema.json
var FuzzV1 []byte

// OpenForm returns the reader's form of a strict schema: the same schema
// without its "additionalProperties": false keywords, so that properties
// added by later writers of the same version are accepted and everything
// the schema does list is still checked. A schema-valued
// additionalProperties (the config map's value type) stays.
func OpenForm(strict []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(strict))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	open(doc)
	return json.MarshalIndent(doc, "", "  ")
}

// open drops "additionalProperties": false from a schema and every
// subschema, following the draft 2020-12 keywords that hold subschemas (and
// only those: a property that happens to be called additionalProperties is
// a name, not a keyword).
func open(s any) {
	obj, ok := s.(map[string]any)
	if !ok {
		return // a boolean schema
	}
	if b, ok := obj["additionalProperties"].(bool); ok && !b {
		delete(obj, "additionalProperties")
	}
	for key, v := range obj {
		switch key {
		case "additionalProperties", "items", "contains", "not", "if", "then", "else",
			"propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema":
			open(v)
		case "allOf", "anyOf", "oneOf", "prefixItems":
			if list, ok := v.([]any); ok {
				for _, sub := range list {
					open(sub)
				}
			}
		case "properties", "patternProperties", "dependentSchemas", "$defs":
			if m, ok := v.(map[string]any); ok {
				for _, sub := range m {
					open(sub)
				}
			}
		}
	}
}
