// Package conformance turns the cases of one domain into a Ginkgo suite:
// one entry per case, one failing spec per malformed fixture, one pending
// spec per documented code without a case. Suites call RunDomain and
// nothing else.
package conformance

import (
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
}

// RunDomain runs the suite of one domain. Call it from the domain's only
// test function.
func RunDomain(t *testing.T, domain catalog.Domain) {
	RegisterFailHandler(Fail)
	p := newPlan(domain)
	h := &harness{plan: p}
	BeforeSuite(h.open)
	AfterSuite(h.close)
	ReportBeforeSuite(p.plan)
	ReportAfterSuite("shopconform results part", p.writePart)
	Describe(string(domain), Label("domain:"+string(domain)), p.describe(h))
	RunSpecs(t, "shopconform "+string(domain))
}

func newPlan(domain catalog.Domain) *plan {
	p := &plan{domain: domain}
	p.cfg, p.cfgErr = runner.LoadConfig(nil, os.LookupEnv)
	src := fixtures.Embedded()
	if p.cfg.Fixtures != "" {
		src = fixtures.Dir(p.cfg.Fixtures)
	}
	set, problems := fixtures.Load(src, catalog.Default())
	p.cases = set.InDomain(domain)
	for _, pr := range problems {
		// A file outside every domain folder is shown by the universal suite.
		if pr.Domain == domain || pr.Domain == "" && domain == catalog.Universal {
			p.problems = append(p.problems, pr)
		}
	}
	p.pending = set.Uncovered(catalog.Default(), domain)
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
				DescribeTable(group[0].Endpoint, h.runCase, entries(chunk, p.cfg.CaseTimeout))
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
		labels := Labels{
			"domain:" + string(c.Domain),
			fmt.Sprintf("errcode:%d", c.Expect.Errcode),
			"endpoint:" + endpointLabel(c.Endpoint),
			"account:" + c.Account,
			"evidence:" + string(c.Evidence),
		}
		labels = append(labels, c.Labels...)
		out = append(out, Entry(fmt.Sprintf("%s → errcode %d", c.ID, c.Expect.Errcode),
			labels, types.CodeLocation{FileName: c.File, LineNumber: 1}, SpecTimeout(timeout), c))
	}
	return out
}

// endpointLabel makes a path usable as a Ginkgo label, which may not hold
// '/': /shop/spu/add becomes shop.spu.add.
func endpointLabel(endpoint string) string {
	return strings.ReplaceAll(strings.Trim(endpoint, "/"), "/", ".")
}

// harness is the per-process state: the target, the runner and the
// progress log `shopconform run` draws its progress line from.
type harness struct {
	plan     *plan
	target   *runner.Target
	run      *runner.Runner
	progress *progress.Log
	openErr  error
}

// plan tells the run, once per suite, how many cases will run.
func (p *plan) plan(r Report) {
	if log, err := progress.Open(os.Getenv(runner.RunStateEnv)); err == nil {
		log.Plan(string(p.domain), r.PreRunStats.SpecsThatWillRun)
	}
}

func (h *harness) open() {
	if h.plan.cfgErr != nil {
		return
	}
	h.target, h.openErr = runner.OpenTarget(h.plan.cfg)
	if h.openErr != nil {
		return
	}
	runID, _ := os.LookupEnv(runner.RunIDEnv)
	if runID == "" {
		runID = runner.NewRunID()
	}
	// Shared with every process of the run when `shopconform run` made a
	// state folder; process-local under plain go test.
	st, err := runstate.Open(os.Getenv(runner.RunStateEnv))
	if err != nil {
		h.openErr = fmt.Errorf("run state: %w", err)
		return
	}
	h.progress, _ = progress.Open(os.Getenv(runner.RunStateEnv)) // progress is a courtesy: a run goes on without it
	h.run = runner.New(h.plan.cfg, h.target, runID, runner.WithState(st))
}

func (h *harness) close() {
	if h.target != nil {
		h.target.Close()
	}
}

// runCase is every entry's body: run, record, then assert or skip by the
// outcome the runner decided.
func (h *harness) runCase(ctx SpecContext, c *fixtures.Case) {
	if h.openErr != nil {
		rec := failedToOpen(c, h.openErr)
		AddReportEntry(resultEntry, recordJSON(rec), ReportEntryVisibilityNever)
		Fail(rec.Reason)
	}
	h.progress.Start(string(c.Domain), c.ID)
	res := h.run.Execute(ctx, c)
	h.progress.Done(string(c.Domain), c.ID, string(res.Outcome))
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
		Skip("INCONCLUSIVE: " + res.Reason)
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
