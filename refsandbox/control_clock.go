package refsandbox

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/shopconform/shopconform/internal/jsonpos"
)

// An account's clock (Stripe's test clocks): the sandbox's clock plus an
// offset the control API sets, never backwards. It is the account's "now"
// for every rule that reads time: an order's expire_time (181), the
// windows of times in requests, after-sale deadlines, quota days. Tokens
// keep the sandbox's own clock: a clock moved a day ahead must not expire
// the caller's access token.
type accountClock struct {
	offset atomic.Int64 // nanoseconds
}

func (c *accountClock) now(base time.Time) time.Time {
	return base.Add(time.Duration(c.offset.Load()))
}

// clockRequest sets the clock to a time ("yyyy-MM-dd HH:mm:ss" China time,
// or unix seconds) or advances it by a duration ("36h", "90m").
type clockRequest struct {
	Set     string `json:"set"`
	SetUnix *int64 `json:"set_unix"`
	Advance string `json:"advance"`
}

func (s *Sandbox) setClock(_ *call, a *account, body *jsonpos.Node, raw []byte) reply {
	var req clockRequest
	if err := decodeControl(raw, body, &req); err != nil {
		return controlErrorReply(err)
	}
	given := 0
	for _, set := range []bool{req.Set != "", req.SetUnix != nil, req.Advance != ""} {
		if set {
			given++
		}
	}
	if given != 1 {
		return controlErrorReply(refuse(http.StatusBadRequest, "", `give exactly one of "set" ("2021-03-01 10:00:00", China time), "set_unix" (seconds) or "advance" ("36h")`))
	}
	base := s.clock.Now()
	current := a.clock.now(base)
	var target time.Time
	field := "set"
	switch {
	case req.Set != "":
		t, err := time.ParseInLocation(time.DateTime, req.Set, shanghai)
		if err != nil {
			return controlErrorReply(refuse(http.StatusBadRequest, "set", "%q is not yyyy-MM-dd HH:mm:ss", req.Set))
		}
		target = t
	case req.SetUnix != nil:
		target, field = time.Unix(*req.SetUnix, 0), "set_unix"
	default:
		d, err := time.ParseDuration(req.Advance)
		if err != nil || d < 0 {
			return controlErrorReply(refuse(http.StatusBadRequest, "advance", "%q is not a duration ≥ 0 such as \"36h\" or \"90m\"", req.Advance))
		}
		target, field = current.Add(d), "advance"
	}
	// Time only moves forward, as for a real account: objects already
	// made keep their times, and a clock moved back would make them lie.
	if target.Before(current.Truncate(time.Second)) {
		return controlErrorReply(refuse(http.StatusConflict, field, "%s is before the account's clock, %s: a clock never moves backwards (mint a new account with \"clock\" to start earlier)",
			target.In(shanghai).Format(time.DateTime), current.In(shanghai).Format(time.DateTime)))
	}
	// Monotonic against concurrent moves of the same clock.
	for {
		old := a.clock.offset.Load()
		next := int64(target.Sub(base))
		if next < old || a.clock.offset.CompareAndSwap(old, next) {
			break
		}
	}
	return controlReply(http.StatusOK, accountJSON(a, base))
}
