// Package fuzz derives invalid requests from every valid case and the API
// spec, sends them, and reports the answers the spec does not allow. A
// mutation breaks one rule of one request (a field, a rule, the body, the
// state it is sent in), runs as a case of its own (the valid case's given
// steps first), and knows from the spec which codes it may earn; only its
// own answer is judged. A finding is shrunk to the smallest request that
// still gets it.
//
// The campaign is deterministic for a seed against a deterministic
// target: mutations, their values and their order come from the seed,
// and the reference sandbox built by Reference shares one ticking clock
// with the runner.
package fuzz

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/fuzz/report"
	"github.com/shopconform/shopconform/runner"
)

// Report is fuzz.json.
type Report = report.Report

// Options configure a campaign. The zero value (plus a Target) is a
// campaign of one pass over every mutation of the built-in cases.
type Options struct {
	// Config is the run's configuration (runner.LoadConfig): without a
	// Target, its target, base URL and accounts name where requests go;
	// its timeouts, rate, retries and fixtures hold either way. Its own
	// budget is ignored: Budget is the campaign's. The zero value is
	// runner.DefaultConfig().
	Config runner.Config
	// Target, when set, is called in-process instead; the caller closes
	// it.
	Target *Target
	// Seed decides the mutations, their values and their order.
	Seed uint64
	// Budget is the most requests the campaign sends, every one counted
	// (given steps, tokens, minted accounts); 0 is one pass over every
	// mutation. With a budget, the passes after the first draw new
	// values until it is spent.
	Budget int
	// Fixtures are the cases to derive from; nil is Config's (its
	// fixtures folder, else the built-in cases).
	Fixtures *fixtures.Source
	// Operators limits the campaign to these (Operators()); nil is all.
	Operators []string
	// Progress receives a line every few seconds, and one per finding;
	// nil is silent.
	Progress io.Writer
	// EmitCases, when set, is a folder where each finding is written as a
	// case file (EmitCases/<domain>/<id>.json) that `shopconform lint`
	// reads: the valid case's given steps, the shrunk request, and the
	// code the spec gives it.
	EmitCases string
}

// Run runs a campaign. The report holds what finished even when the
// context ends or the target stops answering; the error then says why.
func Run(ctx context.Context, opts Options) (*Report, error) {
	c, err := newCampaign(opts)
	if err != nil {
		return nil, err
	}
	defer c.close()
	err = c.run(ctx)
	if errors.Is(err, errBudgetSpent) {
		err = nil
	}
	rep := c.report()
	if opts.EmitCases != "" {
		if eerr := c.emit(opts.EmitCases); eerr != nil {
			err = errors.Join(err, eerr)
		}
	}
	return rep, err
}

// campaign is one run of the fuzzer.
type campaign struct {
	opts      Options
	spec      *apispec.Spec
	runner    *runner.Runner
	newRunner func() *runner.Runner
	probes    int // sent by the current runner
	counter   *counter
	fresh     bool // every mutation on an account minted for it
	bases     []*base
	ops       []*operator
	allowed   map[string]map[catalog.Code]bool
	seq       int    // mutations made: names each one's case
	draws     uint64 // from the seed, with drawSeed
	judged    int
	covered   map[string]bool
	findings  []report.Finding
	found     map[string]bool
	emitted   []emitted
	close     func()
	target    string
	lastShown time.Time
}

func newCampaign(opts Options) (*campaign, error) {
	if opts.Config.Target == "" {
		opts.Config = runner.DefaultConfig()
	}
	spec, err := apispec.Default()
	if err != nil {
		return nil, err
	}
	ops, err := selectOperators(opts.Operators)
	if err != nil {
		return nil, err
	}
	src := fixtures.Embedded()
	switch {
	case opts.Fixtures != nil:
		src = *opts.Fixtures
	case opts.Config.Fixtures != "":
		src = fixtures.Dir(opts.Config.Fixtures)
	}
	bases, err := loadBases(src, spec)
	if err != nil {
		return nil, err
	}
	c := &campaign{opts: opts, spec: spec, bases: bases, ops: ops, allowed: map[string]map[catalog.Code]bool{},
		covered: map[string]bool{}, found: map[string]bool{}, close: func() {}}
	if err := c.open(); err != nil {
		return nil, err
	}
	c.plan()
	return c, nil
}

func selectOperators(names []string) ([]*operator, error) {
	if names == nil {
		return operators, nil
	}
	var out []*operator
	for _, n := range names {
		i := slices.IndexFunc(operators, func(op *operator) bool { return op.name == n })
		if i < 0 {
			return nil, fmt.Errorf("unknown operator %q (operators: %s)", n, strings.Join(Operators(), ", "))
		}
		out = append(out, operators[i])
	}
	return out, nil
}

// open builds the runner on the target, every request through the
// counter that enforces the budget.
func (c *campaign) open() error {
	cfg := c.opts.Config
	cfg.Budget = 0 // the counter below keeps the campaign's
	c.counter = &counter{budget: int64(c.opts.Budget)}
	var target *runner.Target
	now := time.Now
	if t := c.opts.Target; t != nil {
		c.counter.next = inProcess{t.Handler}
		// An in-process handler is a sandbox of the harness's own, as
		// the reference one is: deterministic, with every capability.
		target = &runner.Target{Name: runner.TargetReference, BaseURL: "http://in-process.invalid", Accounts: t.Accounts}
		c.target = cmp.Or(t.Name, "handler")
		if t.Now != nil {
			now = t.Now
		}
	} else {
		var err error
		if target, err = runner.OpenTarget(cfg); err != nil {
			return err
		}
		c.counter.next = http.DefaultTransport
		c.target = runner.TargetName(cfg)
		c.close = target.Close
	}
	target.Client = &http.Client{Transport: c.counter, Timeout: cfg.RequestTimeout}
	c.fresh = target.Accounts != nil && target.Accounts.Control != nil
	id := runID(c.opts.Seed)
	c.newRunner = func() *runner.Runner { return runner.New(cfg, target, id, runner.WithClock(now)) }
	c.runner = c.newRunner()
	return nil
}

// probesPerRunner bounds what one runner learns: every account minted for
// a mutation adds its secret and its token to the runner's redactor,
// whose cost grows with what it knows. A new runner knows the target's
// own accounts again; the accounts of earlier mutations are never used
// again, and what they sent was masked by the runner that sent it.
const probesPerRunner = 500

// runID is the campaign's run prefix ("sc" and ten hex digits, as every
// run's), from its seed.
func runID(seed uint64) string {
	key := seedKey("run", seed)
	return "sc" + hex.EncodeToString(key[:5])
}

// plan lists every mutation of every base: each operator at each site
// where it applies, in an order drawn from the seed.
func (c *campaign) plan() {
	for i, b := range c.bases {
		sites := sitesOf(b.ep)
		for _, op := range c.ops {
			var where []site
			switch op.on {
			case onField:
				where = slices.DeleteFunc(slices.Clone(sites), func(s site) bool { return s.field == nil })
			case onRule:
				where = slices.DeleteFunc(slices.Clone(sites), func(s site) bool { return s.rule == nil })
			default:
				where = []site{{}}
			}
			for _, s := range where {
				m := mutation{op: op, site: s}
				if _, ok := apply(b.ep, b.multipart, b.body, m, c.drawSeed(i)); ok {
					b.plan = append(b.plan, m)
				}
			}
		}
		rng := rand.New(rand.NewPCG(c.opts.Seed, uint64(i)))
		rng.Shuffle(len(b.plan), func(x, y int) { b.plan[x], b.plan[y] = b.plan[y], b.plan[x] })
	}
}

// drawSeed seeds the values of base i's mutations.
func (c *campaign) drawSeed(i int) uint64 {
	if c.draws == 0 {
		key := seedKey("draw", c.opts.Seed)
		c.draws = binary.BigEndian.Uint64(key[:8])
	}
	return c.draws ^ uint64(i)
}

// errStopped ends a campaign early; its text says why.
var errStopped = errors.New("the campaign stopped")

// run sends the first pass, every planned mutation once, the bases taken
// in turn so that a small budget still reaches every endpoint; then, with
// a budget, passes of new draws until it is spent.
func (c *campaign) run(ctx context.Context) error {
	for round := 0; ; round++ {
		progressed := false
		for i, b := range c.bases {
			if round >= len(b.plan) || b.dropped {
				continue
			}
			progressed = true
			if err := c.try(ctx, i, b.plan[round]); err != nil {
				return err
			}
		}
		if !progressed {
			break
		}
	}
	if c.opts.Budget == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(c.opts.Seed, 1<<63))
	for draw := uint64(1); ; draw++ {
		live := slices.DeleteFunc(slices.Clone(c.bases), func(b *base) bool { return b.dropped || len(b.plan) == 0 })
		if len(live) == 0 {
			return nil
		}
		b := live[rng.IntN(len(live))]
		m := b.plan[rng.IntN(len(b.plan))]
		m.draw = draw
		if err := c.try(ctx, slices.Index(c.bases, b), m); err != nil {
			return err
		}
	}
}

// try checks base i once, then sends one mutation and judges it. It
// returns an error only when the campaign must end.
func (c *campaign) try(ctx context.Context, i int, m mutation) error {
	b := c.bases[i]
	if !b.checked {
		b.checked = true
		if err := c.check(ctx, b); err != nil {
			return err
		}
		if b.dropped {
			return nil
		}
	}
	mu, ok := apply(b.ep, b.multipart, b.body, m, c.drawSeed(i))
	if !ok {
		return nil
	}
	p, err := c.send(ctx, b, m, mu)
	if err != nil || p == nil {
		return err
	}
	c.judged++
	c.covered[b.ep.Path] = true
	c.show(false)
	w := judge(*p, mu.expected, c.documented(b.ep))
	if w == nil {
		return nil
	}
	key := strings.Join([]string{b.ep.Path, m.op.name, string(w.kind), codeText(w.errcode), m.site.String()}, "|")
	if c.found[key] {
		return nil
	}
	c.found[key] = true
	return c.record(ctx, i, m, mu, *p, w)
}

func codeText(c *int) string {
	if c == nil {
		return "none"
	}
	return strconv.Itoa(*c)
}

func (c *campaign) documented(ep *apispec.Endpoint) map[catalog.Code]bool {
	if c.allowed[ep.Path] == nil {
		c.allowed[ep.Path] = documented(ep)
	}
	return c.allowed[ep.Path]
}

// check sends b's valid request as it is: a base whose request does not
// answer 0 here, or cannot run, is dropped, since its mutations would
// prove nothing.
func (c *campaign) check(ctx context.Context, b *base) error {
	p, err := c.send(ctx, b, mutation{}, mutated{body: b.body})
	if err != nil || p == nil {
		b.dropped = true
		return err
	}
	if code := envelope(*p); code == nil || *code != 0 || p.Fault != nil {
		b.dropped = true
		c.note("%s: its valid request answered %s here, so its mutations are not sent", b.c.ID, answerText(*p))
	}
	return nil
}

func answerText(p runner.Probed) string {
	if code := envelope(p); code != nil {
		return "errcode " + catalog.Default().Describe(catalog.Code(*code))
	}
	return faultText(p)
}

// send runs one mutation of b as a case; nil when it was not sent (its
// given steps failed, the budget has no room for it). The error ends the
// campaign.
func (c *campaign) send(ctx context.Context, b *base, m mutation, mu mutated) (*runner.Probed, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if left := c.counter.left(); left >= 0 && c.cost(b, mu) > left {
		return nil, errBudgetSpent
	}
	c.seq++
	name := "the valid request"
	if m.op != nil {
		name = m.op.name + " on " + m.site.String()
	}
	f := b.caseOf(fmt.Sprintf("fuzz-%d", c.seq), fmt.Sprintf("%s of %s, from %s", name, b.ep.Path, b.c.ID), mu, c.fresh)
	tc, _, err := load(b.c.Domain, f)
	if err != nil { // the fuzzer's own mistake: said, and not sent
		c.note("%s of %s (%s) not sent: %v", name, b.ep.Path, b.c.ID, err)
		return nil, nil
	}
	if c.probes++; c.probes > probesPerRunner {
		c.runner, c.probes = c.newRunner(), 1
	}
	p := c.runner.Probe(ctx, tc)
	switch {
	case p.NotRun != "" && p.Stop:
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %s", errStopped, p.NotRun)
	case p.NotRun != "":
		if c.counter.left() == 0 {
			return nil, errBudgetSpent
		}
		return nil, nil
	}
	return &p, nil
}

// errBudgetSpent ends a campaign that used its budget: a normal end.
var errBudgetSpent = errors.New("budget spent")

// cost is how many requests one mutation of b takes at most: a minted
// account and its token, the given steps, the request, the cleanup.
func (c *campaign) cost(b *base, mu mutated) int {
	n := len(b.c.Given) + 1
	if mu.repeat {
		n++
	}
	if c.fresh || b.c.FreshAccount {
		n += 2
	} else {
		n += len(b.c.Cleanup)
	}
	return n
}

// record shrinks a new finding and keeps it.
func (c *campaign) record(ctx context.Context, i int, m mutation, mu mutated, p runner.Probed, w *wrong) error {
	b := c.bases[i]
	whole := mu
	mu, p = c.shrink(ctx, i, m, mu, p, w)
	red := c.runner.Redactor()
	f := report.Finding{
		Endpoint: b.ep.Path, Operator: m.op.name, Kind: w.kind, Errcode: w.errcode,
		Expected: codesOf(mu.expected), Request: requestOf(p, red.String), Curl: c.runner.Curl(p),
		Field: m.site.String(), Case: b.c.ID, Detail: red.String(w.detail),
	}
	c.findings = append(c.findings, f)
	c.emitted = append(c.emitted, emitted{base: b, mu: whole, finding: f})
	c.note("finding: %s %s on %s: %s (%s)", f.Endpoint, f.Operator, f.Field, f.Kind, f.Detail)
	if errors.Is(ctx.Err(), context.Canceled) {
		return ctx.Err()
	}
	return nil
}

func codesOf(codes []catalog.Code) []int {
	out := make([]int, len(codes))
	for i, c := range codes {
		out[i] = int(c)
	}
	return out
}

// requestOf is the request as sent, its body as JSON when it is, its
// secrets masked.
func requestOf(p runner.Probed, redact func(string) string) report.Request {
	r := report.Request{Method: p.Method, Endpoint: p.Endpoint, ContentType: p.ContentType}
	text := redact(string(p.Body))
	if json.Valid([]byte(text)) && strings.HasPrefix(strings.TrimSpace(text), "{") {
		r.Body = json.RawMessage(text)
	} else {
		r.RawBody = &text
	}
	return r
}

// report is fuzz.json as it stands.
func (c *campaign) report() *Report {
	r := &Report{SchemaVersion: report.SchemaVersion, Target: c.target, Seed: c.opts.Seed, Requests: c.counter.count(),
		Endpoints: []string{}, Operators: []string{}, Findings: c.findings}
	for p := range c.covered {
		r.Endpoints = append(r.Endpoints, p)
	}
	slices.Sort(r.Endpoints)
	for _, op := range c.ops {
		r.Operators = append(r.Operators, op.name)
	}
	if r.Findings == nil {
		r.Findings = []report.Finding{}
	}
	c.show(true)
	return r
}
