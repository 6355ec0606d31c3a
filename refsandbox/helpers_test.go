package refsandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/refsandbox/control"
	"github.com/shopconform/shopconform/refsandbox/merchantsim"
)

// These tests build their requests from api-reference.md by hand and never
// read fixtures/: the sandbox must stay an independent
// reading of the docs.

// t0 is 10:00 on a Shanghai day, far from midnight unless a test moves it.
var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, shanghai)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// target is one way of reaching a fresh sandbox; any difference between two is a bug of a transport.
type target struct {
	name   string
	sb     *Sandbox
	clock  *fakeClock
	client *http.Client
	base   string
}

func seeded() io.Reader { return rand.NewChaCha8([32]byte{'s', 'h', 'o', 'p'}) }

// newSandbox starts a merchant simulator on loopback for coupon/confirm,
// as the runner's reference target does, and a sandbox that calls it.
func newSandbox(t *testing.T, profiles []Profile) (*Sandbox, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: t0}
	merchant := httptest.NewServer(merchantsim.New())
	t.Cleanup(merchant.Close)
	sb, err := New(Options{Clock: clock, Profiles: profiles, Random: seeded(), MerchantURL: merchant.URL})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return sb, clock
}

// forEachTarget runs fn against a fresh sandbox in-process (Client) and
// over a loopback listener (Handler); any difference is a transport bug.
func forEachTarget(t *testing.T, fn func(t *testing.T, tg *target)) {
	forEachTargetWith(t, nil, fn)
}

func forEachTargetWith(t *testing.T, profiles []Profile, fn func(t *testing.T, tg *target)) {
	t.Helper()
	t.Run("in-process", func(t *testing.T) {
		t.Parallel()
		sb, clock := newSandbox(t, profiles)
		fn(t, &target{name: "in-process", sb: sb, clock: clock, client: sb.Client(), base: "http://sandbox.invalid"})
	})
	t.Run("loopback", func(t *testing.T) {
		t.Parallel()
		fn(t, loopbackTargetWith(t, profiles))
	})
}

// loopbackTarget is a fresh sandbox behind a loopback listener, as serve
// runs it.
func loopbackTarget(t *testing.T) *target { return loopbackTargetWith(t, nil) }

func loopbackTargetWith(t *testing.T, profiles []Profile) *target {
	t.Helper()
	sb, clock := newSandbox(t, profiles)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	return &target{name: "loopback", sb: sb, clock: clock, client: srv.Client(), base: srv.URL}
}

// controlClient is a client of the target's control API.
func controlClient(tg *target) *control.Client {
	c := control.New(tg.base, tg.sb.ControlToken())
	c.HTTP = tg.client
	return c
}

// freshAccount mints an account of profile that no other test touches
// and returns its token and users.
func freshAccount(t *testing.T, tg *target, profile string, openids ...string) (string, []string) {
	t.Helper()
	ctl := controlClient(tg)
	acct, err := ctl.Mint(context.Background(), control.MintOptions{Profile: profile, OpenIDs: openids})
	if err != nil {
		t.Fatalf("mint %s: %v", profile, err)
	}
	tok, err := ctl.AccessToken(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	return tok, acct.OpenIDs
}

// exchange sends one request and reads the whole answer. It takes no
// *testing.T so goroutines can use it (t.Fatal belongs to the test's own).
func exchange(tg *target, method, path, token, contentType, body string, header ...string) (*http.Response, []byte, error) {
	if token != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "access_token=" + url.QueryEscape(token)
	}
	req, err := http.NewRequest(method, tg.base+path, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := tg.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp, raw, err
}

// do is exchange for the test goroutine.
func do(t *testing.T, tg *target, method, path, token, contentType, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	resp, raw, err := exchange(tg, method, path, token, contentType, body, header...)
	if err != nil {
		t.Fatal(err)
	}
	return resp, raw
}

// send is the one helper every test uses: it returns the HTTP status and
// the decoded body (numbers as json.Number).
func send(t *testing.T, tg *target, method, path, token, contentType, body string) (int, map[string]any) {
	t.Helper()
	resp, raw := do(t, tg, method, path, token, contentType, body)
	return resp.StatusCode, decode(t, raw)
}

func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	m, err := decodeRaw(raw)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func decodeRaw(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("response is not a JSON object: %v\n%s", err, raw)
	}
	return m, nil
}

// post is a vendor call as the docs describe it: POST, JSON, token in the query.
func post(t *testing.T, tg *target, token, path, body string) map[string]any {
	t.Helper()
	_, resp := send(t, tg, http.MethodPost, path, token, "application/json", body)
	return resp
}

func accountOf(t *testing.T, tg *target, profile string) Account {
	t.Helper()
	for _, a := range tg.sb.Accounts() {
		if a.Profile == profile {
			return a
		}
	}
	t.Fatalf("no profile %q", profile)
	return Account{}
}

// token gets the profile's stable token, as a client would.
func token(t *testing.T, tg *target, profile string) string {
	t.Helper()
	a := accountOf(t, tg, profile)
	body, _ := json.Marshal(map[string]any{"grant_type": "client_credential", "appid": a.AppID, "secret": a.Secret})
	_, resp := send(t, tg, http.MethodPost, stableTokenPath, "", "application/json", string(body))
	tok, ok := resp["access_token"].(string)
	if !ok {
		t.Fatalf("stable_token for %s: %v", profile, resp)
	}
	return tok
}

func errcode(t *testing.T, resp map[string]any) catalog.Code {
	t.Helper()
	n, ok := resp["errcode"].(json.Number)
	if !ok {
		t.Fatalf("no numeric errcode in %v", resp)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return catalog.Code(i)
}

func wantCode(t *testing.T, resp map[string]any, want catalog.Code) {
	t.Helper()
	if got := errcode(t, resp); got != want {
		t.Errorf("errcode = %d, want %d (errmsg %q)", got, want, resp["errmsg"])
	}
}

// wantShape checks a success answer against the spec's response of path.
func wantShape(t *testing.T, path string, resp map[string]any) {
	t.Helper()
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	ep, ok := spec.Endpoint(path)
	if !ok {
		t.Fatalf("%s is not in the spec", path)
	}
	for _, p := range validate.Response(ep, resp) {
		t.Errorf("%s answer: %s (%v)", path, p, resp)
	}
}

// asJSON is v as a decoded answer holds it (numbers as json.Number), for
// comparing what was sent with what came back.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}
