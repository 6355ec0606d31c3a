// Package certify runs every case through an SDK under test and says, code
// by code, whether the SDK sends the documented request and hands its
// caller the exact errcode. A Go SDK plugs in through an Adapter inside the
// vendor's own `go test` (Run); an SDK in another language through an
// adapter process (Process) driven by `shopconform certify`.
package certify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/internal/version"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/expectations"
	"github.com/shopconform/shopconform/runner/results"
)

// Adapter maps a case's request to a call of the SDK under test.
type Adapter interface {
	// SDK names the SDK and its version, for the certificate.
	SDK() SDK
	// Call makes the SDK send req through env and reports the errcode as
	// the SDK's caller sees it. An error means the SDK could not make the
	// call at all (it is the case's error, and a finding).
	Call(ctx context.Context, env Env, req Request) (Answer, error)
}

// SDK identifies the SDK under test.
type SDK struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Env is how the SDK reaches the target. Client and Transport go through
// the harness's recording layer (and on replay through gock, strictly):
// give the SDK Client, or put Transport innermost, under the SDK's own
// middleware, so that what it sends is what is checked.
type Env struct {
	BaseURL   string
	Client    *http.Client
	Transport http.RoundTripper
	// Token is the account's access token; empty when the case probes a
	// request without one (the SDK must then send none).
	Token string
}

// Request is one case's own request: the endpoint and the body as the
// case renders it.
type Request struct {
	Case        string
	Method      string
	Endpoint    string
	ContentType string
	Body        []byte
}

// Answer is what the SDK's caller saw.
type Answer struct {
	Errcode int
	// Via says how the errcode reached the caller.
	Via    string
	Detail string
}

// How an errcode can reach an SDK's caller.
const (
	ViaTypedError    = "typed error"
	ViaResponseField = "response field"
	ViaErrorString   = "error string"
)

// Options choose the target and the cases. The zero value certifies every
// case on replay: offline, deterministic, no sandbox needed.
type Options struct {
	// Target is "replay" (default), "reference", or "sandbox" (with
	// BaseURL and Accounts).
	Target   string
	BaseURL  string
	Accounts string
	// Fixtures is a fixtures folder instead of the built-in cases.
	Fixtures string
	// Expectations is a file of known, reasoned deviations (README,
	// "Known gaps"). Its entries for target sdk:NAME, NAME being the SDK's
	// name exactly, and those naming no target apply; entries for the
	// other targets do not: certification judges the SDK.
	Expectations string
	// Cases and Domains narrow the run to some case ids or domains.
	Cases   []string
	Domains []catalog.Domain
	// RequestTimeout bounds one request (default 10 s).
	RequestTimeout time.Duration
	// Config, when not nil, is the whole configuration to start from
	// instead of the defaults with the replay target: what `shopconform
	// certify` loads from its shared flags (token endpoint, rate, budget
	// too). The fields above still override it where they are set.
	Config *runner.Config
}

func (o Options) config() (runner.Config, error) {
	cfg := runner.DefaultConfig()
	cfg.Target = runner.TargetReplay
	if o.Config != nil {
		cfg = *o.Config
	}
	for _, f := range []struct{ to, from *string }{
		{&cfg.Target, &o.Target}, {&cfg.BaseURL, &o.BaseURL}, {&cfg.Accounts, &o.Accounts}, {&cfg.Fixtures, &o.Fixtures},
		{&cfg.Expectations, &o.Expectations},
	} {
		if *f.from != "" {
			*f.to = *f.from
		}
	}
	if o.RequestTimeout > 0 {
		cfg.RequestTimeout = o.RequestTimeout
	}
	// Certification judges the SDK, not the weather: no retries hide what
	// the SDK does with a transient answer.
	cfg.Retries = 0
	return cfg, nil
}

// sender turns an Adapter into the runner's Sender.
type sender struct{ a Adapter }

func (s sender) Send(ctx context.Context, req runner.SDKRequest) (runner.SDKAnswer, error) {
	ans, err := s.a.Call(ctx, Env{BaseURL: req.BaseURL, Client: req.Client, Transport: req.Transport, Token: req.Token},
		Request{Case: req.Case, Method: req.Method, Endpoint: req.Endpoint, ContentType: req.ContentType, Body: req.Body})
	return runner.SDKAnswer{Errcode: ans.Errcode, Via: ans.Via, Detail: ans.Detail}, err
}

// Certify runs every selected case through the adapter and returns the
// certificate. each, when not nil, sees every case's result as it ends.
func Certify(ctx context.Context, a Adapter, opts Options, each func(*runner.Result)) (*Certificate, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	src := fixtures.Embedded()
	if cfg.Fixtures != "" {
		src = fixtures.Dir(cfg.Fixtures)
	}
	set, problems := fixtures.Load(src, catalog.Default())
	if len(problems) > 0 {
		return nil, fmt.Errorf("the cases do not load: %w", problemsError(problems))
	}
	var expect *expectations.File
	if cfg.Expectations != "" {
		if expect, err = expectations.Load(cfg.Expectations); err != nil {
			return nil, err
		}
	}
	target, err := runner.OpenTarget(cfg)
	if err != nil {
		return nil, err
	}
	defer target.Close()
	r := runner.New(cfg, target, runner.NewRunID(), runner.WithSender(sender{a}))
	started := time.Now().UTC()
	parts := map[string]results.Part{}
	rawWire := map[string]string{}
	var domains []string
	for _, c := range set.Cases {
		if !selected(c, opts) {
			continue
		}
		if why := rawWireWhy(c); why != "" {
			rawWire[c.ID] = why
		}
		d := string(c.Domain)
		if _, ok := parts[d]; !ok {
			domains = append(domains, d)
			parts[d] = results.Part{Domain: d, Target: target.Name}
		}
		res := r.Execute(ctx, c)
		if each != nil {
			each(res)
		}
		p := parts[d]
		p.Cases = append(p.Cases, res.Record())
		parts[d] = p
		if ctx.Err() != nil {
			break
		}
	}
	rep := &results.Report{Target: target.Name, HarnessVersion: version.Harness, CatalogHash: catalog.Default().Hash(),
		Config: cfg.Redacted(), StartedAt: started}
	if expect != nil {
		rep.Expectations = expect.ApplyParts(sdkTarget(a.SDK()), domains, parts, time.Now())
	}
	results.Merge(rep, domains, parts)
	rep.FinishedAt = time.Now().UTC()
	if ctx.Err() != nil {
		rep.Complete, rep.Error = false, "interrupted: "+ctx.Err().Error()
	}
	cert := newCertificate(a.SDK(), rep, r.Secrets(), rawWire)
	cert.KnownGaps, cert.Expectations = knownGaps(rep), rep.Expectations
	return cert, nil
}

func selected(c *fixtures.Case, o Options) bool {
	return (len(o.Cases) == 0 || slices.Contains(o.Cases, c.ID)) &&
		(len(o.Domains) == 0 || slices.Contains(o.Domains, c.Domain))
}

func problemsError(problems []fixtures.Problem) error {
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = p
	}
	return errors.Join(errs...)
}
