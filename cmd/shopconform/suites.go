package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/conformance"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/shard"
)

// suiteJob is what `run` asks of the suites: which domains and cases, on
// which configuration, with Ginkgo's output going to out.
type suiteJob struct {
	cfg      runner.Config
	opts     runOptions
	stateDir string
	runID    string
	out      io.Writer
	color    bool
}

// ginkgo is the job's Ginkgo configuration: one process, the run's
// filters, and a suite timeout past any case's.
func (j suiteJob) ginkgo() (types.SuiteConfig, types.ReporterConfig) {
	reporter := types.NewDefaultReporterConfig()
	reporter.NoColor = !j.color
	return j.opts.suiteConfig(), reporter
}

// suiteConfig is Ginkgo's configuration with the run's filters.
func (o runOptions) suiteConfig() types.SuiteConfig {
	suite := types.NewDefaultSuiteConfig()
	suite.LabelFilter = o.labelFilter
	if o.focus != "" {
		suite.FocusStrings = []string{o.focus}
	}
	return suite
}

// inProcess runs this process's share of the cases here: the whole run
// (the default, with the run's state kept in this process), or one of
// several processes (shared, through the state folder).
func (j suiteJob) inProcess(ctx context.Context, part shard.Shard, shared bool) map[string]results.Part {
	suite, reporter := j.ginkgo()
	var domains []catalog.Domain
	for _, d := range j.opts.domains {
		domains = append(domains, catalog.Domain(d))
	}
	keep := func(c *fixtures.Case) bool {
		return (j.opts.selected == nil || j.opts.selected[c.ID]) && part.HasWithin(c.ID)
	}
	return conformance.Run(conformance.Options{
		Context: ctx, Config: j.cfg, Domains: domains, Suite: suite, Reporter: reporter, Output: j.out,
		Keep: keep, OmitCorpusFindings: j.opts.omitCorpusFindings,
		StateDir: j.stateDir, Shared: shared, RunID: j.runID,
	})
}

// selectedFile is where a sharded run with --procs leaves its children
// the ids of its cases, one per line.
const selectedFile = "selected.txt"

// procsVerb is the hidden verb a run with --procs N starts N times: each
// child runs a deterministic 1/N of the cases and leaves its parts in the
// folder the parent names.
const procsVerb = "__proc"

// inProcesses runs the cases in opts.procs child processes of this
// binary, which share the run's state (tokens, pacing, budget) through the
// state folder, and merges what they report. An interrupt reaches them
// through their process group, so they report what finished.
func (j suiteJob) inProcesses(ctx context.Context) (map[string]results.Part, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	n := j.opts.procs
	if j.opts.selected != nil {
		ids := slices.Sorted(maps.Keys(j.opts.selected))
		if err := os.WriteFile(filepath.Join(j.stateDir, selectedFile), []byte(strings.Join(ids, "\n")+"\n"), 0o600); err != nil {
			return nil, err
		}
	}
	cmds := make([]*exec.Cmd, n)
	for i := range n {
		args := []string{procsVerb, "--proc", shard.Shard{Index: i + 1, Total: n}.String(),
			"--domains", strings.Join(j.opts.domains, ","), "--label-filter", j.opts.labelFilter, "--focus", j.opts.focus}
		if j.opts.selected != nil {
			args = append(args, "--selected", filepath.Join(j.stateDir, selectedFile))
		}
		if j.opts.omitCorpusFindings {
			args = append(args, "--omit-corpus-findings")
		}
		cmd := exec.Command(exe, args...)
		cmd.Stdout, cmd.Stderr = j.out, j.out
		cmd.Env = append(os.Environ(), j.cfg.Environ()...)
		cmd.Env = append(cmd.Env, runner.RunIDEnv+"="+j.runID, runner.RunStateEnv+"="+j.stateDir,
			conformance.PartsDirEnv+"="+filepath.Join(j.stateDir, "parts", strconv.Itoa(i+1)))
		setProcessGroup(cmd)
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		cmds[i] = cmd
	}
	var wg sync.WaitGroup
	for _, cmd := range cmds {
		wg.Go(func() { _ = cmd.Wait() })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		for _, cmd := range cmds {
			interruptGroup(cmd)
		}
		<-done
	}
	parts := map[string]results.Part{}
	for _, d := range j.opts.domains {
		var got []results.Part
		for i := range n {
			p, ok, err := results.ReadPart(filepath.Join(j.stateDir, "parts", strconv.Itoa(i+1)), d)
			if err != nil {
				return nil, err
			}
			if ok {
				got = append(got, p)
			}
		}
		if len(got) == n { // a domain one process did not report is incomplete
			parts[d] = results.MergeParts(got)
		}
	}
	return parts, nil
}

// procCmd is one child of a run with --procs: its share of the cases, in
// this process, with the run's state shared through the folder the parent
// made. Its parts go where the parent said; the parent writes the
// reports.
func procCmd(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := newFlagSet(procsVerb, stderr)
	proc := fs.String("proc", "", "I/N")
	domains := fs.String("domains", "", "")
	labelFilter := fs.String("label-filter", "", "")
	focus := fs.String("focus", "", "")
	selectedPath := fs.String("selected", "", "")
	omitCorpusFindings := fs.Bool("omit-corpus-findings", false, "")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	part, err := shard.Parse(*proc)
	var selected map[string]bool
	if err == nil && *selectedPath != "" {
		var data []byte
		data, err = os.ReadFile(*selectedPath)
		selected = map[string]bool{}
		for id := range strings.FieldsSeq(string(data)) {
			selected[id] = true
		}
	}
	if err == nil && os.Getenv(conformance.PartsDirEnv) == "" {
		err = fmt.Errorf("%s names no parts folder", conformance.PartsDirEnv)
	}
	cfg, cfgErr := runner.LoadConfig(nil, os.LookupEnv)
	if err == nil {
		err = cfgErr
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", procsVerb, err)
		return exitUsage
	}
	job := suiteJob{cfg: cfg, stateDir: os.Getenv(runner.RunStateEnv), runID: os.Getenv(runner.RunIDEnv), out: os.Stdout,
		opts: runOptions{domains: strings.Split(*domains, ","), labelFilter: *labelFilter, focus: *focus,
			selected: selected, omitCorpusFindings: *omitCorpusFindings}}
	for d, p := range job.inProcess(ctx, part, true) {
		if err := results.WritePart(os.Getenv(conformance.PartsDirEnv), p); err != nil {
			fmt.Fprintf(stderr, "%s: the %s part: %v\n", procsVerb, d, err)
			return exitFailures
		}
	}
	return exitOK
}
