package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/cassette"
	"github.com/shopconform/shopconform/runner/results"
)

// recordCmd records, for every case, what the configured target answered
// into a cassette; --check records into a temporary folder and reports
// which committed cassettes would change (the nightly drift alarm).
func recordCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("record", stderr)
	runner.RegisterFlags(fs)
	out := fs.String("out", "", "where cassettes go (default: the cassettes folder of the fixtures, fixtures/cassettes in this checkout)")
	check := fs.Bool("check", false, "record into a temporary folder and report which cassettes would change; exit 1 if any would")
	only := fs.String("run", "", "comma-separated case ids to record (default: every case)")
	domains := fs.String("domains", "", "comma-separated domains to record (default: all)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	cfg, err := runner.LoadConfig(fs, os.LookupEnv)
	if err == nil && cfg.Target == runner.TargetReplay {
		err = errors.New("record needs a target that answers: reference or sandbox, not replay")
	}
	if err != nil {
		fmt.Fprintf(stderr, "record: %v\n", err)
		return exitUsage
	}
	cases, all, committed, code := recordPlan(cfg, *only, *domains, *out, stderr)
	if code != exitOK {
		return code
	}
	dir := committed
	if *check {
		if dir, err = os.MkdirTemp("", "shopconform-cassettes-"); err != nil {
			fmt.Fprintf(stderr, "record: %v\n", err)
			return exitFailures
		}
		defer os.RemoveAll(dir)
	}
	rec := &cassetteWriter{dir: dir, committed: committed, provenance: runner.TargetName(cfg), now: time.Now().UTC().Truncate(time.Second)}
	failed := recordCases(ctx, cfg, cases, rec, stderr)
	if *check {
		return reportDrift(stdout, rec, all, committed, failed)
	}
	fmt.Fprintf(stdout, "recorded %d cassettes in %s: %d changed, %d unchanged; %d cases not recorded\n",
		len(rec.written)+rec.unchanged, dir, len(rec.written), rec.unchanged, failed)
	if failed > 0 || rec.err != nil {
		return exitFailures
	}
	return exitOK
}

// recordPlan selects the cases (and returns all of them, to tell stale
// cassettes from unselected ones) and finds the committed cassettes folder.
func recordPlan(cfg runner.Config, only, domainList, out string, stderr io.Writer) (selected, all []*fixtures.Case, committed string, code int) {
	set, problems, code := loadCases(cfg.Fixtures, stderr)
	if code != exitOK {
		return nil, nil, "", code
	}
	if len(problems) > 0 {
		reportProblems(stderr, problems)
		return nil, nil, "", exitUsage
	}
	wanted, err := parseDomains(domainList)
	if err != nil {
		fmt.Fprintf(stderr, "record: %v\n", err)
		return nil, nil, "", exitUsage
	}
	ids := map[string]bool{}
	for _, id := range strings.Split(only, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids[id] = true
		}
	}
	unmatched := maps.Clone(ids)
	for _, c := range set.Cases {
		if slices.Contains(wanted, string(c.Domain)) && (len(ids) == 0 || ids[c.ID]) {
			selected = append(selected, c)
			delete(unmatched, c.ID)
		}
	}
	for id := range unmatched {
		fmt.Fprintf(stderr, "record: --run: no case %q\n", id)
		return nil, nil, "", exitUsage
	}
	if out == "" {
		out = filepath.Join(cfg.Fixtures, "cassettes")
		if cfg.Fixtures == "" {
			root, err := moduleRoot()
			if err != nil {
				fmt.Fprintf(stderr, "record: %v; or give --out\n", err)
				return nil, nil, "", exitUsage
			}
			out = filepath.Join(root, "fixtures", "cassettes")
		}
	}
	return selected, set.Cases, out, exitOK
}

// recordCases runs every case once with a recorder. On the reference
// target each case gets its own deterministic sandbox, so that a cassette
// depends on its case alone.
func recordCases(ctx context.Context, cfg runner.Config, cases []*fixtures.Case, rec *cassetteWriter, stderr io.Writer) (failed int) {
	var shared *runner.Runner
	if cfg.Target == runner.TargetSandbox {
		target, err := runner.OpenTarget(cfg)
		if err != nil {
			fmt.Fprintf(stderr, "record: %v\n", err)
			return len(cases)
		}
		defer target.Close()
		shared = runner.New(cfg, target, runner.NewRunID(), runner.WithRecorder(rec))
	}
	for _, c := range cases {
		r, done, err := recorderFor(cfg, rec, shared)
		if err != nil {
			fmt.Fprintf(stderr, "record: %v\n", err)
			return len(cases)
		}
		res := r.Execute(ctx, c)
		done()
		if !rec.has(c.ID) {
			failed++
			fmt.Fprintf(stderr, "record: %s not recorded (%s): %s\n", c.ID, res.Outcome, res.Reason)
		} else if res.Outcome != results.Pass {
			fmt.Fprintf(stderr, "record: %s recorded, but the case is %s there: %s\n", c.ID, res.Outcome, firstLine(res.Reason))
		}
	}
	return failed
}

func recorderFor(cfg runner.Config, rec *cassetteWriter, shared *runner.Runner) (*runner.Runner, func(), error) {
	if shared != nil {
		return shared, func() {}, nil
	}
	target, clock, err := runner.OpenDeterministicReference(cfg)
	if err != nil {
		return nil, nil, err
	}
	return runner.New(cfg, target, runner.NewRunID(), runner.WithRecorder(rec), runner.WithClock(clock)), target.Close, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// cassetteWriter turns recorded cases into cassette files. A cassette
// whose recording did not change keeps its recorded_at, so that
// re-recording an unchanged target leaves the files byte for byte alone.
type cassetteWriter struct {
	dir, committed string
	provenance     string
	now            time.Time

	recorded  map[string]bool
	written   []string // case ids whose cassette changed
	unchanged int
	err       error
}

func (w *cassetteWriter) has(id string) bool { return w.recorded[id] }

func (w *cassetteWriter) Record(c *fixtures.Case, _ cassette.Values, in []cassette.Interaction) {
	if len(in) == 0 {
		return // nothing answered: nothing to record
	}
	if w.recorded == nil {
		w.recorded = map[string]bool{}
	}
	w.recorded[c.ID] = true
	cas := &cassette.Cassette{Case: c.ID, Domain: string(c.Domain), RequestHash: c.RequestHash,
		Provenance: w.provenance, RecordedAt: w.now, Interactions: in}
	rel := filepath.Join(string(c.Domain), c.ID+".json")
	if old := readCassette(filepath.Join(w.committed, rel)); old != nil && cassette.SameRecording(old, cas) {
		cas.RecordedAt = old.RecordedAt
		w.unchanged++
	} else {
		w.written = append(w.written, c.ID)
	}
	data, err := cassette.Encode(cas)
	if err == nil {
		err = writeIfChanged(filepath.Join(w.dir, rel), data)
	}
	if err != nil && w.err == nil {
		w.err = err
	}
}

func readCassette(path string) *cassette.Cassette {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	c, err := cassette.Decode(data, path)
	if err != nil {
		return nil
	}
	return c
}

func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return results.WriteFileAtomic(path, data)
}

// reportDrift lists the cassettes a fresh recording would change, add or
// leave stale, and fails when there is any.
func reportDrift(w io.Writer, rec *cassetteWriter, cases []*fixtures.Case, committed string, failed int) int {
	known := map[string]bool{}
	for _, c := range cases {
		known[filepath.Join(string(c.Domain), c.ID+".json")] = true
	}
	var stale []string
	_ = filepath.WalkDir(committed, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			if rel, _ := filepath.Rel(committed, p); !known[rel] {
				stale = append(stale, rel)
			}
		}
		return nil
	})
	sort.Strings(rec.written)
	for _, id := range rec.written {
		fmt.Fprintf(w, "would change: %s\n", id)
	}
	for _, f := range stale {
		fmt.Fprintf(w, "stale (no such case): %s\n", f)
	}
	fmt.Fprintf(w, "record --check: %d would change, %d unchanged, %d stale, %d not recorded\n", len(rec.written), rec.unchanged, len(stale), failed)
	if len(rec.written) > 0 || failed > 0 || rec.err != nil {
		return exitFailures
	}
	return exitOK
}
