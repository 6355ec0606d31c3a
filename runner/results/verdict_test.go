package results

import "testing"

func TestVerdict(t *testing.T) {
	pass := Case{ID: "p", Outcome: Pass}
	expected := Case{ID: "x", Outcome: Fail, Expectation: &Expectation{Outcome: Fail}}
	report := func(cases ...Case) *Report {
		r := &Report{}
		Merge(r, []string{"universal"}, map[string]Part{"universal": {Domain: "universal", Cases: cases}})
		return r
	}
	for _, tc := range []struct {
		name  string
		r     *Report
		state VerdictState
		text  string
	}{
		{"all pass", report(pass, pass), VerdictPass, "passed: 2 cases, nothing failed"},
		{"flaky", report(pass, Case{Outcome: Pass, Flaky: true}), VerdictPass, "passed: 2 cases, nothing failed (1 flaky)"},
		{"skips and expected", report(pass, Case{Outcome: Skipped, Reason: "needs account profile x"}, expected, expected), VerdictPass,
			"passed: 4 cases, nothing failed: 1 pass, 1 skipped, 2 expected failures (see below)"},
		{"expected skips and failures", report(expected, Case{Outcome: Skipped, Expectation: &Expectation{Outcome: Skipped}}), VerdictPass,
			"passed: 2 cases, nothing failed: 0 pass, 2 expected outcomes (see below)"},
		{"inconclusive only", report(Case{Outcome: Inconclusive}), VerdictFail, "failed: 0 fail, 0 error, 1 inconclusive of 1 case"},
		{"an expected inconclusive", report(Case{Outcome: Inconclusive, Expectation: &Expectation{Outcome: Inconclusive}}), VerdictPass,
			"passed: 1 case, nothing failed: 0 pass, 1 expected failure (see below)"},
		{"broken only", func() *Report {
			r := report(pass)
			r.Expectations = &Expectations{Broken: []BrokenExpectation{{CaseID: "p", Problem: "expected failure did not happen"}}}
			return r
		}(), VerdictFail, "failed: 0 fail, 0 error, 1 broken expectation of 1 case"},
		{"everything", func() *Report {
			r := report(Case{Outcome: Fail}, Case{Outcome: Error}, Case{Outcome: Inconclusive}, expected)
			r.Problems, r.Statistics.Problems = []Problem{{File: "f"}}, 1
			r.Complete = false
			return r
		}(), VerdictFail, "failed: 1 fail, 1 error, 1 inconclusive, 1 malformed fixture of 4 cases; 1 expected failure (see below) (incomplete run)"},
		{"incomplete", func() *Report { r := report(pass); r.Complete = false; return r }(), VerdictIncomplete,
			"incomplete: 1 case reported and nothing failed, but not every suite reported"},
		{"run error", func() *Report { r := report(pass); r.Error = "bad configuration"; return r }(), VerdictRunError, "the run failed"},
		{"filters", report(pass, Case{Outcome: Skipped, Reason: NotSelected}, Case{Outcome: Skipped, Reason: NotSelected}), VerdictPass,
			"passed: 1 case, nothing failed; 2 more not selected by this run's filters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state, text := tc.r.Verdict()
			if state != tc.state || text != tc.text {
				t.Errorf("got %s %q\nwant %s %q", state, text, tc.state, tc.text)
			}
		})
	}
}
