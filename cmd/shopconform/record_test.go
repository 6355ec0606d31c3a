package main

import (
	"io"
	"slices"
	"testing"

	"github.com/shopconform/shopconform/runner"
)

// TestRecordSelectsOnlyTheGivenCases: --run picks exactly the named cases,
// wherever they sit in the corpus, and a name that is no case is bad usage.
func TestRecordSelectsOnlyTheGivenCases(t *testing.T) {
	ids := []string{"universal-990004-openid-missing", "order-1010001-order-get-no-order-id"}
	selected, all, _, code := recordPlan(runner.Config{}, ids[0]+","+ids[1], "", t.TempDir(), io.Discard)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var got []string
	for _, c := range selected {
		got = append(got, c.ID)
	}
	slices.Sort(got)
	slices.Sort(ids)
	if !slices.Equal(got, ids) || len(all) <= len(ids) {
		t.Errorf("selected %v of %d cases, want %v", got, len(all), ids)
	}
	if _, _, _, code := recordPlan(runner.Config{}, "no-such-case", "", t.TempDir(), io.Discard); code != exitUsage {
		t.Errorf("an unknown id: exit %d, want %d", code, exitUsage)
	}
}
