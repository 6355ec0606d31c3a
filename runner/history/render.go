package history

import (
	_ "embed"
	"fmt"
	"github.com/shopconform/shopconform/internal/wording"
	"github.com/shopconform/shopconform/runner/htmlreport"
	"html/template"
	"io"
	"strconv"
	"strings"
)

// The page must work opened from disk without network, and it shows
// target answers and reasons nobody vetted: it loads nothing (style and
// script are inline, no images, no fonts) and is built with html/template
// only, which escapes every value for the context it lands in.
//
// Stable hooks for tests and tools:
//
//   - header#summary; table#runs > tr.run-row[data-run], one per run
//   - table#history > thead th.run[data-run] (div.date, .target,
//     .harness, .scope, .totals), one per run in column order
//   - tbody.code#code-<code>[data-code][data-changed], one per expected
//     errcode, with tr.code-head (.text, .meaning)
//   - tr.case#case-<id>[data-changed] with td.first-failed, td.flaky,
//     td.changes (li.change, one per answer change) and td.cell[data-state],
//     one per run, in column order; data-state is a State
//   - section#legend (dl, with dt#def-first-failed, #def-flaky,
//     #def-changes, #def-changed)
//   - form#filters, hidden until the script runs: input#changed-only

//go:embed history.html.tmpl
var pageTemplate string

// The style and script are trusted constants compiled into the binary, so
// they reach the template as template.CSS and template.JS; no value from a
// results file ever does.
var (
	//go:embed history.css
	styleCSS string
	//go:embed history.js
	scriptJS string
)

var tmpl = template.Must(template.New("history").Parse(pageTemplate))

// Write renders h as one HTML page.
func Write(w io.Writer, h *History) error {
	return tmpl.Execute(w, newPage(h))
}

type page struct {
	*History
	Title  string
	Span   int
	First  string
	Last   string
	Glyphs []glyphView
	Groups []groupView
	CSS    template.CSS
	JS     template.JS
}

type groupView struct {
	*CodeGroup
	// Meaning is shown only where it says more than the vendor's text.
	ShowMeaning bool
	Count       string
	Rows        []rowView
}

type rowView struct {
	ID, Domain, Endpoint string
	Changed              bool
	FirstFailed          string
	StillFailing         string
	Flaky                string
	FlakyTitle           string
	Changes              []string
	Cells                []cellView
}

type cellView struct {
	State State
	Glyph string
	Title string
	// Expected marks a cell whose outcome an expectations-file entry
	// allowed.
	Expected bool
}

type glyphView struct {
	State State
	Glyph string
	Means string
}

var glyphs = map[State]string{
	StatePass: "✓", StateFlaky: "~", StateFail: "✗", StateError: "!",
	StateInconclusive: "?", StateSkipped: "–", StateNotRun: "·",
}

// legendStates is the order of the legend, worst first.
var legendStates = []glyphView{
	{StateFail, "", "fail: the target answered another errcode, or lacked a field"},
	{StateError, "", "error: the harness, a given step or the transport broke"},
	{StateInconclusive, "", "inconclusive: the environment answered (token, quota, rate, busy)"},
	{StateSkipped, "", "skipped: the case did not run (the reason is in the cell's tooltip)"},
	{StateFlaky, "", "flaky: passed, but only after a retry"},
	{StatePass, "", "pass"},
	{StateNotRun, "", "not run: the case is absent from that run's file (another shard, another domain selection, or not written yet)"},
}

func newPage(h *History) *page {
	p := &page{History: h, Title: "shopconform history", Span: 4 + len(h.Runs),
		CSS: template.CSS(htmlreport.Palette + styleCSS), JS: template.JS(scriptJS)}
	if n := len(h.Runs); n > 0 {
		p.First, p.Last = h.Runs[0].Label, h.Runs[n-1].Label
		p.Title = fmt.Sprintf("shopconform history: %d runs, %s to %s", n, p.First, p.Last)
	}
	for _, g := range legendStates {
		g.Glyph = glyphs[g.State]
		p.Glyphs = append(p.Glyphs, g)
	}
	p.Groups = make([]groupView, len(h.Codes))
	for i := range h.Codes {
		g := &h.Codes[i]
		p.Groups[i] = groupView{CodeGroup: g, ShowMeaning: g.Meaning != g.Text,
			Count: wording.Count(len(g.Cases), "case"), Rows: make([]rowView, len(g.Cases))}
		for j := range g.Cases {
			p.Groups[i].Rows[j] = newRow(h, &g.Cases[j])
		}
	}
	return p
}

func newRow(h *History, c *Case) rowView {
	r := rowView{ID: c.ID, Domain: c.Domain, Endpoint: c.Endpoint, Changed: c.Changed,
		FirstFailed: "—", Flaky: "—", FlakyTitle: "never ran"}
	if c.FirstFailed >= 0 {
		r.FirstFailed = h.Runs[c.FirstFailed].Label
	}
	switch {
	case c.FailingSince < 0:
	case c.FailingSince == c.FirstFailed:
		r.StillFailing = "still failing"
	default:
		r.StillFailing = "failing again since " + h.Runs[c.FailingSince].Label
	}
	if c.Ran > 0 {
		r.Flaky = fmt.Sprintf("%d/%d", c.Flaky, c.Ran)
		r.FlakyTitle = fmt.Sprintf("%.0f%%: passed only after a retry in %d of the %d runs it ran in", 100*float64(c.Flaky)/float64(c.Ran), c.Flaky, c.Ran)
	}
	for _, ch := range c.AnswerChanges {
		r.Changes = append(r.Changes, code(ch.From)+" → "+code(ch.To)+" on "+h.Runs[ch.Run].Label)
	}
	r.Cells = make([]cellView, len(c.Cells))
	for i, cell := range c.Cells {
		r.Cells[i] = cellView{State: cell.State, Glyph: glyphs[cell.State],
			Title: cellTitle(h.Runs[i].Label, cell), Expected: cell.Expectation != ""}
	}
	return r
}

// cellTitle is a cell's tooltip: the run, the outcome, the answer and,
// for what did not pass, the reason on one line.
func cellTitle(run string, c Cell) string {
	var b strings.Builder
	b.WriteString(run)
	b.WriteString(": ")
	if c.State == StateNotRun {
		b.WriteString("not run (absent from this run's file)")
		return b.String()
	}
	b.WriteString(string(c.State))
	if c.State != StateSkipped {
		b.WriteString(", answered ")
		b.WriteString(code(c.Actual))
		if c.Actual == nil || *c.Actual != c.Expected {
			b.WriteString(", expected ")
			b.WriteString(strconv.Itoa(c.Expected))
		}
	}
	if c.Reason != "" {
		b.WriteString(": ")
		b.WriteString(wording.OneLine(c.Reason, 160))
	}
	if c.Expectation != "" {
		b.WriteString("; allowed by the expectations file: ")
		b.WriteString(wording.OneLine(c.Expectation, 160))
	}
	return b.String()
}

func code(p *int) string {
	if p == nil {
		return "none"
	}
	return strconv.Itoa(*p)
}
