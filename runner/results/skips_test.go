package results

import (
	"reflect"
	"testing"
)

func TestSkipReasons(t *testing.T) {
	cases := []Case{
		{ID: "a", Outcome: Skipped, Reason: "needs account profile onboarding"},
		{ID: "b", Outcome: Skipped, Reason: "not triggerable on this target: needs magic values"},
		{ID: "c", Outcome: Fail, Reason: "needs account profile onboarding"},
		{ID: "d", Outcome: Skipped, Reason: "the run's budget is spent"},
		{ID: "e", Outcome: Skipped, Reason: "not triggerable on this target: needs magic values"},
		{ID: "f", Outcome: Skipped, Reason: "needs account profile onboarding"},
		{ID: "g", Outcome: Skipped, Reason: "needs account profile onboarding: bad secret"},
	}
	want := []ReasonCount{
		{"needs account profile onboarding", 2},
		{"not triggerable on this target: needs magic values", 2},
		{"needs account profile onboarding: bad secret", 1},
		{"the run's budget is spent", 1},
	}
	if got := SkipReasons(cases); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got := SkipReasons(nil); got == nil || len(got) != 0 {
		t.Errorf("no cases: %+v", got)
	}
}

func TestTally(t *testing.T) {
	expected := &Expectation{Outcome: Fail, Reason: "known", Expires: "2026-06-30"}
	r := &Report{Cases: []Case{
		{ID: "a", Outcome: Pass},
		{ID: "a2", Outcome: Pass, Flaky: true},
		{ID: "b", Outcome: Fail},
		{ID: "c", Outcome: Fail, Expectation: expected},
		{ID: "d", Outcome: Error},
		{ID: "e", Outcome: Inconclusive},
		{ID: "f", Outcome: Inconclusive, Expectation: &Expectation{Outcome: Inconclusive}},
		{ID: "g", Outcome: Skipped, Reason: "needs account profile x", Expectation: &Expectation{Outcome: Skipped}},
		{ID: "h", Outcome: Skipped, Reason: NotSelected},
		{ID: "i", Outcome: Skipped, Reason: "the run's budget is spent"},
	}, Expectations: &Expectations{Broken: []BrokenExpectation{{CaseID: "a"}}}}
	want := Tally{Cases: 9, NotSelected: 1, Pass: 2, Flaky: 1, Skipped: 1, Fail: 1, Error: 1, Inconclusive: 1, Broken: 1, Expected: 3, ExpectedSkips: 1}
	if got := r.Tally(); got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPassingCodes(t *testing.T) {
	got := PassingCodes([]Case{
		{ExpectedErrcode: 40066, Outcome: Pass},
		{ExpectedErrcode: 40066, Outcome: Fail},
		{ExpectedErrcode: 0, Outcome: Pass, Flaky: true},
		{ExpectedErrcode: 1000001, Outcome: Fail, Expectation: &Expectation{Outcome: Fail}},
		{ExpectedErrcode: 47001, Outcome: Error},
	})
	if want := map[int]bool{40066: true, 0: true}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
