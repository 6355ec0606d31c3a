package results

import (
	"cmp"
	"slices"
)

// NotSelected is the reason of a case a run's filters (--focus,
// --label-filter) left out: it is in the report, skipped, but it was
// never part of the run. Reports count a run's cases without it.
const NotSelected = "not selected by this run's filters"

// ReasonCount is how many skipped cases share one reason.
type ReasonCount struct {
	Reason string
	Count  int
}

// SkipReasons counts the skipped cases by their exact reason (skip
// reasons are short fixed texts: "needs account profile X", "not
// triggerable on this target: …"), most first, ties by reason.
func SkipReasons(cases []Case) []ReasonCount {
	n := map[string]int{}
	for _, c := range cases {
		if c.Outcome == Skipped {
			n[c.Reason]++
		}
	}
	out := make([]ReasonCount, 0, len(n))
	for r, k := range n {
		out = append(out, ReasonCount{r, k})
	}
	slices.SortFunc(out, func(a, b ReasonCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Reason, b.Reason))
	})
	return out
}
