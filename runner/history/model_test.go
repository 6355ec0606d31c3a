package history

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

var day0 = time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)

// night is a run that started d days after day0 with the given cases.
func night(d int, cases ...results.Case) *results.Report {
	return &results.Report{SchemaVersion: results.SchemaVersion, Kind: results.Kind,
		Target: "sandbox:sandbox.example", HarnessVersion: "0.4.0",
		StartedAt: day0.AddDate(0, 0, d), Complete: true, Cases: cases}
}

// did is case id, expecting expected, with outcome and answer (nil: none).
func did(id string, expected int, o results.Outcome, answer *int) results.Case {
	return results.Case{ID: id, Domain: "universal", Endpoint: "/shop/spu/add", ExpectedErrcode: expected, Outcome: o, ActualErrcode: answer}
}

func flaky(id string, expected int) results.Case {
	c := did(id, expected, results.Pass, ptr(expected))
	c.Flaky = true
	return c
}

func inputs(reports ...*results.Report) []Input {
	var in []Input
	for i, r := range reports {
		in = append(in, Input{File: fmt.Sprintf("night-%d.json", i), Report: r})
	}
	return in
}

// row finds a case's row, failing the test when it is not there once.
func row(t *testing.T, h *History, id string) Case {
	t.Helper()
	var found []Case
	for _, g := range h.Codes {
		for _, c := range g.Cases {
			if c.ID == id {
				found = append(found, c)
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("case %s is in %d rows, want 1", id, len(found))
	}
	return found[0]
}

func states(c Case) []State {
	var s []State
	for _, cell := range c.Cells {
		s = append(s, cell.State)
	}
	return s
}

func TestRunsAreOrderedByStartTimeWhateverTheArgumentOrder(t *testing.T) {
	a := night(0, did("x", 0, results.Pass, ptr(0)))
	b := night(1, did("x", 0, results.Fail, ptr(40066)))
	c := night(2, did("x", 0, results.Error, nil))
	want := []State{StatePass, StateFail, StateError}
	for _, order := range [][]*results.Report{{a, b, c}, {c, b, a}, {b, c, a}, {c, a, b}} {
		h := Build(inputs(order...), catalog.Default())
		var starts []time.Time
		for i, r := range h.Runs {
			starts = append(starts, r.StartedAt)
			if r.Index != i+1 {
				t.Errorf("run %d has index %d", i, r.Index)
			}
		}
		if !slices.IsSortedFunc(starts, time.Time.Compare) {
			t.Errorf("runs not ordered by started_at: %v", starts)
		}
		if got := states(row(t, h, "x")); !slices.Equal(got, want) {
			t.Errorf("cells %v, want %v: cells must follow the runs' order", got, want)
		}
		if x := row(t, h, "x"); x.FirstFailed != 1 || len(x.AnswerChanges) != 2 || x.AnswerChanges[0].Run != 1 {
			t.Errorf("first failed %d, changes %+v: computed before ordering?", x.FirstFailed, x.AnswerChanges)
		}
	}
}

func TestEqualStartTimesAreOrderedByFileName(t *testing.T) {
	one, two := night(0), night(0)
	for _, in := range [][]Input{{{"b.json", two}, {"a.json", one}}, {{"a.json", one}, {"b.json", two}}} {
		h := Build(in, catalog.Default())
		if h.Runs[0].File != "a.json" || h.Runs[1].File != "b.json" {
			t.Errorf("runs %s, %s: ties must not depend on the argument order", h.Runs[0].File, h.Runs[1].File)
		}
	}
}

func TestACaseAbsentFromARunIsNotRun(t *testing.T) {
	h := Build(inputs(
		night(0, did("x", 0, results.Pass, ptr(0)), did("y", 0, results.Pass, ptr(0))),
		night(1, did("y", 0, results.Pass, ptr(0))),
		night(2, did("x", 0, results.Pass, ptr(0)), did("y", 0, results.Pass, ptr(0))),
	), catalog.Default())
	x := row(t, h, "x")
	if got := states(x); !slices.Equal(got, []State{StatePass, StateNotRun, StatePass}) {
		t.Errorf("cells %v", got)
	}
	if x.Ran != 2 || !x.Changed || len(x.AnswerChanges) != 0 {
		t.Errorf("ran %d, changed %v, changes %v: a run it is absent from is neither run nor a change of answer", x.Ran, x.Changed, x.AnswerChanges)
	}
	if y := row(t, h, "y"); y.Changed {
		t.Error("a case that passed in every run is not changed")
	}
	if h.Cases != 2 || h.Changed != 1 {
		t.Errorf("%d cases, %d changed", h.Cases, h.Changed)
	}
}

func TestFirstFailedAndFailingSince(t *testing.T) {
	seq := func(outcomes ...results.Outcome) Case {
		var nights []*results.Report
		for i, o := range outcomes {
			if o == "" {
				nights = append(nights, night(i)) // absent
				continue
			}
			nights = append(nights, night(i, did("x", 0, o, nil)))
		}
		return row(t, Build(inputs(nights...), catalog.Default()), "x")
	}
	const (
		P, F, E, I, S = results.Pass, results.Fail, results.Error, results.Inconclusive, results.Skipped
		absent        = results.Outcome("")
	)
	for _, tc := range []struct {
		name          string
		outcomes      []results.Outcome
		first, streak int
	}{
		{"never failed", []results.Outcome{P, S, absent, P}, -1, -1},
		{"failing from the start", []results.Outcome{F, F, E}, 0, 0},
		{"failed once, passes now", []results.Outcome{P, F, P}, 1, -1},
		{"fails again: since the second stretch", []results.Outcome{P, F, P, I, E}, 1, 3},
		{"skips and absences do not end a stretch", []results.Outcome{P, F, S, absent, F}, 1, 1},
		{"skipped is no failure", []results.Outcome{S, S, P}, -1, -1},
		{"inconclusive counts", []results.Outcome{P, P, I}, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := seq(tc.outcomes...)
			if c.FirstFailed != tc.first || c.FailingSince != tc.streak {
				t.Errorf("first failed %d, failing since %d; want %d, %d", c.FirstFailed, c.FailingSince, tc.first, tc.streak)
			}
		})
	}
}

func TestFlakyRateCountsOnlyRunsItRanIn(t *testing.T) {
	h := Build(inputs(
		night(0, flaky("x", 0)),
		night(1, did("x", 0, results.Pass, ptr(0))),
		night(2, did("x", 0, results.Skipped, nil)),
		night(3),
		night(4, did("x", 0, results.Fail, ptr(45009))),
		night(5, flaky("x", 0)),
	), catalog.Default())
	x := row(t, h, "x")
	if x.Flaky != 2 || x.Ran != 4 {
		t.Errorf("flaky %d of %d runs, want 2 of 4 (skipped and absent runs are not runs it ran in)", x.Flaky, x.Ran)
	}
	if x.Cells[0].State != StateFlaky || x.Cells[1].State != StatePass {
		t.Errorf("cells %v: a flaky pass is not a plain pass", states(x))
	}
	if h.Flaky != 1 {
		t.Errorf("%d flaky cases, want 1", h.Flaky)
	}
}

func TestAnswerChangesBetweenRunsItRanIn(t *testing.T) {
	h := Build(inputs(
		night(0, did("x", 0, results.Pass, ptr(0))),
		night(1, did("x", 0, results.Skipped, nil)),
		night(2, did("x", 0, results.Pass, ptr(0))),
		night(3, did("x", 0, results.Inconclusive, ptr(45009))),
		night(4),
		night(5, did("x", 0, results.Error, nil)),
		night(6, did("x", 0, results.Inconclusive, ptr(45009))),
		night(7, did("x", 0, results.Inconclusive, ptr(45009))),
	), catalog.Default())
	var got []string
	for _, c := range row(t, h, "x").AnswerChanges {
		got = append(got, fmt.Sprintf("%s→%s@%d", code(c.From), code(c.To), c.Run))
	}
	// The skipped night 1 and the absent night 4 compare with nothing.
	want := []string{"0→45009@3", "45009→none@5", "none→45009@6"}
	if !slices.Equal(got, want) {
		t.Errorf("answer changes %v, want %v", got, want)
	}
}

func TestRowsAreGroupedByExpectedCodeInCatalogOrder(t *testing.T) {
	cat := catalog.Default()
	const undocumented = 1234567
	if cat.Has(undocumented) {
		t.Fatal("the test's undocumented code is in the catalog")
	}
	h := Build(inputs(
		night(0, did("moves", 40066, results.Pass, ptr(40066)), did("b", 47001, results.Pass, ptr(47001))),
		night(1, did("moves", 47001, results.Pass, ptr(47001)), did("a", 47001, results.Fail, ptr(0)),
			did("odd", undocumented, results.Fail, ptr(0)), did("first", 40066, results.Pass, ptr(40066))),
	), cat)
	var codes []int
	for _, g := range h.Codes {
		codes = append(codes, g.Code)
	}
	if !slices.Equal(codes, []int{40066, 47001, undocumented}) {
		t.Fatalf("groups %v, want catalog order then the undocumented code", codes)
	}
	e, _ := cat.Lookup(47001)
	g := h.Codes[1]
	if !g.Documented || g.Text != e.Text || g.Meaning != e.Meaning || g.Domain != string(e.Domain) {
		t.Errorf("group 47001 %+v lacks the catalog's text %q", g, e.Text)
	}
	var ids []string
	for _, c := range g.Cases {
		ids = append(ids, c.ID)
	}
	// "moves" expected 40066 first and 47001 in the last run: its row
	// goes under the latest.
	if !slices.Equal(ids, []string{"a", "b", "moves"}) {
		t.Errorf("47001's cases %v", ids)
	}
	if last := h.Codes[2]; last.Documented || last.Text != "" {
		t.Errorf("undocumented group %+v", last)
	}
}

func TestRunColumnsSayWhatEachRunWas(t *testing.T) {
	shard, merged, whole := night(0), night(1), night(2)
	shard.Shard = &results.ShardOf{Index: 2, Total: 3}
	merged.MergedFrom = []results.MergedShard{{Index: 1, Total: 2}, {Index: 2, Total: 2}}
	whole.Statistics = results.Statistics{Total: 3, Pass: 2, Fail: 1}
	whole.Complete = false
	h := Build(inputs(whole, shard, merged), catalog.Default())
	var scopes []string
	for _, r := range h.Runs {
		scopes = append(scopes, r.Scope)
	}
	if !slices.Equal(scopes, []string{"shard 2/3", "merged from 2 shards", "whole run"}) {
		t.Errorf("scopes %v", scopes)
	}
	if r := h.Runs[2]; r.Stats.Fail != 1 || r.Complete || r.Target != "sandbox:sandbox.example" || r.HarnessVersion != "0.4.0" || r.File != "night-0.json" {
		t.Errorf("run %+v", r)
	}
}

func TestRunLabelsPointAtOneRun(t *testing.T) {
	a, b, c, d := night(0), night(1), night(1), night(2)
	b.StartedAt = b.StartedAt.Add(9 * time.Hour)
	d.StartedAt = d.StartedAt.Add(30 * time.Second) // the same minute as e
	e := night(2)
	h := Build(inputs(a, b, c, d, e), catalog.Default())
	var labels []string
	for _, r := range h.Runs {
		labels = append(labels, r.Label)
	}
	want := []string{"2026-11-01", "2026-11-02 02:00", "2026-11-02 11:00", "2026-11-03 02:00 (run 4)", "2026-11-03 02:00 (run 5)"}
	if !slices.Equal(labels, want) {
		t.Errorf("labels %q, want %q", labels, want)
	}
}

func TestReadFilesKeepsArgumentOrderAndNamesEveryBadFile(t *testing.T) {
	files := []string{"c", "bad1", "a", "bad2", "b"}
	read := func(path string) (*results.Report, error) {
		if strings.HasPrefix(path, "bad") {
			return nil, errors.New(path + " is bad")
		}
		return night(0), nil
	}
	if _, err := ReadFiles(files, read); err == nil || err.Error() != "bad1 is bad\nbad2 is bad" {
		t.Errorf("error %v, want both bad files in argument order", err)
	}
	in, err := ReadFiles([]string{"c", "a", "b"}, read)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, i := range in {
		names = append(names, i.File)
		if i.Report == nil {
			t.Errorf("%s: no report", i.File)
		}
	}
	if !slices.Equal(names, []string{"c", "a", "b"}) {
		t.Errorf("inputs %v", names)
	}
}
