package junit

import (
	"fmt"
	"strings"

	"github.com/shopconform/shopconform/runner/results"
)

// runEntry is the testcase of the run itself, there only when the run
// failed in a way no case shows: it failed as a whole, it did not finish
// (a suite that never reported, an interrupt), or an expectation broke
// on a case this report does not list. A suite that did not report has
// no testcase of its own: it ran none.
func runEntry(r *results.Report, orphans []results.BrokenExpectation) (testcase, bool) {
	var silent []string
	for _, d := range r.Domains {
		if !d.Reported {
			silent = append(silent, d.Domain)
		}
	}
	var msg, kind string
	switch {
	case r.Error != "":
		msg, kind = firstLine(r.Error), "run"
	case !r.Complete:
		msg, kind = "incomplete run", "incomplete"
		if len(silent) == 0 {
			msg += ": the reports cover what finished"
		}
	case len(orphans) > 0:
		msg, kind = "broken expectations: "+brokenMessage(r, orphans), "expectation"
	default:
		return testcase{}, false
	}
	if len(silent) > 0 {
		msg += "; did not report: " + strings.Join(silent, ", ")
	}

	var b strings.Builder
	if r.Error != "" {
		b.WriteString(strings.TrimSpace(r.Error) + "\n")
	}
	if failed := domainFailures(r.Domains); len(failed) > 0 {
		b.WriteString("\nsuites that did not report or failed:\n")
		for _, line := range failed {
			b.WriteString("  " + line + "\n")
		}
	}
	if len(orphans) > 0 {
		b.WriteString("\nexpectations broken by cases this report does not list:\n")
		for _, o := range orphans {
			fmt.Fprintf(&b, "  %s: %s\n", o.CaseID, brokenMessage(r, []results.BrokenExpectation{o}))
		}
	}
	return testcase{
		Name: "run", Classname: "shopconform", Time: "0.000",
		Error: &problem{Message: msg, Type: kind, Text: strings.TrimLeft(b.String(), "\n")},
	}, true
}

// domainFailures lists the suites' failures, the domains that share a
// text on one line: when the target is unreachable, every suite says the
// same.
func domainFailures(domains []results.DomainResult) []string {
	var texts []string
	names := map[string][]string{}
	for _, d := range domains {
		text := domainFailure(d)
		if text == "" {
			continue
		}
		if _, seen := names[text]; !seen {
			texts = append(texts, text)
		}
		names[text] = append(names[text], d.Domain)
	}
	lines := make([]string, 0, len(texts))
	for _, t := range texts {
		lines = append(lines, strings.Join(names[t], ", ")+": "+t)
	}
	return lines
}

// brokenByCase sorts the broken expectations by the case that broke
// them; orphans name a case the report does not list.
func brokenByCase(r *results.Report) (byCase map[string][]results.BrokenExpectation, orphans []results.BrokenExpectation) {
	if r.Expectations == nil {
		return nil, nil
	}
	listed := make(map[string]bool, len(r.Cases))
	for _, c := range r.Cases {
		listed[c.ID] = true
	}
	byCase = map[string][]results.BrokenExpectation{}
	for _, b := range r.Expectations.Broken {
		if !listed[b.CaseID] {
			orphans = append(orphans, b)
			continue
		}
		byCase[b.CaseID] = append(byCase[b.CaseID], b)
	}
	return byCase, orphans
}

// brokenMessage says what broke and which entry: "expected failure did
// not happen: entry "order-*" (outcome fail, expires 2026-11-30) at
// expectations.yaml:4".
func brokenMessage(r *results.Report, broken []results.BrokenExpectation) string {
	file := ""
	if r.Expectations != nil {
		file = shownPath(r.Expectations.File)
	}
	parts := make([]string, 0, len(broken))
	for _, b := range broken {
		e := b.Entry
		s := fmt.Sprintf("%s: entry %q (outcome %s", b.Problem, e.Case, e.Outcome)
		if e.Target != "" {
			s += ", target " + e.Target
		}
		s += ", expires " + e.Expires + ")"
		if file != "" {
			s += fmt.Sprintf(" at %s:%d", file, e.Line)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}
