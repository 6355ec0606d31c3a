package runner

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/internal/faultproxy"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/refsandbox/merchantsim"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/results"
)

// serveLike starts what `shopconform serve` starts — the reference sandbox
// and the merchant simulator on loopback — and writes the accounts file it
// would write.
func serveLike(t *testing.T) (baseURL, accountsFile string) {
	t.Helper()
	return serveLikeThrough(t, func(h http.Handler) http.Handler { return h })
}

// serveLikeThrough is serveLike with the sandbox's handler wrapped, to
// watch what reaches it.
func serveLikeThrough(t *testing.T, wrap func(http.Handler) http.Handler) (baseURL, accountsFile string) {
	t.Helper()
	merchant := httptest.NewServer(merchantsim.New())
	t.Cleanup(merchant.Close)
	sb, err := refsandbox.New(refsandbox.Options{MerchantURL: merchant.URL})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wrap(sb.Handler()))
	t.Cleanup(srv.Close)
	accountsFile = filepath.Join(t.TempDir(), "accounts.json")
	if err := accounts.Write(accountsFile, SandboxAccounts(sb)); err != nil {
		t.Fatal(err)
	}
	return srv.URL, accountsFile
}

// sandboxRunner opens a sandbox target through the configuration, as a
// user would, with retries that do not wait.
func sandboxRunner(t *testing.T, baseURL, accountsFile string, adjust func(*Config)) *Runner {
	t.Helper()
	cfg := testConfig()
	cfg.Target, cfg.BaseURL, cfg.Accounts, cfg.Rate = TargetSandbox, baseURL, accountsFile, 0
	if adjust != nil {
		adjust(&cfg)
	}
	target, err := OpenTarget(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(target.Close)
	return New(cfg, target, "sctest")
}

func corpus(t *testing.T) []*fixtures.Case {
	t.Helper()
	set, problems := fixtures.Load(fixtures.Embedded(), catalog.Default())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	return set.Cases
}

// TestServeGivesTheReferenceOutcomes runs every case on the reference
// target and on the sandbox target pointed at a serve-like sandbox: any
// difference is a bug in a target.
func TestServeGivesTheReferenceOutcomes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole corpus twice")
	}
	cfg := testConfig()
	ref, err := OpenTarget(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	reference := New(cfg, ref, "scref")
	base, file := serveLike(t)
	sandbox := sandboxRunner(t, base, file, nil)
	for _, c := range corpus(t) {
		a, b := reference.Execute(context.Background(), c), sandbox.Execute(context.Background(), c)
		if a.Outcome != b.Outcome || a.Outcome != results.Pass {
			t.Errorf("%s: reference %s (%s), sandbox %s (%s)", c.ID, a.Outcome, a.Reason, b.Outcome, b.Reason)
		}
	}
}

// TestEveryFaultYieldsNoPass injects each fault into every request of a
// run over the whole corpus, or into its /shop/ requests only: no case may
// pass, every case ends, and no reason carries a secret or a token. A
// transport fault stops costing requests once the breaker trips: the
// target sees at most --unhealthy-after faulted requests, however many
// token requests answer in between, so a run's time is bounded by
// unhealthy-after × request-timeout.
func TestEveryFaultYieldsNoPass(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole corpus once per fault")
	}
	base, file := serveLike(t)
	refused, err := faultproxy.RefusedURL()
	if err != nil {
		t.Fatal(err)
	}
	faults := []faultproxy.Config{
		{Fault: faultproxy.Reset}, {Fault: faultproxy.Delay, Delay: time.Minute}, {Fault: faultproxy.Status500},
		{Fault: faultproxy.Garbage}, {Fault: faultproxy.Truncated}, {Fault: faultproxy.NoErrcode},
		{Fault: faultproxy.Transient, Code: int(catalog.RateLimited), Times: 1000},
	}
	cases := corpus(t)
	const unhealthyAfter = 5
	run := func(t *testing.T, url string, proxy *faultproxy.Proxy, transport bool) {
		r := sandboxRunner(t, url, file, func(c *Config) {
			c.RequestTimeout, c.UnhealthyAfter = 200*time.Millisecond, unhealthyAfter
			// Under a transient fault every case retries and waits: one
			// retry, without a wait worth the name, shows that it ends
			// all the same (TestTransientAnswersAreRetriedAndFlakyPassesAreMarked
			// counts the attempts).
			c.Retries, c.Backoff = 1, time.Microsecond
		})
		counts := map[results.Outcome]int{}
		for _, c := range cases {
			res := r.Execute(context.Background(), c)
			counts[res.Outcome]++
			if res.Outcome == results.Pass && strings.HasPrefix(c.Endpoint, "/shop/") || res.Outcome == results.Fail {
				t.Errorf("%s: %s under an injected fault: %s", c.ID, res.Outcome, res.Reason)
			}
			rec, _ := json.Marshal(res.Record())
			secrets, _ := r.state.Secrets()
			for _, s := range secrets {
				if strings.Contains(string(rec), s) {
					t.Fatalf("%s: a secret leaked into the record: %s", c.ID, rec)
				}
			}
		}
		if proxy != nil && transport && proxy.Requests() > unhealthyAfter {
			t.Errorf("the target saw %d faulted requests; the breaker should have stopped them after %d", proxy.Requests(), unhealthyAfter)
		}
		t.Logf("%v", counts)
	}
	t.Run("Refused", func(t *testing.T) { run(t, refused, nil, true) })
	for _, f := range faults {
		for _, all := range []bool{true, false} {
			f.AllPaths = all
			name := f.Fault.String() + " on /shop/"
			if all {
				name = f.Fault.String() + " on every path"
			}
			t.Run(name, func(t *testing.T) {
				proxy, err := faultproxy.Start(base, f)
				if err != nil {
					t.Fatal(err)
				}
				defer proxy.Close()
				run(t, proxy.URL(), proxy, f.Fault != faultproxy.Transient)
			})
		}
	}
}

func TestTransientAnswersAreRetriedAndFlakyPassesAreMarked(t *testing.T) {
	base, file := serveLike(t)
	ok := caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`))
	for _, tt := range []struct {
		times        int
		want         results.Outcome
		flaky        bool
		attempts     int
		reasonPrefix string
	}{
		{times: 2, want: results.Pass, flaky: true, attempts: 3},
		{times: 10, want: results.Inconclusive, attempts: 4, reasonPrefix: "the environment answered errcode 300000"},
	} {
		proxy, err := faultproxy.Start(base, faultproxy.Config{Fault: faultproxy.Transient, Code: int(catalog.RateLimited), Times: tt.times})
		if err != nil {
			t.Fatal(err)
		}
		defer proxy.Close()
		res := sandboxRunner(t, proxy.URL(), file, nil).Execute(context.Background(), ok)
		if res.Outcome != tt.want || res.Flaky != tt.flaky || res.Attempts != tt.attempts || !strings.HasPrefix(res.Reason, tt.reasonPrefix) {
			t.Errorf("%d transient answers: %s flaky=%v attempts=%d: %s", tt.times, res.Outcome, res.Flaky, res.Attempts, res.Reason)
		}
		if earlier := res.Record().EarlierAttempts; len(earlier) != min(tt.times, 3) || *earlier[0].Errcode != int(catalog.RateLimited) || earlier[0].Step != "case" {
			t.Errorf("%d transient answers: earlier attempts %+v", tt.times, earlier)
		}
		if tt.want == results.Inconclusive && !strings.Contains(res.Reason, "answers 300000, 300000, 300000, 300000") {
			t.Errorf("the reason does not list the answers seen: %s", res.Reason)
		}
	}
	// A case that asks for the transient code is not retried.
	proxy, err := faultproxy.Start(base, faultproxy.Config{Fault: faultproxy.Transient, Code: int(catalog.RateLimited), Times: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	asks := caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 300000}`))
	if res := sandboxRunner(t, proxy.URL(), file, nil).Execute(context.Background(), asks); res.Outcome != results.Pass || res.Attempts != 1 {
		t.Errorf("asked for 300000: %s after %d attempts", res.Outcome, res.Attempts)
	}
}

func TestARefusedTokenIsRenewedOnce(t *testing.T) {
	base, file := serveLike(t)
	// Shared: the other client below invalidates the file's account's token.
	r := sandboxRunner(t, base, file, func(c *Config) { c.AccountsMode = AccountsShared })
	ok := caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`))
	if res := r.Execute(context.Background(), ok); res.Outcome != results.Pass {
		t.Fatal(res.Reason)
	}
	// Another client forces a new stable token, which invalidates the one
	// the runner holds, as a live token rotation would.
	forceNewToken(t, base, file, "default")
	res := r.Execute(context.Background(), ok)
	if res.Outcome != results.Pass || res.Attempts != 2 || res.Flaky {
		t.Errorf("after the token was invalidated: %s attempts=%d flaky=%v: %s", res.Outcome, res.Attempts, res.Flaky, res.Reason)
	}
}

func TestTheBudgetSkipsWhatIsLeft(t *testing.T) {
	base, file := serveLike(t)
	r := sandboxRunner(t, base, file, func(c *Config) { c.Budget = 3 })
	ok := caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`))
	var outcomes []results.Outcome
	for range 5 {
		outcomes = append(outcomes, r.Execute(context.Background(), ok).Outcome)
	}
	want := []results.Outcome{results.Pass, results.Pass, results.Pass, results.Skipped, results.Skipped}
	for i := range want {
		if outcomes[i] != want[i] {
			t.Fatalf("outcomes %v, want %v", outcomes, want)
		}
	}
	if res := r.Execute(context.Background(), ok); !strings.Contains(res.Reason, "budget") {
		t.Errorf("the skip does not say why: %s", res.Reason)
	}
}

func TestAnUnhealthyTargetIsNotCalledAgain(t *testing.T) {
	base, file := serveLike(t)
	proxy, err := faultproxy.Start(base, faultproxy.Config{Fault: faultproxy.Reset})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	r := sandboxRunner(t, proxy.URL(), file, func(c *Config) { c.UnhealthyAfter = 3 })
	ok := caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`))
	for i := range 6 {
		res := r.Execute(context.Background(), ok)
		if res.Outcome != results.Error {
			t.Fatalf("run %d: %s", i, res.Outcome)
		}
		if i >= 3 && !strings.Contains(res.Reason, "target unhealthy, not called: 3 consecutive transport faults") {
			t.Errorf("run %d: %s", i, res.Reason)
		}
	}
	if n := proxy.Requests(); n != 3 {
		t.Errorf("the proxy saw %d requests after the breaker tripped at 3", n)
	}
}

// noNetwork fails any request: the live guard must decide before one.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("a request reached %s", r.URL.Host)
	return nil, http.ErrHandlerTimeout
}

func TestMutatingCasesDoNotRunOnTheProductionHost(t *testing.T) {
	target := &Target{Name: "sandbox:api.weixin.qq.com", BaseURL: "https://api.weixin.qq.com", Client: &http.Client{Transport: noNetwork{t}},
		Accounts: &accounts.File{Profiles: map[string]accounts.Credentials{"default": {AccessToken: "fixed-token-for-the-guard"}}}}
	mutates := caseFrom(t, testCase("/shop/spu/add", `{"body": {}}`, `{"errcode": 0}`, `"labels": ["mutates"]`))
	res := New(testConfig(), target, "sctest").Execute(context.Background(), mutates)
	if res.Outcome != results.Skipped || !strings.Contains(res.Reason, "--allow-live-mutations") {
		t.Errorf("%s: %s", res.Outcome, res.Reason)
	}
}

// forceNewToken asks for a new stable token of profile with force_refresh,
// which invalidates the previous one (§1.1).
func forceNewToken(t *testing.T, base, accountsFile, profile string) {
	t.Helper()
	f, err := accounts.Read(accountsFile)
	if err != nil {
		t.Fatal(err)
	}
	c := f.Profiles[profile]
	body := `{"grant_type":"client_credential","appid":"` + c.AppID + `","secret":"` + c.Secret + `","force_refresh":true}`
	resp, err := http.Post(base+"/cgi-bin/stable_token", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}
