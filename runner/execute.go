package runner

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/internal/version"
	"github.com/shopconform/shopconform/matchers"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/redact"
	"github.com/shopconform/shopconform/runner/results"
)

// Runner executes cases against one target. It is safe for concurrent use.
type Runner struct {
	cfg       Config
	target    *Target
	tokens    *tokens
	redactor  *redact.Redactor
	run       string
	now       func() time.Time
	userAgent string
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

// New returns a runner for target. runID prefixes every identifier the
// run's cases create.
func New(cfg Config, target *Target, runID string) *Runner {
	r := &Runner{
		cfg:       cfg,
		target:    target,
		redactor:  redact.New(),
		run:       runID,
		now:       time.Now,
		userAgent: "shopconform/" + version.Harness,
	}
	for _, c := range target.Accounts.Profiles {
		r.redactor.Add(c.Secret)
		r.redactor.Add(c.AccessToken)
	}
	r.tokens = &tokens{
		classic: cfg.TokenEndpoint == TokenClassic,
		fetch:   r.roundTrip,
		now:     r.now,
		onNew:   r.redactor.Add,
		cache:   map[string]cachedToken{},
	}
	return r
}

// Redactor is the run's redactor: it knows every secret and every token
// issued so far.
func (r *Runner) Redactor() *redact.Redactor { return r.redactor }

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
		res.errmsg = r.redactor.String(res.errmsg)
		res.Duration = time.Since(start)
	}()
	creds, skip := r.credentials(ctx, c)
	if skip != nil {
		return res.conclude(skip.outcome, skip.reason)
	}
	env := &fixtures.Env{
		UID: r.run + "-" + shortHash(c.ID), Run: r.run,
		AppID: creds.AppID, OpenIDs: creds.OpenIDs, Now: r.now(), Steps: map[string]any{},
	}
	defer r.cleanup(ctx, c, creds, env, res)
	for i, s := range c.Given {
		if stop := r.given(ctx, creds, i, s, env, res); stop {
			return res
		}
	}
	a, err := r.send(ctx, creds, c.Endpoint, c.Request, env)
	res.Attempts = 1
	if err != nil {
		return res.conclude(results.Error, fmt.Sprintf("%s %s: %v", c.Request.Method, c.Endpoint, err))
	}
	res.errcode, res.errmsg, res.answer = a.Errcode, a.Errmsg, a
	if len(c.Cleanup) > 0 {
		env.Response = a.Decoded()
	}
	return r.verdict(res, env)
}

// given runs one given step and reports whether the case must stop.
func (r *Runner) given(ctx context.Context, creds accounts.Credentials, i int, s fixtures.Step, env *fixtures.Env, res *Result) bool {
	what := fmt.Sprintf("given step %d (%s)", i+1, s.Endpoint)
	if s.Name != "" {
		what = fmt.Sprintf("given step %d %q (%s)", i+1, s.Name, s.Endpoint)
	}
	a, err := r.send(ctx, creds, s.Endpoint, s.Request, env)
	if err != nil {
		res.conclude(results.Error, fmt.Sprintf("%s failed: %v", what, err))
		return true
	}
	if got := catalog.Code(*a.Errcode); got != s.Errcode {
		outcome := results.Error
		if environmental[got] {
			outcome = results.Inconclusive
		}
		res.conclude(outcome, fmt.Sprintf("%s answered errcode %s, expected %s: errmsg %q",
			what, catalog.Default().Describe(got), catalog.Default().Describe(s.Errcode), a.Errmsg))
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
	if got != c.Expect.Errcode && environmental[got] {
		return res.conclude(results.Inconclusive, fmt.Sprintf("the environment answered errcode %s instead of the API: errmsg %q",
			catalog.Default().Describe(got), res.errmsg))
	}
	m, err := caseMatcher(c, env)
	if err != nil {
		return res.conclude(results.Error, err.Error())
	}
	res.matcher = m
	ok, err := m.Match(res)
	switch {
	case err != nil:
		return res.conclude(results.Error, err.Error())
	case !ok:
		return res.conclude(results.Fail, m.FailureMessage(res))
	}
	return res.conclude(results.Pass, "")
}

// caseMatcher is the assertion a case makes about its own answer: the
// expected errcode, then the expected response fields.
func caseMatcher(c *fixtures.Case, env *fixtures.Env) (types.GomegaMatcher, error) {
	errcode := matchers.HaveErrcode(c.Expect.Errcode)
	if len(c.Expect.Has) == 0 && len(c.Expect.Equals) == 0 {
		return errcode, nil
	}
	equals := map[string]any{}
	for _, fv := range c.Expect.Equals {
		v, err := fv.Value.Expand(env)
		if err != nil {
			return nil, fmt.Errorf("expect.equals %s: %w", fv.Path, err)
		}
		equals[fv.Path] = v
	}
	return gomega.SatisfyAll(errcode, matchers.HaveResponseFields(c.Expect.Has, equals)), nil
}

func (res *Result) conclude(o results.Outcome, reason string) *Result {
	res.Outcome, res.Reason = o, reason
	return res
}

// send renders and sends one request of a case as the case's account.
func (r *Runner) send(ctx context.Context, creds accounts.Credentials, endpoint string, req fixtures.Request, env *fixtures.Env) (*answer, error) {
	body, contentType, err := buildBody(req, env)
	if err != nil {
		return nil, fmt.Errorf("rendering the request: %w", err)
	}
	wr := wireRequest{Method: req.Method, Endpoint: endpoint, ContentType: contentType, Body: body}
	if wr.Token, err = r.token(ctx, creds, endpoint, req.AccessToken); err != nil {
		return nil, err
	}
	return r.roundTrip(ctx, wr)
}

func (r *Runner) token(ctx context.Context, creds accounts.Credentials, endpoint string, mode fixtures.TokenMode) (string, error) {
	if strings.HasPrefix(endpoint, "/cgi-bin/") {
		return "", nil // the token endpoints take credentials, not a token
	}
	switch mode {
	case fixtures.TokenOmit:
		return "", nil
	case fixtures.TokenUnknown:
		return unknownToken, nil
	case fixtures.TokenMalformed:
		return malformedToken, nil
	}
	return r.tokens.get(ctx, creds)
}

// cleanup runs every cleanup step even when the case failed or its context
// ended; a failing step becomes a note, never the verdict.
func (r *Runner) cleanup(ctx context.Context, c *fixtures.Case, creds accounts.Credentials, env *fixtures.Env, res *Result) {
	if len(c.Cleanup) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.RequestTimeout*time.Duration(len(c.Cleanup)))
	defer cancel()
	for i, s := range c.Cleanup {
		a, err := r.send(ctx, creds, s.Endpoint, s.Request, env)
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
