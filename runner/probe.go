package runner

import (
	"context"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
)

// Probed is what a probe's own request got back, unjudged.
type Probed struct {
	// NotRun says why the probe's own request was not sent: the case
	// cannot run as its account on this target, or a given step did not
	// answer its errcode. Nothing but Stop is set then.
	NotRun string
	// Stop is set with NotRun when no later probe can run either: the
	// target is unhealthy or the context ended.
	Stop bool
	// The request as sent; its token is never kept.
	Method, Endpoint, ContentType string
	Body                          []byte
	// Status and Answer are the HTTP status and body that came back;
	// Status is 0 when nothing came back.
	Status int
	Answer []byte
	// Errcode is the answer's errcode, nil when the answer is not the
	// API's JSON envelope (or none came).
	Errcode *int
	// Fault says why the answer is not one of the API: none came
	// (a *TransportError), an HTTP error status, a body that is not the
	// envelope. Secrets are masked in its text.
	Fault error
	// Curl sends the same request again, with ACCESS_TOKEN for the token.
	Curl string
}

// Probe runs c's given steps, then sends c's own request and returns what
// came back without judging it, then runs c's cleanup steps: the fuzzer
// sends its invalid requests this way, each in the state a valid case
// sets up. An answer of the environment is retried as for any case; a
// probe is never sent to the vendor's production host without
// AllowLiveMutations, since it may change state.
func (r *Runner) Probe(ctx context.Context, c *fixtures.Case) Probed {
	if productionHost(r.target.BaseURL) && !r.cfg.AllowLiveMutations {
		return Probed{NotRun: "a probe may change state: not sent to the vendor's production host without --allow-live-mutations", Stop: true}
	}
	if why := r.target.lacks(c); why != "" {
		return Probed{NotRun: why}
	}
	creds, skip := r.credentials(ctx, c)
	if skip != nil {
		return Probed{NotRun: skip.reason, Stop: r.stopped(ctx)}
	}
	acct := account{profile: c.Account, creds: creds, trace: &caseTrace{}}
	env := r.caseEnv(c, creds)
	scratch := &Result{Case: c, Target: r.target.Name}
	defer r.cleanup(ctx, c, acct, env, scratch)
	for i, s := range c.Given {
		if r.given(ctx, acct, i, s, env, scratch) {
			return Probed{NotRun: r.redactor.String(scratch.Reason), Stop: r.stopped(ctx)}
		}
	}
	acct.trace.step = "case"
	a, _, err := r.exchange(ctx, acct, c.Endpoint, c.Request, env, catalog.OK)
	sent, ok := lastSent(acct.trace)
	if !ok { // it failed before it was sent: its token, the breaker
		return Probed{NotRun: r.redactor.String(err.Error()), Stop: r.stopped(ctx)}
	}
	p := Probed{Method: sent.Method, Endpoint: sent.Endpoint, ContentType: sent.ContentType, Body: sent.Body}
	if a != nil {
		p.Status, p.Answer, p.Errcode = a.Status, a.Raw, a.Errcode
	}
	if err != nil {
		p.Fault = redactedError{err, r.redactor.String(err.Error())}
	}
	return p
}

// Curl is a curl line that sends p's request again, with ACCESS_TOKEN for
// the token, its secrets masked. It is made on demand: masking costs more
// than a probe on an in-process target once many accounts were minted.
func (r *Runner) Curl(p Probed) string {
	// Any token but the probes' own unknown and malformed ones is shown
	// as ACCESS_TOKEN; a probe always sends the account's.
	return r.curl(wireRequest{Method: p.Method, Endpoint: p.Endpoint, ContentType: p.ContentType, Body: p.Body, Token: "ACCESS_TOKEN"})
}

// stopped says whether nothing more can be sent: the context ended or the
// target was found unhealthy.
func (r *Runner) stopped(ctx context.Context) bool {
	bad, _ := r.state.Unhealthy()
	return bad || ctx.Err() != nil
}

// lastSent is the case's own request as it last went out.
func lastSent(t *caseTrace) (wireRequest, bool) {
	for i := len(t.entries) - 1; i >= 0; i-- {
		if t.entries[i].step == "case" {
			return t.entries[i].req, true
		}
	}
	return wireRequest{}, false
}

// redactedError keeps an error's chain (errors.As finds a
// *TransportError) behind a text with the secrets masked.
type redactedError struct {
	err  error
	text string
}

func (e redactedError) Error() string { return e.text }
func (e redactedError) Unwrap() error { return e.err }
