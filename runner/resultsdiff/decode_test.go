package resultsdiff

import (
	"strings"
	"testing"

	"github.com/shopconform/shopconform/runner/results"
)

const head = `{"schema_version": "shopconform.results/v1", "kind": "ShopconformResults",`

func TestDecodeAcceptsAResultsFile(t *testing.T) {
	doc := head + `
 "target": "reference", "complete": true, "started_at": "2026-11-26T02:00:00Z",
 "a_field_from_a_later_v1": {"x": 1},
 "cases": [
  {"id": "universal-a", "domain": "universal", "endpoint": "/shop/spu/addd", "expected_errcode": 40066, "actual_errcode": 40066, "outcome": "pass", "new_case_field": true},
  {"id": "universal-b", "domain": "universal", "expected_errcode": 47001, "actual_errcode": null, "outcome": "error"}
 ]}`
	r, err := Decode("new.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Cases) != 2 || *r.Cases[0].ActualErrcode != 40066 || r.Cases[1].ActualErrcode != nil || r.Cases[1].Outcome != results.Error {
		t.Errorf("cases %+v", r.Cases)
	}
	if _, err := Decode("x.json", []byte(head+`"cases": null}`)); err != nil {
		t.Errorf("a run without cases: %v", err)
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string // every line of the error
	}{
		{"empty", "  \n", []string{"f.json: empty file: not a shopconform results.json"}},
		{"invalid JSON", "{\n  \"kind\": \"ShopconformResults\",\n}", []string{"f.json:3:1: invalid JSON: invalid character '}' looking for beginning of object key string"}},
		{"duplicate key", head + `"kind": "ShopconformResults"}`, []string{`f.json:1:75: duplicate key "kind" (first at 1:46)`}},
		{"an array", `[1]`, []string{"f.json:1:1: the document is an array, not an object: not a shopconform results.json"}},
		{"another document", `{"name": "x", "version": 2}`, []string{
			`f.json:1:1: no kind and no schema_version: not a shopconform results.json (want kind "ShopconformResults", schema_version "shopconform.results/v1")`}},
		{"another kind", `{"schema_version": "v1", "kind": "JUnitReport"}`, []string{
			`f.json:1:34: kind is "JUnitReport", want "ShopconformResults": not a shopconform results.json`}},
		{"kind not a string", `{"kind": 3}`, []string{`f.json:1:10: kind is a number, want "ShopconformResults": not a shopconform results.json`}},
		{"no kind", `{"schema_version": "shopconform.results/v1"}`, []string{`f.json:1:1: no kind: not a shopconform results.json (want kind "ShopconformResults")`}},
		{"no schema", `{"kind": "ShopconformResults"}`, []string{`f.json:1:1: no schema_version (want "shopconform.results/v1")`}},
		{"a later schema", `{"schema_version": "shopconform.results/v2", "kind": "ShopconformResults"}`, []string{
			`f.json:1:20: schema_version "shopconform.results/v2" is not the one this shopconform reads ("shopconform.results/v1"): compare it with the shopconform version that wrote it`}},
		{"a foreign schema", `{"schema_version": "junit/1", "kind": "ShopconformResults"}`, []string{
			`f.json:1:20: schema_version is "junit/1", want "shopconform.results/v1": not a shopconform results.json`}},
		{"wrong type", head + "\n\"cases\": [{\"id\": \"a\"}, {\"id\": \"b\", \"actual_errcode\": \"40066\"}]}", []string{
			`f.json:2:54: cases[1].actual_errcode must be an integer, got a string`}},
		{"bad time", head + `"started_at": "yesterday"}`, []string{`f.json:1:89: started_at "yesterday" is not an RFC 3339 time`}},
		{"bad cases, all reported", head + `"cases": [
  {"id": "a", "domain": "universal", "outcome": "pass"},
  {"id": "a", "domain": "universal", "outcome": "passed"},
  {"domain": "", "outcome": "fail"}
]}`, []string{
			`f.json:3:10: cases[1] (a): duplicate id, already used by cases[0]`,
			`f.json:3:49: cases[1] (a): outcome "passed" is not one of fail, error, inconclusive, skipped, pass`,
			`f.json:4:3: cases[2]: no id`,
			`f.json:4:14: cases[2]: no domain`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Decode("f.json", []byte(tt.doc))
			if err == nil {
				t.Fatalf("accepted: %+v", r)
			}
			if got := err.Error(); got != strings.Join(tt.want, "\n") {
				t.Errorf("error:\n%s\nwant:\n%s", got, strings.Join(tt.want, "\n"))
			}
		})
	}
}
