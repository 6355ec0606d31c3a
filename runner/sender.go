package runner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner/cassette"
	"github.com/shopconform/shopconform/runner/results"
)

// Sender sends a case's own request in place of the runner: an SDK under
// certification. Given steps and cleanup still go through the runner.
type Sender interface {
	Send(ctx context.Context, req SDKRequest) (SDKAnswer, error)
}

// SDKRequest is what an SDK is asked to send, and the means to send it.
type SDKRequest struct {
	Case string
	// BaseURL is where the SDK must send; Client and Transport reach the
	// target through the runner's recording layer: an SDK that takes an
	// *http.Client uses Client, one that takes a RoundTripper to put under
	// its own middleware uses Transport.
	BaseURL   string
	Client    *http.Client
	Transport http.RoundTripper
	// Token is the account's access token; empty when the case probes a
	// request without one.
	Token       string
	Method      string
	Endpoint    string
	ContentType string
	Body        []byte
}

// SDKAnswer is the errcode the SDK's caller saw and how it got it.
type SDKAnswer struct {
	Errcode int
	// Via says how: "typed error", "response field" or "error string".
	Via    string
	Detail string
}

// WithSender makes s send every case's own request.
func WithSender(s Sender) Option { return func(r *Runner) { r.sender = s } }

// wireLog records what an SDK put on the wire and what came back, under
// the SDK's own middleware: the runner compares it with the case's request.
type wireLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	sent []wireRequest
	got  []*answer
}

func (w *wireLog) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := w.next.RoundTrip(req)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent = append(w.sent, wireRequest{Method: req.Method, Endpoint: req.URL.Path, ContentType: req.Header.Get("Content-Type"), Body: body})
	if err != nil {
		w.got = append(w.got, nil)
		return nil, err
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	a, _ := decodeAnswer(req.URL.Path, resp.StatusCode, raw)
	w.got = append(w.got, a)
	return resp, nil
}

// viaSDK has the sender send the case's own request and returns the
// target's answer as the SDK's caller saw it, with every finding: a request
// that differs from the case's, an errcode the SDK lost or altered. The
// findings come back when the SDK could make no call too: what it sent is
// still the cause worth naming.
func (r *Runner) viaSDK(ctx context.Context, c *fixtures.Case, acct account, env *fixtures.Env) (*answer, []results.Finding, error) {
	body, contentType, err := buildBody(c.Request, env)
	if err != nil {
		return nil, nil, fmt.Errorf("rendering the request: %w", err)
	}
	token, err := r.token(ctx, acct.creds, c.Endpoint, c.Request.AccessToken)
	if err != nil {
		return nil, nil, err
	}
	if err := r.state.Wait(ctx, acct.profile, r.cfg.EffectiveRate(), r.cfg.Budget); err != nil {
		return nil, nil, err
	}
	next := r.target.Client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	wire := &wireLog{next: next}
	ans, err := r.sender.Send(ctx, SDKRequest{
		Case: c.ID, BaseURL: r.target.BaseURL, Client: &http.Client{Transport: wire, Timeout: r.cfg.RequestTimeout}, Transport: wire,
		Token: token, Method: c.Request.Method, Endpoint: c.Endpoint, ContentType: contentType, Body: body,
	})
	wire.mu.Lock()
	defer wire.mu.Unlock()
	acct.trace.entries = append(acct.trace.entries, r.sdkTrace(wire)...)
	expected := wireRequest{Method: c.Request.Method, Endpoint: c.Endpoint, ContentType: contentType, Body: body}
	findings := r.compareWire(env, expected, wire)
	if err != nil {
		headline, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
		lost := results.Finding{Kind: results.FindingLost, Path: "errcode", Problem: headline}
		if len(wire.sent) == 0 {
			// Nothing was sent: the loss is the cause, and comes first.
			findings = append([]results.Finding{lost}, findings...)
		} else {
			findings = append(findings, lost)
		}
		return nil, findings, fmt.Errorf("the SDK adapter: %w", err)
	}
	code := ans.Errcode
	a := &answer{Errcode: &code}
	if n := len(wire.got); n > 0 && wire.got[n-1] != nil {
		last := wire.got[n-1]
		a.Status, a.Raw, a.Errmsg, a.wire = last.Status, last.Raw, last.Errmsg, last.Errcode
		if last.Errcode != nil && *last.Errcode != code {
			findings = append(findings, results.Finding{Kind: results.FindingAltered, Path: "errcode",
				Problem: fmt.Sprintf("the SDK reports errcode %s (%s) but the target answered %s",
					catalog.Default().Describe(catalog.Code(code)), ans.Via, catalog.Default().Describe(catalog.Code(*last.Errcode)))})
		}
	}
	return a, findings, nil
}

// sdkReason puts the findings first, one a line, then the rest of what
// went wrong: the first line of a reason is what every report shows, and
// the finding is the cause (a request the target could not match, an
// errcode the SDK changed), whatever the SDK's own error says after it.
func sdkReason(findings []results.Finding, rest string) string {
	if len(findings) == 0 {
		return rest
	}
	lines := make([]string, 0, len(findings)+1)
	for _, f := range findings {
		lines = append(lines, f.String())
	}
	if rest = strings.TrimSpace(rest); rest != "" {
		lines = append(lines, rest)
	}
	return strings.Join(lines, "\n")
}

func (r *Runner) sdkTrace(wire *wireLog) []traced {
	out := make([]traced, len(wire.sent))
	for i, s := range wire.sent {
		out[i] = traced{step: "case (through the SDK)", req: s, ans: wire.got[i]}
	}
	return out
}

// compareWire lists, field by field, how what the SDK sent differs from
// the case's request; the token is ignored, as the SDK may carry it its
// own way.
func (r *Runner) compareWire(env *fixtures.Env, expected wireRequest, wire *wireLog) []results.Finding {
	if len(wire.sent) == 0 {
		return []results.Finding{{Kind: results.FindingRequest, Path: "requests", Problem: results.SentNoRequest}}
	}
	nz := cassette.NewNormalizer(r.values(env))
	want := nz.Request(expected.Method, expected.Endpoint, expected.ContentType, expected.Body)
	sent := wire.sent[len(wire.sent)-1]
	got := sameMediaType(nz.Request(sent.Method, sent.Endpoint, sent.ContentType, sent.Body), want)
	var findings []results.Finding
	for _, d := range cassette.Differences(got, want) {
		findings = append(findings, results.Finding{Kind: results.FindingRequest, Path: d.Path,
			Problem: strings.Replace(d.Problem, "recorded", "the case has", 1)})
	}
	if len(wire.sent) > 1 {
		findings = append(findings, results.Finding{Kind: results.FindingRequest, Path: "requests",
			Problem: fmt.Sprintf("the SDK sent %d requests for one call", len(wire.sent))})
	}
	return findings
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}
