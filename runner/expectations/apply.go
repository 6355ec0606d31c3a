package expectations

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/shopconform/shopconform/runner/results"
)

// Apply judges cases, the cases of one run on target, against the file on
// day today (its UTC date; an entry holds through its expires day). target
// is the report's target: "reference", "replay", "sandbox" or
// "sandbox:<host>", or "sdk:NAME" under certification.
//
// Each case is decided by the first entry, in file order, whose pattern
// matches its id and whose target matches (none: any; "sandbox": any
// sandbox). Apply sets the case's Expectation when the entry holds and
// clears it otherwise, so it alone decides which cases are expected. An
// entry breaks when its date has passed ("expired on YYYY-MM-DD"), when
// its case passed ("expected failure did not happen") or had another
// outcome ("expected fail, got error"). A case that was skipped, against
// an entry expecting something else, did not run: it neither honours nor
// breaks the entry. So does a case the run's filters did not select.
//
// The answer lists the broken entries in case order and the entries no
// case matched in file order; both slices are non-nil.
func (f *File) Apply(target string, cases []results.Case, today time.Time) *results.Expectations {
	out := &results.Expectations{
		File: f.Name, Entries: len(f.Entries),
		Broken: []results.BrokenExpectation{}, Unmatched: []results.ExpectationEntry{},
	}
	y, m, d := today.UTC().Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	matched := make([]bool, len(f.Entries))
	for i := range cases {
		c := &cases[i]
		c.Expectation = nil
		if c.Outcome == results.Skipped && c.Reason == results.NotSelected {
			continue
		}
		j := f.decide(target, c.ID)
		if j < 0 {
			continue
		}
		e := f.Entries[j]
		if c.Outcome == results.Skipped && e.Outcome != results.Skipped {
			continue
		}
		matched[j] = true
		problem := ""
		switch {
		case day.After(e.Expires):
			problem = "expired on " + e.Expires.Format(dateLayout)
		case c.Outcome == e.Outcome:
			c.Expectation = &results.Expectation{Outcome: e.Outcome, Reason: e.Reason, Link: e.Link, Expires: e.Expires.Format(dateLayout)}
			continue
		case c.Outcome == results.Pass && e.Outcome == results.Skipped:
			problem = "expected skip did not happen"
		case c.Outcome == results.Pass:
			problem = "expected failure did not happen"
		default:
			problem = fmt.Sprintf("expected %s, got %s", e.Outcome, c.Outcome)
		}
		out.Broken = append(out.Broken, results.BrokenExpectation{CaseID: c.ID, Entry: e.named(), Problem: problem})
	}
	for j, e := range f.Entries {
		if !matched[j] {
			out.Unmatched = append(out.Unmatched, e.named())
		}
	}
	return out
}

// ApplyParts is Apply on the cases of the domains' parts, in domain
// order, before they are merged and counted: the cases it honours carry
// their expectation in parts.
func (f *File) ApplyParts(target string, domains []string, parts map[string]results.Part, today time.Time) *results.Expectations {
	var all []results.Case
	for _, d := range domains {
		all = append(all, parts[d].Cases...)
	}
	judged := f.Apply(target, all, today)
	for _, d := range domains {
		p, ok := parts[d]
		if !ok {
			continue
		}
		p.Cases, all = all[:len(p.Cases)], all[len(p.Cases):]
		parts[d] = p
	}
	return judged
}

// decide answers the index of the entry that decides case id on target,
// or -1.
func (f *File) decide(target, id string) int {
	for j, e := range f.Entries {
		if ok, _ := path.Match(e.Case, id); ok && e.appliesTo(target) {
			return j
		}
	}
	return -1
}

func (e Entry) appliesTo(target string) bool {
	switch e.Target {
	case "":
		return true
	case "sandbox":
		return target == "sandbox" || strings.HasPrefix(target, "sandbox:")
	}
	return e.Target == target
}

func (e Entry) named() results.ExpectationEntry {
	return results.ExpectationEntry{Line: e.Line, Case: e.Case, Target: e.Target, Outcome: e.Outcome,
		Expires: e.Expires.Format(dateLayout), Reason: e.Reason, Link: e.Link}
}
