package results

import (
	"testing"
)

func TestMergeCountsAndMarksMissingSuites(t *testing.T) {
	parts := map[string]Part{
		"universal": {Domain: "universal", Target: "reference",
			Cases:    []Case{{ID: "a", Outcome: Pass}, {ID: "b", Outcome: Fail}, {ID: "c", Outcome: Inconclusive}},
			Problems: []Problem{{File: "fixtures/x.json", Message: "bad"}}},
		"product": {Domain: "product", Target: "reference",
			Cases:   []Case{{ID: "d", Outcome: Skipped}, {ID: "e", Outcome: Error}},
			Pending: []Pending{{Code: 1000001, Domain: "product"}}},
	}
	// Problems outside a domain folder reach every suite; they count once.
	p := parts["product"]
	p.Problems = []Problem{{File: "fixtures/x.json", Message: "bad"}}
	parts["product"] = p

	var r Report
	Merge(&r, []string{"universal", "product", "order"}, parts)
	want := Statistics{Total: 5, Pass: 1, Fail: 1, Skipped: 1, Inconclusive: 1, Error: 1, Pending: 1, Problems: 1}
	if r.Statistics != want {
		t.Errorf("statistics %+v, want %+v", r.Statistics, want)
	}
	if r.Complete || r.Domains[2].Reported || r.Domains[2].Failure == "" {
		t.Errorf("order never reported, yet complete=%v domain=%+v", r.Complete, r.Domains[2])
	}
	if r.Target != "reference" || r.SchemaVersion != SchemaVersion || r.Succeeded() {
		t.Errorf("report %+v", r)
	}
}

func TestPartRoundTrip(t *testing.T) {
	dir := t.TempDir()
	code := 40066
	in := Part{Domain: "universal", Target: "reference", Cases: []Case{{ID: "a", ActualErrcode: &code, Outcome: Pass}}}
	if err := WritePart(dir, in); err != nil {
		t.Fatal(err)
	}
	out, ok, err := ReadPart(dir, "universal")
	if err != nil || !ok || *out.Cases[0].ActualErrcode != 40066 {
		t.Fatalf("%+v %v %v", out, ok, err)
	}
	if _, ok, err := ReadPart(dir, "order"); ok || err != nil {
		t.Errorf("missing part: ok=%v err=%v", ok, err)
	}
}
