package refsandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// /shop/coupon/confirm (DOC:coupon/confirm; refsandbox/README.md "The
// merchant simulator and coupon/confirm"). WeChat answers a confirm by pushing a fixed
// "open_product_receive_coupon" event to the merchant's message-push URL
// and judging the merchant's answer; only then do the other coupon APIs
// work. The sandbox does the same over real HTTP: a profile's
// coupon.push_path names the merchant's URL on the merchant simulator
// (Options.MerchantURL, package merchantsim), and the sandbox judges only
// what comes back, never which behaviour a path stands for.

// The confirmation push's fixed values (DOC:coupon/confirm "回调请求参数说明"
// and "回调回包参数说明").
const (
	pushEvent              = "open_product_receive_coupon"
	confirmOutCouponID     = "test_coupon"
	confirmRequestID       = "test_coupon_request_id"
	confirmOutUserCouponID = "test_coupon_user_coupon_id"
	// wechatTeamOpenID is the push's FromUserName, "微信团队的 OpenID(固定值)".
	wechatTeamOpenID = "oWeChatTeamShopconformPush0"
)

const (
	// pushTimeout bounds one push. WeChat gives a message-push answer 5
	// seconds before it counts the push as failed (the service-account
	// event-push rules); the simulator answers at once.
	pushTimeout = 5 * time.Second
	// maxPushAnswer bounds what the sandbox reads of an answer; a real
	// one is a few hundred bytes.
	maxPushAnswer = 64 << 10
)

var errNotLoopback = errors.New("the merchant simulator must be on a loopback address")

// merchantCaller reaches the merchant simulator. It only ever dials
// loopback addresses: New refuses any other MerchantURL, and the dialer
// refuses any other address it resolves to.
type merchantCaller struct {
	base    string // Options.MerchantURL without a trailing slash; "" when none
	client  *http.Client
	timeout time.Duration
}

func newMerchantCaller(raw string) (*merchantCaller, error) {
	m := &merchantCaller{timeout: pushTimeout}
	if raw == "" {
		return m, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("refsandbox: MerchantURL %q: want http://127.0.0.1:PORT (the merchant simulator's base URL)", raw)
	}
	if h := u.Hostname(); h != "localhost" && !isLoopback(h) {
		return nil, fmt.Errorf("refsandbox: MerchantURL %q: %w", raw, errNotLoopback)
	}
	m.base = strings.TrimSuffix(u.String(), "/")
	dialer := &net.Dialer{Timeout: pushTimeout, Control: loopbackOnly}
	m.client = &http.Client{
		Transport: &http.Transport{
			Proxy:             nil, // never through a proxy from the environment
			DialContext:       dialer.DialContext,
			DisableKeepAlives: true, // a push is rare; a fresh connection never meets a stale one
		},
		// A redirect is an answer other than 200 (1090033), not a
		// reason to go elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return m, nil
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackOnly runs on every address the dialer connects to, after name
// resolution.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil || !isLoopback(host) {
		return fmt.Errorf("%s: %w", address, errNotLoopback)
	}
	return nil
}

// couponConfirm answers /shop/coupon/confirm. An account already
// confirmed answers 0 at once: the capability is on, and re-checking it
// could change nothing. Otherwise the push decides (judgePush) and
// success confirms the account. The account stays locked for the push
// (at most pushTimeout), so its other calls wait for the answer.
func couponConfirm(req *request) (map[string]any, error) {
	st := req.acct.coupon
	if st.confirmed.Load() {
		return nil, nil
	}
	if err := req.merchant.confirm(req.http.Context(), st.pushPath, req.profile.AppID, req.now); err != nil {
		return nil, err
	}
	st.confirmed.Store(true)
	return nil, nil
}

// confirm pushes the confirmation event to base+path and judges the
// answer in this order (refsandbox/README.md):
//
//	no push URL configured                       1090019
//	connection refused, reset or timed out        1090032
//	HTTP status other than 200                    1090033
//	body not a JSON object                        1090023
//	ret_code, out_user_coupon_id, out_coupon_id
//	or request_id missing (or of the wrong type)  1090020
//	request_id not the one pushed                 1090021
//	ret_code ≠ 0                                  1090022
//	out_coupon_id or out_user_coupon_id not the
//	fixed test values                             1090040
func (m *merchantCaller) confirm(ctx context.Context, path, appid string, now time.Time) error {
	if path == "" {
		return failf(errPushDisabled, "the merchant's message push is disabled: no URL to call back")
	}
	if m.base == "" {
		return failf(errPushUnreachable, "no merchant simulator is running (Options.MerchantURL is empty), so %s is unreachable", path)
	}
	push, _ := json.Marshal(map[string]any{
		"ToUserName":    appid,
		"FromUserName":  wechatTeamOpenID,
		"CreateTime":    now.Unix(),
		"MsgType":       "event",
		"Event":         pushEvent,
		"out_coupon_id": confirmOutCouponID,
		"request_id":    confirmRequestID,
	})
	status, answer, err := m.post(ctx, path, push)
	if err != nil {
		return failf(errPushUnreachable, "calling the merchant back failed: %s", transportFault(err))
	}
	if status != http.StatusOK {
		return failf(errPushHTTPStatus, "the merchant answered HTTP %d", status)
	}
	return judgePush(answer)
}

// post sends one push and reads the answer; any error is the transport's.
func (m *merchantCaller) post(ctx context.Context, path string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxPushAnswer+1))
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, raw, nil
}

// judgePush checks a 200 answer (the rows from 1090023 down). A field of
// the wrong type (a ret_code that is no number, an id that is no string)
// is as good as missing: the merchant did not send the field asked for.
func judgePush(raw []byte) error {
	if len(raw) > maxPushAnswer {
		return failf(errPushNotJSON, "the answer is over %d bytes", maxPushAnswer)
	}
	answer, err := readJSONObject(bytes.NewReader(raw))
	if err != nil {
		return failf(errPushNotJSON, "the merchant's answer is not a JSON object: %v", err)
	}
	retCode, ok := answer["ret_code"].(json.Number)
	if !ok {
		return failf(errPushFieldMissing, "the answer lacks ret_code (a number)")
	}
	ids := map[string]string{}
	for _, key := range []string{"out_user_coupon_id", "out_coupon_id", "request_id"} {
		s, ok := answer[key].(string)
		if !ok {
			return failf(errPushFieldMissing, "the answer lacks %s (a string)", key)
		}
		ids[key] = s
	}
	if ids["request_id"] != confirmRequestID {
		return failf(errPushRequestID, "request_id %q is not the one pushed, %q", ids["request_id"], confirmRequestID)
	}
	if n, err := retCode.Float64(); err != nil || n != 0 {
		return failf(errPushRetCode, "ret_code is %s", retCode)
	}
	if ids["out_coupon_id"] != confirmOutCouponID || ids["out_user_coupon_id"] != confirmOutUserCouponID {
		return failf(errPushFixedValues, "want out_coupon_id %q and out_user_coupon_id %q, got %q and %q",
			confirmOutCouponID, confirmOutUserCouponID, ids["out_coupon_id"], ids["out_user_coupon_id"])
	}
	return nil
}

// transportFault names what went wrong on the way to the merchant without
// the addresses: a merchant's host and port are not the API's business,
// and an errmsg that changes with them would drift between recordings.
func transportFault(err error) string {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection reset"
	default:
		return "transport error"
	}
}
