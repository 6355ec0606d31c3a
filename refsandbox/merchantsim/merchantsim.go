// Package merchantsim plays a merchant's message-push endpoint, the far end
// of /shop/coupon/confirm (DOC:coupon/confirm, api-reference §2.8;
// refsandbox/README.md "The merchant simulator and coupon/confirm"). When
// a merchant confirms the coupon capability, WeChat pushes a fixed
// "open_product_receive_coupon" event to the merchant's message-push URL
// and judges the answer. The
// reference sandbox does the same against this simulator, served on a
// loopback listener by the harness, never on a real host.
//
// Each path is one merchant behaviour. Every path reads the push it gets
// (Event, out_coupon_id, request_id) and builds its answer from it, as a
// real merchant would; the faulty ones then break that answer in one way.
// The sandbox only names a path (a profile's coupon.push_path) and judges
// what comes back: it never knows what a path stands for.
package merchantsim

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
)

// The paths, one per behaviour.
const (
	// PathCorrect answers as DOC:coupon/confirm asks: ret_code 0 and the
	// push's out_coupon_id and request_id echoed, with the user coupon id
	// the confirmation wants.
	PathCorrect = "/push/correct"
	// PathHTTP500 answers HTTP 500.
	PathHTTP500 = "/push/http-500"
	// PathNotJSON answers HTTP 200 with "<xml>ok</xml>": a merchant whose
	// message push is configured for XML, or whose framework answers it.
	PathNotJSON = "/push/not-json"
	// PathMissingField answers correctly but without out_user_coupon_id.
	PathMissingField = "/push/missing-field"
	// PathWrongRequestID answers correctly but with another request_id.
	PathWrongRequestID = "/push/wrong-request-id"
	// PathRetCode answers correctly but with ret_code 1 (no coupon issued).
	PathRetCode = "/push/ret-code"
	// PathWrongValues answers correctly but with out_coupon_id "other".
	PathWrongValues = "/push/wrong-values"
	// PathHangUp reads the push and then drops the connection without a
	// byte of answer (an RST where the platform allows it): to the caller
	// this is a refused or reset connection.
	PathHangUp = "/push/hang-up"
)

// The confirmation push's fixed values (DOC:coupon/confirm "回调请求参数说明"
// and "回调回包参数说明").
const (
	EventReceiveCoupon     = "open_product_receive_coupon"
	ConfirmOutCouponID     = "test_coupon"
	ConfirmRequestID       = "test_coupon_request_id"
	ConfirmOutUserCouponID = "test_coupon_user_coupon_id"
)

// OtherRequestID is what PathWrongRequestID answers instead of the push's.
const OtherRequestID = "another_request_id"

// Paths lists every behaviour's path.
func Paths() []string {
	return []string{PathCorrect, PathHTTP500, PathNotJSON, PathMissingField, PathWrongRequestID, PathRetCode, PathWrongValues, PathHangUp}
}

// maxPushBytes bounds what the simulator reads: a push is a few hundred bytes.
const maxPushBytes = 64 << 10

// maxKept bounds the pushes Received remembers.
const maxKept = 1000

// Push is one message the simulator received. Field names follow the
// push's (DOC:coupon/confirm); encoding/json matches them without regard
// to case, so a push that spells the event "event" is read too.
type Push struct {
	Path         string `json:"-"`
	ToUserName   string `json:"ToUserName"`
	FromUserName string `json:"FromUserName"`
	CreateTime   int64  `json:"CreateTime"`
	MsgType      string `json:"MsgType"`
	Event        string `json:"Event"`
	OutCouponID  string `json:"out_coupon_id"`
	RequestID    string `json:"request_id"`
}

// Simulator is the merchant. The zero value is not usable; call New.
type Simulator struct {
	mux *http.ServeMux

	mu       sync.Mutex
	received []Push
	issued   int // user coupons handed out for real (non-confirmation) pushes
}

// New builds a simulator with every behaviour's path.
func New() *Simulator {
	s := &Simulator{mux: http.NewServeMux()}
	breakers := map[string]func(answer map[string]any){
		PathCorrect:        func(map[string]any) {},
		PathMissingField:   func(a map[string]any) { delete(a, "out_user_coupon_id") },
		PathWrongRequestID: func(a map[string]any) { a["request_id"] = OtherRequestID },
		PathRetCode:        func(a map[string]any) { a["ret_code"], a["ret_msg"] = 1, "no coupon issued" },
		PathWrongValues:    func(a map[string]any) { a["out_coupon_id"] = "other" },
	}
	for path, breakIt := range breakers {
		s.mux.HandleFunc("POST "+path, s.receive(func(w http.ResponseWriter, _ *http.Request, p Push) {
			answer := s.answer(p)
			breakIt(answer)
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_ = json.NewEncoder(w).Encode(answer)
		}))
	}
	s.mux.HandleFunc("POST "+PathHTTP500, s.receive(func(w http.ResponseWriter, _ *http.Request, _ Push) {
		http.Error(w, "internal server error", http.StatusInternalServerError)
	}))
	s.mux.HandleFunc("POST "+PathNotJSON, s.receive(func(w http.ResponseWriter, _ *http.Request, _ Push) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = io.WriteString(w, "<xml>ok</xml>")
	}))
	s.mux.HandleFunc("POST "+PathHangUp, s.receive(hangUp))
	return s
}

// ServeHTTP makes the simulator an http.Handler.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Received returns the pushes received so far, oldest first (at most the
// last 1000).
func (s *Simulator) Received() []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Push(nil), s.received...)
}

// receive reads and records the push, then lets the behaviour answer. A
// body that is no push gets HTTP 400, as from any merchant server.
func (s *Simulator) receive(behave func(http.ResponseWriter, *http.Request, Push)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var p Push
		if err := json.NewDecoder(io.LimitReader(r.Body, maxPushBytes)).Decode(&p); err != nil {
			http.Error(w, "not a JSON push: "+err.Error(), http.StatusBadRequest)
			return
		}
		p.Path = r.URL.Path
		s.mu.Lock()
		if len(s.received) == maxKept {
			s.received = s.received[1:]
		}
		s.received = append(s.received, p)
		s.mu.Unlock()
		behave(w, r, p)
	}
}

// answer is what a working merchant answers to p. The confirmation push
// (its fixed out_coupon_id and request_id) gets the fixed user coupon id
// DOC:coupon/confirm asks for; any other receive-coupon push is a user
// receiving a real coupon, so the merchant issues one and names it. An
// event the merchant does not handle is refused with ret_code 1.
func (s *Simulator) answer(p Push) map[string]any {
	answer := map[string]any{"ret_code": 0, "ret_msg": "ok", "out_coupon_id": p.OutCouponID, "request_id": p.RequestID}
	switch {
	case p.Event != EventReceiveCoupon:
		answer["ret_code"], answer["ret_msg"] = 1, fmt.Sprintf("event %q is not handled", p.Event)
	case p.OutCouponID == ConfirmOutCouponID && p.RequestID == ConfirmRequestID:
		answer["out_user_coupon_id"] = ConfirmOutUserCouponID
	default:
		s.mu.Lock()
		s.issued++
		n := s.issued
		s.mu.Unlock()
		answer["out_user_coupon_id"] = fmt.Sprintf("%s_user_coupon_%d", p.OutCouponID, n)
	}
	return answer
}

// hangUp drops the connection without answering. Linger 0 makes the close
// an RST on TCP, which is what a crashed or refusing merchant looks like.
func hangUp(w http.ResponseWriter, _ *http.Request, _ Push) {
	hj, ok := w.(http.Hijacker)
	if !ok { // HTTP/2 or a recorder: abort the response instead
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
