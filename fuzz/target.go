package fuzz

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/refsandbox/merchantsim"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/accounts"
)

// Target is an in-process target: a handler called with no socket.
type Target struct {
	// Name is how fuzz.json names it ("reference" for Reference).
	Name    string
	Handler http.Handler
	// Accounts are its credentials; with a control token the campaign
	// runs every mutation on an account minted for it alone.
	Accounts *accounts.File
	// Now is the clock its {{now}} placeholders follow: the handler's own
	// when it has an injected one; nil is the wall clock.
	Now     func() time.Time
	closers []func()
}

// Close releases what the target started.
func (t *Target) Close() {
	for _, c := range t.closers {
		c()
	}
}

// Reference builds the reference sandbox for a campaign, in-process:
// its clock ticks one millisecond per reading and its randomness comes
// from seed, so that one seed gives the same fuzz.json every time. base
// may set any other option (a program that fuzzes a changed sandbox passes
// its own); its Clock and Random are replaced. The merchant simulator that
// coupon/confirm calls back listens on loopback until Close.
func Reference(seed uint64, base refsandbox.Options) (*Target, error) {
	merchant := httptest.NewServer(merchantsim.New())
	clock := runner.NewTickingClock()
	base.Clock, base.MerchantURL = clock, merchant.URL
	base.Random = rand.NewChaCha8(seedKey("refsandbox", seed))
	sb, err := refsandbox.New(base)
	if err != nil {
		merchant.Close()
		return nil, fmt.Errorf("reference sandbox: %w", err)
	}
	return &Target{Name: runner.TargetReference, Handler: sb.Handler(), Accounts: runner.SandboxAccounts(sb), Now: clock.Now, closers: []func(){merchant.Close}}, nil
}

// seedKey derives a 32-byte key for one use of the seed, so that the
// sandbox's draws and the campaign's never mirror each other.
func seedKey(use string, seed uint64) [32]byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seed)
	return sha256.Sum256(append([]byte(use+":"), b[:]...))
}

// inProcess calls a handler for each request. A panic is a crash of the
// target, not of the campaign: it comes back as a transport error. A
// handler that outlives the request's context is left to finish on its
// own, and the request is a timeout.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	type result struct {
		rec   *httptest.ResponseRecorder
		panic any
	}
	done := make(chan result, 1)
	go func() {
		rec := httptest.NewRecorder()
		defer func() { done <- result{rec, recover()} }()
		in := req.Clone(req.Context())
		in.RequestURI = req.URL.RequestURI()
		in.RemoteAddr = "127.0.0.1:0"
		if in.Body == nil {
			in.Body = http.NoBody
		}
		t.h.ServeHTTP(rec, in)
	}()
	select {
	case r := <-done:
		if r.panic != nil {
			return nil, fmt.Errorf("the handler panicked: %v", r.panic)
		}
		resp := r.rec.Result()
		resp.Request = req
		return resp, nil
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
}

// errBudget refuses a request the campaign's budget has no room for.
var errBudget = errors.New("the fuzzing budget is spent")

// counter counts every request that goes out and refuses those beyond the
// budget (0: none), so that retries and token renewals cannot overrun it.
type counter struct {
	next   http.RoundTripper
	budget int64
	sent   atomic.Int64
}

func (c *counter) RoundTrip(req *http.Request) (*http.Response, error) {
	if n := c.sent.Add(1); c.budget > 0 && n > c.budget {
		c.sent.Add(-1)
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, errBudget
	}
	return c.next.RoundTrip(req)
}

func (c *counter) count() int { return int(c.sent.Load()) }

// left is how many requests the budget still allows; -1 without one.
func (c *counter) left() int {
	if c.budget == 0 {
		return -1
	}
	return int(c.budget - c.sent.Load())
}
