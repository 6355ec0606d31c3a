package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/corpustest"
	"github.com/shopconform/shopconform/internal/wording"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/conformance"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/shard"
)

// noShardEnv keeps the CI's own shard variables (this test may itself run
// in a sharded CI job) and SHOPCONFORM_SHARD* out of the runs a test makes.
func noShardEnv(t *testing.T) {
	t.Helper()
	for _, ci := range shard.CIs {
		t.Setenv(ci.Index, "")
		t.Setenv(ci.Total, "")
	}
	for _, k := range []string{"SHOPCONFORM_SHARD", "SHOPCONFORM_SHARD_DURATIONS", "SHOPCONFORM_ACCOUNTS", shard.BazelStatusEnv} {
		t.Setenv(k, "")
	}
}

// runInto runs `shopconform run` in-process with args and the report
// folder dir, and wants exit code want.
func runInto(t *testing.T, dir string, want int, args ...string) *results.Report {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"run", "--report-dir", dir}, args...)...)
	if code != want {
		t.Fatalf("run %v: exit %d, want %d\n%s\n%s", args, code, want, stdout, stderr)
	}
	return readReport(t, dir)
}

// verdict is what a case came to: its id, outcome and errcode ("none"
// when no errcode came back).
type verdict struct {
	ID      string
	Outcome results.Outcome
	Errcode string
}

func verdicts(r *results.Report) []verdict {
	var out []verdict
	for _, c := range r.Cases {
		code := "none"
		if c.ActualErrcode != nil {
			code = strconv.Itoa(*c.ActualErrcode)
		}
		out = append(out, verdict{c.ID, c.Outcome, code})
	}
	return out
}

// firstDifference says where two lists of verdicts part, or "".
func firstDifference(a, b []verdict) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("at %d: %v, %v", i, a[i], b[i])
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("%d cases, %d cases", len(a), len(b))
	}
	return ""
}

// TestShardsMergeIntoTheWholeRun: three shards of the whole corpus on the
// reference target, merged, are the run without --shard: the same cases,
// in the same order, with the same outcomes and errcodes, the same
// statistics and the same configuration hash. Then report merge refuses
// a missing shard, a shard given twice and a shard with another
// configuration, exit 2 naming each; and a shard with its own accounts
// file is no mismatch.
func TestShardsMergeIntoTheWholeRun(t *testing.T) {
	noShardEnv(t)
	tmp := t.TempDir()
	whole := runInto(t, filepath.Join(tmp, "whole"), exitOK)
	if whole.Shard != nil || whole.Fingerprint == nil || whole.Fingerprint.Split != "" || len(whole.Fingerprint.Selected) != whole.Statistics.Total {
		t.Fatalf("a whole run: shard %v fingerprint %+v", whole.Shard, whole.Fingerprint)
	}
	dirs := make([]string, 3)
	sum := 0
	for i := range dirs {
		dirs[i] = filepath.Join(tmp, "shard-"+string(rune('1'+i)))
		r := runInto(t, dirs[i], exitOK, "--shard", string(rune('1'+i))+"/3")
		if r.Shard == nil || *r.Shard != (results.ShardOf{Index: i + 1, Total: 3}) || r.Fingerprint.Split != "hash" {
			t.Fatalf("shard %d: shard %v, split %q", i+1, r.Shard, r.Fingerprint.Split)
		}
		if r.Statistics.Total != len(r.Fingerprint.Selected) || r.Statistics.Total == 0 || r.Statistics.Total >= whole.Statistics.Total {
			t.Errorf("shard %d counts %d cases and chose %d, of %d", i+1, r.Statistics.Total, len(r.Fingerprint.Selected), whole.Statistics.Total)
		}
		if r.Fingerprint.ConfigHash != whole.Fingerprint.ConfigHash || r.Fingerprint.Corpus != whole.Fingerprint.Corpus {
			t.Errorf("shard %d's fingerprint %s %+v is not the whole run's %s %+v", i+1, r.Fingerprint.ConfigHash, r.Fingerprint.Corpus, whole.Fingerprint.ConfigHash, whole.Fingerprint.Corpus)
		}
		sum += r.Statistics.Total
	}
	if sum != whole.Statistics.Total {
		t.Errorf("the shards ran %d cases, the whole run %d", sum, whole.Statistics.Total)
	}

	merged := filepath.Join(tmp, "merged")
	code, stdout, stderr := runCLI(t, "report", "merge", "--out", merged, dirs[2], dirs[0], dirs[1])
	if code != exitOK {
		t.Fatalf("merge: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "on reference, merged from 3 shards: ") {
		t.Errorf("merge's summary:\n%s", stdout)
	}
	m := readReport(t, merged)
	if diff := firstDifference(verdicts(m), verdicts(whole)); diff != "" {
		t.Errorf("the merged cases are not the whole run's (merged, whole) %s", diff)
	}
	if m.Statistics != whole.Statistics || !slices.Equal(m.Domains, whole.Domains) || !m.Complete || m.Shard != nil || len(m.MergedFrom) != 3 {
		t.Errorf("merged statistics %+v domains %+v complete %v shard %v", m.Statistics, m.Domains, m.Complete, m.Shard)
	}
	if m.Fingerprint.ConfigHash != whole.Fingerprint.ConfigHash || !slices.Equal(m.Fingerprint.Selected, whole.Fingerprint.Selected) {
		t.Errorf("the merged fingerprint is not the whole run's")
	}
	for _, f := range []string{"junit.xml", "report.html", "summary.md"} {
		if data, err := os.ReadFile(filepath.Join(merged, f)); err != nil || len(data) == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	checkHTMLReport(t, filepath.Join(merged, "report.html"), m, m.Cases[0].ID)
	corpustest.Unchanged(t, filepath.Join("..", "..", "fixtures")) // the runs share the loaded cases

	// A shard with its own accounts file is no mismatch; another
	// configuration is.
	own := filepath.Join(tmp, "own-accounts")
	runInto(t, own, exitOK, "--shard", "3/3", "--accounts", filepath.Join(tmp, "accounts-{shard}.json"))
	if code, stdout, stderr := runCLI(t, "report", "merge", "--out", filepath.Join(tmp, "merged-own"), dirs[0], dirs[1], own); code != exitOK {
		t.Errorf("per-shard accounts: exit %d\n%s\n%s", code, stdout, stderr)
	}
	other := filepath.Join(tmp, "other-config")
	runInto(t, other, exitOK, "--shard", "3/3", "--retries", "1")
	for _, tt := range []struct {
		name string
		dirs []string
		want string
	}{
		{"a shard missing", []string{dirs[0], dirs[2]}, "  shard 2/3 is missing: no report given is shard 2 of 3\n"},
		{"a shard given twice", []string{dirs[0], dirs[1], dirs[1], dirs[2]}, "  shard 2/3 is given twice: " + dirs[1] + " and " + dirs[1] + "\n"},
		{"another configuration", []string{dirs[0], dirs[1], other}, `  the configurations differ (fingerprint config_hash): retries: "3" in ` + dirs[0] + ` (shard 1/3), ` + dirs[1] + ` (shard 2/3); "1" in ` + other + " (shard 3/3)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(tmp, "refused")
			code, stdout, stderr := runCLI(t, append([]string{"report", "merge", "--out", out}, tt.dirs...)...)
			if code != exitUsage || !strings.Contains(stderr, "report merge: these "+wording.Count(len(tt.dirs), "report")+" are not the shards of one run:\n") || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want %d naming %q:\n%s%s", code, exitUsage, tt.want, stdout, stderr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a refused merge wrote %s (%v)", out, err)
			}
		})
	}
}

// TestShardCorpusFindingsOnce: the pending codes belong to the corpus,
// not to a case: shard 1 reports them, the other shards do not, and the
// merged report has each once, as the whole run.
func TestShardCorpusFindingsOnce(t *testing.T) {
	noShardEnv(t)
	tmp := t.TempDir()
	corpus := filepath.Join(tmp, "cases")
	for _, name := range []string{"share-1310001-bind-over-limit.json", "share-1310002-bind-openid-blank.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "share", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(corpus, "share"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(corpus, "share", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fixtures := []string{"--fixtures", corpus}
	whole := runInto(t, filepath.Join(tmp, "whole"), exitOK, fixtures...)
	if whole.Statistics.Pending == 0 || whole.Statistics.Total != 2 {
		t.Fatalf("the corpus is not the one this test means: %+v", whole.Statistics)
	}
	first := runInto(t, filepath.Join(tmp, "1"), exitOK, append(fixtures, "--shard", "1/2")...)
	second := runInto(t, filepath.Join(tmp, "2"), exitOK, append(fixtures, "--shard", "2/2")...)
	if len(first.Pending) != len(whole.Pending) || len(second.Pending) != 0 {
		t.Errorf("shard 1 has %d pending, shard 2 %d; the whole run %d", len(first.Pending), len(second.Pending), len(whole.Pending))
	}
	code, stdout, stderr := runCLI(t, "report", "merge", "--out", filepath.Join(tmp, "merged"), filepath.Join(tmp, "1"), filepath.Join(tmp, "2"))
	if code != exitOK {
		t.Fatalf("merge: exit %d\n%s%s", code, stdout, stderr)
	}
	m := readReport(t, filepath.Join(tmp, "merged"))
	if m.Statistics != whole.Statistics || !slices.Equal(m.Pending, whole.Pending) {
		t.Errorf("merged %+v, whole %+v", m.Statistics, whole.Statistics)
	}
}

// TestMalformedFixturesRefuseTheRun: a corpus with a malformed fixture is
// bad input: every run of it, a shard's too, exits 2 before any case,
// names each file:line:col, and writes reports that list them.
func TestMalformedFixturesRefuseTheRun(t *testing.T) {
	noShardEnv(t)
	tmp := t.TempDir()
	for _, shard := range []string{"", "2/2"} {
		dir := filepath.Join(tmp, "r"+strings.ReplaceAll(shard, "/", "of"))
		args := []string{"run", "--report-dir", dir, "--fixtures", "testdata/badfixtures"}
		if shard != "" {
			args = append(args, "--shard", shard)
		}
		code, stdout, stderr := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "run: 4 malformed fixtures, so no case ran") ||
			!strings.Contains(stdout, "MALFORMED testdata/badfixtures/universal/trailing-comma.json:8:1: invalid JSON") {
			t.Errorf("shard %q: exit %d, want %d naming every malformed file:\n%s%s", shard, code, exitUsage, stdout, stderr)
		}
		rep := readReport(t, dir)
		if len(rep.Problems) != 4 || len(rep.Cases) != 0 || !strings.Contains(rep.Error, "malformed") {
			t.Errorf("shard %q: report with %d problems, %d cases, error %q", shard, len(rep.Problems), len(rep.Cases), rep.Error)
		}
		if strings.Contains(stdout, "ginkgo.log") {
			t.Errorf("shard %q: a run where no suite ran points at a Ginkgo log:\n%s", shard, stdout)
		}
	}
}

// TestRunShardSources: a bad shard exits 2 naming its source and value,
// before any case; the CI's variables pick the shard when no setting
// does; Bazel's status file is touched.
func TestRunShardSources(t *testing.T) {
	noShardEnv(t)
	tmp := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"flag", []string{"--shard", "4/3"}, nil, `run: configuration error: flag --shard: "4/3" is not I/N with 1 ≤ I ≤ N, e.g. 2/3`},
		{"environment", nil, []string{"SHOPCONFORM_SHARD", "two"}, `run: configuration error: environment SHOPCONFORM_SHARD: "two" is not I/N`},
		{"GitLab", nil, []string{"CI_NODE_INDEX", "0", "CI_NODE_TOTAL", "3"}, "run: configuration error: environment GitLab CI_NODE_INDEX=0 CI_NODE_TOTAL=3 (1-based): the index must be 1 to 3"},
		{"Kubernetes total without an index", nil, []string{"SHOPCONFORM_SHARD_TOTAL", "3"}, "run: configuration error: environment SHOPCONFORM_SHARD_TOTAL=3 needs JOB_COMPLETION_INDEX"},
		{"durations file", []string{"--shard", "1/2", "--shard-durations", filepath.Join(tmp, "nope.json")}, nil, "run: configuration error: shard durations (SHOPCONFORM_SHARD_DURATIONS or --shard-durations): open " + filepath.Join(tmp, "nope.json")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for i := 0; i+1 < len(tt.env); i += 2 {
				t.Setenv(tt.env[i], tt.env[i+1])
			}
			dir := filepath.Join(tmp, tt.name)
			code, _, stderr := runCLI(t, append([]string{"run", "--domains", "share", "--report-dir", dir}, tt.args...)...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want %d naming %q:\n%s", code, exitUsage, tt.want, stderr)
			}
			if r := readReport(t, dir); r.Error == "" || len(r.Cases) != 0 {
				t.Errorf("the report of a refused run: error %q, %d cases", r.Error, len(r.Cases))
			}
		})
	}

	t.Setenv("TEST_SHARD_INDEX", "1")
	t.Setenv("TEST_TOTAL_SHARDS", "2")
	status := filepath.Join(tmp, "bazel-status")
	t.Setenv(shard.BazelStatusEnv, status)
	t.Setenv("CIRCLE_NODE_INDEX", "0") // Bazel comes after CircleCI: CircleCI decides
	t.Setenv("CIRCLE_NODE_TOTAL", "3")
	code, stdout, stderr := runCLI(t, "run", "--domains", "share", "--report-dir", filepath.Join(tmp, "ci"))
	if code != exitOK || !strings.Contains(stdout, "shard 1/3 (from CircleCI CIRCLE_NODE_INDEX=0 CIRCLE_NODE_TOTAL=3 (0-based)): ") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if r := readReport(t, filepath.Join(tmp, "ci")); r.Shard == nil || *r.Shard != (results.ShardOf{Index: 1, Total: 3}) || r.Config["shard"] != "1/3" {
		t.Errorf("shard %v config %q", r.Shard, r.Config["shard"])
	}
	if _, err := os.Stat(status); err != nil {
		t.Errorf("the Bazel status file was not touched: %v", err)
	}
}

// TestRunBalancedShards: with --shard-durations the shards split by an
// earlier run's durations, say so in their fingerprint, choose what
// shard.Balanced chooses, and still merge into the whole corpus.
func TestRunBalancedShards(t *testing.T) {
	noShardEnv(t)
	tmp := t.TempDir()
	domains := []string{"--domains", "share,coupon"}
	earlier := runInto(t, filepath.Join(tmp, "earlier"), exitOK, domains...)
	// Make one case slow, so that balancing has something to do.
	earlier.Cases[0].DurationMS = 1e6
	durations := filepath.Join(tmp, "durations.json")
	if err := earlier.WriteJSON(durations); err != nil {
		t.Fatal(err)
	}
	byID := map[string]float64{}
	for _, c := range earlier.Cases {
		byID[c.ID] = c.DurationMS
	}
	cfg := runner.DefaultConfig()
	ids := conformance.CaseIDs(cfg, []catalog.Domain{catalog.Share, catalog.Coupon}, nil)
	want := shard.Balanced(ids, byID, 2)
	var dirs []string
	for i := 1; i <= 2; i++ {
		dir := filepath.Join(tmp, "shard-"+string(rune('0'+i)))
		dirs = append(dirs, dir)
		r := runInto(t, dir, exitOK, append(domains, "--shard", string(rune('0'+i))+"/2", "--shard-durations", durations)...)
		if !strings.HasPrefix(r.Fingerprint.Split, "durations sha256:") {
			t.Errorf("split %q", r.Fingerprint.Split)
		}
		chosen := want.Select(shard.Shard{Index: i, Total: 2}, ids)
		slices.Sort(chosen)
		if !slices.Equal(r.Fingerprint.Selected, chosen) {
			t.Errorf("shard %d/2 chose %v, want %v", i, r.Fingerprint.Selected, chosen)
		}
		if slices.Contains(r.Fingerprint.Selected, earlier.Cases[0].ID) != (i == want.Of(earlier.Cases[0].ID)) {
			t.Errorf("the slow case is misplaced")
		}
	}
	if code, stdout, stderr := runCLI(t, "report", "merge", "--out", filepath.Join(tmp, "merged"), dirs[0], dirs[1]); code != exitOK {
		t.Errorf("merge: exit %d\n%s%s", code, stdout, stderr)
	}
	// The slow case is alone on its shard.
	slow := want.Of(earlier.Cases[0].ID)
	if n := len(want.Select(shard.Shard{Index: slow, Total: 2}, ids)); n != 1 {
		t.Errorf("the shard of the slow case holds %d cases, want it alone", n)
	}
}

func TestReportMergeUsage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "merged")
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"report", "merge", diffData + "improvements/old.json"}, exitUsage, "report merge: --out DIR is required"},
		{[]string{"report", "merge", "--out", out}, exitUsage, "want the report folders of the shards (SHARD_REPORT_DIR...); got none"},
		{[]string{"report", "merge", "--out", out, diffData + "bad/not-results.json"}, exitUsage, "report merge: shard file " + diffData + "bad/not-results.json is not a usable shopconform results.json"},
		{[]string{"report", "merge", "--out", out, diffData + "improvements/old.json"}, exitUsage, "  " + diffData + "improvements/old.json is not a shard's report: it has no shard"},
		{[]string{"report", "merge", "-h"}, exitOK, "Exit codes: 0 every merged case passed"},
		{[]string{"report", "help"}, exitOK, "  merge    join the reports of the shards of one run"},
	} {
		code, _, stderr := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d (want %d), stderr lacks %q:\n%s", tt.args, code, tt.code, tt.want, stderr)
		}
	}
}
