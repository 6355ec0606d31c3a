package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/results"
)

func postAdmin(t *testing.T, base, path, body string, into any) int {
	t.Helper()
	resp, err := http.Post(base+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			t.Fatalf("%s: %v: %s", path, err, raw)
		}
	}
	return resp.StatusCode
}

// TestReplayServerAnswersEveryCaseOverHTTP plays every case against the
// replay server over real HTTP, with the runner as the client: each case
// is begun, run with the values begin answered, and ended, and must pass
// with nothing unused or unmatched. This is what an SDK's own test suite
// does against `shopconform serve --replay`.
func TestReplayServerAnswersEveryCaseOverHTTP(t *testing.T) {
	srv, err := NewReplayServer(ReplayServerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	var now time.Time
	var fresh accounts.Credentials
	u, _ := url.Parse(hs.URL)
	target := &Target{Name: TargetSandbox + ":" + u.Host, BaseURL: hs.URL, Client: &http.Client{Timeout: 10 * time.Second},
		Accounts: srv.accounts, minter: func(context.Context, string) (accounts.Credentials, error) { return fresh, nil }}
	cfg := DefaultConfig()
	cfg.Target, cfg.Rate, cfg.Retries = TargetSandbox, 0, 0
	var first ReplayCase
	ids := make([]string, 0, len(srv.cases))
	for id := range srv.cases {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var r *Runner
	for _, id := range ids {
		var rc ReplayCase
		if code := postAdmin(t, hs.URL, ReplayBeginPath, `{"case":"`+id+`"}`, &rc); code != http.StatusOK {
			t.Fatalf("begin %s: HTTP %d", id, code)
		}
		if r == nil {
			first = rc
			r = New(cfg, target, rc.Run, WithClock(func() time.Time { return now }))
		}
		if rc.Case != id || rc.Run != first.Run || !strings.HasPrefix(rc.UID, rc.Run+"-") || rc.AppID == "" || rc.Token == "" {
			t.Fatalf("begin %s answered %+v", id, rc)
		}
		now, fresh = time.Unix(rc.Now, 0), accounts.Credentials{AppID: rc.AppID, OpenIDs: rc.OpenIDs, AccessToken: rc.Token}
		res := r.Execute(context.Background(), srv.cases[id])
		var end ReplayEnd
		if code := postAdmin(t, hs.URL, ReplayEndPath, "", &end); code != http.StatusOK {
			t.Fatalf("end %s: HTTP %d", id, code)
		}
		if res.Outcome != results.Pass || len(end.Unused) > 0 || len(end.Unmatched) > 0 {
			t.Errorf("%s: %s: %s; unused %q, unmatched %q", id, res.Outcome, res.Reason, end.Unused, end.Unmatched)
		}
	}
	if len(ids) < 400 {
		t.Errorf("only %d cases", len(ids))
	}
}

// TestReplayServerSaysWhatWentWrong covers the admin paths' answers and a
// case replayed unfaithfully.
func TestReplayServerSaysWhatWentWrong(t *testing.T) {
	srv, err := NewReplayServer(ReplayServerOptions{Now: func() time.Time { return time.Unix(1767323105, 999) }})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	resp, err := http.Get(hs.URL + ReplayHealthPath)
	if err != nil {
		t.Fatal(err)
	}
	var health map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if health["mode"] != "replay" || health["version"] == "" || resp.Header.Get("Shopconform-Version") == "" {
		t.Errorf("healthz: %v %v", health, resp.Header)
	}
	var e map[string]any
	if code := postAdmin(t, hs.URL, ReplayEndPath, "", &e); code != http.StatusConflict || !strings.Contains(e["error"].(string), "no case is being replayed") {
		t.Errorf("end without begin: %d %v", code, e)
	}
	if code := postAdmin(t, hs.URL, ReplayBeginPath, `{"case":"no-such-case"}`, &e); code != http.StatusNotFound {
		t.Errorf("begin of an unknown case: %d %v", code, e)
	}
	if code := postAdmin(t, hs.URL, ReplayBeginPath, `{"id":"x"}`, &e); code != http.StatusBadRequest {
		t.Errorf("begin with a bad body: %d %v", code, e)
	}
	resp, err = http.Post(hs.URL+"/shop/spu/addd", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("a vendor path outside a case: HTTP %d", resp.StatusCode)
	}

	var rc ReplayCase
	postAdmin(t, hs.URL, ReplayBeginPath, `{"case":"universal-40066-unknown-path"}`, &rc)
	if rc.Now != 1767323105 || rc.Account != "default" {
		t.Errorf("begin: %+v", rc)
	}
	// The recorded request, sent faithfully, gets the recorded answer.
	resp, err = http.Post(hs.URL+"/shop/spu/addd?access_token=anything", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(raw, []byte(`"errcode":40066`)) {
		t.Errorf("recorded answer: HTTP %d %s", resp.StatusCode, raw)
	}
	var end ReplayEnd
	postAdmin(t, hs.URL, ReplayEndPath, "", &end)
	if end.Case != "universal-40066-unknown-path" || len(end.Unused) != 0 || len(end.Unmatched) != 0 {
		t.Errorf("faithful end: %+v", end)
	}

	// Another body: no recording matches; the recorded request stays
	// unused. Beginning a case again abandons the open one.
	postAdmin(t, hs.URL, ReplayBeginPath, `{"case":"universal-40066-unknown-path"}`, nil)
	postAdmin(t, hs.URL, ReplayBeginPath, `{"case":"universal-40066-unknown-path"}`, &rc)
	if rc.Abandoned != "universal-40066-unknown-path" {
		t.Errorf("abandoned: %+v", rc)
	}
	resp, err = http.Post(hs.URL+"/shop/spu/addd", "application/json", strings.NewReader(`{"x":1}`))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(raw), "matched no request recorded") {
		t.Errorf("unmatched: HTTP %d %s", resp.StatusCode, raw)
	}
	postAdmin(t, hs.URL, ReplayEndPath, "", &end)
	if len(end.Unused) != 1 || !strings.Contains(end.Unused[0], "request 1 (POST /shop/spu/addd)") ||
		len(end.Unmatched) != 1 || !strings.Contains(end.Unmatched[0], "body.x") {
		t.Errorf("unfaithful end: %+v", end)
	}
}
