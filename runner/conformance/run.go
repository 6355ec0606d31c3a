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
	for _, d := range opts.Domains {
		p := corpus.plan(d, cfg, nil, opts.Keep)
		if opts.OmitCorpusFindings {
			p.problems, p.pending = nil, nil
		}
		p.progress = log
		h.plans = append(h.plans, p)
		n, _ := selected(p, opts.Suite) // the configuration was checked before
		log.Plan(string(d), n)
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
	RunSpecs(&testingT{}, "shopconform", opts.Suite, opts.Reporter)
	return parts
}

// CaseIDs lists the ids of the cases of domains that a run with cfg
// loads (the built-in cases, or cfg.Fixtures), in the corpus's order:
// what a run splits into shards.
func CaseIDs(cfg runner.Config, domains []catalog.Domain) []string {
	set := loadCorpus(cfg).set
	ids := []string{}
	for _, d := range domains {
		for _, c := range set.InDomain(d) {
			ids = append(ids, c.ID)
		}
	}
	return ids
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

// CheckSelection reports a label filter or a focus or skip expression
// Ginkgo would not accept, before any suite starts (Ginkgo itself would
// stop the whole process on it).
func CheckSelection(suite types.SuiteConfig) error {
	if suite.LabelFilter != "" {
		if _, err := types.ParseLabelFilter(suite.LabelFilter); err != nil {
			return fmt.Errorf("--label-filter %q: %v", suite.LabelFilter, err)
		}
	}
	for _, flag := range []struct {
		name string
		exps []string
	}{{"--focus", suite.FocusStrings}, {"--skip", suite.SkipStrings}} {
		if len(flag.exps) == 0 {
			continue
		}
		if _, err := regexp.Compile(strings.Join(flag.exps, "|")); err != nil {
			return fmt.Errorf("%s %q is not a regular expression: %v", flag.name, strings.Join(flag.exps, "|"), err)
		}
	}
	return nil
}

// selected counts the plan's cases the suite's label filter and focus
// select, as Ginkgo will (its spec text is the container texts and the
// entry's, joined by spaces), for the progress line.
func selected(p *plan, suite types.SuiteConfig) (int, error) {
	if err := CheckSelection(suite); err != nil {
		return 0, err
	}
	var labels types.LabelFilter
	if suite.LabelFilter != "" {
		labels, _ = types.ParseLabelFilter(suite.LabelFilter)
	}
	var focus, skip *regexp.Regexp
	if len(suite.FocusStrings) > 0 {
		focus = regexp.MustCompile(strings.Join(suite.FocusStrings, "|"))
	}
	if len(suite.SkipStrings) > 0 {
		skip = regexp.MustCompile(strings.Join(suite.SkipStrings, "|"))
	}
	n := 0
	for _, c := range p.cases {
		text := string(p.domain) + " " + c.Endpoint + " " + entryText(c)
		switch {
		case labels != nil && !labels(append([]string{"domain:" + string(p.domain)}, caseLabels(c)...)):
		case focus != nil && !focus.MatchString(text):
		case skip != nil && skip.MatchString(text):
		default:
			n++
		}
	}
	return n, nil
}
