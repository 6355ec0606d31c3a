package refsandbox

import (
	"testing"

	"github.com/shopconform/shopconform/refsandbox/control"
)

// seededSharer is a sharer as search_sharer answers it, with its openid:
// invited two hours before the sandbox's clock and, when bound, bound an
// hour later.
func seededSharer(openid string, status int, edits ...edit) map[string]any {
	s := map[string]any{"openid": openid, "nickname": "分享员" + openid, "bind_status": status, "invited_time": now0 - 7200, "bind_time": 0}
	if status == sharerBound {
		s["bind_time"] = now0 - 3600
	}
	for _, e := range edits {
		e(s)
	}
	return s
}

// TestSeedSharersReadBack: search_sharer answers each seeded sharer as
// seeded, whatever its bind_status; get_sharer_list lists the bound ones
// in invitation order, before one bound through the API.
func TestSeedSharersReadBack(t *testing.T) {
	tg := loopbackTarget(t)
	a := mintSeedTestAccount(t, tg, "sharers-accept", "u1", "u2", "u3", "u4", "u5", "u6")
	bound := seededSharer("u1", sharerBound)
	earlier := seededSharer("u2", sharerBound, set("invited_time", now0-10800), set("bind_time", now0-10000))
	plain := map[string]any{"openid": "u6"} // get_sharer_list's item without its fields: bound now, nickname made up
	sharers := []any{bound, earlier, seededSharer("u3", sharerRefused), seededSharer("u4", sharerInviting), seededSharer("u5", sharerExpired), plain}
	a.mustSeed(control.Seed{Sharers: sharers})
	for _, s := range sharers[:5] {
		s := s.(map[string]any)
		resp := a.call(searchPath, who(s["openid"].(string)), 0)
		wantShape(t, searchPath, resp)
		sameJSON(t, "search_sharer "+s["openid"].(string), without(resp, "errcode", "errmsg"), without(s, "openid"))
	}
	a.call(bindPath, openids("u4"), 0) // already inviting: refused per openid, errcode 0
	list := a.call(sharerListPath, `{"page":1,"page_size":10}`, 0)
	wantShape(t, sharerListPath, list)
	sameJSON(t, "get_sharer_list", list["sharers"], []any{
		without(earlier, "bind_status"), without(bound, "bind_status"),
		map[string]any{"openid": "u6", "nickname": "测试用户6", "invited_time": now0, "bind_time": now0},
	})
}

// TestBindAfterSeededSharers: a bound or inviting sharer is refused with
// 202; a refused or expired one is invited again; the limit counts only
// bound and inviting sharers.
func TestBindAfterSeededSharers(t *testing.T) {
	tg := loopbackTarget(t)
	a := mintSeedTestAccount(t, tg, "default", "u1", "u2", "u3", "u4")
	a.mustSeed(control.Seed{Sharers: []any{seededSharer("u1", sharerBound), seededSharer("u2", sharerInviting), seededSharer("u3", sharerRefused), seededSharer("u4", sharerExpired)}})
	resp := a.call(bindPath, openids("u1", "u2", "u3", "u4"), 0)
	sameJSON(t, "bind's success_list", resp["success_list"], []any{"u3", "u4"})
	sameJSON(t, "bind's refuse_list", resp["refuse_list"], []any{"u1", "u2"})
	for _, u := range []string{"u3", "u4"} {
		again := a.call(searchPath, who(u), 0)
		if num(t, again, "bind_status") != "3" || num(t, again, "invited_time") != itoa(int(now0)) {
			t.Errorf("%s after a new bind: %v, want inviting since now", u, again)
		}
	}

	limited := mintSeedTestAccount(t, tg, "sharer-limit-1", "u1", "u2", "u3")
	limited.mustSeed(control.Seed{Sharers: []any{seededSharer("u1", sharerRefused), seededSharer("u2", sharerInviting)}})
	wantRefusal(t, limited.seed(control.Seed{Sharers: []any{seededSharer("u3", sharerBound)}}), 409, "sharers[0].bind_status")
	limited.mustSeed(control.Seed{Sharers: []any{seededSharer("u3", sharerExpired)}})
}

// TestSeedSharerRefusals: each refusal names its field; nothing refused
// is added.
func TestSeedSharerRefusals(t *testing.T) {
	tg := loopbackTarget(t)
	a := mintSeedTestAccount(t, tg, "default", "u1", "u2", "u3")
	a.mustSeed(control.Seed{Sharers: []any{seededSharer("u1", sharerBound)}})
	sharers := func(items ...any) control.Seed { return control.Seed{Sharers: items} }
	for _, c := range []struct {
		name   string
		seed   control.Seed
		status int
		field  string
	}{
		{"no openid", sharers(map[string]any{"bind_status": 1}), 400, "sharers[0].openid"},
		{"openid not a string", sharers(map[string]any{"openid": 7}), 400, "sharers[0].openid"},
		{"no such status", sharers(seededSharer("u2", 5)), 400, "sharers[0].bind_status"},
		{"status as text", sharers(seededSharer("u2", 1, set("bind_status", "1"))), 400, "sharers[0].bind_status"},
		{"nickname not a string", sharers(seededSharer("u2", 1, set("nickname", 12))), 400, "sharers[0].nickname"},
		{"inviting yet bound", sharers(seededSharer("u2", sharerInviting, set("bind_time", now0))), 400, "sharers[0].bind_time"},
		{"bound before invited", sharers(seededSharer("u2", sharerBound, set("bind_time", now0-9000))), 400, "sharers[0].bind_time"},
		{"invited in the future", sharers(seededSharer("u2", sharerInviting, set("invited_time", now0+60))), 409, "sharers[0].invited_time"},
		{"bound in the future", sharers(seededSharer("u2", sharerBound, set("bind_time", now0+60))), 409, "sharers[0].bind_time"},
		{"no such user", sharers(seededSharer("stranger", sharerBound)), 404, "sharers[0].openid"},
		{"a sharer already", sharers(seededSharer("u1", sharerInviting)), 409, "sharers[0].openid"},
		{"twice in the call", sharers(seededSharer("u2", sharerBound), seededSharer("u2", sharerRefused)), 409, "sharers[1].openid"},
	} {
		t.Run(c.name, func(t *testing.T) { wantRefusal(t, a.seed(c.seed), c.status, c.field) })
	}
	for _, u := range []string{"u2", "u3"} {
		if got := num(t, a.call(searchPath, who(u), 0), "bind_status"); got != "0" {
			t.Errorf("%s has bind_status %s after the refused seeds, want 0", u, got)
		}
	}
	if got := num(t, a.call(sharerListPath, `{"page":1,"page_size":10}`, 0), "total_num"); got != "1" {
		t.Errorf("%s bound sharers after the refused seeds, want 1", got)
	}
}
