package results

import (
	"fmt"
	"strings"

	"github.com/shopconform/shopconform/internal/wording"
)

// VerdictState is what a report's verdict is, for a banner's colour or
// an icon.
type VerdictState string

const (
	// VerdictPass: the run succeeded (Succeeded).
	VerdictPass VerdictState = "pass"
	// VerdictFail: something failed the run: a case, a broken
	// expectation, a malformed fixture.
	VerdictFail VerdictState = "fail"
	// VerdictRunError: the run itself failed (Report.Error); the
	// renderings show that error.
	VerdictRunError VerdictState = "error"
	// VerdictIncomplete: nothing failed, but not every suite reported.
	VerdictIncomplete VerdictState = "incomplete"
)

// Verdict says in one line what the run came to, the same words in every
// report: "passed: 4 cases, nothing failed: 1 pass, 2 skipped, 1 expected
// failure (see below)", "failed: 0 fail, 1 error, 2 inconclusive, 1
// broken expectation of 40 cases". Its numbers are the run's own cases
// (Tally): those its filters did not select are named apart. For
// VerdictRunError the text is "the run failed" and the renderings add
// the error. The text holds no markup character, so Markdown and HTML
// can print it as it is.
func (r *Report) Verdict() (VerdictState, string) {
	t := r.Tally()
	var state VerdictState
	var v string
	switch {
	case r.Error != "":
		return VerdictRunError, "the run failed"
	case r.Succeeded():
		state = VerdictPass
		v = "passed: " + wording.Count(t.Cases, "case") + ", nothing failed"
		pass := fmt.Sprintf("%d pass", t.Pass)
		if t.Flaky > 0 {
			pass += fmt.Sprintf(" (%d flaky)", t.Flaky)
		}
		switch {
		case t.Skipped+t.Expected > 0:
			parts := []string{pass}
			if t.Skipped > 0 {
				parts = append(parts, fmt.Sprintf("%d skipped", t.Skipped))
			}
			if t.Expected > 0 {
				parts = append(parts, t.expected())
			}
			v += ": " + strings.Join(parts, ", ")
		case t.Flaky > 0:
			v += fmt.Sprintf(" (%d flaky)", t.Flaky)
		}
	case t.Fail+t.Error+t.Inconclusive+t.Broken+r.Statistics.Problems > 0:
		state = VerdictFail
		v = fmt.Sprintf("failed: %d fail, %d error", t.Fail, t.Error)
		for _, n := range []struct {
			n         int
			one, many string
		}{
			{t.Inconclusive, "inconclusive", "inconclusive"},
			{t.Broken, "broken expectation", "broken expectations"},
			{r.Statistics.Problems, "malformed fixture", "malformed fixtures"},
		} {
			if n.n > 0 {
				v += fmt.Sprintf(", %d %s", n.n, wording.Plural(n.n, n.one, n.many))
			}
		}
		v += " of " + wording.Count(t.Cases, "case")
		if t.Expected > 0 {
			v += "; " + t.expected()
		}
		if !r.Complete {
			v += " (incomplete run)"
		}
	default:
		state = VerdictIncomplete
		v = "incomplete: " + wording.Count(t.Cases, "case") + " reported and nothing failed, but not every suite reported"
	}
	if t.NotSelected > 0 {
		v += fmt.Sprintf("; %d more not selected by this run's filters", t.NotSelected)
	}
	return state, v
}

// expected names the cases an expectation allowed: "3 expected failures
// (see below)".
func (t Tally) expected() string {
	noun := "expected outcome"
	switch t.ExpectedSkips {
	case 0:
		noun = "expected failure"
	case t.Expected:
		noun = "expected skip"
	}
	return wording.Count(t.Expected, noun) + " (see below)"
}
