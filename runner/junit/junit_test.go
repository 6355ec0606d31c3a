package junit

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/shopconform/shopconform/runner/results"
)

func TestJUnitCountsAndPlainProperties(t *testing.T) {
	actual := 0
	r := &results.Report{Target: "reference", HarnessVersion: "0.1.0", CatalogHash: "sha256:x"}
	results.Merge(r, []string{"universal", "product"}, map[string]results.Part{
		"universal": {Domain: "universal", Cases: []results.Case{
			{ID: "ok", Domain: "universal", Endpoint: "/shop/x", ExpectedErrcode: 0, ActualErrcode: &actual, Outcome: results.Pass, Attempts: 1, DurationMS: 2},
			{ID: "wrong", Domain: "universal", ExpectedErrcode: 40066, ActualErrcode: &actual, Outcome: results.Fail, Reason: "Expected\n..."},
			{ID: "env", Domain: "universal", Outcome: results.Inconclusive, Reason: "quota"},
			{ID: "shape", Domain: "universal", ExpectedErrcode: 0, ActualErrcode: &actual, Outcome: results.Fail,
				Reason: "Expected\n    errcode 0 (success)\n    endpoint: /shop/x\nto have the response shape apispec documents for /shop/x\n    data.id: absent, though documented\n    data.n: a string, not an integer\n"},
		}},
		"product": {Domain: "product", Cases: []results.Case{{ID: "broken", Domain: "product", Outcome: results.Error, Reason: "transport"}},
			Pending:  []results.Pending{{Code: 1000001, Domain: "product", Text: "Not uploaded_product_id"}},
			Problems: []results.Problem{{File: "fixtures/product/p.json", Line: 3, Col: 1, Message: "invalid JSON", Domain: "product"}}},
	})
	var buf bytes.Buffer
	if err := Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc testsuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	if doc.Tests != 7 || doc.Failures != 2 || doc.Errors != 2 || doc.Skipped != 2 {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	u := doc.Suites[0]
	if u.Name != "universal" || u.Tests != 4 || u.Failures != 2 || u.Skipped != 1 {
		t.Errorf("universal suite %+v", u)
	}
	props := map[string]string{}
	for _, p := range u.Cases[0].Properties {
		props[p.Name] = p.Value
	}
	if props["errcode"] != "0" || props["endpoint"] != "/shop/x" || props["target"] != "reference" || props["actual_errcode"] != "0" {
		t.Errorf("properties are not plain values: %v", props)
	}
	if f := u.Cases[1].Failure; f == nil || f.Message != "expected errcode 40066, got 0" {
		t.Errorf("failure %+v", f)
	}
	if s := u.Cases[2].Skipped; s == nil || s.Message != "inconclusive: quota" {
		t.Errorf("inconclusive %+v", s)
	}
	if f := u.Cases[3].Failure; f == nil || f.Message != "errcode 0 as expected, but the answer does not have the response shape apispec documents for /shop/x: data.id: absent, though documented; data.n: a string, not an integer" {
		t.Errorf("a failure with the right errcode %+v", f)
	}
	p := doc.Suites[1]
	if p.Cases[1].Skipped == nil || p.Cases[1].Name != "errcode 1000001 (pending)" {
		t.Errorf("pending entry %+v", p.Cases[1])
	}
	if p.Cases[2].Error == nil || p.Cases[2].Error.Message != "fixtures/product/p.json:3:1: invalid JSON" {
		t.Errorf("malformed fixture entry %+v", p.Cases[2])
	}
}
