package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/internal/faultproxy"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/janitor/janitortest"
)

// janitorSandbox is the reference sandbox on a loopback listener with
// its accounts file, as `shopconform serve` offers it, and a runner to
// create and inspect objects as the default profile.
type janitorSandbox struct {
	t        *testing.T
	base     string
	accounts string
	r        *runner.Runner
	openid   string
}

func newJanitorSandbox(t *testing.T) *janitorSandbox {
	t.Helper()
	sb, err := refsandbox.New(refsandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	file := filepath.Join(t.TempDir(), "accounts.json")
	accts := runner.SandboxAccounts(sb)
	if err := accounts.Write(file, accts); err != nil {
		t.Fatal(err)
	}
	target := &runner.Target{Name: "sandbox", BaseURL: srv.URL, Client: srv.Client(), Accounts: accts}
	return &janitorSandbox{t: t, base: srv.URL, accounts: file, r: runner.New(runner.DefaultConfig(), target, "sc0000000000"), openid: accts.Profiles["default"].OpenIDs[0]}
}

func (s *janitorSandbox) call(endpoint string, body map[string]any) (int, map[string]any) {
	s.t.Helper()
	code, answer, err := s.r.Call(context.Background(), "default", endpoint, body)
	if err != nil {
		s.t.Fatal(err)
	}
	return code, answer
}

func (s *janitorSandbox) mustCall(endpoint string, body map[string]any) {
	s.t.Helper()
	if code, answer := s.call(endpoint, body); code != 0 {
		s.t.Fatalf("%s: errcode %d: %v", endpoint, code, answer)
	}
}

// leave creates what a crashed run would leave: a product and an unpaid
// order.
func (s *janitorSandbox) leave(prefix string) {
	id := prefix + "-1a2b3c4d"
	s.mustCall("/shop/spu/add", janitortest.ProductBody(id))
	s.mustCall("/shop/order/add", janitortest.OrderBody(id, s.openid, time.Now()))
}

// left reports whether prefix's product still exists and its order is
// still unpaid.
func (s *janitorSandbox) left(prefix string) (product, order bool) {
	id := prefix + "-1a2b3c4d"
	code, _ := s.call("/shop/spu/get", map[string]any{"out_product_id": id, "need_edit_spu": 1})
	_, answer := s.call("/shop/order/get", map[string]any{"out_order_id": id, "openid": s.openid})
	o, _ := answer["order"].(map[string]any)
	return code == 0, o["status"] == json.Number("10")
}

func (s *janitorSandbox) janitor(args ...string) (int, string, string) {
	s.t.Helper()
	return runCLI(s.t, append([]string{"janitor", "--target", "sandbox", "--base-url", s.base, "--accounts", s.accounts}, args...)...)
}

func TestJanitorRemovesOneRun(t *testing.T) {
	const runA, runB = "sc0123456789", "sc9876543210"
	s := newJanitorSandbox(t)
	s.leave(runA)
	s.leave(runB)

	code, stdout, stderr := s.janitor("--run", runA, "--profiles", "default", "--dry-run")
	if code != exitOK {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"default product " + runA + "-1a2b3c4d: spu/del_audit, spu/del: would remove (dry run)\n",
		"default order " + runA + "-1a2b3c4d: order/close: would remove (dry run)\n",
		"janitor on sandbox:" + strings.TrimPrefix(s.base, "http://") + ": run " + runA + ": 2 matched, 2 would be removed (dry run: nothing changed)\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, stdout)
		}
	}
	if p, o := s.left(runA); !p || !o {
		t.Fatalf("the dry run removed something: product left %v, order unpaid %v", p, o)
	}

	code, stdout, stderr = s.janitor("--run", runA, "--profiles", "default")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "default order "+runA+"-1a2b3c4d: order/close: removed\n") || !strings.Contains(stdout, "2 matched, 2 removed, 0 already gone, 0 failed\n") {
		t.Errorf("output:\n%s", stdout)
	}
	if p, o := s.left(runA); p || o {
		t.Errorf("run A: product left %v, order unpaid %v", p, o)
	}
	if p, o := s.left(runB); !p || !o {
		t.Errorf("run B was touched: product left %v, order unpaid %v", p, o)
	}
}

// Over every profile of a serve accounts file, the profiles that refuse
// every call are reported and the pass still succeeds.
func TestJanitorOverEveryProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the rate-limited profile")
	}
	s := newJanitorSandbox(t)
	s.leave("sc0123456789")
	code, stdout, stderr := s.janitor("--all-runs")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"not-opened everything -: spu/get_list: not checked: /shop/spu/get_list answered errcode 48001",
		"every run: 2 matched, 2 removed, 0 already gone, 0 failed; ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if p, o := s.left("sc0123456789"); p || o {
		t.Errorf("product left %v, order unpaid %v", p, o)
	}
}

func TestJanitorFailsWhenTheTargetIsGone(t *testing.T) {
	s := newJanitorSandbox(t)
	gone, err := faultproxy.RefusedURL()
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "janitor", "--target", "sandbox", "--base-url", gone, "--accounts", s.accounts, "--all-runs", "--profiles", "default", "--request-timeout", "2s")
	if code != exitFailures || !strings.Contains(stdout, "default products -: spu/get_list: failed: ") {
		t.Errorf("exit %d, want %d:\n%s", code, exitFailures, stdout)
	}
}

func TestJanitorUsageErrors(t *testing.T) {
	s := newJanitorSandbox(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"janitor", "--all-runs"}, "the reference target has nothing to clean"},
		{[]string{"janitor", "--target", "sandbox", "--all-runs"}, "needs a base URL"},
		{[]string{"janitor", "--target", "replay", "--all-runs"}, "the replay target has nothing to clean"},
		{[]string{"janitor", "--target", "sandbox", "--base-url", s.base, "--accounts", s.accounts}, "--run RUNID (one run) or --all-runs"},
		{[]string{"janitor", "--target", "sandbox", "--base-url", s.base, "--accounts", s.accounts, "--run", "sc0123456789", "--all-runs"}, "not both"},
		{[]string{"janitor", "--target", "sandbox", "--base-url", s.base, "--accounts", s.accounts, "--run", "sc01234"}, "is not a run prefix"},
		{[]string{"janitor", "--target", "sandbox", "--base-url", s.base, "--accounts", s.accounts, "--all-runs", "--profiles", "default,nope"}, `no profile "nope"`},
		{[]string{"janitor", "--all-runs", "extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args[1:], code, stderr, exitUsage, tt.want)
		}
	}
}
