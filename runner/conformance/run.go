package conformance

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/extensions/globals"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/progress"
	"github.com/shopconform/shopconform/runner/results"
)

// Options of Run.
type Options struct {
	// Context interrupts the run: the case under way ends, the others do
	// not start, and Run answers the parts of what finished.
	Context context.Context
	Config  runner.Config
	Domains []catalog.Domain
	// Keep selects this process's share of the cases (a shard); nil keeps
	// every case.
	Keep func(*fixtures.Case) bool
	// OmitCorpusFindings leaves out the pending codes and the malformed
	// fixtures, which belong to the corpus rather than to a case: every
	// shard of a run but the first, so that they are reported once.
	OmitCorpusFindings bool
	// Suite and Reporter are Ginkgo's: label filter, focus, timeouts.
	Suite    types.SuiteConfig
	Reporter types.ReporterConfig
	// Output gets Ginkgo's own console output.
	Output io.Writer
	// StateDir is the run's private folder: the progress events go there,
	// and, when Shared, the state several processes of one run share
	// (tokens, pacing, budget, breaker). Without Shared the state stays in
	// this process: no file, no lock per request.
	StateDir string
	Shared   bool
	RunID    string
}

// Run runs the suites of opts.Domains in this process, as one Ginkgo
// suite with one container per domain, and answers each domain's part of
// the results. It is what `shopconform run` does, so the built binary
// needs no compiler and no source tree: the cases are embedded. It may be
// called again in the same process (not concurrently: Ginkgo's state is
// global).
func Run(opts Options) map[string]results.Part {
	globals.Reset()
	defer redirectGinkgo(opts.Output)()
	cfg := opts.Config
	corpus := loadCorpus(cfg)
	log, _ := progress.Open(opts.StateDir) // progress is a courtesy: a run goes on without it
	h := &harness{ctx: opts.Context, cfg: cfg, runID: opts.RunID}
	if opts.Shared {
		h.stateDir = opts.StateDir
	}
	RegisterFailHandler(Fail)
	// The run selects its cases itself, with the filters Ginkgo would
	// apply, so that its plans, its progress and its reports hold the
	// selected cases only; Ginkgo then runs every spec it is given.
	selects, _ := Selector(opts.Suite) // the filters were checked before
	keep := func(c *fixtures.Case) bool { return (opts.Keep == nil || opts.Keep(c)) && selects(c) }
	suite := opts.Suite
	suite.LabelFilter, suite.FocusStrings, suite.SkipStrings = "", nil, nil
	for _, d := range opts.Domains {
		p := corpus.plan(d, cfg, nil, keep)
		if opts.OmitCorpusFindings {
			p.problems, p.pending = nil, nil
		}
		p.progress = log
		h.plans = append(h.plans, p)
		log.Plan(string(d), len(p.cases))
		Describe(string(d), Label("domain:"+string(d)), p.describe(h))
	}
	BeforeSuite(h.open)
	AfterSuite(h.close)
	parts := map[string]results.Part{}
	ReportAfterSuite("shopconform results", func(r Report) {
		for _, p := range h.plans {
			parts[string(p.domain)] = p.part(r)
		}
	})
	RunSpecs(&testingT{}, "shopconform", suite, opts.Reporter)
	return parts
}

// CaseIDs lists the ids of the cases of domains that a run with cfg
// loads (the built-in cases, or cfg.Fixtures) and keep selects (nil: all),
// in the corpus's order: what a run splits into shards.
func CaseIDs(cfg runner.Config, domains []catalog.Domain, keep func(*fixtures.Case) bool) []string {
	set := loadCorpus(cfg).set
	ids := []string{}
	for _, d := range domains {
		for _, c := range set.InDomain(d) {
			if keep == nil || keep(c) {
				ids = append(ids, c.ID)
			}
		}
	}
	return ids
}

// CorpusProblems are the fixture files of the corpus a run with cfg
// loads that could not be read as a case.
func CorpusProblems(cfg runner.Config) []results.Problem {
	return problemRecords(loadCorpus(cfg).problems)
}

// testingT stands in for *testing.T outside a test binary; the verdict is
// in the parts, not in it.
type testingT struct{}

func (*testingT) Fail() {}

// redirectGinkgo sends Ginkgo's console output to w until the returned
// function restores it.
func redirectGinkgo(w io.Writer) func() {
	if w == nil {
		w = io.Discard
	}
	out, errw := formatter.ColorableStdOut, formatter.ColorableStdErr
	formatter.ColorableStdOut, formatter.ColorableStdErr = w, w
	return func() { formatter.ColorableStdOut, formatter.ColorableStdErr = out, errw }
}

// Selector is a run's label filter and focus and skip expressions as one
// test of a case, matching as Ginkgo does: labels against the case's
// labels and its domain's, expressions against the spec text (the
// container texts and the entry's, joined by spaces). Its error names the
// flag whose value Ginkgo would not accept, before any suite starts
// (Ginkgo itself would stop the whole process on it).
func Selector(suite types.SuiteConfig) (func(*fixtures.Case) bool, error) {
	var labels types.LabelFilter
	if suite.LabelFilter != "" {
		var err error
		if labels, err = types.ParseLabelFilter(suite.LabelFilter); err != nil {
			return nil, fmt.Errorf("--label-filter %q: %v", suite.LabelFilter, err)
		}
	}
	expression := func(flag string, exps []string) (*regexp.Regexp, error) {
		if len(exps) == 0 {
			return nil, nil
		}
		re, err := regexp.Compile(strings.Join(exps, "|"))
		if err != nil {
			return nil, fmt.Errorf("%s %q is not a regular expression: %v", flag, strings.Join(exps, "|"), err)
		}
		return re, nil
	}
	focus, err := expression("--focus", suite.FocusStrings)
	if err != nil {
		return nil, err
	}
	skip, err := expression("--skip", suite.SkipStrings)
	if err != nil {
		return nil, err
	}
	return func(c *fixtures.Case) bool {
		text := string(c.Domain) + " " + c.Endpoint + " " + entryText(c)
		switch {
		case labels != nil && !labels(caseLabels(c)):
			return false
		case focus != nil && !focus.MatchString(text):
			return false
		case skip != nil && skip.MatchString(text):
			return false
		}
		return true
	}, nil
}
