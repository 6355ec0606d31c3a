package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/conformance"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/resultsdiff"
	"github.com/shopconform/shopconform/runner/shard"
)

// chooseCases decides which cases of the corpus this run runs: all of
// them, or its shard's share, split by the hash of each case id or
// balanced by an earlier run's durations. It answers the ids chosen
// (nil: every case) and the run's fingerprint.
func chooseCases(cfg runner.Config, opts runOptions) (map[string]bool, *results.Fingerprint, error) {
	var domains []catalog.Domain
	for _, d := range opts.domains {
		domains = append(domains, catalog.Domain(d))
	}
	ids := conformance.CaseIDs(cfg, domains, opts.selects)
	if !cfg.Sharded() {
		return nil, results.NewFingerprint(cfg.Redacted(), opts.domains, opts.labelFilter, opts.focus, "", ids, ids), nil
	}
	split, how := shard.ByHash(cfg.Shard.Total), "hash"
	if cfg.ShardDurations != "" {
		durations, digest, err := readDurations(cfg.ShardDurations)
		if err != nil {
			return nil, nil, err
		}
		split, how = shard.Balanced(ids, durations, cfg.Shard.Total), "durations "+digest
	}
	chosen := split.Select(cfg.Shard, ids)
	keep := make(map[string]bool, len(chosen))
	for _, id := range chosen {
		keep[id] = true
	}
	return keep, results.NewFingerprint(cfg.Redacted(), opts.domains, opts.labelFilter, opts.focus, how, ids, chosen), nil
}

// readDurations reads the durations of an earlier results.json (a whole
// run's or a merged one): each case that ran, by id. Skipped cases and
// cases without a duration are left out: they go by hash.
func readDurations(path string) (map[string]float64, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("shard durations (SHOPCONFORM_SHARD_DURATIONS or --shard-durations): %w", err)
	}
	rep, err := resultsdiff.Decode(path, data)
	if err != nil {
		return nil, "", fmt.Errorf("shard durations (SHOPCONFORM_SHARD_DURATIONS or --shard-durations) %s is not a usable results.json:\n  %s", path, strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	durations := map[string]float64{}
	for _, c := range rep.Cases {
		if c.Outcome != results.Skipped && c.DurationMS > 0 {
			durations[c.ID] = c.DurationMS
		}
	}
	sum := sha256.Sum256(data)
	return durations, "sha256:" + hex.EncodeToString(sum[:]), nil
}

// touchBazelStatus tells Bazel that this test runner shards: Bazel names
// a file to touch in TEST_SHARD_STATUS_FILE.
func touchBazelStatus(getenv func(string) (string, bool), stderr io.Writer) {
	path, ok := getenv(shard.BazelStatusEnv)
	if !ok || path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		err = f.Close()
	}
	if err == nil {
		now := time.Now()
		err = os.Chtimes(path, now, now)
	}
	if err != nil {
		fmt.Fprintf(stderr, "run: %s: %v\n", shard.BazelStatusEnv, err)
	}
}
