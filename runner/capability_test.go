package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/results"
)

// TestCasesATargetCannotTriggerAreSkipped runs cases that need magic
// values, the clock or a fresh account on a live sandbox (no control
// token): each is skipped with its fixed reason, and nothing is sent.
func TestCasesATargetCannotTriggerAreSkipped(t *testing.T) {
	var calls atomic.Int32
	live := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer live.Close()
	target := &Target{Name: "sandbox:live", BaseURL: live.URL, Client: live.Client(),
		Accounts: &accounts.File{Profiles: map[string]accounts.Credentials{"default": {AppID: "wx1", AccessToken: "t"}}}}
	for _, tt := range []struct{ extra, reason string }{
		{`"labels": ["magic"]`, "not triggerable on this target: needs the reference sandbox's magic values"},
		{`"labels": ["smoke", "clock"]`, "not triggerable on this target: needs the sandbox clock (the reference sandbox and `shopconform serve` set it)"},
		{`"fresh_account": true`, "not triggerable on this target: needs a fresh account (the reference sandbox and `shopconform serve` mint them)"},
		{`"account": "quota-exhausted"`, "needs account profile quota-exhausted"},
	} {
		c := caseFrom(t, testCase("/shop/spu/get", `{"body": {}}`, `{"errcode": 0}`, tt.extra))
		res := newRunner(t, target).Execute(context.Background(), c)
		if res.Outcome != results.Skipped || res.Reason != tt.reason {
			t.Errorf("%s: %s: %q, want skipped: %q", tt.extra, res.Outcome, res.Reason, tt.reason)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests reached the target", n)
	}
	if got := target.Capabilities(); !slices.Equal(got, []string{"profile:default"}) {
		t.Errorf("a live sandbox's capabilities: %v", got)
	}
	// The same accounts file with serve's control token makes a
	// shopconform sandbox, which can trigger them all.
	target.Accounts.Control = &accounts.Control{Token: "x"}
	if got := target.Capabilities(); !slices.Equal(got, []string{"magic-values", "fresh-accounts", "clock", "profile:default"}) {
		t.Errorf("a shopconform sandbox's capabilities: %v", got)
	}
}

// TestTheReferenceTargetRunsMagicCases: the reference sandbox triggers
// its magic values, so such a case is judged, not skipped.
func TestTheReferenceTargetRunsMagicCases(t *testing.T) {
	c := caseFrom(t, testCase("/shop/spu/get", `{"body": {"out_product_id": "SHOPCONFORM_MAGIC_SYSTEM_ERROR"}}`, `{"errcode": -1}`, `"labels": ["magic"]`))
	if res := reference(t).Execute(context.Background(), c); res.Outcome != results.Pass {
		t.Errorf("%s: %s", res.Outcome, res.Reason)
	}
}
