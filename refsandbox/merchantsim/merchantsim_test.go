package merchantsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// confirmPush is the push DOC:coupon/confirm says WeChat sends.
const confirmPush = `{"ToUserName":"wx0123456789abcdef","FromUserName":"oWeChatTeam","CreateTime":1627747200,"MsgType":"event","Event":"open_product_receive_coupon","out_coupon_id":"test_coupon","request_id":"test_coupon_request_id"}`

func serve(t *testing.T) (*Simulator, *httptest.Server) {
	t.Helper()
	sim := New()
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv
}

func push(t *testing.T, srv *httptest.Server, path, body string) (*http.Response, []byte, error) {
	t.Helper()
	resp, err := srv.Client().Post(srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp, raw, err
}

func answerOf(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("answer %q is not JSON: %v", raw, err)
	}
	return m
}

// TestBehaviours: each path answers the confirmation push as its
// behaviour says, built from the push.
func TestBehaviours(t *testing.T) {
	_, srv := serve(t)
	correct := map[string]any{"ret_code": 0.0, "ret_msg": "ok", "out_coupon_id": "test_coupon", "out_user_coupon_id": "test_coupon_user_coupon_id", "request_id": "test_coupon_request_id"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range correct {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		path string
		want map[string]any
	}{
		{PathCorrect, correct},
		{PathMissingField, with("out_user_coupon_id", nil)},
		{PathWrongRequestID, with("request_id", OtherRequestID)},
		{PathRetCode, func() map[string]any { m := with("ret_code", 1.0); m["ret_msg"] = "no coupon issued"; return m }()},
		{PathWrongValues, with("out_coupon_id", "other")},
	} {
		resp, raw, err := push(t, srv, tc.path, confirmPush)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: HTTP %d %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		got := answerOf(t, raw)
		if len(got) != len(tc.want) {
			t.Errorf("%s: answer %v, want %v", tc.path, got, tc.want)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", tc.path, k, got[k], v)
			}
		}
	}

	resp, raw, err := push(t, srv, PathHTTP500, confirmPush)
	if err != nil || resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("http-500: %v %v", resp, err)
	}
	resp, raw, err = push(t, srv, PathNotJSON, confirmPush)
	if err != nil || resp.StatusCode != http.StatusOK || string(raw) != "<xml>ok</xml>" || json.Valid(raw) {
		t.Errorf("not-json: %v %q %v", resp, raw, err)
	}
	if _, _, err = push(t, srv, PathHangUp, confirmPush); err == nil {
		t.Error("hang-up: the caller got an answer")
	}
}

// TestAnswersFollowThePush: a merchant echoes what it was sent, so a
// different push gets a different answer on every path.
func TestAnswersFollowThePush(t *testing.T) {
	sim, srv := serve(t)
	real := `{"MsgType":"event","Event":"open_product_receive_coupon","out_coupon_id":"c-1","request_id":"r-9"}`
	_, raw, _ := push(t, srv, PathCorrect, real)
	a := answerOf(t, raw)
	if a["out_coupon_id"] != "c-1" || a["request_id"] != "r-9" || a["out_user_coupon_id"] != "c-1_user_coupon_1" || a["ret_code"] != 0.0 {
		t.Errorf("real receipt answered %v", a)
	}
	_, raw, _ = push(t, srv, PathWrongValues, real)
	if a := answerOf(t, raw); a["out_coupon_id"] != "other" || a["request_id"] != "r-9" || a["out_user_coupon_id"] != "c-1_user_coupon_2" {
		t.Errorf("wrong-values on a real receipt answered %v", a)
	}
	// The event name is read without regard to case, as encoding/json does.
	_, raw, _ = push(t, srv, PathCorrect, `{"event":"open_product_receive_coupon","out_coupon_id":"test_coupon","request_id":"test_coupon_request_id"}`)
	if a := answerOf(t, raw); a["ret_code"] != 0.0 || a["out_user_coupon_id"] != ConfirmOutUserCouponID {
		t.Errorf("lower-case event answered %v", a)
	}
	// An event the merchant does not handle is refused.
	_, raw, _ = push(t, srv, PathCorrect, `{"Event":"subscribe","request_id":"r"}`)
	if a := answerOf(t, raw); a["ret_code"] != 1.0 || a["request_id"] != "r" {
		t.Errorf("unknown event answered %v", a)
	}

	got := sim.Received()
	if len(got) != 4 || got[0].Path != PathCorrect || got[0].OutCouponID != "c-1" || got[0].RequestID != "r-9" || got[2].Event != EventReceiveCoupon {
		t.Errorf("received %+v", got)
	}
}

// TestRefusesWhatIsNoPush: wrong method, unknown path, a body that is
// not JSON.
func TestRefusesWhatIsNoPush(t *testing.T) {
	sim, srv := serve(t)
	resp, err := srv.Client().Get(srv.URL + PathCorrect)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: HTTP %d", resp.StatusCode)
	}
	r, _, err := push(t, srv, "/push/nope", confirmPush)
	if err != nil || r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %v %v", r, err)
	}
	for _, p := range Paths() {
		r, _, err := push(t, srv, p, "<xml/>")
		if err != nil || r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s with a non-JSON push: %v %v", p, r, err)
		}
	}
	if n := len(sim.Received()); n != 0 {
		t.Errorf("%d refused pushes were recorded", n)
	}
}

// TestHangUpLooksLikeAFailedConnection: the caller gets a transport error,
// never an HTTP answer.
func TestHangUpLooksLikeAFailedConnection(t *testing.T) {
	_, srv := serve(t)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Post(srv.URL+PathHangUp, "application/json", bytes.NewReader([]byte(confirmPush)))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got HTTP %d", resp.StatusCode)
	}
	var netErr interface{ Timeout() bool }
	if errors.As(err, &netErr) && netErr.Timeout() {
		t.Errorf("a hang-up must fail at once, not time out: %v", err)
	}
}

func TestPathsAreDistinct(t *testing.T) {
	p := Paths()
	slices.Sort(p)
	if len(slices.Compact(p)) != 8 {
		t.Errorf("paths %v", Paths())
	}
}
