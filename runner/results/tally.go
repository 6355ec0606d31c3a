package results

// Tally is what a run's verdict says: how many cases the run selected,
// and of them what passed, what fails the run and what an expectation
// allowed. Every selected case is in exactly one of Pass, Skipped, Fail,
// Error, Inconclusive and Expected.
type Tally struct {
	// Cases are the report's cases less those the run's filters did not
	// select (NotSelected).
	Cases       int
	NotSelected int
	// Pass counts the passes, Flaky those of them after a retry.
	Pass, Flaky int
	// Skipped counts the skips an expectation did not name.
	Skipped int
	// Fail, Error and Inconclusive count the cases that fail the run:
	// those without an honoured expectation.
	Fail, Error, Inconclusive int
	// Expected counts the cases with an honoured expectation, and
	// ExpectedSkips those of them that were skipped.
	Expected, ExpectedSkips int
	// Broken counts the expectations the run broke.
	Broken int
}

// Tally counts the report's cases for its verdict.
func (r *Report) Tally() Tally {
	var t Tally
	for _, c := range r.Cases {
		if c.Outcome == Skipped && c.Reason == NotSelected {
			t.NotSelected++
			continue
		}
		t.Cases++
		switch {
		case c.Expectation != nil:
			t.Expected++
			if c.Outcome == Skipped {
				t.ExpectedSkips++
			}
		case c.Outcome == Pass:
			t.Pass++
			if c.Flaky {
				t.Flaky++
			}
		case c.Outcome == Skipped:
			t.Skipped++
		case c.Outcome == Fail:
			t.Fail++
		case c.Outcome == Inconclusive:
			t.Inconclusive++
		default: // error, or an outcome outside the closed set
			t.Error++
		}
	}
	if r.Expectations != nil {
		t.Broken = len(r.Expectations.Broken)
	}
	return t
}

// PassingCodes is the set of errcodes some case passed for (a flaky pass
// included): the codes a target is shown to answer as documented.
// Coverage counts these, not the codes that merely have a case.
func PassingCodes(cases []Case) map[int]bool {
	out := map[int]bool{}
	for _, c := range cases {
		if c.Outcome == Pass {
			out[c.ExpectedErrcode] = true
		}
	}
	return out
}
