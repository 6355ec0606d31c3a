// Package conformance turns the cases of one domain into a Ginkgo suite:
// one entry per case, one failing spec per malformed fixture, one pending
// spec per documented code without a case. Suites call RunDomain and
// nothing else.
package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/progress"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/runstate"
)

// PartsDirEnv is set by `shopconform run` to the folder where each suite
// leaves its part of the results; without it, suites write nothing.
const PartsDirEnv = "SHOPCONFORM_PARTS_DIR"

// resultEntry names the report entry that carries a case's record from
// the process that ran it to the one that writes the part.
const resultEntry = "shopconform.result"

// plan is everything decided at tree-construction time, before any spec.
type plan struct {
	domain   catalog.Domain
	cfg      runner.Config
	cfgErr   error
	cases    []*fixtures.Case
	problems []fixtures.Problem
	pending  []catalog.Entry
	progress *progress.Log
}

// RunDomain runs the suite of one domain. Call it from the domain's only
// test function (go test, the ginkgo CLI).
func RunDomain(t *testing.T, domain catalog.Domain) {
	RegisterFailHandler(Fail)
	cfg, cfgErr := runner.LoadConfig(nil, os.LookupEnv)
	corpus := loadCorpus(cfg)
	p := corpus.plan(domain, cfg, cfgErr, nil)
	p.progress, _ = progress.Open(os.Getenv(runner.RunStateEnv)) // progress is a courtesy
	h := &harness{plans: []*plan{p}, cfg: cfg, cfgErr: cfgErr, stateDir: os.Getenv(runner.RunStateEnv), runID: os.Getenv(runner.RunIDEnv)}
	BeforeSuite(h.open)
	AfterSuite(h.close)
	ReportBeforeSuite(p.planned)
	ReportAfterSuite("shopconform results part", func(r Report) {
		if dir := os.Getenv(PartsDirEnv); dir != "" {
			if err := results.WritePart(dir, p.part(r)); err != nil {
				fmt.Fprintf(os.Stderr, "shopconform: writing the %s results part: %v\n", p.domain, err)
			}
		}
	})
	Describe(string(domain), Label("domain:"+string(domain)), p.describe(h))
	RunSpecs(t, "shopconform "+string(domain))
}

// corpus is the loaded cases, shared by the plans of one process.
type corpus struct {
	set      *fixtures.Set
	problems []fixtures.Problem
}

func loadCorpus(cfg runner.Config) corpus {
	src := fixtures.Embedded()
	if cfg.Fixtures != "" {
		src = fixtures.Dir(cfg.Fixtures)
	}
	set, problems := fixtures.Load(src, catalog.Default())
	return corpus{set: set, problems: problems}
}

// plan makes the plan of one domain: the cases select keeps (nil: all)
// and the domain's malformed files and uncovered codes.
func (c corpus) plan(domain catalog.Domain, cfg runner.Config, cfgErr error, keep func(*fixtures.Case) bool) *plan {
	p := &plan{domain: domain, cfg: cfg, cfgErr: cfgErr}
	for _, cs := range c.set.InDomain(domain) {
		if keep == nil || keep(cs) {
			p.cases = append(p.cases, cs)
		}
	}
	for _, pr := range c.problems {
		// A file outside every domain folder is shown by the universal suite.
		if pr.Domain == domain || pr.Domain == "" && domain == catalog.Universal {
			p.problems = append(p.problems, pr)
		}
	}
	p.pending = c.set.Uncovered(catalog.Default(), domain)
	return p
}

// maxTable bounds a table's entries: Ginkgo's spec generation is quadratic
// in a container's size (30 000 entries in one table take seconds to build,
// chunks of 500 a fraction of that).
const maxTable = 500

// describe builds the tree: one table per endpoint, chunked, keeps every
// container small.
func (p *plan) describe(h *harness) func() {
	return func() {
		if p.cfgErr != nil {
			It("has a valid configuration", Label("configuration"), func() { Fail("configuration: " + p.cfgErr.Error()) })
			return
		}
		for _, group := range byEndpoint(p.cases) {
			for chunk := range slices.Chunk(group, maxTable) {
				DescribeTable(group[0].Endpoint, p.runCase(h), entries(chunk, p.cfg.CaseTimeout))
			}
		}
		for _, pr := range p.problems {
			It("fixture is well-formed: "+pr.File, Label("malformed-fixture"),
				types.CodeLocation{FileName: pr.File, LineNumber: max(pr.Line, 1)},
				func() { Fail(pr.Error()) })
		}
		for _, e := range p.pending {
			PIt(fmt.Sprintf("errcode %d: no case for errcode %d yet", e.Code, e.Code),
				Label("pending", fmt.Sprintf("errcode:%d", e.Code)))
		}
	}
}

func byEndpoint(cases []*fixtures.Case) [][]*fixtures.Case {
	var groups [][]*fixtures.Case
	index := map[string]int{}
	for _, c := range cases {
		i, ok := index[c.Endpoint]
		if !ok {
			i = len(groups)
			index[c.Endpoint] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], c)
	}
	return groups
}

func entries(cases []*fixtures.Case, timeout time.Duration) []TableEntry {
	out := make([]TableEntry, 0, len(cases))
	for _, c := range cases {
		out = append(out, Entry(entryText(c), Labels(caseLabels(c)), types.CodeLocation{FileName: c.File, LineNumber: 1}, SpecTimeout(timeout), c))
	}
	return out
}

// entryText is a case's spec text: what --focus matches, with the
// domain's and endpoint's container texts before it.
func entryText(c *fixtures.Case) string {
	return fmt.Sprintf("%s → errcode %d", c.ID, c.Expect.Errcode)
}

// caseLabels are a case's Ginkgo labels (the domain's container adds
// domain:<d> too).
func caseLabels(c *fixtures.Case) []string {
	labels := []string{
		"domain:" + string(c.Domain),
		fmt.Sprintf("errcode:%d", c.Expect.Errcode),
		"endpoint:" + endpointLabel(c.Endpoint),
		"account:" + c.Account,
		"evidence:" + string(c.Evidence),
	}
	return append(labels, c.Labels...)
}

// endpointLabel makes a path usable as a Ginkgo label, which may not hold
// '/': /shop/spu/add becomes shop.spu.add.
func endpointLabel(endpoint string) string {
	return strings.ReplaceAll(strings.Trim(endpoint, "/"), "/", ".")
}

// harness is the per-process state: the target, the runner, and where
// the run's shared state lives (a folder shared by the processes of one
// run, or "" for a process that owns its run alone).
type harness struct {
	ctx      context.Context // the run's, when it may be interrupted from outside Ginkgo
	plans    []*plan
	cfg      runner.Config
	cfgErr   error
	stateDir string
	runID    string
	target   *runner.Target
	run      *runner.Runner
	openErr  error
}

// planned tells the run, once per suite, how many cases will run.
func (p *plan) planned(r Report) {
	p.progress.Plan(string(p.domain), r.PreRunStats.SpecsThatWillRun)
}

func (h *harness) open() {
	if h.cfgErr != nil {
		return
	}
	h.target, h.openErr = runner.OpenTarget(h.cfg)
	if h.openErr != nil {
		return
	}
	runID := h.runID
	if runID == "" {
		runID = runner.NewRunID()
	}
	// Shared with every process of the run when there are several;
	// process-local, with no file and no lock, otherwise.
	st, err := runstate.Open(h.stateDir)
	if err != nil {
		h.openErr = fmt.Errorf("run state: %w", err)
		return
	}
	h.run = runner.New(h.cfg, h.target, runID, runner.WithState(st))
}

func (h *harness) close() {
	if h.target != nil {
		h.target.Close()
	}
}

// runCase is every entry's body: run, record, then assert or skip by the
// outcome the runner decided.
func (p *plan) runCase(h *harness) func(ctx SpecContext, c *fixtures.Case) {
	return func(ctx SpecContext, c *fixtures.Case) { h.runCase(ctx, p.progress, c) }
}

func (h *harness) runCase(spec SpecContext, log *progress.Log, c *fixtures.Case) {
	if h.openErr != nil {
		rec := failedToOpen(c, h.openErr)
		AddReportEntry(resultEntry, recordJSON(rec), ReportEntryVisibilityNever)
		Fail(rec.Reason)
	}
	// The run's own context (an in-process run that is interrupted) ends
	// the case as Ginkgo's deadline does; a case not started yet does not
	// start.
	ctx := context.Context(spec)
	if h.ctx != nil {
		if h.ctx.Err() != nil {
			Fail("interrupted: the run stopped before this case")
		}
		var stop context.CancelFunc
		ctx, stop = context.WithCancel(spec)
		defer context.AfterFunc(h.ctx, stop)()
		defer stop()
	}
	log.Start(string(c.Domain), c.ID)
	res := h.run.Execute(ctx, c)
	log.Done(string(c.Domain), c.ID, string(res.Outcome))
	for _, n := range res.Notes {
		GinkgoWriter.Println(n)
	}
	if res.Flaky {
		GinkgoWriter.Printf("FLAKY: passed only after a retry (%d attempts)\n", res.Attempts)
	}
	AddReportEntry(resultEntry, recordJSON(res.Record()), ReportEntryVisibilityNever)
	switch res.Outcome {
	case results.Skipped:
		Skip(res.Reason)
	case results.Inconclusive:
		// No verdict either way, and so no pass: the run fails unless an
		// expectation allows it (README, "Expectations").
		Fail("INCONCLUSIVE: " + res.Reason)
	case results.Error:
		Fail("ERROR: " + res.Reason)
	default:
		Expect(res).To(res.Assertion(), "case %s (%s)", c.ID, c.File)
	}
}

func failedToOpen(c *fixtures.Case, err error) results.Case {
	return results.Case{
		ID: c.ID, Domain: string(c.Domain), Endpoint: c.Endpoint, Summary: c.Summary, Account: c.Account,
		Evidence: string(c.Evidence), Labels: c.Labels, ExpectedErrcode: int(c.Expect.Errcode),
		Outcome: results.Error, Reason: "the target could not be opened: " + err.Error(), Fixture: c.File,
	}
}

func recordJSON(c results.Case) string {
	data, _ := json.Marshal(c)
	return string(data)
}
