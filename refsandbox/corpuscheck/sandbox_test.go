package corpuscheck

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/refsandbox/merchantsim"
	"github.com/shopconform/shopconform/runner"
)

// merchant starts the merchant simulator that coupon/confirm calls back,
// on loopback; it keeps no state, so every sandbox of a test may share it.
func merchant(tb testing.TB) string {
	tb.Helper()
	srv := httptest.NewServer(merchantsim.New())
	tb.Cleanup(srv.Close)
	return srv.URL
}

// sandbox is a reference sandbox reached in-process, as the runner and a
// detector reach it.
type sandbox struct {
	sb     *refsandbox.Sandbox
	target *runner.Target
}

// newSandbox builds a sandbox from opts; wrap, when not nil, sees every
// request on its way to the handler.
func newSandbox(tb testing.TB, opts refsandbox.Options, wrap func(http.Handler) http.Handler) *sandbox {
	tb.Helper()
	sb, err := refsandbox.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	h := sb.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	return &sandbox{sb: sb, target: &runner.Target{
		Name:     runner.TargetReference,
		BaseURL:  "http://refsandbox.test",
		Client:   &http.Client{Transport: handlerTransport{h}},
		Accounts: runner.SandboxAccounts(sb),
	}}
}

// handlerTransport calls a handler in-process and turns its panic into a
// transport error, so that a crashing mutant ends the case, not the test.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, fmt.Errorf("the sandbox panicked on %s: %v", req.URL.Path, p)
		}
	}()
	defer func() {
		if req.Body != nil {
			_ = req.Body.Close() // a RoundTripper closes the body, whatever happens
		}
	}()
	in := req.Clone(req.Context())
	in.RequestURI = req.URL.RequestURI()
	if in.Body == nil {
		in.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, in)
	return rec.Result(), nil
}

// newRunner runs cases on target the way `shopconform run` does, judging
// answers against the embedded spec whatever spec the target serves.
func newRunner(target *runner.Target) *runner.Runner {
	cfg := runner.DefaultConfig()
	cfg.Backoff = time.Millisecond // the reference target is never retried; nothing should wait
	return runner.New(cfg, target, "sccorpus")
}

func corpus(tb testing.TB) []*fixtures.Case {
	tb.Helper()
	set, problems := fixtures.Load(fixtures.Embedded(), catalog.Default())
	if len(problems) > 0 {
		tb.Fatal(problems)
	}
	return set.Cases
}

func defaultSpec(tb testing.TB) *apispec.Spec {
	tb.Helper()
	spec, err := apispec.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return spec
}
