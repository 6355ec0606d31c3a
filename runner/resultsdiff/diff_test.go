package resultsdiff

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

// undocumentedCode is in no catalog.
const undocumentedCode = 1234567

// kase builds a case; errcode -2 means "no errcode received".
func kase(id string, o results.Outcome, errcode int) results.Case {
	domain, _, _ := strings.Cut(id, "-")
	c := results.Case{ID: id, Domain: domain, Endpoint: "/shop/" + domain + "/get", ExpectedErrcode: 40066, Outcome: o}
	if errcode != -2 {
		c.ActualErrcode = &errcode
	}
	if o != results.Pass {
		c.Reason = "reason of " + id
	}
	return c
}

// report builds a complete report in which every domain reported.
func report(cases ...results.Case) *results.Report {
	r := &results.Report{SchemaVersion: results.SchemaVersion, Kind: results.Kind, Target: "reference",
		HarnessVersion: "0.1.0", CatalogHash: catalog.Default().Hash(), Complete: true, Cases: cases}
	for _, d := range catalog.Domains() {
		r.Domains = append(r.Domains, results.DomainResult{Domain: string(d), Reported: true})
	}
	return r
}

// lists names the ids of every list, for compact expectations:
// "regressed: a b".
func lists(d Diff) []string {
	var out []string
	add := func(name string, es []Entry) {
		if len(es) == 0 {
			return
		}
		ids := []string{}
		for _, e := range es {
			ids = append(ids, e.ID)
		}
		out = append(out, name+": "+strings.Join(ids, " "))
	}
	add("regressed", d.Regressed)
	add("not_run", d.NotRun)
	for _, u := range d.Undocumented {
		add(fmt.Sprintf("undocumented %d (in old %v)", u.Code, u.InOld), u.Cases)
	}
	add("errcode_changed", d.ErrcodeChanged)
	add("outcome_changed", d.OutcomeChanged)
	add("newly_passing", d.NewlyPassing)
	add("added", d.Added)
	add("removed", d.Removed)
	return out
}

const (
	pass = results.Pass
	fail = results.Fail
	skip = results.Skipped
	inco = results.Inconclusive
	erro = results.Error
	none = -2
)

func TestCompare(t *testing.T) {
	withoutOrder := func(r *results.Report) *results.Report {
		r.Complete = false
		r.Domains[2] = results.DomainResult{Domain: "order", Failure: "the suite did not report"}
		return r
	}
	tests := []struct {
		name      string
		old, new  *results.Report
		want      []string
		unchanged int
	}{
		{
			name:      "identical runs",
			old:       report(kase("universal-a", pass, 40066), kase("product-b", fail, 47001)),
			new:       report(kase("universal-a", pass, 40066), kase("product-b", fail, 47001)),
			unchanged: 2,
		},
		{
			name: "pass to every other outcome regresses",
			old: report(kase("universal-fail", pass, 40066), kase("universal-error", pass, 40066),
				kase("universal-inco", pass, 40066), kase("universal-skip", pass, 40066)),
			new: report(kase("universal-fail", fail, 47001), kase("universal-error", erro, none),
				kase("universal-inco", inco, 45009), kase("universal-skip", skip, none)),
			want: []string{
				"regressed: universal-error universal-fail universal-inco universal-skip",
			},
		},
		{
			name: "a new case that does not pass regresses, a new passing one does not",
			old:  report(kase("universal-a", pass, 40066)),
			new:  report(kase("universal-a", pass, 40066), kase("product-new-fail", fail, 47001), kase("product-new-pass", pass, 40066), kase("product-new-skip", skip, none)),
			want: []string{
				"regressed: product-new-fail product-new-skip",
				"added: product-new-fail product-new-pass product-new-skip",
			},
			unchanged: 1,
		},
		{
			name: "improvements only",
			old:  report(kase("universal-a", fail, 47001), kase("universal-b", skip, none), kase("universal-c", erro, none)),
			new:  report(kase("universal-a", pass, 40066), kase("universal-b", pass, 40066), kase("universal-c", pass, 40066)),
			want: []string{"newly_passing: universal-a universal-b universal-c"},
		},
		{
			name: "a still-failing case that changes answer or outcome is no regression",
			old:  report(kase("universal-a", fail, 47001), kase("universal-b", fail, 47001), kase("universal-c", fail, 47001)),
			new:  report(kase("universal-a", fail, 40001), kase("universal-b", erro, none), kase("universal-c", inco, 45009)),
			want: []string{
				"errcode_changed: universal-a",
				"outcome_changed: universal-b universal-c",
			},
		},
		{
			name:      "an errcode appearing or vanishing is no errcode change",
			old:       report(kase("universal-a", erro, none), kase("universal-b", fail, 47001)),
			new:       report(kase("universal-a", erro, 47001), kase("universal-b", fail, none)),
			unchanged: 2,
		},
		{
			name: "a case gone from a suite that reported is removed, whatever its outcome",
			old:  report(kase("universal-a", pass, 40066), kase("product-gone", pass, 40066), kase("product-gone-fail", fail, 1)),
			new:  report(kase("universal-a", pass, 40066)),
			want: []string{
				"removed: product-gone product-gone-fail",
			},
			unchanged: 1,
		},
		{
			name: "a case NEW did not run regresses when it passed before",
			old:  report(kase("universal-a", pass, 40066), kase("order-was-pass", pass, 40066), kase("order-was-fail", fail, 47001)),
			new:  withoutOrder(report(kase("universal-a", pass, 40066))),
			want: []string{
				"regressed: order-was-pass",
				"not_run: order-was-fail order-was-pass",
			},
			unchanged: 1,
		},
		{
			name: "undocumented errcodes are grouped by code, new ones first",
			old:  report(kase("universal-a", fail, 999), kase("universal-b", pass, 40066), kase("universal-c", fail, 47001)),
			new: report(kase("universal-a", fail, 999), kase("universal-b", fail, undocumentedCode),
				kase("universal-c", fail, 47001), kase("product-d", fail, undocumentedCode)),
			want: []string{
				"regressed: universal-b product-d",
				fmt.Sprintf("undocumented %d (in old false): universal-b product-d", undocumentedCode),
				"undocumented 999 (in old true): universal-a",
				"added: product-d",
			},
			unchanged: 2,
		},
		{
			name: "lists sort by domain order, then id",
			old:  report(),
			new:  report(kase("share-a", pass, 0), kase("universal-z", pass, 0), kase("product-b", pass, 0), kase("universal-a", pass, 0)),
			want: []string{"added: universal-a universal-z product-b share-a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Compare(tt.old, tt.new, nil)
			if got := lists(d); !slices.Equal(got, tt.want) {
				t.Errorf("lists:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			if d.Counts.Unchanged != tt.unchanged {
				t.Errorf("unchanged %d, want %d", d.Counts.Unchanged, tt.unchanged)
			}
			// A case both runs have is in exactly one list, or unchanged.
			inBoth := 0
			for _, c := range tt.new.Cases {
				if slices.ContainsFunc(tt.old.Cases, func(o results.Case) bool { return o.ID == c.ID }) {
					inBoth++
				}
			}
			regressedInBoth := 0
			for _, e := range d.Regressed {
				if e.OldOutcome != "" && e.NewOutcome != "" {
					regressedInBoth++
				}
			}
			if sum := regressedInBoth + d.Counts.NewlyPassing + d.Counts.OutcomeChanged + d.Counts.ErrcodeChanged + d.Counts.Unchanged; sum != inBoth {
				t.Errorf("%d cases in both runs, but the lists hold %d", inBoth, sum)
			}
			if d.HasRegressions() != (len(d.Regressed) > 0) {
				t.Errorf("HasRegressions %v with %d regressed", d.HasRegressions(), len(d.Regressed))
			}
		})
	}
}

func TestCompareEntryCarriesBothSides(t *testing.T) {
	old := report(kase("product-a", pass, 40066))
	cur := report(kase("product-a", fail, 47001))
	cur.Cases[0].Endpoint, cur.Cases[0].ExpectedErrcode = "/shop/spu/get", 9401020
	d := Compare(old, cur, nil)
	if len(d.Regressed) != 1 {
		t.Fatalf("regressed %+v", d.Regressed)
	}
	e := d.Regressed[0]
	if e.ID != "product-a" || e.Domain != "product" || e.Endpoint != "/shop/spu/get" || e.ExpectedErrcode != 9401020 ||
		e.OldOutcome != pass || e.NewOutcome != fail || *e.OldErrcode != 40066 || *e.NewErrcode != 47001 || e.Reason != "reason of product-a" {
		t.Errorf("entry %+v", e)
	}
	// The entry holds its own copies: editing the reports later changes nothing.
	*cur.Cases[0].ActualErrcode = 1
	if *e.NewErrcode != 47001 {
		t.Errorf("entry shares the report's errcode")
	}
}

func TestCompareNotRunSaysWhy(t *testing.T) {
	old := report(kase("order-a", pass, 0), kase("coupon-b", pass, 0), kase("share-c", pass, 0))
	cur := report()
	cur.Complete = false
	// order failed, coupon never reported (results.Merge sets a failure
	// then too), share never ran.
	cur.Domains[2] = results.DomainResult{Domain: "order", Reported: true, Failure: "target would not start"}
	cur.Domains[6] = results.DomainResult{Domain: "coupon", Failure: "the suite did not report: it did not build"}
	cur.Domains = slices.Delete(cur.Domains, 7, 8)
	d := Compare(old, cur, nil)
	got := map[string]string{}
	for _, e := range d.NotRun {
		got[e.ID] = e.Reason
	}
	want := map[string]string{
		"order-a":  "not run: NEW's order suite failed: target would not start",
		"coupon-b": "not run: NEW's coupon suite did not report",
		"share-c":  "not run: NEW did not run the share suite",
	}
	for id, reason := range want {
		if got[id] != reason {
			t.Errorf("%s: reason %q, want %q", id, got[id], reason)
		}
	}
	if len(d.Regressed) != 3 || len(d.Removed) != 0 {
		t.Errorf("regressed %d, removed %d", len(d.Regressed), len(d.Removed))
	}

	failed := &results.Report{SchemaVersion: results.SchemaVersion, Kind: results.Kind, Error: "bad configuration"}
	d = Compare(old, failed, nil)
	if len(d.NotRun) != 3 || d.NotRun[0].Reason != "not run: NEW's run failed: bad configuration" {
		t.Errorf("not run %+v", d.NotRun)
	}
}

func TestCompareWithoutDomainResultsTakesTheReportAtItsWord(t *testing.T) {
	old := report(kase("universal-a", pass, 0))
	cur := report()
	cur.Domains = nil
	if d := Compare(old, cur, nil); len(d.Removed) != 1 || len(d.Regressed) != 0 {
		t.Errorf("removed %+v regressed %+v", d.Removed, d.Regressed)
	}
}

func TestCompareNotes(t *testing.T) {
	old := report()
	old.Config = map[string]string{"target": "sandbox", "rate": "auto", "report_dir": "nightly/1"}
	cur := report()
	cur.Target, cur.HarnessVersion, cur.CatalogHash = "sandbox:api.example", "0.2.0", "sha256:other"
	// shard is a setting added since OLD was written: unset, it is no change.
	cur.Config = map[string]string{"target": "sandbox", "rate": "20", "budget": "100", "report_dir": "nightly/2", "shard": ""}
	cur.Complete = false
	d := Compare(old, cur, nil)
	want := []string{
		"NEW is incomplete (interrupted, or a suite did not report): the cases it did not run are listed as not run",
		`the targets differ: OLD ran on "reference", NEW on "sandbox:api.example"`,
		`the harness versions differ: OLD "0.1.0", NEW "0.2.0"`,
		"the catalogs differ: OLD " + old.CatalogHash + ", NEW sha256:other",
		"NEW was judged against catalog sha256:other; undocumented errcodes are checked against " + catalog.Default().Hash(),
		`the configurations differ: budget "" → "100", rate "auto" → "20"`,
	}
	if !slices.Equal(d.Notes, want) {
		t.Errorf("notes:\n  %s\nwant:\n  %s", strings.Join(d.Notes, "\n  "), strings.Join(want, "\n  "))
	}
	if d := Compare(old, old, nil); len(d.Notes) != 0 {
		t.Errorf("a report against itself has notes: %q", d.Notes)
	}
}

func TestCompareListsAreNeverNil(t *testing.T) {
	d := Compare(&results.Report{}, &results.Report{}, nil)
	if d.Regressed == nil || d.NotRun == nil || d.Undocumented == nil || d.ErrcodeChanged == nil || d.OutcomeChanged == nil ||
		d.NewlyPassing == nil || d.Added == nil || d.Removed == nil || d.Notes == nil {
		t.Errorf("a nil list: %+v", d)
	}
	if d.SchemaVersion != SchemaVersion || d.Kind != Kind {
		t.Errorf("identity %q %q", d.SchemaVersion, d.Kind)
	}
}
