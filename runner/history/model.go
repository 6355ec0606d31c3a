// Package history renders N results.json files (the nightlies, say) as one
// self-contained HTML page: the runs are columns, ordered by started_at,
// and every case is a row of one compact cell per run, grouped under the
// documented code it expects, with when it first failed, how often it
// passed only after a retry, and which answers changed from run to run.
//
// The layout follows the results grid of wpt.fyi: runs side by side with
// their product, version and date on top, one status cell per test and
// run, a test missing from a run shown as such rather than left out, and
// the changes between runs being what a reader looks for.
package history

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

// Input is one results.json and the name it was given by.
type Input struct {
	File   string
	Report *results.Report
}

// State is what one case did in one run: results.Outcome refined with
// "flaky" (a pass after a retry is never shown as a plain pass) and
// "not-run" (the case is absent from that run's file).
type State string

const (
	StatePass         State = "pass"
	StateFlaky        State = "flaky"
	StateFail         State = "fail"
	StateError        State = "error"
	StateInconclusive State = "inconclusive"
	StateSkipped      State = "skipped"
	StateNotRun       State = "not-run"
)

// failing says whether the state counts as a failure for "first failed"
// and "failing since": a verdict against the case, or no verdict because
// the environment answered. Skipped and not-run cases were never judged.
func (s State) failing() bool {
	return s == StateFail || s == StateError || s == StateInconclusive
}

// ran says whether the case's request was judged in that run: the
// denominator of the flaky rate and the runs that answers are compared
// across.
func (s State) ran() bool { return s != StateSkipped && s != StateNotRun }

// History is the model of the page; every decision is made here, in plain
// Go, and the template only places its strings.
type History struct {
	// Runs are the columns, oldest first.
	Runs []Run
	// Codes are the groups of rows: catalog order (domain, then code),
	// then codes the catalog does not document, ascending.
	Codes []CodeGroup
	// Cases counts the rows; Changed those whose cells or answers differ
	// between runs; FailingNow those failing in the last run they ran in;
	// Flaky those that passed only after a retry at least once.
	Cases, Changed, FailingNow, Flaky int
}

// Run is one column.
type Run struct {
	// Index is the column's 1-based position after ordering.
	Index     int
	File      string
	StartedAt time.Time
	// Label names the run wherever the page refers to it: its UTC date,
	// with the time of day added when another run started the same day.
	Label          string
	Target         string
	HarnessVersion string
	// Scope is "whole run", "shard I/N" or "merged from N shards".
	Scope    string
	Stats    results.Statistics
	Complete bool
	Error    string
}

// CodeGroup is the rows of the cases that expect one errcode.
type CodeGroup struct {
	Code       int
	Documented bool
	Domain     string
	// Text is the vendor's wording, Meaning the catalog's corrected one;
	// both empty for a code the catalog does not document.
	Text    string
	Meaning string
	Cases   []Case
	// Changed is true when any of its cases changed.
	Changed bool
}

// Case is one row: a case id across every run.
type Case struct {
	ID       string
	Domain   string
	Endpoint string
	// Expected is the errcode the case expects in the last run that has
	// it; the row is grouped under this code.
	Expected int
	// Cells has one entry per run, in column order.
	Cells []Cell
	// Ran counts the runs in which the case was judged (present and not
	// skipped); Flaky those in which it passed only after a retry.
	Ran, Flaky int
	// FirstFailed is the index of the first run in which the case failed,
	// errored or was inconclusive; -1 when it never did.
	FirstFailed int
	// FailingSince is set when the case is failing in the last run it ran
	// in: the index of the first run of that unbroken stretch of failing
	// runs (skipped and not-run runs do not break it); -1 otherwise.
	FailingSince int
	// AnswerChanges lists each time actual_errcode differed from the
	// previous run in which the case ran.
	AnswerChanges []AnswerChange
	// Changed is true when the cells are not all alike (outcome, flaky or
	// not, present or not) or an answer changed.
	Changed bool
}

// Cell is one case in one run.
type Cell struct {
	State State
	// Actual is the errcode received; nil when none was.
	Actual   *int
	Expected int
	// Expectation is the reason of the honoured expectations-file entry
	// the case carried in this run, if any.
	Expectation string
	Reason      string
}

// AnswerChange is an actual_errcode that differs from the one of the
// previous run in which the case ran. From or To is nil when no errcode
// was received.
type AnswerChange struct {
	Run      int
	From, To *int
}

// Build orders the runs by started_at (ties by file name, so the argument
// order never matters) and computes every row. cat supplies the codes'
// texts and their order: pass catalog.Default().
func Build(inputs []Input, cat *catalog.Catalog) *History {
	ordered := slices.Clone(inputs)
	slices.SortStableFunc(ordered, func(a, b Input) int {
		return cmp.Or(a.Report.StartedAt.Compare(b.Report.StartedAt), cmp.Compare(a.File, b.File))
	})
	h := &History{Runs: make([]Run, len(ordered))}
	for i, in := range ordered {
		h.Runs[i] = newRun(i, in)
	}
	labelRuns(h.Runs)

	byID := map[string]*Case{}
	var order []*Case
	for i, in := range ordered {
		for _, c := range in.Report.Cases {
			row := byID[c.ID]
			if row == nil {
				row = &Case{ID: c.ID, Cells: make([]Cell, len(ordered))}
				for j := range row.Cells {
					row.Cells[j].State = StateNotRun
				}
				byID[c.ID] = row
				order = append(order, row)
			}
			// The latest run names the case: its fixture may have moved.
			row.Domain, row.Endpoint, row.Expected = c.Domain, c.Endpoint, c.ExpectedErrcode
			row.Cells[i] = newCell(c)
		}
	}
	groups := map[int]*CodeGroup{}
	for _, row := range order {
		summarize(row)
		h.Cases++
		if row.Changed {
			h.Changed++
		}
		if row.FailingSince >= 0 {
			h.FailingNow++
		}
		if row.Flaky > 0 {
			h.Flaky++
		}
		g := groups[row.Expected]
		if g == nil {
			g = newGroup(row.Expected, cat)
			groups[row.Expected] = g
		}
		g.Cases = append(g.Cases, *row)
		g.Changed = g.Changed || row.Changed
	}
	h.Codes = orderGroups(groups, cat)
	return h
}

func newRun(i int, in Input) Run {
	r := in.Report
	scope := "whole run"
	switch {
	case r.Shard != nil:
		scope = "shard " + strconv.Itoa(r.Shard.Index) + "/" + strconv.Itoa(r.Shard.Total)
	case len(r.MergedFrom) > 0:
		scope = "merged from " + strconv.Itoa(len(r.MergedFrom)) + " shards"
	}
	return Run{
		Index: i + 1, File: in.File, StartedAt: r.StartedAt,
		Target: r.Target, HarnessVersion: r.HarnessVersion, Scope: scope,
		Stats: r.Statistics, Complete: r.Complete, Error: r.Error,
	}
}

// labelRuns names each run by its UTC date, adding the time of day where
// two runs share a date, and the run's number where they share the
// minute too, so that "on <label>" always points at one column.
func labelRuns(runs []Run) {
	count := func(format func(time.Time) string) map[string]int {
		n := map[string]int{}
		for _, r := range runs {
			n[format(r.StartedAt)]++
		}
		return n
	}
	perDay, perMinute := count(day), count(minute)
	for i := range runs {
		t := runs[i].StartedAt
		switch {
		case t.IsZero():
			runs[i].Label = "run " + strconv.Itoa(runs[i].Index) + " (no start time)"
		case perMinute[minute(t)] > 1:
			runs[i].Label = minute(t) + " (run " + strconv.Itoa(runs[i].Index) + ")"
		case perDay[day(t)] > 1:
			runs[i].Label = minute(t)
		default:
			runs[i].Label = day(t)
		}
	}
}

func day(t time.Time) string    { return t.UTC().Format(time.DateOnly) }
func minute(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

func newCell(c results.Case) Cell {
	s := State(c.Outcome)
	if c.Outcome == results.Pass && c.Flaky {
		s = StateFlaky
	}
	cell := Cell{State: s, Actual: c.ActualErrcode, Expected: c.ExpectedErrcode, Reason: c.Reason}
	if c.Expectation != nil {
		cell.Expectation = c.Expectation.Reason
	}
	return cell
}

// summarize computes a row's first failure, failing stretch, flaky count
// and answer changes from its cells.
func summarize(row *Case) {
	row.FirstFailed, row.FailingSince = -1, -1
	prev := -1 // the last run in which the case ran
	for i, cell := range row.Cells {
		if cell.State != row.Cells[0].State {
			row.Changed = true
		}
		if !cell.State.ran() {
			continue
		}
		row.Ran++
		if cell.State == StateFlaky {
			row.Flaky++
		}
		if cell.State.failing() {
			if row.FirstFailed < 0 {
				row.FirstFailed = i
			}
			if row.FailingSince < 0 {
				row.FailingSince = i
			}
		} else {
			row.FailingSince = -1
		}
		if prev >= 0 && !sameCode(row.Cells[prev].Actual, cell.Actual) {
			row.AnswerChanges = append(row.AnswerChanges, AnswerChange{Run: i, From: row.Cells[prev].Actual, To: cell.Actual})
			row.Changed = true
		}
		prev = i
	}
}

func sameCode(a, b *int) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func newGroup(code int, cat *catalog.Catalog) *CodeGroup {
	g := &CodeGroup{Code: code}
	if e, ok := cat.Lookup(catalog.Code(code)); ok {
		g.Documented, g.Domain, g.Text, g.Meaning = true, string(e.Domain), e.Text, e.Meaning
	}
	return g
}

// orderGroups puts the groups in the catalog's order, undocumented codes
// last, and each group's cases by id.
func orderGroups(groups map[int]*CodeGroup, cat *catalog.Catalog) []CodeGroup {
	out := make([]CodeGroup, 0, len(groups))
	for _, e := range cat.Entries() {
		if g := groups[int(e.Code)]; g != nil {
			out = append(out, *g)
			delete(groups, int(e.Code))
		}
	}
	rest := make([]int, 0, len(groups))
	for code := range groups {
		rest = append(rest, code)
	}
	slices.Sort(rest)
	for _, code := range rest {
		out = append(out, *groups[code])
	}
	for i := range out {
		slices.SortFunc(out[i].Cases, func(a, b Case) int { return cmp.Compare(a.ID, b.ID) })
	}
	return out
}
