package janitor

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/internal/faultproxy"
)

const (
	runA = "sc00000000aa"
	runB = "sc00000000bb"
)

// Others are ids no janitor may touch: another tool's, or near misses of
// the run prefix.
var others = []string{"manual", "sc00000000a", "SC00000000AA", "xsc00000000aa", "sc00000000aag"}

func TestSelector(t *testing.T) {
	one, err := ForRun(runA)
	if err != nil {
		t.Fatal(err)
	}
	all := AllRuns()
	tests := []struct {
		id       string
		one, all bool
	}{
		{runA + "-1a2b3c4d", true, true},
		{runA + "-1a2b3c4d-p", true, true},
		{runA + "-", true, true},
		{runB + "-1a2b3c4d", false, true},
		{runA, false, false},
		{runA + "x-1", false, false},
		{"SC00000000AA-1", false, false},
		{"x" + runA + "-1", false, false},
		{"sc00000000a-1", false, false},
		{"scxxxxxxxxxx-1", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		if got := one.Match(tt.id); got != tt.one {
			t.Errorf("ForRun(%s).Match(%q) = %v", runA, tt.id, got)
		}
		if got := all.Match(tt.id); got != tt.all {
			t.Errorf("AllRuns().Match(%q) = %v", tt.id, got)
		}
	}
	for _, bad := range []string{"", "sc", "sc00000000a", "sc00000000aaa", "SC00000000AA", "sc0000000-aa", ".*", "sc00000000a."} {
		if _, err := ForRun(bad); err == nil {
			t.Errorf("ForRun(%q) accepted it", bad)
		}
	}
	if (Selector{}).Match(runA + "-1") {
		t.Error("the zero Selector matches")
	}
}

func TestCleanRemovesOneRunAndNothingElse(t *testing.T) {
	w := newWorld(t)
	w.populate(runA, runB)
	for _, id := range others {
		w.addProduct(id + "-p")
		w.addCoupon(id+"-c", "满100减10")
		w.addOrder(id+"-o", false)
	}
	sel, _ := ForRun(runA)
	var out strings.Builder
	rep := Clean(context.Background(), w.r, Options{Profiles: []string{"default"}, Select: sel, Out: &out})
	if !rep.OK() {
		t.Fatalf("not OK:\n%s", out.String())
	}
	if got := w.state(runA); !maps.Equal(got, cleaned) {
		t.Errorf("run A after the janitor: %v, want %v", got, cleaned)
	}
	if got := w.state(runB); !maps.Equal(got, untouched) {
		t.Errorf("run B after run A's janitor: %v, want %v", got, untouched)
	}
	for _, id := range others {
		if !w.productExists(id+"-p") || w.couponStatus(id+"-c") != 1 || w.orderStatus(id+"-o") != 10 {
			t.Errorf("%s was touched", id)
		}
	}
	// One line per object, with the calls made, then the count.
	for _, want := range []string{
		"default product " + runA + "-p1: spu/del_audit, spu/del: removed\n",
		"default product " + runA + "-p2: spu/del_audit, spu/del: removed\n",
		"default coupon " + runA + "-c1: coupon/update_status 5: removed\n",
		"default coupon " + runA + "-c2: coupon/update_status 4, 5: removed\n",
		"default order " + runA + "-o1: order/close: removed\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if n := strings.Count(out.String(), "\n"); n != 5 {
		t.Errorf("%d lines, want 5 (the deleted coupon and the paid order are no leftovers):\n%s", n, out.String())
	}
	want := "run " + runA + ": 5 matched, 5 removed, 0 already gone, 0 failed; 1 matching order(s) left as they are (only an unpaid order can be closed)"
	if got := rep.Summary(sel, false); got != want {
		t.Errorf("summary\n  %s\nwant\n  %s", got, want)
	}

	// A second pass finds nothing left to do.
	out.Reset()
	rep = Clean(context.Background(), w.r, Options{Profiles: []string{"default"}, Select: sel, Out: &out})
	if !rep.OK() || out.Len() != 0 {
		t.Errorf("second pass: OK %v, output:\n%s", rep.OK(), out.String())
	}
}

func TestAllRunsRemovesEveryRunAndNothingElse(t *testing.T) {
	w := newWorld(t)
	w.populate(runA, runB)
	for _, id := range others {
		w.addProduct(id + "-p")
	}
	rep := Clean(context.Background(), w.r, Options{Profiles: []string{"default"}, Select: AllRuns()})
	if !rep.OK() || rep.Count(Removed) != 10 {
		t.Fatalf("OK %v, removed %d, want 10: %v", rep.OK(), rep.Count(Removed), rep.Lines)
	}
	for _, run := range []string{runA, runB} {
		if got := w.state(run); !maps.Equal(got, cleaned) {
			t.Errorf("%s: %v, want %v", run, got, cleaned)
		}
	}
	for _, id := range others {
		if !w.productExists(id + "-p") {
			t.Errorf("%s-p was removed", id)
		}
	}
}

func TestDryRunRemovesNothing(t *testing.T) {
	w := newWorld(t)
	w.populate(runA)
	var out strings.Builder
	rep := Clean(context.Background(), w.r, Options{Profiles: []string{"default"}, Select: AllRuns(), DryRun: true, Out: &out})
	if !rep.OK() || rep.Count(WouldRemove) != 5 {
		t.Fatalf("OK %v, would remove %d, want 5:\n%s", rep.OK(), rep.Count(WouldRemove), out.String())
	}
	if got := w.state(runA); !maps.Equal(got, untouched) {
		t.Errorf("after a dry run: %v, want %v", got, untouched)
	}
	if !strings.Contains(out.String(), "default coupon "+runA+"-c2: coupon/update_status 4, 5: would remove (dry run)\n") {
		t.Errorf("output:\n%s", out.String())
	}
	if got := rep.Summary(AllRuns(), true); got != "every run: 5 matched, 5 would be removed (dry run: nothing changed); 1 matching order(s) left as they are (only an unpaid order can be closed)" {
		t.Errorf("summary: %s", got)
	}
}

// A removal the target refuses fails the pass, names the errcode, and
// does not stop the other removals.
func TestAFailedRemovalFailsThePass(t *testing.T) {
	w := newWorld(t)
	w.addCoupon(runA+"-bad", "SHOPCONFORM_MAGIC_DELETE_FAILED") // the sandbox fails its deletion: 1090017
	w.addCoupon(runA+"-good", "满100减10")
	var out strings.Builder
	rep := Clean(context.Background(), w.r, Options{Profiles: []string{"default"}, Select: AllRuns(), Out: &out})
	if rep.OK() || rep.Count(Failed) != 1 || rep.Count(Removed) != 1 {
		t.Fatalf("OK %v, failed %d, removed %d:\n%s", rep.OK(), rep.Count(Failed), rep.Count(Removed), out.String())
	}
	want := "default coupon " + runA + "-bad: coupon/update_status 5: failed: to 5: /shop/coupon/update_status answered errcode 1090017"
	if !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
}

// Profiles that refuse every call for a reason of their own state are
// reported, not checked, and do not fail the pass; an unknown profile
// does.
func TestProfilesThatRefuseAreNotChecked(t *testing.T) {
	w := newWorld(t)
	w.populate(runA)
	var out strings.Builder
	profiles := []string{"not-opened", "third-party-no-permission", "quota-exhausted", "token-expired", "coupon-unconfirmed", "default"}
	rep := Clean(context.Background(), w.r, Options{Profiles: profiles, Select: AllRuns(), Out: &out})
	if !rep.OK() || rep.Count(Removed) != 5 {
		t.Fatalf("OK %v, removed %d:\n%s", rep.OK(), rep.Count(Removed), out.String())
	}
	for _, want := range []string{
		"not-opened everything -: spu/get_list: not checked: /shop/spu/get_list answered errcode 48001",
		"third-party-no-permission everything -: spu/get_list: not checked: /shop/spu/get_list answered errcode 61007",
		"quota-exhausted everything -: spu/get_list: not checked: /shop/spu/get_list answered errcode 45009",
		"token-expired everything -: spu/get_list: not checked: /shop/spu/get_list answered errcode 42001",
		"coupon-unconfirmed coupons -: coupon/get_list: not checked: /shop/coupon/get_list answered errcode 1090028 (coupon capability not confirmed (call coupon/confirm first))\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// One line for an account that refuses everything; the coupon
	// refusal is only about coupons.
	if n := strings.Count(out.String(), "\n"); n != 5+5 {
		t.Errorf("%d lines, want 10:\n%s", n, out.String())
	}

	rep = Clean(context.Background(), w.r, Options{Profiles: []string{"no-such-profile"}, Select: AllRuns()})
	if rep.OK() || len(rep.Lines) != 3 || rep.Lines[0].Status != Failed {
		t.Errorf("an unknown profile: OK %v, %v", rep.OK(), rep.Lines)
	}
}

// fake answers from a script, endpoint by endpoint.
type fake struct {
	answers map[string][]int // errcodes in order; the last repeats
	calls   []string
}

func (f *fake) Call(_ context.Context, _, endpoint string, body any) (int, map[string]any, error) {
	f.calls = append(f.calls, endpoint)
	codes := f.answers[endpoint]
	if len(codes) == 0 {
		return 0, nil, errors.New("transport: connection refused")
	}
	code := codes[0]
	if len(codes) > 1 {
		f.answers[endpoint] = codes[1:]
	}
	switch endpoint {
	case "/shop/spu/get_list":
		return code, map[string]any{"spus": []any{map[string]any{"out_product_id": runA + "-p"}}, "total_num": 1.0}, nil
	}
	return code, map[string]any{}, nil
}

func TestBusyAndRateLimitedAnswersAreRetried(t *testing.T) {
	f := &fake{answers: map[string][]int{
		"/shop/spu/get_list":    {300000, 990010, 0},
		"/shop/spu/del_audit":   {1000016},
		"/shop/spu/del":         {300000, 300000, 300000, 300000}, // one more than the retries
		"/shop/coupon/get_list": {0},
		"/shop/order/get_list":  {0},
	}}
	rep := Clean(context.Background(), f, Options{Profiles: []string{"default"}, Select: AllRuns(), Backoff: time.Millisecond})
	if rep.OK() || len(rep.Lines) != 1 || rep.Lines[0].Status != Failed || !strings.Contains(rep.Lines[0].Detail, "/shop/spu/del answered errcode 300000") {
		t.Fatalf("%v", rep.Lines)
	}
	want := []string{"/shop/spu/get_list", "/shop/spu/get_list", "/shop/spu/get_list", "/shop/spu/del_audit",
		"/shop/spu/del", "/shop/spu/del", "/shop/spu/del", "/shop/spu/del", "/shop/coupon/get_list", "/shop/order/get_list"}
	if !slices.Equal(f.calls, want) {
		t.Errorf("calls\n  %v\nwant\n  %v", f.calls, want)
	}
}

func TestATransportFaultFailsTheListing(t *testing.T) {
	f := &fake{answers: map[string][]int{}}
	var out strings.Builder
	rep := Clean(context.Background(), f, Options{Profiles: []string{"default"}, Select: AllRuns(), Out: &out})
	if rep.OK() || rep.Lines[0].Status != Failed {
		t.Fatalf("%v", rep.Lines)
	}
	if !strings.Contains(out.String(), "default products -: spu/get_list: failed: transport: connection refused\n") {
		t.Errorf("output:\n%s", out.String())
	}
	if !strings.Contains(rep.Summary(AllRuns(), false), "3 listing(s) failed, so more may be left") {
		t.Errorf("summary: %s", rep.Summary(AllRuns(), false))
	}
}

func TestAnInterruptedPassIsNotOK(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := Clean(ctx, &fake{}, Options{Profiles: []string{"default"}, Select: AllRuns()})
	if rep.OK() || !rep.Interrupted || len(rep.Lines) != 0 {
		t.Errorf("OK %v, interrupted %v, lines %v", rep.OK(), rep.Interrupted, rep.Lines)
	}
}

// Through a fault proxy: a target that answers rate-limited a few times
// is waited out; one that drops every connection fails every listing
// and removes nothing.
func TestCleanThroughAFaultyTarget(t *testing.T) {
	w := newWorld(t)
	w.populate(runA)
	p, err := faultproxy.Start(w.base, faultproxy.Config{Fault: faultproxy.Reset})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := w.via(p.URL())

	var out strings.Builder
	rep := Clean(context.Background(), r, Options{Profiles: []string{"default"}, Select: AllRuns(), Out: &out, Backoff: time.Millisecond})
	if rep.OK() || len(rep.Lines) != 3 || rep.Lines[0].Status != Failed || !strings.Contains(out.String(), "default products -: spu/get_list: failed: /shop/spu/get_list: transport: ") {
		t.Errorf("under Reset: OK %v:\n%s", rep.OK(), out.String())
	}
	if got := w.state(runA); !maps.Equal(got, untouched) {
		t.Errorf("under Reset: %v, want %v", got, untouched)
	}

	p.Set(faultproxy.Config{Fault: faultproxy.Transient, Code: 300000, Times: 2})
	rep = Clean(context.Background(), r, Options{Profiles: []string{"default"}, Select: AllRuns(), Backoff: time.Millisecond})
	if !rep.OK() || rep.Count(Removed) != 5 {
		t.Errorf("under Transient 300000: OK %v, removed %d: %v", rep.OK(), rep.Count(Removed), rep.Lines)
	}
	if got := w.state(runA); !maps.Equal(got, cleaned) {
		t.Errorf("under Transient 300000: %v, want %v", got, cleaned)
	}
}
