package htmlreport

import (
	"cmp"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/wording"
	"github.com/shopconform/shopconform/runner/results"
)

// The page is rendered from a view model computed here rather than from
// the report directly: every decision (order, worst outcome, meanings,
// links) is plain Go that the tests can reach, and the template only
// places strings, which html/template escapes.

// state is what a case or a matrix cell shows. It refines results.Outcome
// with "flaky" (a pass after a retry is never shown as a plain pass) and
// adds the two states only the matrix has.
type state string

const (
	stateFail         state = "fail"
	stateError        state = "error"
	stateInconclusive state = "inconclusive"
	stateSkipped      state = "skipped"
	stateFlaky        state = "flaky"
	statePass         state = "pass"
	// statePending: the catalog documents the code and no case expects it.
	statePending state = "pending"
	// stateNotRun: cases exist (the code is not pending) but none of them
	// is in this report, because its domain was not part of the run.
	stateNotRun state = "not-run"
)

// caseStates lists the states a case can have, worst first: the order of
// the cases section and the rule for a matrix cell's colour.
var caseStates = []state{stateFail, stateError, stateInconclusive, stateSkipped, stateFlaky, statePass}

func rank(s state) int {
	if i := slices.Index(caseStates, s); i >= 0 {
		return i
	}
	// An outcome outside the closed set means a newer or broken writer;
	// rank it with the errors so that it is seen, not buried.
	return slices.Index(caseStates, stateError)
}

func caseState(c results.Case) state {
	if c.Outcome == results.Pass && c.Flaky {
		return stateFlaky
	}
	return state(c.Outcome)
}

type page struct {
	Title          string
	Target         string
	HarnessVersion string
	// Shard says which shard of a run the report covers, or how many
	// shards it was merged from; "" for a whole run.
	Shard       string
	CatalogHash string
	// CatalogNote is set when the meanings shown come from another catalog
	// than the one the run was judged against.
	CatalogNote string
	Started     string
	Finished    string
	Duration    string
	Complete    bool
	RunError    string
	Verdict     string
	// VerdictState is "pass", "fail" or "incomplete", for the banner colour.
	VerdictState string
	Config       []keyValue
	Totals       []total
	Domains      []domainRow
	Matrix       []matrixGroup
	Legend       []state
	Cases        []caseView
	// FirstCompact is the index of the first compact row, so the template
	// can put a heading between the detailed cards and the compact rows.
	FirstCompact int
	Pending      []pendingView
	Problems     []problemView
	// Expectations is what the run's expectations file did; nil when the
	// run read none.
	Expectations *expectationsView
	// Fuzz is the fuzzing campaign of the report folder; nil without one.
	Fuzz *fuzzView
	// Skips counts the skipped cases by reason, most first.
	Skips        []results.ReasonCount
	FilterDomain []string
	FilterStates []state
	CSS          template.CSS
	JS           template.JS
}

type keyValue struct{ Key, Value string }

type total struct {
	Label string
	State state
	N     int
}

type domainRow struct {
	Name     string
	Reported bool
	Failure  string
	Stats    results.Statistics
}

type matrixGroup struct {
	Domain string
	// Note says why a domain has no cases: it was not run, or its suite
	// did not report.
	Note       string
	Documented int
	// Passing counts the codes some case of this report passed for: the
	// coverage. Covered counts those at least one case expects, whatever
	// its outcome.
	Passing int
	Covered int
	Pending int
	Cells   []cell
}

type cell struct {
	Code     int
	Domain   string
	State    state
	Platform bool
	// Cases is how many cases of this report expect the code; Worst is
	// how many of them are in State.
	Cases int
	Worst int
	Href  string
	Title string
}

type caseView struct {
	ID       string
	Anchor   string
	Domain   string
	Endpoint string
	Summary  string
	Account  string
	Evidence string
	Fixture  string
	Labels   []string
	Outcome  string
	State    state
	Attempts int
	Duration string
	// Compact cases (passes and skips) are one row; the others are cards.
	Compact         bool
	Expected        int
	ExpectedMeaning string
	// Actual is empty when no errcode was received.
	Actual        string
	ActualMeaning string
	// Codes is the compact rows' "expected → actual", only the expected
	// code when both agree.
	Codes      string
	Errmsg     string
	Reason     string
	ReasonLine string
	// RowNote is the last column of a compact row.
	RowNote string
	// Notes changed nothing in the outcome: a given step that answered an
	// errcode it accepts, a cleanup step that failed.
	Notes      []string
	Transcript []exchangeView
	Curl       string
	Rerun      string
	// Expectation is the expectations-file entry the case honoured: its
	// outcome does not fail the run.
	Expectation *results.Expectation
}

type exchangeView struct {
	Step, Method, Endpoint string
	ContentType            string
	RequestBody            string
	// Status is empty when nothing came back.
	Status       string
	ResponseBody string
	Error        string
}

type pendingView struct {
	Anchor  string
	Code    int
	Domain  string
	Text    string
	Meaning string
}

type problemView struct {
	Where   string
	Domain  string
	Message string
}

type expectationsView struct {
	File    string
	Entries int
	// Broken entries fail the run; Unmatched ones matched no case.
	Broken    []brokenView
	Unmatched []results.ExpectationEntry
}

type brokenView struct {
	Entry   results.ExpectationEntry
	CaseID  string
	Problem string
	// Href is the case's anchor, "" when the page does not hold the case.
	Href string
}

func build(r *results.Report, cat *catalog.Catalog) *page {
	p := &page{
		Title:          "shopconform report: " + orDash(r.Target),
		Target:         r.Target,
		HarnessVersion: r.HarnessVersion,
		CatalogHash:    r.CatalogHash,
		Started:        stamp(r.StartedAt),
		Finished:       stamp(r.FinishedAt),
		Complete:       r.Complete,
		RunError:       r.Error,
		Legend:         append(slices.Clone(caseStates), statePending, stateNotRun),
		FilterStates:   append(slices.Clone(caseStates), statePending),
		CSS:            template.CSS(Palette + styleCSS),
		JS:             template.JS(scriptJS),
	}
	switch {
	case r.Shard != nil:
		p.Shard = fmt.Sprintf("%d of %d: this shard's cases only (shopconform report merge joins the shards)", r.Shard.Index, r.Shard.Total)
		if r.Shard.Index != 1 {
			p.Shard += "; pending codes and malformed fixtures are listed by shard 1"
		}
	case len(r.MergedFrom) > 0:
		p.Shard = fmt.Sprintf("merged from %d shards", len(r.MergedFrom))
	}
	if r.CatalogHash != "" && r.CatalogHash != cat.Hash() {
		p.CatalogNote = "meanings below come from catalog " + cat.Hash() + ", not the one this run was judged against"
	}
	if !r.StartedAt.IsZero() && !r.FinishedAt.IsZero() {
		p.Duration = r.FinishedAt.Sub(r.StartedAt).Round(time.Millisecond).String()
	}
	p.Verdict, p.VerdictState = verdict(r)
	p.Skips = results.SkipReasons(r.Cases)
	for _, k := range slices.Sorted(maps.Keys(r.Config)) {
		p.Config = append(p.Config, keyValue{k, r.Config[k]})
	}
	s := r.Statistics
	p.Totals = []total{
		{"cases", "", s.Total},
		{"pass", statePass, s.Pass},
		{"flaky (in pass)", stateFlaky, s.Flaky},
		{"fail", stateFail, s.Fail},
		{"error", stateError, s.Error},
		{"inconclusive", stateInconclusive, s.Inconclusive},
		{"skipped", stateSkipped, s.Skipped},
		{"expected (in the above)", "", s.Expected},
		{"pending codes", statePending, s.Pending},
		{"malformed fixtures", stateError, s.Problems},
	}
	for _, d := range r.Domains {
		p.Domains = append(p.Domains, domainRow{d.Domain, d.Reported, d.Failure, d.Statistics})
	}
	p.Cases = cases(r, cat)
	p.FirstCompact = len(p.Cases)
	if i := slices.IndexFunc(p.Cases, func(c caseView) bool { return c.Compact }); i >= 0 {
		p.FirstCompact = i
	}
	p.Matrix = matrix(r, cat, p.Cases)
	for _, pe := range r.Pending {
		e, _ := cat.Lookup(catalog.Code(pe.Code))
		p.Pending = append(p.Pending, pendingView{pendingAnchor(pe.Code), pe.Code, pe.Domain, pe.Text, e.Meaning})
	}
	for _, pr := range r.Problems {
		where := pr.File
		if pr.Line > 0 {
			where = fmt.Sprintf("%s:%d:%d", pr.File, pr.Line, pr.Col)
		}
		p.Problems = append(p.Problems, problemView{where, pr.Domain, pr.Message})
	}
	if e := r.Expectations; e != nil {
		p.Expectations = &expectationsView{File: e.File, Entries: e.Entries, Unmatched: e.Unmatched}
		for _, b := range e.Broken {
			v := brokenView{Entry: b.Entry, CaseID: b.CaseID, Problem: b.Problem}
			if slices.ContainsFunc(r.Cases, func(c results.Case) bool { return c.ID == b.CaseID }) {
				v.Href = "#" + caseAnchor(b.CaseID)
			}
			p.Expectations.Broken = append(p.Expectations.Broken, v)
		}
	}
	// Filter by every domain the page mentions, in catalog order, then any
	// domain the catalog does not know (so nothing becomes unfilterable).
	seen := map[string]bool{}
	add := func(d string) {
		if d != "" && !seen[d] {
			seen[d] = true
			p.FilterDomain = append(p.FilterDomain, d)
		}
	}
	for _, d := range catalog.Domains() {
		add(string(d))
	}
	for _, c := range r.Cases {
		add(c.Domain)
	}
	return p
}

// verdict is the report's verdict (results.Verdict), or the run's own
// error, and the banner's state: pass, fail or incomplete.
func verdict(r *results.Report) (string, string) {
	state, v := r.Verdict()
	switch state {
	case results.VerdictRunError:
		return "the run failed: " + firstLine(r.Error), "fail"
	case results.VerdictIncomplete:
		return v, "incomplete"
	}
	return v, string(state)
}

// cases orders the cases worst first: the cards of what fails the run,
// then the cards an expectation allowed, then the one-line rows; within
// one state the report's own order (domain, then fixture) is kept, so the
// page reads like the run.
func cases(r *results.Report, cat *catalog.Catalog) []caseView {
	out := make([]caseView, 0, len(r.Cases))
	for _, c := range r.Cases {
		v := caseView{
			ID: c.ID, Anchor: caseAnchor(c.ID), Domain: c.Domain, Endpoint: c.Endpoint, Summary: c.Summary,
			Account: c.Account, Evidence: c.Evidence, Fixture: c.Fixture, Labels: c.Labels,
			Outcome: string(c.Outcome), State: caseState(c), Attempts: c.Attempts,
			Duration: strconv.FormatFloat(c.DurationMS, 'f', 0, 64) + " ms",
			Expected: c.ExpectedErrcode, ExpectedMeaning: meaning(cat, c.ExpectedErrcode),
			ActualMeaning: "no errcode received",
			Errmsg:        c.Errmsg, Reason: c.Reason, ReasonLine: headline(c.Reason),
			Curl: c.Curl, Rerun: c.Rerun, Notes: c.Notes, Expectation: c.Expectation,
		}
		// Everything that passed or did not run is one row; a flaky pass
		// stays among them, its row saying how many attempts it took.
		v.Compact = v.State == statePass || v.State == stateFlaky || v.State == stateSkipped
		switch {
		case c.Expectation != nil && v.Compact:
			v.RowNote = "expected: " + headline(c.Expectation.Reason)
		case v.State == stateSkipped:
			v.RowNote = v.ReasonLine
		case v.State == stateFlaky:
			v.RowNote = fmt.Sprintf("passed on attempt %d", c.Attempts)
			if v.ReasonLine != "" {
				v.RowNote += ": " + v.ReasonLine
			}
		case v.State == statePass:
			v.RowNote = v.Duration
			if len(c.Notes) > 0 {
				v.RowNote = "note: " + headline(c.Notes[0])
			}
		default:
			v.RowNote = v.Duration
		}
		v.Codes = strconv.Itoa(c.ExpectedErrcode)
		if c.ActualErrcode != nil {
			v.Actual = strconv.Itoa(*c.ActualErrcode)
			v.ActualMeaning = meaning(cat, *c.ActualErrcode)
			if *c.ActualErrcode != c.ExpectedErrcode {
				v.Codes += " → " + v.Actual
			}
		}
		for _, e := range c.Transcript {
			x := exchangeView{Step: e.Step, Method: e.Method, Endpoint: e.Endpoint, ContentType: e.RequestContentType,
				RequestBody: e.RequestBody, ResponseBody: e.ResponseBody, Error: e.Error}
			if e.Status != 0 {
				x.Status = strconv.Itoa(e.Status)
			}
			v.Transcript = append(v.Transcript, x)
		}
		out = append(out, v)
	}
	slices.SortStableFunc(out, func(a, b caseView) int {
		return cmp.Or(cmp.Compare(group(a), group(b)), cmp.Compare(rank(a.State), rank(b.State)))
	})
	return out
}

// group is where a case is listed: 0 a card that fails the run, 1 a card
// an expectation allowed, 2 a one-line row.
func group(c caseView) int {
	switch {
	case c.Compact:
		return 2
	case c.Expectation != nil:
		return 1
	}
	return 0
}

// matrix gives every catalog code one cell. A code counts as covered by a
// case of any domain that expects it (a product case may expect the
// universal 47001), the same rule the suites use to list pending codes.
func matrix(r *results.Report, cat *catalog.Catalog, sorted []caseView) []matrixGroup {
	byCode := map[int][]caseView{} // worst first, since sorted is
	for _, c := range sorted {
		byCode[c.Expected] = append(byCode[c.Expected], c)
	}
	pending := map[int]bool{}
	for _, pe := range r.Pending {
		pending[pe.Code] = true
	}
	passing := results.PassingCodes(r.Cases)
	var groups []matrixGroup
	for _, e := range cat.Entries() {
		if len(groups) == 0 || groups[len(groups)-1].Domain != string(e.Domain) {
			groups = append(groups, matrixGroup{Domain: string(e.Domain), Note: suiteNote(r, string(e.Domain))})
		}
		g := &groups[len(groups)-1]
		code := int(e.Code)
		cs := byCode[code]
		c := cell{Code: code, Domain: string(e.Domain), Platform: e.Platform, Cases: len(cs)}
		switch {
		case len(cs) > 0:
			c.State, c.Href = cs[0].State, "#"+cs[0].Anchor
			for _, x := range cs {
				if x.State == c.State {
					c.Worst++
				}
			}
			g.Covered++
		case pending[code]:
			c.State, c.Href = statePending, "#"+pendingAnchor(code)
			g.Pending++
		default:
			c.State = stateNotRun
		}
		c.Title = cellTitle(e, c.State, cs)
		if passing[code] {
			g.Passing++
		}
		g.Documented++
		g.Cells = append(g.Cells, c)
	}
	return groups
}

// suiteNote explains up front why a domain's cells may all be "not run".
func suiteNote(r *results.Report, domain string) string {
	i := slices.IndexFunc(r.Domains, func(d results.DomainResult) bool { return d.Domain == domain })
	switch {
	case i < 0:
		return "suite not run"
	case !r.Domains[i].Reported:
		return "suite did not report"
	}
	return ""
}

// cellTitle is the tooltip: what the code means, how its cases fared, and
// why the skipped ones were skipped, so a grey cell explains itself.
func cellTitle(e catalog.Entry, s state, cs []caseView) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d: %s", e.Code, e.Meaning)
	if e.Platform {
		b.WriteString("\nplatform code: not on the vendor's error-code page")
	}
	switch s {
	case statePending:
		b.WriteString("\npending: no case expects this code yet")
		return b.String()
	case stateNotRun:
		b.WriteString("\nnot run: no case expecting this code is in this report")
		return b.String()
	}
	counts := map[state]int{}
	for _, c := range cs {
		counts[c.State]++
	}
	var parts []string
	for _, st := range caseStates {
		if counts[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[st], st))
		}
	}
	fmt.Fprintf(&b, "\n%s: %s", wording.Count(len(cs), "case"), strings.Join(parts, ", "))
	const most = 5
	n := 0
	for _, c := range cs {
		if c.State != statePass {
			if n == most {
				b.WriteString("\n…")
				break
			}
			fmt.Fprintf(&b, "\n%s %s: %s", c.State, c.ID, c.ReasonLine)
			if c.Expectation != nil {
				fmt.Fprintf(&b, " (expected through %s)", c.Expectation.Expires)
			}
			n++
		}
	}
	return b.String()
}

func meaning(cat *catalog.Catalog, code int) string {
	if e, ok := cat.Lookup(catalog.Code(code)); ok {
		return e.Meaning
	}
	return "not in the catalog"
}

func caseAnchor(id string) string   { return "case-" + id }
func pendingAnchor(code int) string { return "pending-" + strconv.Itoa(code) }

func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// headline is a reason's one line (results.Case.Headline), cut to fit a
// tooltip or a compact row.
func headline(reason string) string {
	return truncate(results.Case{Reason: reason}.Headline(), maxHeadline)
}

// maxHeadline bounds a headline, in runes: a tooltip or a row, not a page.
const maxHeadline = 200

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
