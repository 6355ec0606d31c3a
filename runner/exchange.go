package runner

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/runstate"
)

// account is who a case runs as: its profile (for pacing), the
// credentials (the profile's own, or a fresh account's), and the trace
// every request of the case is written to.
type account struct {
	profile string
	creds   accounts.Credentials
	trace   *caseTrace
}

// caseTrace is what a case sent and got back, for its transcript and its
// cassette; step names the request being sent.
type caseTrace struct {
	step    string
	entries []traced
}

// traced is one request of a case and the answer it got, or why none came.
type traced struct {
	step string
	req  wireRequest
	ans  *answer
	err  error
}

// transient are the answers worth asking again: the backend was busy or
// limited, not wrong. A case that expects one of them is not retried.
var transient = map[catalog.Code]bool{
	catalog.SystemError:        true,
	catalog.DailyQuotaExceeded: true,
	catalog.RateLimited:        true,
	catalog.SystemBusy:         true,
}

// exchangeLog is what one request of a case went through.
type exchangeLog struct {
	attempts int
	retries  int   // attempts repeated after a transient answer
	answers  []int // every errcode received, retries included
	// replaced are the transient answers that were retried: what makes a
	// pass flaky (renewing a refused token does not).
	replaced []results.Attempt
}

// describe lists the answers of a retried request for a reason.
func (l exchangeLog) describe() string {
	if l.attempts <= 1 {
		return ""
	}
	codes := make([]string, len(l.answers))
	for i, c := range l.answers {
		codes[i] = strconv.Itoa(c)
	}
	return fmt.Sprintf(" (%d attempts; answers %s)", l.attempts, strings.Join(codes, ", "))
}

// errUnhealthy stops a run from calling a target that stopped answering.
type errUnhealthy struct{ why string }

func (e errUnhealthy) Error() string { return "target unhealthy, not called: " + e.why }

// exchange sends one request of a case until it gets an answer worth
// judging: a transient answer the case did not ask for is retried with
// exponential backoff and jitter, and a token the target refuses (40001,
// 42001) is renewed once. Errors name the endpoint and the attempt.
func (r *Runner) exchange(ctx context.Context, acct account, endpoint string, req fixtures.Request, env *fixtures.Env, want catalog.Code) (*answer, exchangeLog, error) {
	var log exchangeLog
	renewed := false
	for {
		log.attempts++
		a, token, err := r.send(ctx, acct, endpoint, req, env)
		if err != nil {
			// a is the answer that was no API answer (an HTTP error, a body
			// that is not the envelope), nil when none came.
			return a, log, fmt.Errorf("%s %s (attempt %d): %w", req.Method, endpoint, log.attempts, err)
		}
		got := catalog.Code(*a.Errcode)
		log.answers = append(log.answers, int(got))
		switch {
		case got == want:
			return a, log, nil
		case (got == catalog.InvalidCredential || got == catalog.AccessTokenExpired) && token != "" && !renewed:
			renewed = true
			if _, err := r.tokens.renew(ctx, acct.creds, token); err != nil {
				return nil, log, err
			}
		case transient[got] && log.retries < r.cfg.Retries && !r.target.Deterministic():
			// A deterministic target would answer the same again.
			log.retries++
			code, step := int(got), "case"
			if acct.trace != nil {
				step = acct.trace.step
			}
			log.replaced = append(log.replaced, results.Attempt{Step: step, Errcode: &code, Errmsg: r.redactor.String(a.Errmsg)})
			if err := sleep(ctx, r.backoff(log.retries)); err != nil {
				return nil, log, err
			}
		default:
			return a, log, nil
		}
	}
}

// backoff doubles from cfg.Backoff and adds up to 50% jitter, so that
// parallel processes do not retry in step.
func (r *Runner) backoff(attempt int) time.Duration {
	d := r.cfg.Backoff << (attempt - 1)
	return d + time.Duration(rand.Int64N(int64(d)/2+1))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// send renders one request and sends it once, paced and guarded by the
// breaker. It returns the token it used.
func (r *Runner) send(ctx context.Context, acct account, endpoint string, req fixtures.Request, env *fixtures.Env) (*answer, string, error) {
	body, contentType, err := buildBody(req, env)
	if err != nil {
		return nil, "", fmt.Errorf("rendering the request: %w", err)
	}
	wr := wireRequest{Method: req.Method, Endpoint: endpoint, ContentType: contentType, Body: body}
	if bad, why := r.state.Unhealthy(); bad {
		// Before the pacing: a request that will not be sent must not
		// wait for its turn.
		return nil, "", errUnhealthy{why}
	}
	if wr.Token, err = r.token(ctx, acct.creds, endpoint, req.AccessToken); err != nil {
		return nil, "", err
	}
	if err := r.state.Wait(ctx, acct.profile, r.cfg.EffectiveRate(), r.cfg.Budget); err != nil {
		return nil, wr.Token, err
	}
	a, err := r.guarded(ctx, wr)
	if acct.trace != nil {
		acct.trace.entries = append(acct.trace.entries, traced{acct.trace.step, wr, a, err})
	}
	return a, wr.Token, err
}

// guarded sends one request unless the target was found unhealthy, and
// counts transport faults towards that: every call, token fetches
// included, so that a dead target stops costing a timeout per case. With
// an error it returns what did come back, if anything (roundTrip).
func (r *Runner) guarded(ctx context.Context, wr wireRequest) (*answer, error) {
	if bad, why := r.state.Unhealthy(); bad {
		return nil, errUnhealthy{why}
	}
	a, err := r.roundTrip(ctx, wr)
	endpoint, _, _ := strings.Cut(wr.Endpoint, "?") // the classic token query holds the secret
	if err != nil {
		if unhealthy, serr := r.state.TransportFault(r.cfg.UnhealthyAfter, endpoint+": "+err.Error()); serr == nil && unhealthy {
			err = fmt.Errorf("%w; the target is now considered unhealthy", err)
		}
		return a, err
	}
	if strings.HasPrefix(endpoint, "/cgi-bin/") {
		// A token endpoint that answers says nothing of the business API:
		// were it to reset the count, a target whose every /shop/ call
		// hangs would cost a timeout per case whenever a new account
		// fetches its token in between, and never be found unhealthy.
		return a, nil
	}
	return a, r.state.TransportOK()
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

// outcomeOfError: a spent budget skips the case, an environment answer of
// the token endpoint makes it inconclusive (on a target that has an
// environment); anything else that kept a request from being answered is
// an error.
func (r *Runner) outcomeOfError(err error) results.Outcome {
	var env environmentAnswer
	switch {
	case errors.Is(err, runstate.ErrBudgetSpent):
		return results.Skipped
	case errors.As(err, &env) && !r.target.Deterministic():
		return results.Inconclusive
	}
	return results.Error
}

// productionHosts are the vendor's own API hosts, where a case that
// changes state must not run unless the user says so.
func productionHost(baseURL string) bool {
	u, err := url.Parse(baseURL)
	return err == nil && (u.Hostname() == "weixin.qq.com" || strings.HasSuffix(u.Hostname(), ".weixin.qq.com"))
}
