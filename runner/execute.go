package runner

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/internal/version"
	"github.com/shopconform/shopconform/matchers"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/cassette"
	"github.com/shopconform/shopconform/runner/redact"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/runstate"
)

// Runner executes cases against one target. It is safe for concurrent use.
type Runner struct {
	cfg       Config
	target    *Target
	tokens    *tokens
	state     *runstate.State
	redactor  *redact.Redactor
	run       string
	now       func() time.Time
	userAgent string
	recorder  Recorder
	sender    Sender
	// spec documents every endpoint's success answer, which the verdict
	// checks on every target; specErr is why it could not be read.
	spec    *apispec.Spec
	specErr error
	// minted caches, by profile, the accounts this run minted for its
	// cases (runAccount).
	minted sync.Map
}

// RunIDEnv carries the run prefix from `shopconform run` to its suites, so
// that every identifier one run creates shares it.
const RunIDEnv = "SHOPCONFORM_RUN_ID"

// NewRunID returns a fresh run prefix: "sc" and ten hex digits.
func NewRunID() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return "sc" + hex.EncodeToString(b)
}

// RunStateEnv names the private folder `shopconform run` creates for the
// state its processes share (tokens, pacing, budget, breaker).
const RunStateEnv = "SHOPCONFORM_RUN_STATE"

// Option adjusts a Runner.
type Option func(*Runner)

// WithState shares run state with the other processes of a run; without
// it the runner keeps its own, process-local state.
func WithState(st *runstate.State) Option { return func(r *Runner) { r.state = st } }

// WithClock replaces the clock every {{now…}} of a case derives from:
// recording from the reference sandbox gives runner and sandbox one
// deterministic clock, so that re-recording gives identical cassettes.
func WithClock(now func() time.Time) Option { return func(r *Runner) { r.now = now } }

// WithSpec judges success answers against spec instead of the embedded
// one (apispec.Default).
func WithSpec(spec *apispec.Spec) Option { return func(r *Runner) { r.spec = spec } }

// WithRecorder hands every case's requests and answers to rec.
func WithRecorder(rec Recorder) Option { return func(r *Runner) { r.recorder = rec } }

// Recorder receives what a case sent and what came back, with the
// run-scoped values a cassette replaces by placeholders.
type Recorder interface {
	Record(c *fixtures.Case, v cassette.Values, in []cassette.Interaction)
}

// New returns a runner for target. runID prefixes every identifier the
// run's cases create.
func New(cfg Config, target *Target, runID string, opts ...Option) *Runner {
	r := &Runner{
		cfg:       cfg,
		target:    target,
		redactor:  redact.New(),
		run:       runID,
		now:       time.Now,
		userAgent: "shopconform/" + version.Harness,
	}
	for _, o := range opts {
		o(r)
	}
	if r.spec == nil {
		r.spec, r.specErr = apispec.Default()
	}
	if r.state == nil {
		r.state, _ = runstate.Open("") // process-local state cannot fail to open
	}
	for _, c := range target.Accounts.Profiles {
		r.remember(c.Secret)
		r.remember(c.AccessToken)
	}
	r.tokens = &tokens{
		target:  target.BaseURL,
		classic: cfg.TokenEndpoint == TokenClassic,
		fetch:   r.guarded,
		// The run state's cache expires tokens by the wall clock, so
		// their lifetime is counted on it too, whatever clock the
		// placeholders follow (WithClock): with a clock fixed in the past
		// every token would look expired and be fetched again per call.
		now:   time.Now,
		onNew: r.remember,
		state: r.state,
	}
	return r
}

// remember masks a secret in everything this runner writes and hands it
// to the run's final gate, which refuses any report holding it.
func (r *Runner) remember(secret string) {
	r.redactor.Add(secret)
	_ = r.state.RememberSecret(secret)
}

// Redactor is the run's redactor: it knows every secret and every token
// issued so far.
func (r *Runner) Redactor() *redact.Redactor { return r.redactor }

// Secrets are every app secret and token the run has used: what a final
// gate must find in no file the run wrote.
func (r *Runner) Secrets() []string {
	s, _ := r.state.Secrets()
	return s
}

// environmental are the answers of the environment rather than the API: a
// case that did not ask for one cannot be judged by it.
var environmental = map[catalog.Code]bool{
	catalog.SystemError:        true,
	catalog.InvalidCredential:  true,
	catalog.AccessTokenExpired: true,
	catalog.DailyQuotaExceeded: true,
	catalog.RateLimited:        true,
	catalog.SystemBusy:         true,
}

// Tokens a case sends when it probes the token checks.
const (
	unknownToken   = "shopconformUnknownTokenNeverIssued0000000000000000000000000000000"
	malformedToken = "not-a-token!"
)

// Execute runs one case: given steps, the case's own request, the verdict,
// then cleanup steps, whatever happened before.
func (r *Runner) Execute(ctx context.Context, c *fixtures.Case) *Result {
	start := time.Now()
	res := &Result{Case: c, Target: r.target.Name}
	defer func() {
		res.Reason = r.redactor.String(res.Reason)
		for i, f := range res.Findings {
			res.Findings[i].Problem = r.redactor.String(f.Problem)
		}
		res.errmsg = r.redactor.String(res.errmsg)
		res.Duration = time.Since(start)
	}()
	if productionHost(r.target.BaseURL) && slices.Contains(c.Labels, "mutates") && !r.cfg.AllowLiveMutations {
		return res.conclude(results.Skipped, "changes state (label mutates): not run against the vendor's production host without --allow-live-mutations")
	}
	if why := r.target.lacks(c); why != "" {
		return res.conclude(results.Skipped, why)
	}
	creds, skip := r.credentials(ctx, c)
	if skip != nil {
		return res.conclude(skip.outcome, skip.reason)
	}
	acct := account{profile: c.Account, creds: creds, trace: &caseTrace{}}
	env := r.caseEnv(c, creds)
	defer r.explain(res, acct.trace)
	if r.recorder != nil {
		defer r.record(c, env, acct)
	}
	if r.target.replay != nil {
		if err := r.target.replay.begin(c, r.values(env)); err != nil {
			return res.conclude(results.Error, err.Error())
		}
		defer r.endReplay(res)
	}
	defer r.cleanup(ctx, c, acct, env, res)
	for i, s := range c.Given {
		if stop := r.given(ctx, acct, i, s, env, res); stop {
			return res
		}
	}
	acct.trace.step = "case"
	var a *answer
	var err error
	if r.sender != nil {
		res.Attempts = 1
		a, res.Findings, err = r.viaSDK(ctx, c, acct, env)
	} else {
		var log exchangeLog
		a, log, err = r.exchange(ctx, acct, c.Endpoint, c.Request, env, c.Expect.Errcode)
		res.Attempts, res.answers = log.attempts, log.answers
		res.noteRetries(log)
	}
	if err != nil {
		return res.conclude(r.outcomeOfError(err), sdkReason(res.Findings, err.Error()))
	}
	res.errcode, res.errmsg, res.answer = a.Errcode, a.Errmsg, a
	if len(c.Cleanup) > 0 {
		env.Response = a.Decoded()
	}
	return r.verdict(res, env)
}

// caseEnv is what c's placeholders are filled from, as the account creds.
func (r *Runner) caseEnv(c *fixtures.Case, creds accounts.Credentials) *fixtures.Env {
	return &fixtures.Env{
		UID: r.run + "-" + shortHash(c.ID), Run: r.run,
		AppID: creds.AppID, OpenIDs: creds.OpenIDs, Now: r.now(), Steps: map[string]any{},
	}
}

// given runs one given step and reports whether the case must stop.
func (r *Runner) given(ctx context.Context, acct account, i int, s fixtures.Step, env *fixtures.Env, res *Result) bool {
	what := fmt.Sprintf("given step %d (%s)", i+1, s.Endpoint)
	acct.trace.step = fmt.Sprintf("given %d", i+1)
	if s.Name != "" {
		what = fmt.Sprintf("given step %d %q (%s)", i+1, s.Name, s.Endpoint)
		acct.trace.step = fmt.Sprintf("given %d (%s)", i+1, s.Name)
	}
	a, log, err := r.exchange(ctx, acct, s.Endpoint, s.Request, env, s.Errcode)
	res.noteRetries(log)
	if err != nil {
		res.conclude(r.outcomeOfError(err), fmt.Sprintf("%s failed: %v", what, err))
		return true
	}
	got := catalog.Code(*a.Errcode)
	if accepted, ok := s.Accepts(got); ok {
		// The state this step sets up is there already (an earlier run
		// made it): the case goes on, and says so.
		res.Notes = append(res.Notes, r.redactor.String(fmt.Sprintf("%s answered errcode %s instead of %d, which the step accepts: %s",
			what, catalog.Default().Describe(got), s.Errcode, accepted.Because)))
	} else if got != s.Errcode {
		outcome := results.Error
		if environmental[got] && !r.target.Deterministic() {
			outcome = results.Inconclusive
		}
		res.conclude(outcome, fmt.Sprintf("%s answered errcode %s, expected %s: errmsg %q%s",
			what, catalog.Default().Describe(got), catalog.Default().Describe(s.Errcode), a.Errmsg, log.describe()))
		return true
	}
	if s.Name != "" {
		env.Steps[s.Name] = a.Decoded()
	}
	return false
}

// verdict judges the case's own answer with the same matcher the suites
// assert with, so that the recorded outcome and the spec always agree.
func (r *Runner) verdict(res *Result, env *fixtures.Env) *Result {
	c := res.Case
	got := catalog.Code(*res.errcode)
	if res.answer != nil && res.answer.wire != nil {
		got = catalog.Code(*res.answer.wire)
	}
	if got != c.Expect.Errcode && environmental[got] {
		answers := exchangeLog{attempts: res.Attempts, answers: res.answers}.describe()
		if r.target.Deterministic() {
			// No quota, load or token rotation here: the target itself
			// answered wrong, and that is a failure like any other.
			return res.conclude(results.Fail, fmt.Sprintf("the %s target answered errcode %s, an answer of the environment it has no cause for; expected %s: errmsg %q%s",
				r.target.Name, catalog.Default().Describe(got), catalog.Default().Describe(c.Expect.Errcode), res.errmsg, answers))
		}
		return res.conclude(results.Inconclusive, fmt.Sprintf("the environment answered errcode %s instead of the API: errmsg %q%s",
			catalog.Default().Describe(got), res.errmsg, answers))
	}
	if r.specErr != nil {
		return res.conclude(results.Error, "the embedded API spec does not load: "+r.specErr.Error())
	}
	m, err := caseMatcher(c, env, r.spec)
	if err != nil {
		return res.conclude(results.Error, err.Error())
	}
	res.matcher = m
	ok, err := m.Match(res)
	switch {
	case err != nil:
		return res.conclude(results.Error, err.Error())
	case !ok:
		return res.conclude(results.Fail, sdkReason(res.Findings, m.FailureMessage(res)))
	case len(res.Findings) > 0:
		// The errcode came through, but the SDK did not send the case's
		// request: a certification finding, never a silent pass.
		return res.conclude(results.Fail, sdkReason(res.Findings, ""))
	}
	res.Flaky = len(res.earlier) > 0
	return res.conclude(results.Pass, "")
}

// caseMatcher is the assertion a case makes about its own answer: the
// expected errcode, then the expected response fields, then, for a
// success of an endpoint the spec knows, the shape the spec documents. A
// target that leaves out a documented field fails the case, the
// reference sandbox included.
func caseMatcher(c *fixtures.Case, env *fixtures.Env, spec *apispec.Spec) (types.GomegaMatcher, error) {
	all := []types.GomegaMatcher{matchers.HaveErrcode(c.Expect.Errcode)}
	if len(c.Expect.Has) > 0 || len(c.Expect.Equals) > 0 {
		equals := map[string]any{}
		for _, fv := range c.Expect.Equals {
			v, err := fv.Value.Expand(env)
			if err != nil {
				return nil, fmt.Errorf("expect.equals %s: %w", fv.Path, err)
			}
			equals[fv.Path] = v
		}
		all = append(all, matchers.HaveResponseFields(c.Expect.Has, equals))
	}
	if ep, ok := spec.Endpoint(c.Endpoint); ok && c.Expect.Errcode == catalog.OK {
		all = append(all, matchers.HaveDocumentedShape(ep))
	}
	if len(all) == 1 {
		return all[0], nil
	}
	return gomega.SatisfyAll(all...), nil
}

// noteRetries keeps the answers a request's retries replaced.
func (res *Result) noteRetries(log exchangeLog) {
	res.earlier = append(res.earlier, log.replaced...)
}

func (res *Result) conclude(o results.Outcome, reason string) *Result {
	res.Outcome, res.Reason = o, reason
	return res
}

// cleanup runs every cleanup step even when the case failed or its context
// ended; a failing step becomes a note, never the verdict.
func (r *Runner) cleanup(ctx context.Context, c *fixtures.Case, acct account, env *fixtures.Env, res *Result) {
	if len(c.Cleanup) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.RequestTimeout*time.Duration(len(c.Cleanup)))
	defer cancel()
	for i, s := range c.Cleanup {
		acct.trace.step = fmt.Sprintf("cleanup %d", i+1)
		a, _, err := r.send(ctx, acct, s.Endpoint, s.Request, env)
		switch {
		case err != nil:
			res.Notes = append(res.Notes, r.redactor.String(fmt.Sprintf("cleanup step %d (%s) failed: %v", i+1, s.Endpoint, err)))
		case catalog.Code(*a.Errcode) != s.Errcode:
			res.Notes = append(res.Notes, r.redactor.String(fmt.Sprintf("cleanup step %d (%s) answered errcode %d, expected %d: %q",
				i+1, s.Endpoint, *a.Errcode, s.Errcode, a.Errmsg)))
		}
	}
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}
