package shard

import (
	"cmp"
	"slices"
)

// Split says which shard of Total each case belongs to: by the hash of
// its id (Shard.Has), or balanced by the durations of an earlier run.
type Split struct {
	Total int
	// assigned holds the balanced choices; a case it lacks goes by hash.
	assigned map[string]int
}

// ByHash splits by the hash of each case's id alone: the same case is in
// the same shard whatever else the corpus holds.
func ByHash(total int) Split { return Split{Total: total} }

// Balanced splits the cases ids by their durations (milliseconds, from an
// earlier run), so that the shards take about as long: the cases with a
// known duration (> 0) go, longest first (ties by id), each to the shard
// with the least load so far (ties to the lowest index). Cases without a
// duration (new since, or skipped then) go by hash, as in ByHash, and
// count, before the others are placed, as the mean known duration each.
// The result depends only on the set of ids, the durations and total,
// never on the order ids come in.
func Balanced(ids []string, durations map[string]float64, total int) Split {
	sp := Split{Total: total, assigned: map[string]int{}}
	if total < 1 {
		return sp
	}
	var known, unknown []string
	for _, id := range ids {
		if durations[id] > 0 {
			known = append(known, id)
		} else {
			unknown = append(unknown, id)
		}
	}
	slices.SortFunc(known, func(a, b string) int {
		return cmp.Or(cmp.Compare(durations[b], durations[a]), cmp.Compare(a, b))
	})
	mean := 0.0
	for _, id := range known {
		mean += durations[id]
	}
	if len(known) > 0 {
		mean /= float64(len(known))
	}
	loads := make([]float64, total)
	for _, id := range unknown {
		loads[byHash(id, total)-1] += mean
	}
	for _, id := range known {
		least := 0
		for i := range loads {
			if loads[i] < loads[least] {
				least = i
			}
		}
		sp.assigned[id] = least + 1
		loads[least] += durations[id]
	}
	return sp
}

// Of is the 1-based shard the case with this id belongs to.
func (sp Split) Of(id string) int {
	if sp.Total <= 1 {
		return 1
	}
	if i, ok := sp.assigned[id]; ok {
		return i
	}
	return byHash(id, sp.Total)
}

// Select lists, in their order, the ids that belong to s.
func (sp Split) Select(s Shard, ids []string) []string {
	var out []string
	for _, id := range ids {
		if sp.Of(id) == s.Index {
			out = append(out, id)
		}
	}
	return out
}
