// Package summary renders a results report as a short Markdown page
// (reports/summary.md) for a CI job summary, such as GitHub's
// $GITHUB_STEP_SUMMARY: the verdict in one line, the totals, what failed
// (worst first, at most MaxRows rows), coverage per domain and the notes a
// reader needs before trusting the numbers. Everything else lives in
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

	b.WriteString("| cases | pass | flaky (in pass) | fail | error | inconclusive | skipped | pending codes | malformed fixtures |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(b, "| %d | %d | %d | %d | %d | %d | %d | %d | %d |\n\n",
		s.Total, s.Pass, s.Flaky, s.Fail, s.Error, s.Inconclusive, s.Skipped, s.Pending, s.Problems)

	failures(b, r)
	coverage(b, r, cat)
	notes(b, r, cat)
	b.WriteString("Every case, with transcripts and reproduction commands: `report.html`; for tools: `results.json`.\n")
	return b.Flush()
}

func verdict(r *results.Report) string {
	s := r.Statistics
	switch {
	case r.Error != "":
		return "❌ shopconform: the run failed: " + text(headline(r.Error))
	case r.Succeeded():
		v := fmt.Sprintf("✅ shopconform passed: %d %s, nothing failed", s.Total, plural(s.Total, "case", "cases"))
		if s.Flaky > 0 {
			v += fmt.Sprintf(" (%d flaky)", s.Flaky)
		}
		return v
	case s.Fail+s.Error+s.Problems > 0:
		v := fmt.Sprintf("❌ shopconform failed: %d fail, %d error", s.Fail, s.Error)
		if s.Problems > 0 {
			v += fmt.Sprintf(", %d malformed %s", s.Problems, plural(s.Problems, "fixture", "fixtures"))
		}
		v += fmt.Sprintf(" of %d cases", s.Total)
		if !r.Complete {
			v += " (incomplete run)"
		}
		return v
	default:
		return fmt.Sprintf("⚠️ shopconform incomplete: %d cases reported and nothing failed, but not every suite reported", s.Total)
	}
}

// failures lists fail before error, each in the report's order, so the
// case that broke the build is the first row.
func failures(b *bufio.Writer, r *results.Report) {
	var bad []results.Case
	for _, o := range []results.Outcome{results.Fail, results.Error} {
		for _, c := range r.Cases {
			if c.Outcome == o {
				bad = append(bad, c)
			}
		}
	}
	if len(bad) == 0 {
		return
	}
	b.WriteString("### Failing and erroring cases\n\n")
	b.WriteString("| case | outcome | domain | endpoint | expected → actual | reason |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, c := range bad[:min(len(bad), MaxRows)] {
		actual := "none"
		if c.ActualErrcode != nil {
			actual = strconv.Itoa(*c.ActualErrcode)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %d → %s | %s |\n",
			cellCode(c.ID), c.Outcome, text(c.Domain), cellCode(c.Endpoint), c.ExpectedErrcode, actual, text(headline(c.Reason)))
	}
	if n := len(bad) - MaxRows; n > 0 {
		fmt.Fprintf(b, "\nand %d more.\n", n)
	}
	b.WriteString("\n")
}

// coverage counts, per domain of the run, the documented codes that have a
// case: the suites report the others as pending.
func coverage(b *bufio.Writer, r *results.Report, cat *catalog.Catalog) {
	if len(r.Domains) == 0 {
		return
	}
	pending := map[string]int{}
	for _, p := range r.Pending {
		pending[p.Domain]++
	}
	b.WriteString("### Coverage\n\n")
	b.WriteString("| domain | codes with a case | pending | cases | fail | error |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|\n")
	for _, d := range r.Domains {
		documented := len(cat.InDomain(catalog.Domain(d.Domain)))
		cov := fmt.Sprintf("%d / %d", documented-pending[d.Domain], documented)
		pend := strconv.Itoa(pending[d.Domain])
		switch {
		case !d.Reported:
			// A suite that never reported listed no pending codes either.
			cov, pend = "did not report", "?"
		case r.Shard != nil && r.Shard.Index != 1:
			cov, pend = "(shard 1)", "(shard 1)"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %d | %d | %d |\n", text(d.Domain), cov, pend, d.Statistics.Total, d.Statistics.Fail, d.Statistics.Error)
	}
	b.WriteString("\n")
}

func notes(b *bufio.Writer, r *results.Report, cat *catalog.Catalog) {
	var ns []string
	if !r.Complete {
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

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
