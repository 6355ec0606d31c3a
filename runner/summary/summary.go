// Package summary renders a results report as a short Markdown page
// (reports/summary.md) for a CI job summary, such as GitHub's
// $GITHUB_STEP_SUMMARY: the verdict in one line, the totals, what failed
// the run (broken expectations, then cases, worst first, at most MaxRows
// rows each), what an expectation allowed, coverage per domain, skips by
// reason, expectations that matched nothing, and the notes a reader needs
// before trusting the numbers. Everything else lives in
// report.html and results.json.
//
// Step summaries are rendered as GitHub-flavoured Markdown, which also
// renders raw HTML. Every value from the report is therefore escaped, so a
// target's answer can neither inject markup nor break a table.
package summary

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

// MaxRows bounds the failure table: a summary that lists a thousand
// failures is not read, and GitHub caps a step summary at 1 MiB.
const MaxRows = 50

// maxProblems bounds the list of malformed fixtures in the notes.
const maxProblems = 10

// maxReason bounds one reason cell, in runes.
const maxReason = 160

// Write renders r as Markdown. Coverage is counted against
// catalog.Default(), the catalog this binary judged the run with; a note
// says so when the report names another one.
func Write(w io.Writer, r *results.Report) error {
	return write(w, r, catalog.Default())
}

func write(w io.Writer, r *results.Report, cat *catalog.Catalog) error {
	b := bufio.NewWriter(w)
	s := r.Statistics

	fmt.Fprintf(b, "## %s\n\n", verdict(r))
	fmt.Fprintf(b, "Target %s, shopconform %s.\n\n", code(orDash(r.Target)), code(orDash(r.HarnessVersion)))
	switch {
	case r.Shard != nil:
		fmt.Fprintf(b, "Shard %d of %d: this shard's cases only; `shopconform report merge` joins the shards.", r.Shard.Index, r.Shard.Total)
		if r.Shard.Index != 1 {
			b.WriteString(" Pending codes and malformed fixtures are listed by shard 1.")
		}
		b.WriteString("\n\n")
	case len(r.MergedFrom) > 0:
		fmt.Fprintf(b, "Merged from %d shards.\n\n", len(r.MergedFrom))
	}

	b.WriteString("| cases | pass | flaky (in pass) | fail | error | inconclusive | skipped | expected (in the above) | pending codes | malformed fixtures |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(b, "| %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n\n",
		s.Total, s.Pass, s.Flaky, s.Fail, s.Error, s.Inconclusive, s.Skipped, s.Expected, s.Pending, s.Problems)

	broken(b, r)
	failures(b, r)
	expected(b, r)
	coverage(b, r, cat)
	skips(b, r)
	unmatched(b, r)
	notes(b, r, cat)
	b.WriteString("Every case, with transcripts and reproduction commands: `report.html`; for tools: `results.json`.\n")
	return b.Flush()
}

// verdict is the first line: the report's verdict (results.Verdict)
// behind an icon, or the run's own error.
func verdict(r *results.Report) string {
	state, v := r.Verdict()
	switch state {
	case results.VerdictRunError:
		return "❌ shopconform: the run failed: " + text(headline(r.Error))
	case results.VerdictPass:
		return "✅ shopconform " + v
	case results.VerdictFail:
		return "❌ shopconform " + v
	}
	return "⚠️ shopconform " + v
}

// broken lists the expectations the run broke, next to the failures:
// each fails the run.
func broken(b *bufio.Writer, r *results.Report) {
	if r.Expectations == nil || len(r.Expectations.Broken) == 0 {
		return
	}
	fmt.Fprintf(b, "### Broken expectations\n\nEach fails the run: the case did not do what %s says.\n\n", code(r.Expectations.File))
	b.WriteString("| entry | case | problem | the entry's reason |\n")
	b.WriteString("|---|---|---|---|\n")
	list := r.Expectations.Broken
	for _, x := range list[:min(len(list), MaxRows)] {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", entryCell(x.Entry), cellCode(x.CaseID), text(x.Problem), reasonCell(x.Entry.Reason, x.Entry.Link))
	}
	more(b, len(list))
}

// failures lists what fails the run among the cases, fail before error
// before inconclusive, each in the report's order, so the case that broke
// the build is the first row. Cases an expectation allowed are listed
// apart (expected).
func failures(b *bufio.Writer, r *results.Report) {
	var bad []results.Case
	for _, o := range []results.Outcome{results.Fail, results.Error, results.Inconclusive} {
		for _, c := range r.Cases {
			if c.Outcome == o && c.CountsAgainst() {
				bad = append(bad, c)
			}
		}
	}
	if len(bad) == 0 {
		return
	}
	b.WriteString("### Failing, erroring and inconclusive cases\n\n")
	b.WriteString("| case | outcome | domain | endpoint | expected → actual | reason |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, c := range bad[:min(len(bad), MaxRows)] {
		actual := "none"
		if c.ActualErrcode != nil {
			actual = strconv.Itoa(*c.ActualErrcode)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %d → %s | %s |\n",
			cellCode(c.ID), c.Outcome, text(c.Domain), cellCode(c.Endpoint), c.ExpectedErrcode, actual, text(caseReason(c)))
	}
	more(b, len(bad))
}

// expected lists the cases an expectation allowed: they did not fail the
// run, and a reader should still see them and their end date.
func expected(b *bufio.Writer, r *results.Report) {
	var cs []results.Case
	for _, c := range r.Cases {
		if c.Expectation != nil {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return
	}
	file := "the expectations file"
	if r.Expectations != nil {
		file = code(r.Expectations.File)
	}
	fmt.Fprintf(b, "### Expected outcomes\n\nKnown deviations from %s: they do not fail the run until they expire.\n\n", file)
	b.WriteString("| expected case | outcome | reason | expires |\n")
	b.WriteString("|---|---|---|---|\n")
	for _, c := range cs[:min(len(cs), MaxRows)] {
		e := c.Expectation
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", cellCode(c.ID), c.Outcome, reasonCell(e.Reason, e.Link), text(e.Expires))
	}
	more(b, len(cs))
}

func more(b *bufio.Writer, n int) {
	if n > MaxRows {
		fmt.Fprintf(b, "\nand %d more.\n", n-MaxRows)
	}
	b.WriteString("\n")
}

// coverage counts, per domain of the run, the documented codes some case
// passed for: a code whose cases all failed or errored is not covered,
// whatever the number of its cases. Pending codes (no case yet) are
// reported by the suites.
func coverage(b *bufio.Writer, r *results.Report, cat *catalog.Catalog) {
	if len(r.Domains) == 0 {
		return
	}
	pending := map[string]int{}
	for _, p := range r.Pending {
		pending[p.Domain]++
	}
	passing := results.PassingCodes(r.Cases)
	b.WriteString("### Coverage\n\n")
	b.WriteString("| domain | codes passing | pending | cases | fail | error | inconclusive |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	for _, d := range r.Domains {
		documented := cat.InDomain(catalog.Domain(d.Domain))
		n := 0
		for _, e := range documented {
			if passing[int(e.Code)] {
				n++
			}
		}
		cov := fmt.Sprintf("%d / %d", n, len(documented))
		pend := strconv.Itoa(pending[d.Domain])
		switch {
		case !d.Reported:
			// A suite that never reported listed no pending codes either.
			cov, pend = "did not report", "?"
		case r.Shard != nil && r.Shard.Index != 1:
			pend = "(shard 1)"
		}
		st := d.Statistics
		fmt.Fprintf(b, "| %s | %s | %s | %d | %d | %d | %d |\n", text(d.Domain), cov, pend, st.Total, st.Fail, st.Error, st.Inconclusive)
	}
	b.WriteString("\n")
}

// skips counts the skipped cases by reason, so that "210 skipped" says
// what the target lacked.
func skips(b *bufio.Writer, r *results.Report) {
	reasons := results.SkipReasons(r.Cases)
	if len(reasons) == 0 {
		return
	}
	b.WriteString("### Skipped cases by reason\n\n")
	b.WriteString("| skip reason | cases |\n")
	b.WriteString("|---|---:|\n")
	for _, rc := range reasons[:min(len(reasons), MaxRows)] {
		fmt.Fprintf(b, "| %s | %d |\n", text(truncate(orDash(rc.Reason), maxReason)), rc.Count)
	}
	more(b, len(reasons))
}

// unmatched lists the entries no case of the run matched: a renamed
// case, or a target or filter that did not run it. They fail nothing.
func unmatched(b *bufio.Writer, r *results.Report) {
	if r.Expectations == nil || len(r.Expectations.Unmatched) == 0 {
		return
	}
	fmt.Fprintf(b, "### Entries that matched nothing\n\nNo case of this run matched these entries of %s; they fail nothing.\n\n", code(r.Expectations.File))
	b.WriteString("| line | case pattern | target | outcome | expires |\n")
	b.WriteString("|---:|---|---|---|---|\n")
	list := r.Expectations.Unmatched
	for _, e := range list[:min(len(list), MaxRows)] {
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s |\n", e.Line, cellCode(e.Case), text(orDash(e.Target)), text(string(e.Outcome)), text(e.Expires))
	}
	more(b, len(list))
}

// entryCell names an entry: "line 12: `coupon-*` (sandbox, fail)".
func entryCell(e results.ExpectationEntry) string {
	target := "any target"
	if e.Target != "" {
		target = e.Target
	}
	return fmt.Sprintf("line %d: %s (%s, %s)", e.Line, cellCode(e.Case), text(target), text(string(e.Outcome)))
}

// safeURL is a link the summary may print as an autolink: http(s), and
// nothing that could end the link, the cell or start markup.
var safeURL = regexp.MustCompile(`^https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$`)

// reasonCell is an entry's reason and, when there is one, its link.
func reasonCell(reason, link string) string {
	s := text(truncate(oneLine(reason), maxReason))
	switch {
	case link == "":
	case safeURL.MatchString(link):
		s += " <" + link + ">"
	default:
		s += " " + cellCode(link)
	}
	return s
}

func notes(b *bufio.Writer, r *results.Report, cat *catalog.Catalog) {
	var ns []string
	if !r.Complete && r.Error == "" {
		// A run error says itself why the run is incomplete (a
		// configuration error is not an interrupt).
		ns = append(ns, "**Incomplete run**: the run was interrupted or a suite did not report; the numbers cover only what finished.")
	}
	if r.Error != "" {
		ns = append(ns, "**Run error**: "+text(oneLine(r.Error)))
	}
	for _, d := range r.Domains {
		if d.Failure != "" {
			ns = append(ns, fmt.Sprintf("**Suite %s**: %s", text(d.Domain), text(oneLine(d.Failure))))
		}
	}
	for i, p := range r.Problems {
		if i == maxProblems {
			ns = append(ns, fmt.Sprintf("and %d more malformed fixtures.", len(r.Problems)-maxProblems))
			break
		}
		where := p.File
		if p.Line > 0 {
			where = fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
		}
		ns = append(ns, fmt.Sprintf("**Malformed fixture** %s: %s", code(where), text(oneLine(p.Message))))
	}
	if r.CatalogHash != "" && r.CatalogHash != cat.Hash() {
		ns = append(ns, fmt.Sprintf("Coverage is counted against catalog %s; the run names %s.", code(cat.Hash()), code(r.CatalogHash)))
	}
	if len(ns) == 0 {
		return
	}
	b.WriteString("### Notes\n\n")
	for _, n := range ns {
		b.WriteString("- " + n + "\n")
	}
	b.WriteString("\n")
}

// caseReason is what a failing case's row says: an SDK's findings when
// certification found some (they are the cause, whatever the SDK's error
// says after them), else the reason's headline.
func caseReason(c results.Case) string {
	if len(c.Findings) > 0 {
		return truncate(oneLine(strings.Join(c.Findings, "; ")), maxReason)
	}
	return headline(c.Reason)
}

// headline is a reason's one line (results.Case.Headline), cut to fit a
// table cell.
func headline(reason string) string {
	return truncate(oneLine(results.Case{Reason: reason}.Headline()), maxReason)
}

// oneLine collapses every run of white space, newlines included.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// text escapes a value for a Markdown table cell or list item: HTML
// entities for what GitHub would render as markup, a backslash for
// Markdown's own punctuation, and never a raw pipe or newline.
func text(s string) string {
	var b strings.Builder
	for _, r := range oneLine(s) {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// code renders a value as inline code. Backslashes do not escape inside a
// code span, so the fence is made longer than any backtick run in the
// value.
func code(s string) string {
	s = oneLine(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 { // a space keeps a backtick at either end off the fence
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// cellCode is code for a table cell. A pipe would end the cell even inside
// a code span; GFM's table parser removes the backslash of "\|" before it
// reads the span, so the pipe shows and the cell holds.
func cellCode(s string) string { return code(strings.ReplaceAll(s, "|", "\\|")) }

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
