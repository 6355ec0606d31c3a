// Package htmlreport renders a results report as one self-contained HTML
// page (reports/report.html): what the expectations file did, a coverage
// matrix of every catalog code, the cases worst first with their
// transcripts and reproduction commands, the pending codes and the
// malformed fixtures.
//
// The page must work opened from disk on a machine without network, and it
// shows target answers that nobody vetted. So it has no external resource
// of any kind (CSS and script are inline, there are no images or fonts),
// and it is built with html/template only, which escapes every value for
// the context it lands in.
//
// Stable hooks for tests and tools:
//
//   - header#summary with .verdict (.verdict-pass, -fail, -incomplete),
//     table#totals (td[data-state]), table#config, table#domains,
//     table#skips > tr.skip-reason-row (skipped cases by reason, most
//     first; absent when nothing was skipped)
//   - section#expectations, when the run read an expectations file:
//     tr.broken-row[data-case] (they fail the run; a link to the case
//     when the page holds it) and tr.unmatched-row
//   - section#matrix > div.matrix-domain[data-domain] with .passing ("N
//     of M codes passing": the codes some case passed for), > a.cell, one per
//     catalog code, with data-code, data-domain (the code's), data-state
//     (fail, error, inconclusive, skipped, flaky, pass: the worst of its
//     cases, a case that fails the run before one an expectation
//     allowed; pending; not-run), data-cases (how many cases expect the
//     code), data-platform="true" on platform codes, title (meaning, counts,
//     reasons); href is "#case-<id>" of the worst case, "#pending-<code>",
//     or absent for not-run
//   - section#cases > section.case#case-<id>, worst first (the cards
//     that fail the run, then those an expectation allowed, then the
//     rows), with data-domain, data-outcome (the results.Outcome),
//     data-state (as above: "flaky" for a flaky pass), data-code (the
//     expected errcode), and data-expected="true" with a .badge.expected-badge
//     and a .expectation (reason, link as text, expiry) on a case that
//     honoured its expectations-file entry.
//     Fail, error and inconclusive cases are cards (class "full"): .expected,
//     .actual, pre.reason, ol.transcript > li.exchange (pre.request-body,
//     pre.response-body, pre.exchange-error), pre.curl, pre.rerun, each
//     present only when the report has that field. Skipped, flaky and
//     passing cases are one-line rows (class "compact", a <details>)
//     holding pre.reason and pre.rerun when present.
//   - section#pending > tr.pending-row#pending-<code>[data-domain]
//   - section#problems > tr.problem-row[data-domain]
//   - form#filters, hidden until the script runs, with checkboxes
//     name="domain" and name="state"; output#shown counts visible cases
package htmlreport

import (
	_ "embed"
	"html/template"
	"io"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

//go:embed report.html.tmpl
var pageTemplate string

// The style and script are trusted constants compiled into the binary, so
// they are handed to the template as template.CSS and template.JS; no value
// from a report ever reaches them.
var (
	// Palette is the colours of every outcome, light and dark: the report
	// and the history page (runner/history) colour an outcome alike.
	//go:embed palette.css
	Palette string
	//go:embed report.css
	styleCSS string
	//go:embed report.js
	scriptJS string
)

var tmpl = template.Must(template.New("report").Parse(pageTemplate))

// Write renders r as one HTML page. cat supplies the meaning of every
// errcode and the codes of the matrix; pass the catalog the run used
// (catalog.Default()). The page notes when its hash differs from the
// report's. Options add sections from other files (WithFuzz).
func Write(w io.Writer, r *results.Report, cat *catalog.Catalog, opts ...Option) error {
	p := build(r, cat)
	for _, o := range opts {
		o(p, cat)
	}
	return tmpl.Execute(w, p)
}
