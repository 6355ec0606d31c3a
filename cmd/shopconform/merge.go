package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/wording"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/conformance"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/secretgate"
)

// reportMergeCmd joins the reports of the shards of one run into the
// reports of the whole run, or refuses, naming why, when they are not
// the shards of one run.
func reportMergeCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report merge", stderr)
	out := fs.String("out", "", "the folder the merged reports go to (required)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: shopconform report merge --out DIR SHARD_REPORT_DIR...

Joins the reports of the shards of one run (shopconform run --shard I/N,
one report folder each, or their results.json files) into one set of
reports in DIR: results.json, junit.xml, report.html and summary.md, as
the run would have written them without --shard.

It refuses, naming the problem, when a shard of 1..N is missing or given
twice, the shards disagree on N, on the harness version, the catalog, the
configuration (the keys that may differ per shard: report_dir, shard,
shard_durations, accounts), the split or the corpus, when a case is in
two shards, or a case of the corpus in none.

Exit codes: 0 every merged case passed (or was skipped for a reason);
1 a case failed, errored or was inconclusive, a shard was incomplete,
or a fixture was malformed, as for run; 2 bad usage, a file that is not
a results.json, or shards that cannot be merged.

flags:
`)
		fs.PrintDefaults()
	}
	dirs, code, ok := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if *out == "" {
		fmt.Fprintf(stderr, "%s: --out DIR is required: the folder the merged reports go to\n", fs.Name())
		return exitUsage
	}
	if len(dirs) == 0 {
		fmt.Fprintf(stderr, "%s: want the report folders of the shards (SHARD_REPORT_DIR...); got none\n", fs.Name())
		return exitUsage
	}
	var shards []results.ShardReport
	failed := false
	for _, d := range dirs {
		path := d
		if info, err := os.Stat(d); err == nil && info.IsDir() {
			path = filepath.Join(d, "results.json")
		}
		rep, bad := readResults(fs.Name(), "shard", path, stderr)
		if bad {
			failed = true
			continue
		}
		shards = append(shards, results.ShardReport{Name: d, Report: rep})
	}
	if failed {
		return exitUsage
	}
	merged, err := results.MergeShards(shards, localCorpus)
	if err != nil {
		fmt.Fprintf(stderr, "%s: these %s are not the shards of one run:\n", fs.Name(), wording.Count(len(shards), "report"))
		for line := range strings.SplitSeq(err.Error(), "\n") {
			fmt.Fprintln(stderr, "  "+line)
		}
		return exitUsage
	}
	merged.Config["report_dir"] = *out
	if err := writeReports(*out, merged); err != nil {
		fmt.Fprintf(stderr, "%s: writing reports: %v\n", fs.Name(), err)
		return exitFailures
	}
	if leaked := gateMerged(shards, *out, stderr); leaked {
		return exitFailures
	}
	printSummary(stdout, merged, *out)
	if !merged.Succeeded() {
		return exitFailures
	}
	return exitOK
}

// localCorpus loads the corpus the shards ran, when it is here: the
// built-in cases, or the fixtures folder their configuration names.
func localCorpus(f *results.Fingerprint, config map[string]string) ([]string, bool) {
	cfg := runner.DefaultConfig()
	cfg.Fixtures = config["fixtures"]
	if cfg.Fixtures != "" {
		if info, err := os.Stat(cfg.Fixtures); err != nil || !info.IsDir() {
			return nil, false
		}
	}
	var domains []catalog.Domain
	for _, d := range f.Domains {
		dom, ok := catalog.ParseDomain(d)
		if !ok {
			return nil, false
		}
		domains = append(domains, dom)
	}
	suite := runOptions{labelFilter: f.LabelFilter, focus: f.Focus}.suiteConfig()
	selects, err := conformance.Selector(suite)
	if err != nil {
		return nil, false
	}
	return conformance.CaseIDs(cfg, domains, selects), true
}

// gateMerged scans the merged reports for the app secrets of the accounts
// files the shards name, where they are readable here (each shard's own
// run scanned its reports already).
func gateMerged(shards []results.ShardReport, dir string, stderr io.Writer) (leaked bool) {
	var files, secrets []string
	for _, s := range shards {
		if f := s.Report.Config["accounts"]; f != "" && !slices.Contains(files, f) {
			files = append(files, f)
			secrets = append(secrets, accountSecrets(f)...)
		}
	}
	if len(secrets) == 0 {
		return false
	}
	removed, err := secretgate.Scan(dir, secrets)
	if err != nil {
		fmt.Fprintf(stderr, "report merge: the secret gate: %v\n", err)
		return true
	}
	for _, f := range removed {
		fmt.Fprintf(stderr, "report merge: removed %s: it held an app secret\n", f)
	}
	return len(removed) > 0
}
