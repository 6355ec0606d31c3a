package shard

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func envOf(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// TestFromCIPrecedence is the table of the CI variables: which pair
// decides, how each counts, and what is an error.
func TestFromCIPrecedence(t *testing.T) {
	tests := []struct {
		name   string
		env    []string
		want   Shard  // zero: no shard
		source string // part of the source
		err    string // part of the error
	}{
		{"nothing", nil, Shard{}, "", ""},
		{"GitLab, 1-based", []string{"CI_NODE_INDEX", "2", "CI_NODE_TOTAL", "3"}, Shard{2, 3}, "GitLab CI_NODE_INDEX=2 CI_NODE_TOTAL=3 (1-based)", ""},
		{"GitLab's total alone is every job, not a shard", []string{"CI_NODE_TOTAL", "1"}, Shard{}, "", ""},
		{"Buildkite, 0-based", []string{"BUILDKITE_PARALLEL_JOB", "0", "BUILDKITE_PARALLEL_JOB_COUNT", "4"}, Shard{1, 4}, "Buildkite", ""},
		{"CircleCI, 0-based", []string{"CIRCLE_NODE_INDEX", "2", "CIRCLE_NODE_TOTAL", "3"}, Shard{3, 3}, "CircleCI", ""},
		{"Bazel, 0-based", []string{"TEST_SHARD_INDEX", "1", "TEST_TOTAL_SHARDS", "2"}, Shard{2, 2}, "Bazel", ""},
		{"Kubernetes, 0-based, with our total", []string{"JOB_COMPLETION_INDEX", "4", "SHOPCONFORM_SHARD_TOTAL", "5"}, Shard{5, 5}, "Kubernetes", ""},
		{"Kubernetes index alone is no shard", []string{"JOB_COMPLETION_INDEX", "4"}, Shard{}, "", ""},
		{"our total alone is an error", []string{"SHOPCONFORM_SHARD_TOTAL", "5"}, Shard{}, "", "SHOPCONFORM_SHARD_TOTAL=5 needs JOB_COMPLETION_INDEX"},
		{"GitLab beats Buildkite", []string{"CI_NODE_INDEX", "1", "CI_NODE_TOTAL", "2", "BUILDKITE_PARALLEL_JOB", "2", "BUILDKITE_PARALLEL_JOB_COUNT", "3"}, Shard{1, 2}, "GitLab", ""},
		{"Buildkite beats CircleCI", []string{"BUILDKITE_PARALLEL_JOB", "1", "BUILDKITE_PARALLEL_JOB_COUNT", "2", "CIRCLE_NODE_INDEX", "0", "CIRCLE_NODE_TOTAL", "3"}, Shard{2, 2}, "Buildkite", ""},
		{"CircleCI beats Bazel", []string{"CIRCLE_NODE_INDEX", "0", "CIRCLE_NODE_TOTAL", "3", "TEST_SHARD_INDEX", "1", "TEST_TOTAL_SHARDS", "2"}, Shard{1, 3}, "CircleCI", ""},
		{"Bazel beats Kubernetes", []string{"TEST_SHARD_INDEX", "1", "TEST_TOTAL_SHARDS", "2", "JOB_COMPLETION_INDEX", "0", "SHOPCONFORM_SHARD_TOTAL", "3"}, Shard{2, 2}, "Bazel", ""},
		{"a bad pair that loses is not read", []string{"CI_NODE_INDEX", "1", "CI_NODE_TOTAL", "2", "CIRCLE_NODE_INDEX", "x", "CIRCLE_NODE_TOTAL", "3"}, Shard{1, 2}, "GitLab", ""},
		{"GitLab index 0", []string{"CI_NODE_INDEX", "0", "CI_NODE_TOTAL", "3"}, Shard{}, "", "GitLab CI_NODE_INDEX=0 CI_NODE_TOTAL=3 (1-based): the index must be 1 to 3"},
		{"CircleCI index = total", []string{"CIRCLE_NODE_INDEX", "3", "CIRCLE_NODE_TOTAL", "3"}, Shard{}, "", "CircleCI CIRCLE_NODE_INDEX=3 CIRCLE_NODE_TOTAL=3 (0-based): the index must be 0 to 2"},
		{"not a number", []string{"BUILDKITE_PARALLEL_JOB", "one", "BUILDKITE_PARALLEL_JOB_COUNT", "2"}, Shard{}, "", `BUILDKITE_PARALLEL_JOB=one BUILDKITE_PARALLEL_JOB_COUNT=2 (0-based): not whole numbers`},
		{"total 0", []string{"TEST_SHARD_INDEX", "0", "TEST_TOTAL_SHARDS", "0"}, Shard{}, "", "the total must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, source, ok, err := FromCI(envOf(tt.env...))
			switch {
			case tt.err != "":
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "environment ") {
					t.Fatalf("err %v, want one naming %q", err, tt.err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if ok != (tt.want != Shard{}) || got != tt.want || !strings.Contains(source, tt.source) {
				t.Errorf("got %v (ok %v, source %q), want %v from %q", got, ok, source, tt.want, tt.source)
			}
		})
	}
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("domain-%04d-case", i)
	}
	return out
}

// TestByHashIsHas: a split by hash puts each case where Shard.Has does.
func TestByHashIsHas(t *testing.T) {
	sp := ByHash(3)
	for _, id := range ids(200) {
		for i := 1; i <= 3; i++ {
			if (sp.Of(id) == i) != (Shard{i, 3}).Has(id) {
				t.Fatalf("%s: split says %d, Has(%d/3) says %v", id, sp.Of(id), i, Shard{i, 3}.Has(id))
			}
		}
	}
}

// TestBalancedIsDeterministicAndBalanced: on a synthetic durations file
// (a few slow cases, many fast ones, some unknown), every case lands in
// exactly one shard, the same one whatever the input order, and the
// shards' loads differ by no more than the longest case.
func TestBalancedIsDeterministicAndBalanced(t *testing.T) {
	all := ids(300)
	durations := map[string]float64{}
	r := rand.New(rand.NewPCG(1, 2))
	for i, id := range all[:270] { // the last 30 are new: no duration
		durations[id] = 1 + r.Float64()*5
		if i%50 == 0 {
			durations[id] = 400 + float64(i) // a few slow ones
		}
	}
	durations["not-in-the-corpus"] = 10_000 // gone since: ignored
	const total = 3
	sp := Balanced(all, durations, total)
	shuffled := slices.Clone(all)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	again := Balanced(shuffled, durations, total)

	mean := 0.0
	for _, id := range all[:270] {
		mean += durations[id]
	}
	mean /= 270
	loads := make([]float64, total)
	longest := 0.0
	seen := map[string]int{}
	for i := 1; i <= total; i++ {
		for _, id := range sp.Select(Shard{i, total}, all) {
			seen[id]++
			d, ok := durations[id]
			if !ok {
				d = mean
				if i != byHash(id, total) {
					t.Errorf("%s has no duration: it should go by hash to %d, not %d", id, byHash(id, total), i)
				}
			}
			loads[i-1] += d
			longest = max(longest, d)
		}
	}
	for _, id := range all {
		if seen[id] != 1 {
			t.Errorf("%s is in %d shards", id, seen[id])
		}
		if sp.Of(id) != again.Of(id) {
			t.Errorf("%s: shard %d, but %d when the ids come in another order", id, sp.Of(id), again.Of(id))
		}
	}
	if spread := slices.Max(loads) - slices.Min(loads); spread > longest {
		t.Errorf("loads %v differ by %.1f, more than the longest case (%.1f)", loads, spread, longest)
	}
	// By hash the slow cases may pile up; balanced, they are spread.
	hashLoads := make([]float64, total)
	for _, id := range all {
		d, ok := durations[id]
		if !ok {
			d = mean
		}
		hashLoads[byHash(id, total)-1] += d
	}
	t.Logf("balanced loads %v, by hash %v", loads, hashLoads)
}

// TestHasWithinSplitsAShard: the processes of one shard each get a fair
// part of it, whatever the shard and the number of processes (with Has
// itself, shard 1/2 split between 2 processes gives one process all).
func TestHasWithinSplitsAShard(t *testing.T) {
	all := ids(1200)
	for _, machines := range []int{2, 3, 4} {
		for _, procs := range []int{2, 4} {
			for m := 1; m <= machines; m++ {
				mine := ByHash(machines).Select(Shard{m, machines}, all)
				for p := 1; p <= procs; p++ {
					n := 0
					for _, id := range mine {
						if (Shard{p, procs}).HasWithin(id) {
							n++
						}
					}
					if fair := len(mine) / procs; n < fair*3/4 || n > fair*5/4 {
						t.Errorf("shard %d/%d, process %d/%d: %d of %d cases", m, machines, p, procs, n, len(mine))
					}
				}
			}
		}
	}
}
