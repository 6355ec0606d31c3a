package runner

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/results"
)

// caseFrom decodes one case the way the corpus is decoded.
func caseFrom(t testing.TB, body string) *fixtures.Case {
	t.Helper()
	set, problems := fixtures.Load(fixtures.Source{FS: fstest.MapFS{"universal/t.json": {Data: []byte(body)}}, Prefix: "test"}, catalog.Default())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	return set.Cases[0]
}

func testCase(endpoint, request, expect string, extra ...string) string {
	fields := []string{`"id": "t"`, `"summary": "s"`, `"evidence": "D"`, `"endpoint": "` + endpoint + `"`, `"request": ` + request, `"expect": ` + expect}
	return "{" + strings.Join(append(fields, extra...), ", ") + "}"
}

// recordingTarget serves the reference sandbox behind a recorder of every
// request's path, query and body.
type recordingTarget struct {
	mu   sync.Mutex
	seen []string
}

func (rt *recordingTarget) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		rt.mu.Lock()
		rt.seen = append(rt.seen, r.URL.Path+" "+string(body))
		rt.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func newTarget(t testing.TB, name string, h func(sb http.Handler) http.Handler, profiles ...refsandbox.Profile) *Target {
	t.Helper()
	sb, err := refsandbox.New(refsandbox.Options{Profiles: profiles})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h(sb.Handler()))
	t.Cleanup(srv.Close)
	return &Target{Name: name, BaseURL: srv.URL, Client: srv.Client(), Accounts: SandboxAccounts(sb)}
}

// testConfig retries at once: the tests are about what a retry does, not
// about waiting.
func testConfig() Config {
	cfg := DefaultConfig()
	cfg.Backoff = time.Millisecond
	return cfg
}

func newRunner(t testing.TB, target *Target) *Runner {
	return New(testConfig(), target, "sctest")
}

func reference(t testing.TB) *Runner {
	return newRunner(t, newTarget(t, TargetReference, func(h http.Handler) http.Handler { return h }))
}

func TestOutcomes(t *testing.T) {
	r := reference(t)
	tests := []struct {
		name       string
		c          string
		outcome    results.Outcome
		reasonHas  []string
		actualCode int
	}{
		{"pass with fields", testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0, "has": ["company_list.0.delivery_id"]}`), results.Pass, nil, 0},
		{"fail on errcode", testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 40066}`), results.Fail,
			[]string{"Expected\n    errcode 0 (", "to have errcode\n    40066 (", "fixture:  test/universal/t.json"}, 0},
		{"fail on a missing field", testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0, "has": ["data.nope"]}`), results.Fail,
			[]string{"data.nope: absent"}, 0},
		{"fail on a field value", testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0, "equals": {"errmsg": "not ok"}}`), results.Fail,
			[]string{`errmsg: got "ok", want "not ok"`}, 0},
		// The reference sandbox has no quota to run out of: an answer of
		// the environment is its own bug (a sandbox's is inconclusive:
		// TestTransientAnswersAreRetriedAndFlakyPassesAreMarked).
		{"environment answer on a case that did not ask for it", testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`, `"account": "quota-exhausted"`),
			results.Fail, []string{"the reference target answered errcode 45009 (", "expected 0 (success)"}, 45009},
		{"environment answer asked for", testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 45009}`, `"account": "quota-exhausted"`), results.Pass, nil, 45009},
		{"unknown profile on the reference target", testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`, `"account": "nobody"`),
			results.Error, []string{`the reference sandbox has no account profile "nobody"`}, -999},
		{"given step that fails", testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`,
			`"given": [{"name": "first", "endpoint": "/shop/spu/addd", "body": {}}]`), results.Error,
			[]string{`given step 1 "first" (/shop/spu/addd) answered errcode 40066 (`, "expected 0 (success)"}, -999},
		{"given step that answers another code than the one it accepts", testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`,
			`"given": [{"name": "first", "endpoint": "/shop/spu/addd", "body": {}, "accept": [{"errcode": 1050003, "because": "approved before"}]}]`), results.Error,
			[]string{`given step 1 "first" (/shop/spu/addd) answered errcode 40066 (`}, -999},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := r.Execute(context.Background(), caseFrom(t, tt.c))
			if res.Outcome != tt.outcome {
				t.Fatalf("outcome %s (%s), want %s", res.Outcome, res.Reason, tt.outcome)
			}
			for _, w := range tt.reasonHas {
				if !strings.Contains(res.Reason, w) {
					t.Errorf("reason lacks %q:\n%s", w, res.Reason)
				}
			}
			code, ok := res.Errcode()
			if tt.actualCode == -999 {
				if ok {
					t.Errorf("the case's own request should not have been sent, got errcode %d", code)
				}
			} else if !ok || code != tt.actualCode {
				t.Errorf("actual errcode %d (%v), want %d", code, ok, tt.actualCode)
			}
			if rec := res.Record(); rec.Outcome != tt.outcome || rec.Fixture != "test/universal/t.json" {
				t.Errorf("record %+v", rec)
			}
		})
	}
}

func TestStepsFeedLaterRequestsAndCleanupAlwaysRuns(t *testing.T) {
	rt := &recordingTarget{}
	r := newRunner(t, newTarget(t, TargetReference, rt.wrap))
	c := caseFrom(t, testCase("/shop/spu/addd", `{"body": {"id": "{{step.list.company_list.0.delivery_id}}", "uid": "{{uid}}"}}`, `{"errcode": 0}`,
		`"given": [{"name": "list", "endpoint": "/shop/delivery/get_company_list", "body": {}}]`,
		`"cleanup": [{"endpoint": "/shop/delivery/get_company_list", "body": {"after": "{{response.errcode}}"}}]`))
	res := r.Execute(context.Background(), c)
	if res.Outcome != results.Fail {
		t.Fatalf("outcome %s: %s", res.Outcome, res.Reason)
	}
	var shop []string
	for _, s := range rt.seen {
		if strings.HasPrefix(s, "/shop/") {
			shop = append(shop, s)
		}
	}
	want := []string{
		`/shop/delivery/get_company_list {}`,
		`/shop/spu/addd {"id":"` + firstCompany(t, r) + `","uid":"sctest-` + shortHash("t") + `"}`,
		`/shop/delivery/get_company_list {"after":40066}`,
	}
	if strings.Join(shop, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(shop, "\n"), strings.Join(want, "\n"))
	}
}

func firstCompany(t *testing.T, r *Runner) string {
	res := r.Execute(context.Background(), caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`)))
	v, _ := res.Field("company_list.0.delivery_id")
	return v.(string)
}

func TestSandboxTargetSkipsProfilesItLacks(t *testing.T) {
	target := newTarget(t, "sandbox:127.0.0.1:1", func(h http.Handler) http.Handler { return h })
	target.Accounts = &accounts.File{Profiles: map[string]accounts.Credentials{"default": target.Accounts.Profiles["default"]}}
	res := newRunner(t, target).Execute(context.Background(),
		caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 48001}`, `"account": "not-opened"`)))
	if res.Outcome != results.Skipped || res.Reason != "needs account profile not-opened" {
		t.Errorf("%s: %s", res.Outcome, res.Reason)
	}
}

// TestFaultsAreErrorsThatNameTheFault checks transport faults and answers
// that are not the API's envelope, and that no secret leaks into reasons.
func TestFaultsAreErrorsThatNameTheFault(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"HTML instead of JSON", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>busy</html>") }, "the answer is not a JSON object"},
		{"JSON without errcode", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"data": 1}`) }, "the answer has no errcode"},
		{"HTTP 502", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }, "HTTP 502 instead of 200"},
		{"secret echoed back", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"errcode": 40001, "errmsg": "bad secret `+secret+` token `+r.URL.Query().Get("access_token")+`"}`)
		}, "[REDACTED]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/cgi-bin/stable_token" {
					json.NewEncoder(w).Encode(map[string]any{"access_token": "tok-0123456789-abcdefghij", "expires_in": 7200})
					return
				}
				tt.handler(w, r)
			}))
			defer srv.Close()
			target := &Target{Name: "sandbox:x", BaseURL: srv.URL, Client: srv.Client(),
				Accounts: &accounts.File{Profiles: map[string]accounts.Credentials{"default": {AppID: "wx1", Secret: secret}}}}
			res := newRunner(t, target).Execute(context.Background(), caseFrom(t, testCase("/shop/spu/get", `{"body": {}}`, `{"errcode": 0}`)))
			all := res.Reason + res.Errmsg()
			if !strings.Contains(all, tt.want) {
				t.Errorf("reason %q lacks %q", all, tt.want)
			}
			if strings.Contains(all, secret) || strings.Contains(all, "tok-0123456789-abcdefghij") {
				t.Errorf("a secret leaked: %q", all)
			}
		})
	}
}

func TestUnreachableTarget(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	target := &Target{Name: "sandbox:x", BaseURL: base, Client: http.DefaultClient,
		Accounts: &accounts.File{Profiles: map[string]accounts.Credentials{"default": {AccessToken: "fixed-token-0123456789"}}}}
	res := newRunner(t, target).Execute(context.Background(), caseFrom(t, testCase("/shop/spu/get", `{"body": {}}`, `{"errcode": 0}`)))
	if res.Outcome != results.Error || !strings.Contains(res.Reason, "POST /shop/spu/get (attempt 1): transport:") || !strings.Contains(res.Reason, "connection refused") {
		t.Errorf("%s: %s", res.Outcome, res.Reason)
	}
	if strings.Contains(res.Reason, "fixed-token") {
		t.Errorf("token leaked: %s", res.Reason)
	}
}

func TestClassicTokenEndpoint(t *testing.T) {
	cfg := testConfig()
	cfg.TokenEndpoint = TokenClassic
	rt := &recordingTarget{}
	r := New(cfg, newTarget(t, TargetReference, rt.wrap), "sctest")
	res := r.Execute(context.Background(), caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`)))
	if res.Outcome != results.Pass {
		t.Fatalf("%s: %s", res.Outcome, res.Reason)
	}
	if len(rt.seen) == 0 || !strings.HasPrefix(rt.seen[0], "/cgi-bin/token ") {
		t.Errorf("first request %v, want the classic token endpoint", rt.seen)
	}
}

func TestAGivenStepThatAnswersAnAcceptedCodeLetsTheCaseGoOn(t *testing.T) {
	c := caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`,
		`"given": [{"name": "first", "endpoint": "/shop/spu/addd", "body": {}, "accept": [{"errcode": 40066, "because": "the path is gone already"}]}]`))
	res := reference(t).Execute(context.Background(), c)
	want := `given step 1 "first" (/shop/spu/addd) answered errcode 40066 (`
	if res.Outcome != results.Pass || len(res.Notes) != 1 || !strings.HasPrefix(res.Notes[0], want) ||
		!strings.HasSuffix(res.Notes[0], "instead of 0, which the step accepts: the path is gone already") {
		t.Fatalf("%s (%s), notes %q", res.Outcome, res.Reason, res.Notes)
	}
	if rec := res.Record(); len(rec.Notes) != 1 || rec.Notes[0] != res.Notes[0] {
		t.Errorf("the record's notes %q", rec.Notes)
	}
}

func TestFreshAccounts(t *testing.T) {
	apply := testCase("/shop/register/apply", `{"body": {}}`, `{"errcode": 0}`, `"account": "not-opened"`, `"fresh_account": true`)
	r := reference(t)
	for i := range 2 {
		// Each run applies on an account nobody applied on before, so the
		// second apply is not "already submitted" (1040019).
		if res := r.Execute(context.Background(), caseFrom(t, apply)); res.Outcome != results.Pass {
			t.Fatalf("run %d: %s: %s", i+1, res.Outcome, res.Reason)
		}
	}
	unknown := testCase("/shop/register/apply", `{"body": {}}`, `{"errcode": 0}`, `"account": "nobody"`, `"fresh_account": true`)
	if res := r.Execute(context.Background(), caseFrom(t, unknown)); res.Outcome != results.Error || !strings.Contains(res.Reason, `no account profile "nobody"`) {
		t.Errorf("unknown profile: %s: %s", res.Outcome, res.Reason)
	}

	live := httptest.NewServer(http.NotFoundHandler()) // a target that knows nothing of minting
	defer live.Close()
	target := &Target{Name: "sandbox:live", BaseURL: live.URL, Client: live.Client(), Accounts: &accounts.File{Profiles: map[string]accounts.Credentials{}}}
	res := newRunner(t, target).Execute(context.Background(), caseFrom(t, apply))
	if res.Outcome != results.Skipped || !strings.HasPrefix(res.Reason, "not triggerable on this target: needs a fresh account") {
		t.Errorf("live target: %s: %s", res.Outcome, res.Reason)
	}
}

func TestAFailingCaseExplainsItself(t *testing.T) {
	r := reference(t)
	c := caseFrom(t, testCase("/shop/spu/addd", `{"body": {"a": "{{uid}}"}}`, `{"errcode": 0}`,
		`"given": [{"name": "list", "endpoint": "/shop/delivery/get_company_list", "body": {}}]`))
	res := r.Execute(context.Background(), c)
	if res.Outcome != results.Fail || len(res.Transcript) != 2 {
		t.Fatalf("%s with %d exchanges", res.Outcome, len(res.Transcript))
	}
	given, own := res.Transcript[0], res.Transcript[1]
	if given.Step != "given 1 (list)" || own.Step != "case" || own.Status != 200 || !strings.Contains(own.ResponseBody, `"errcode":40066`) ||
		own.RequestBody != `{"a":"sctest-`+shortHash("t")+`"}` {
		t.Errorf("transcript %+v", res.Transcript)
	}
	wantCurl := `curl -sS -X POST 'http://127.0.0.1:8089/shop/spu/addd?access_token=ACCESS_TOKEN' -H 'Content-Type: application/json' --data-binary '{"a":"sctest-`
	if !strings.Contains(res.Curl, wantCurl) {
		t.Errorf("curl:\n%s\nwant it to contain\n%s", res.Curl, wantCurl)
	}
	if res.Rerun != `go run ./cmd/shopconform run --domains universal --focus 't →'` {
		t.Errorf("rerun %q", res.Rerun)
	}
	secrets, _ := r.state.Secrets()
	rec, _ := json.Marshal(res.Record())
	for _, s := range secrets {
		if strings.Contains(string(rec), s) {
			t.Fatalf("a secret or token is in the record: %s", rec)
		}
	}
	if pass := r.Execute(context.Background(), caseFrom(t, testCase("/shop/spu/addd", `{"body": {}}`, `{"errcode": 40066}`))); pass.Transcript != nil || pass.Curl != "" {
		t.Error("a passing case carries a transcript")
	}
}

// TestAReferenceBugAnsweringMinusOneFails: the reference target has no
// backend to be busy, so -1 from it is its own bug: the case fails and
// names the code, after one attempt.
func TestAReferenceBugAnsweringMinusOneFails(t *testing.T) {
	broken := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/shop/delivery/get_company_list" {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"errcode":-1,"errmsg":"system error"}`)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	r := newRunner(t, newTarget(t, TargetReference, broken))
	res := r.Execute(context.Background(), caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`)))
	if res.Outcome != results.Fail || res.Attempts != 1 || !strings.Contains(res.Reason, "the reference target answered errcode -1 (") {
		t.Errorf("%s after %d attempts: %s", res.Outcome, res.Attempts, res.Reason)
	}
}
