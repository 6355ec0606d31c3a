package refsandbox

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/refsandbox/merchantsim"
)

// Confirming the coupon capability through the real merchant simulator
// over loopback (refsandbox/README.md "The merchant simulator and
// coupon/confirm").

type confirmCase struct {
	profile string
	want    catalog.Code
}

// confirmCases is refsandbox/README.md's profile table.
func confirmCases() []confirmCase {
	return []confirmCase{
		{"coupon-unconfirmed", 0},
		{"coupon-push-off", catalog.CouponCallbackFailed},                          // 1090019
		{"coupon-merchant-down", catalog.CouponCallbackSystemFailed},               // 1090032
		{"coupon-merchant-http-500", catalog.CouponCallbackLogicFailed},            // 1090033
		{"coupon-merchant-not-json", catalog.CouponCallbackReplyInvalid},           // 1090023
		{"coupon-merchant-missing-field", catalog.CouponCallbackCheckFailed},       // 1090020
		{"coupon-merchant-wrong-request-id", catalog.CouponCallbackCheckFailed2},   // 1090021
		{"coupon-merchant-ret-code", catalog.CouponCallbackCheckFailed3},           // 1090022
		{"coupon-merchant-wrong-values", catalog.CouponConfirmCallbackCheckFailed}, // 1090040
	}
}

// TestCouponConfirm: each profile's confirm outcome; only a correct
// answer confirms, and a failed confirm leaves the account unconfirmed.
func TestCouponConfirm(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		for _, tc := range confirmCases() {
			tok := token(t, tg, tc.profile)
			wantCode(t, post(t, tg, tok, cpGet, outCoupon("c")), catalog.CouponNotConfirmed)
			wantCode(t, post(t, tg, tok, cpConfirm, `{}`), tc.want)
			if tc.want != 0 {
				wantCode(t, post(t, tg, tok, cpAdd, couponBody("c")), catalog.CouponNotConfirmed)
				wantCode(t, post(t, tg, tok, cpConfirm, `{}`), tc.want) // the merchant answers the same again
				continue
			}
			wantCode(t, post(t, tg, tok, cpAdd, couponBody("c")), 0)
			wantCode(t, post(t, tg, tok, cpConfirm, `{}`), 0)
		}
		// Every other profile starts confirmed, and confirming it again is 0.
		tok := token(t, tg, "default")
		wantCode(t, post(t, tg, tok, cpConfirm, `{}`), 0)
		wantCode(t, post(t, tg, tok, cpGet, outCoupon("c")), catalog.CouponNotFound)
	})
}

// TestConfirmPushIsTheDocumentedEvent: the sandbox pushes DOC:coupon/
// confirm's event to MerchantURL + push_path, once per confirm, and not
// at all for a confirmed account.
func TestConfirmPushIsTheDocumentedEvent(t *testing.T) {
	sim := merchantsim.New()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	clock := &fakeClock{now: t0}
	sb, err := New(Options{Clock: clock, Random: seeded(), MerchantURL: srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	tg := &target{sb: sb, clock: clock, client: sb.Client(), base: "http://sandbox.invalid"}
	wantCode(t, post(t, tg, token(t, tg, "coupon-unconfirmed"), cpConfirm, `{}`), 0)
	wantCode(t, post(t, tg, token(t, tg, "coupon-unconfirmed"), cpConfirm, `{}`), 0)
	wantCode(t, post(t, tg, token(t, tg, "default"), cpConfirm, `{}`), 0)
	got := sim.Received()
	if len(got) != 1 {
		t.Fatalf("pushes %+v, want one", got)
	}
	want := merchantsim.Push{Path: merchantsim.PathCorrect, ToUserName: accountOf(t, tg, "coupon-unconfirmed").AppID, FromUserName: wechatTeamOpenID,
		CreateTime: now0, MsgType: "event", Event: "open_product_receive_coupon", OutCouponID: "test_coupon", RequestID: "test_coupon_request_id"}
	if got[0] != want {
		t.Errorf("push %+v, want %+v", got[0], want)
	}
}

// TestBuiltinPushPathsAreSimulatorPaths: every profile's push_path is one
// the simulator serves.
func TestBuiltinPushPathsAreSimulatorPaths(t *testing.T) {
	builtin, err := builtinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	paths := strings.Join(merchantsim.Paths(), " ") + " "
	for _, p := range builtin {
		if p.Coupon.PushPath != "" && !strings.Contains(paths, p.Coupon.PushPath+" ") {
			t.Errorf("%s: push_path %s is not a simulator path", p.Name, p.Coupon.PushPath)
		}
	}
}

// TestConfirmWithoutMerchant: with no MerchantURL nothing can be called
// back; push disabled is still 1090019.
func TestConfirmWithoutMerchant(t *testing.T) {
	sb, err := New(Options{Random: seeded()})
	if err != nil {
		t.Fatal(err)
	}
	tg := &target{sb: sb, client: sb.Client(), base: "http://sandbox.invalid"}
	wantCode(t, post(t, tg, token(t, tg, "coupon-unconfirmed"), cpConfirm, `{}`), catalog.CouponCallbackSystemFailed)
	wantCode(t, post(t, tg, token(t, tg, "coupon-push-off"), cpConfirm, `{}`), catalog.CouponCallbackFailed)
}

// TestFreshAccountsStartInTheProfilesCouponState: a minted account is
// confirmed or not as its profile says, apart from the profile's own.
func TestFreshAccountsStartInTheProfilesCouponState(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		mint := func(profile string) string {
			tok, _ := freshAccount(t, tg, profile)
			return tok
		}
		first := mint("coupon-unconfirmed")
		wantCode(t, post(t, tg, first, cpAdd, couponBody("c")), catalog.CouponNotConfirmed)
		wantCode(t, post(t, tg, first, cpConfirm, `{}`), 0)
		wantCode(t, post(t, tg, first, cpAdd, couponBody("c")), 0)
		wantCode(t, post(t, tg, mint("coupon-unconfirmed"), cpAdd, couponBody("c")), catalog.CouponNotConfirmed)
		wantCode(t, post(t, tg, token(t, tg, "coupon-unconfirmed"), cpAdd, couponBody("c")), catalog.CouponNotConfirmed)
		wantCode(t, post(t, tg, mint("coupon-merchant-ret-code"), cpConfirm, `{}`), catalog.CouponCallbackCheckFailed3)
		wantCode(t, post(t, tg, mint("default"), cpAdd, couponBody("c")), 0)
	})
}

func TestMerchantURLMustBeLoopback(t *testing.T) {
	for _, bad := range []string{"http://10.0.0.1:80", "http://example.com", "https://127.0.0.1:8443", "ftp://127.0.0.1", "127.0.0.1:80",
		"http://user:pw@127.0.0.1:1", "http://127.0.0.1:1/?x=1", "http://0.0.0.0:1"} {
		if _, err := New(Options{MerchantURL: bad}); err == nil {
			t.Errorf("MerchantURL %q accepted", bad)
		}
	}
	for _, good := range []string{"http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1/", "http://127.0.0.1:1/merchant"} {
		if _, err := New(Options{MerchantURL: good}); err != nil {
			t.Errorf("MerchantURL %q: %v", good, err)
		}
	}
	if err := loopbackOnly("tcp", "10.0.0.1:80", nil); !errors.Is(err, errNotLoopback) {
		t.Errorf("the dialer would reach 10.0.0.1: %v", err)
	}
	if err := loopbackOnly("tcp", "[::1]:80", nil); err != nil {
		t.Errorf("the dialer refuses ::1: %v", err)
	}
}

// TestPushProfileKnobLoadsStrictly: a push_path that is no URL path is
// refused at load, not at the first confirm.
func TestPushProfileKnobLoadsStrictly(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{`[{"name":"a","coupon":{"push_path":"push/correct"}}]`, `coupon.push_path: want a URL path`},
		{`[{"name":"a","coupon":{"push_path":"/a?b"}}]`, `coupon.push_path: want a URL path`},
		{`[{"name":"a","coupon":{"confirmed":"no"}}]`, `field "coupon.confirmed" must be a boolean`},
		{`[{"name":"a","coupon":{"url":"/x"}}]`, `unknown field "coupon.url"`},
	} {
		if _, err := LoadProfiles(strings.NewReader(tc.data), "p.json"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.data, err, tc.want)
		}
	}
}

// TestJudgingTheAnswer: the order of judging (refsandbox/README.md) on
// answers no simulator path gives, from a hand-made merchant.
func TestJudgingTheAnswer(t *testing.T) {
	ok := `{"ret_code":0,"out_user_coupon_id":"test_coupon_user_coupon_id","out_coupon_id":"test_coupon","request_id":"test_coupon_request_id"}`
	merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/no-content":
			w.WriteHeader(http.StatusNoContent)
		case "/slow":
			time.Sleep(300 * time.Millisecond)
			_, _ = io.WriteString(w, ok)
		case "/huge":
			_, _ = io.WriteString(w, `{"pad":"`+strings.Repeat("x", maxPushAnswer)+`"}`)
		default:
			_, _ = io.WriteString(w, r.URL.Query().Get("answer"))
		}
	}))
	defer merchant.Close()
	m, err := newMerchantCaller(merchant.URL)
	if err != nil {
		t.Fatal(err)
	}
	m.timeout = 100 * time.Millisecond
	ans := func(answer string) string { return "/?answer=" + url.QueryEscape(answer) }
	with := func(edits ...string) string { // ok with key=value pairs replaced (value "" drops the key)
		var a map[string]any
		_ = json.Unmarshal([]byte(ok), &a)
		for i := 0; i+1 < len(edits); i += 2 {
			if edits[i+1] == "" {
				delete(a, edits[i])
			} else {
				var v any
				_ = json.Unmarshal([]byte(edits[i+1]), &v)
				a[edits[i]] = v
			}
		}
		return jsonText(a)
	}
	for _, tc := range []struct {
		name, path string
		want       error
	}{
		{"a correct answer", ans(ok), nil},
		{"ret_code 0.0 is 0", ans(with("ret_code", "0.0")), nil},
		{"a redirect is no 200", "/redirect", errPushHTTPStatus},
		{"204 is no 200", "/no-content", errPushHTTPStatus},
		{"an answer after the timeout", "/slow", errPushUnreachable},
		{"an empty answer", "/", errPushNotJSON},
		{"a JSON array", "/?answer=[]", errPushNotJSON},
		{"an answer over 64 KB", "/huge", errPushNotJSON},
		{"ret_code as a string", ans(with("ret_code", `"0"`)), errPushFieldMissing},
		{"request_id as a number", ans(with("request_id", "7")), errPushFieldMissing},
		{"no out_coupon_id", ans(with("out_coupon_id", "")), errPushFieldMissing},
		{"a missing field before a wrong request_id", ans(with("ret_code", "", "request_id", `"x"`)), errPushFieldMissing},
		{"a wrong request_id before ret_code", ans(with("request_id", `"x"`, "ret_code", "2")), errPushRequestID},
		{"ret_code before the fixed values", ans(with("ret_code", "2", "out_coupon_id", `"other"`)), errPushRetCode},
		{"a wrong out_user_coupon_id", ans(with("out_user_coupon_id", `"u1"`)), errPushFixedValues},
	} {
		err := m.confirm(context.Background(), tc.path, "wx0123456789abcdef", t0)
		if !errors.Is(err, tc.want) && (err != nil || tc.want != nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}
