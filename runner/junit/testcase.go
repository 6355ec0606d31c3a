package junit

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

// caseEntry renders one case. The element it carries is what CI counts,
// so it follows the run's verdict (results.Case.CountsAgainst): a case an
// expectation allows is skipped, whatever its outcome, with the entry's
// reason; an inconclusive case without one is an error; a broken
// expectation is a failure.
func caseEntry(r *results.Report, root fixtureRoot, c results.Case, broken []results.BrokenExpectation) testcase {
	actual := ""
	if c.ActualErrcode != nil {
		actual = strconv.Itoa(*c.ActualErrcode)
	}
	file := root.rel(c.Fixture)
	tc := testcase{
		Name:      c.ID,
		Classname: "shopconform." + c.Domain,
		Time:      seconds(c.DurationMS),
		File:      file,
		Properties: &properties{[]property{
			{"errcode", strconv.Itoa(c.ExpectedErrcode)},
			{"actual_errcode", actual},
			{"endpoint", c.Endpoint},
			{"fixture", file},
			{"target", r.Target},
			{"outcome", string(c.Outcome)},
			{"attempts", strconv.Itoa(c.Attempts)},
			{"flaky", strconv.FormatBool(c.Flaky)},
			{"account", c.Account},
			{"evidence", c.Evidence},
		}},
	}
	switch {
	case c.Expectation != nil:
		tc.Skipped = &skipped{Message: expectedMessage(*c.Expectation), Text: c.Reason}
	case c.Outcome == results.Fail:
		tc.Failure = &problem{Message: failureMessage(c, actual), Type: "fail", Text: c.Reason}
	case c.Outcome == results.Error:
		tc.Error = &problem{Message: firstLine(c.Reason), Type: "error", Text: c.Reason}
	case c.Outcome == results.Inconclusive:
		// An inconclusive case fails the run unless an expectation allows
		// it, so it must not read as skipped.
		tc.Error = &problem{Message: "inconclusive: " + firstLine(c.Reason), Type: "inconclusive", Text: c.Reason}
	case c.Outcome == results.Skipped:
		tc.Skipped = &skipped{Message: c.Reason}
	}
	if len(broken) > 0 {
		markBroken(&tc, brokenMessage(r, broken))
	}
	if c.Flaky {
		tc.FlakyFailures, tc.FlakyErrors = flakyAttempts(c)
	}
	if c.Outcome != results.Pass || tc.Failure != nil {
		tc.SystemOut = text(systemOut(c))
	}
	return tc
}

// markBroken makes a broken expectation fail the testcase as it fails
// the run: a case with a failure or an error keeps it, the problem put
// first; a pass, or a skip, becomes a failure of type "expectation".
func markBroken(tc *testcase, msg string) {
	switch {
	case tc.Failure != nil:
		tc.Failure.Message = msg + "; " + tc.Failure.Message
	case tc.Error != nil:
		tc.Error.Message = msg + "; " + tc.Error.Message
	case tc.Skipped != nil:
		tc.Failure = &problem{Message: msg + "; skipped: " + tc.Skipped.Message, Type: "expectation", Text: tc.Skipped.Text}
		tc.Skipped = nil
	default:
		tc.Failure = &problem{Message: msg, Type: "expectation"}
	}
}

// expectedMessage: "expected fail: the sandbox answers 40001 (until
// 2026-11-30, https://…)".
func expectedMessage(e results.Expectation) string {
	until := "until " + e.Expires
	if e.Link != "" {
		until += ", " + e.Link
	}
	return fmt.Sprintf("expected %s: %s (%s)", e.Outcome, e.Reason, until)
}

// flakyAttempts renders the answers a retry replaced the way Maven
// Surefire reports a test that passed on a rerun: one flakyFailure per
// errcode, one flakyError per attempt that got no errcode at all.
func flakyAttempts(c results.Case) (failures, errs []rerun) {
	if len(c.EarlierAttempts) == 0 {
		msg := fmt.Sprintf("passed after a retry (%d attempts); the earlier answers were not recorded", c.Attempts)
		return []rerun{{Message: msg, Type: "retry", StackTrace: cdata{msg}}}, nil
	}
	nth := map[string]int{}
	for _, a := range c.EarlierAttempts {
		nth[a.Step]++
		who := fmt.Sprintf("attempt %d of %s", nth[a.Step], a.Step)
		if a.Errcode == nil {
			msg := who + " got no errcode"
			if a.Error != "" {
				msg += ": " + a.Error
			}
			errs = append(errs, rerun{Message: msg, Type: "transport", StackTrace: cdata{attemptDetail(a, nth[a.Step])}})
			continue
		}
		msg := who + " answered errcode " + catalog.Default().Describe(catalog.Code(*a.Errcode))
		if a.Errmsg != "" {
			msg += ": errmsg " + a.Errmsg
		}
		failures = append(failures, rerun{Message: msg, Type: "errcode " + strconv.Itoa(*a.Errcode), StackTrace: cdata{attemptDetail(a, nth[a.Step])}})
	}
	return failures, errs
}

func attemptDetail(a results.Attempt, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "step: %s\nattempt: %d (retried)\n", a.Step, n)
	if a.Errcode != nil {
		fmt.Fprintf(&b, "errcode: %s\n", catalog.Default().Describe(catalog.Code(*a.Errcode)))
	}
	if a.Errmsg != "" {
		fmt.Fprintf(&b, "errmsg: %s\n", a.Errmsg)
	}
	if a.Error != "" {
		fmt.Fprintf(&b, "error: %s\n", a.Error)
	}
	return b.String()
}

// failureMessage is the one line a CI page shows: the errcode when it
// was wrong; otherwise what the right errcode's answer lacked (a field
// the case expects, the shape the spec documents), from the matcher's
// message, whose indented lines after "to have …" name each problem.
func failureMessage(c results.Case, actual string) string {
	if actual != strconv.Itoa(c.ExpectedErrcode) {
		return fmt.Sprintf("expected errcode %d, got %s", c.ExpectedErrcode, cmp.Or(actual, "no errcode"))
	}
	lines := strings.Split(strings.TrimRight(c.Reason, "\n"), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "to have ") {
			continue
		}
		var problems []string
		for _, p := range lines[i+1:] {
			if !strings.HasPrefix(p, "    ") {
				break
			}
			problems = append(problems, strings.TrimSpace(p))
		}
		return fmt.Sprintf("errcode %s as expected, but the answer does not have %s: %s", actual, strings.TrimPrefix(l, "to have "), strings.Join(problems, "; "))
	}
	return fmt.Sprintf("errcode %s as expected, but: %s", actual, firstLine(c.Reason))
}
