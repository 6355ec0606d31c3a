package shard

import (
	"fmt"
	"strconv"
	"strings"
)

// CIVars is one CI system's own pair of shard variables.
type CIVars struct {
	// Name is the CI system, for messages: "GitLab".
	Name string
	// Index and Total name the variables.
	Index, Total string
	// ZeroBased is true when the index counts from 0.
	ZeroBased bool
}

// CIs are the CI systems whose shard variables a run reads when no
// SHOPCONFORM setting names a shard, in precedence order: the first pair
// that is set decides.
var CIs = []CIVars{
	{"GitLab", "CI_NODE_INDEX", "CI_NODE_TOTAL", false},
	{"Buildkite", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", true},
	{"CircleCI", "CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", true},
	{"Bazel", "TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS", true},
	{"Kubernetes", "JOB_COMPLETION_INDEX", TotalEnv, true},
}

// TotalEnv is the total that goes with a Kubernetes Indexed Job's
// JOB_COMPLETION_INDEX, which has no total of its own.
const TotalEnv = "SHOPCONFORM_SHARD_TOTAL"

// BazelStatusEnv names the file a test that understands Bazel's sharding
// touches.
const BazelStatusEnv = "TEST_SHARD_STATUS_FILE"

// FromCI finds the shard the CI's own variables name, in the order of
// CIs. A pair applies when both of its variables are set and not empty
// (GitLab sets CI_NODE_TOTAL=1 on every job, and CI_NODE_INDEX only on
// parallel ones); ok is false when none applies. A pair that applies
// but does not make a shard is an error naming both variables, their
// values and the CI. SHOPCONFORM_SHARD_TOTAL alone is an error too: it
// is ours, and it means a Kubernetes index was expected.
func FromCI(getenv func(string) (string, bool)) (s Shard, source string, ok bool, err error) {
	get := func(k string) string { v, _ := getenv(k); return strings.TrimSpace(v) }
	for _, ci := range CIs {
		iv, tv := get(ci.Index), get(ci.Total)
		if iv == "" || tv == "" {
			if ci.Total == TotalEnv && tv != "" {
				return Shard{}, "", false, fmt.Errorf("environment %s=%s needs %s (a Kubernetes Indexed Job sets it), or set SHOPCONFORM_SHARD=I/N instead", TotalEnv, tv, ci.Index)
			}
			continue
		}
		source = fmt.Sprintf("%s %s=%s %s=%s (%s)", ci.Name, ci.Index, iv, ci.Total, tv, base(ci.ZeroBased))
		index, err1 := strconv.Atoi(iv)
		total, err2 := strconv.Atoi(tv)
		first := 1
		if ci.ZeroBased {
			first = 0
		}
		switch {
		case err1 != nil || err2 != nil:
			return Shard{}, source, false, fmt.Errorf("environment %s: not whole numbers", source)
		case total < 1:
			return Shard{}, source, false, fmt.Errorf("environment %s: the total must be at least 1", source)
		case index < first || index > total-1+first:
			return Shard{}, source, false, fmt.Errorf("environment %s: the index must be %d to %d", source, first, total-1+first)
		}
		if ci.ZeroBased {
			index++
		}
		return Shard{Index: index, Total: total}, source, true, nil
	}
	return Shard{}, "", false, nil
}

func base(zero bool) string {
	if zero {
		return "0-based"
	}
	return "1-based"
}
