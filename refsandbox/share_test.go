package refsandbox

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// Tests of the share world, written by hand from api-reference §2.9,
// §2.11, §3.8 and refsandbox/README.md, never from fixtures/ (the
// sandbox stays an independent reading of the docs).

const (
	bindPath        = "/shop/sharer/bind"
	unbindPath      = "/shop/sharer/unbind"
	searchPath      = "/shop/sharer/search_sharer"
	sharerListPath  = "/shop/sharer/get_sharer_list"
	summaryPath     = "/shop/sharer/get_sharer_data_summary"
	liveOrdersPath  = "/shop/sharer/get_sharer_live_order_list"
	liveSummaryPath = "/shop/sharer/get_sharer_live_summary_list"
	shareModePath   = "/shop/sharer/set_share_mode"
	promotersPath   = "/shop/promoter/list"
)

// openids is a bind/unbind body.
func openids(ids ...string) string { return jsonText(map[string]any{"openids": ids}) }

// who is an openid body, with extra fields.
func who(openid string, extra ...string) string {
	return `{"openid":"` + openid + `"` + strings.Join(append([]string{""}, extra...), ",") + `}`
}

// many is n distinct well-formed openids that are nobody's users.
func many(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "o" + strings.Repeat("x", 22) + strings.Repeat("0", 5-len(itoa(i))) + itoa(i)
	}
	return out
}

// TestShareCodes provokes the §3.8 codes and the generic codes the
// sharer APIs declare.
func TestShareCodes(t *testing.T) {
	limit2 := []Profile{{Name: "sharer-limit-2", Share: shareProfile{SharerLimit: ptr(uint(2))}}}
	forEachTargetWith(t, limit2, func(t *testing.T, tg *target) {
		u := accountOf(t, tg, "sharer-limit-1").OpenIDs
		v := accountOf(t, tg, "sharer-limit-2").OpenIDs
		me := accountOf(t, tg, "default").OpenID
		stranger := accountOf(t, tg, "not-opened").OpenID
		for _, tc := range []struct {
			name, profile string
			steps         []step
		}{
			{"1310001 the limit reached (sharer-limit-1)", "sharer-limit-1", []step{{bindPath, openids(u[0]), 0},
				{bindPath, openids(u[1]), catalog.SharerBindLimitReached},
				{bindPath, openids(u[0]), 0}, // already inviting: refused, nothing new
				{unbindPath, openids(u[0]), 0}, {bindPath, openids(u[1]), 0}}},
			{"1310001 for the whole call", "sharer-limit-2", []step{{bindPath, openids(v[0]), 0},
				{bindPath, openids(v[1], v[2]), catalog.SharerBindLimitReached}, {bindPath, openids(v[1], v[0]), 0}}},
			{"1310002 bind and unbind without openids (§3.8 trigger)", "default", []step{
				{bindPath, `{}`, catalog.SharerOpenIDMissing}, {bindPath, `{"openids":[]}`, catalog.SharerOpenIDMissing},
				{bindPath, `{"openids":null}`, catalog.SharerOpenIDMissing}, {bindPath, `{"openids":"` + me + `"}`, catalog.SharerOpenIDMissing},
				{bindPath, `{"openids":[12]}`, catalog.SharerOpenIDMissing},
				{unbindPath, `{}`, catalog.SharerOpenIDMissing}, {unbindPath, `{"openids":[]}`, catalog.SharerOpenIDMissing}}},
			{"1310003 101 openids (§3.8 trigger)", "default", []step{{bindPath, openids(many(101)...), catalog.SharerTooManyOpenIDs},
				{unbindPath, openids(many(101)...), catalog.SharerTooManyOpenIDs}, {bindPath, openids(many(100)...), 0}}},
			{"1310003 before the items' type", "default", []step{{bindPath, `{"openids":[` + strings.Repeat(`1,`, 100) + `1]}`, catalog.SharerTooManyOpenIDs}}},
			{"1310002 a blank or non-string item", "default", []step{{bindPath, `{"openids":[""]}`, catalog.SharerOpenIDMissing},
				{bindPath, `{"openids":["` + me + `","  "]}`, catalog.SharerOpenIDMissing}, {unbindPath, `{"openids":[null]}`, catalog.SharerOpenIDMissing},
				{unbindPath, `{"openids":[{"openid":"` + me + `"}]}`, catalog.SharerOpenIDMissing}}},
			{"990007 an openid named twice", "default", []step{{bindPath, openids(me, stranger, me), catalog.ParameterMissing},
				{unbindPath, openids(stranger, stranger), catalog.ParameterMissing}, {bindPath, `{"openids":[12,12]}`, catalog.SharerOpenIDMissing},
				{bindPath, openids(append(many(100), many(1)...)...), catalog.SharerTooManyOpenIDs}}},
			{"990004/990002/990001 on the openid APIs", "default", []step{
				{searchPath, `{}`, catalog.OpenIDMissing}, {searchPath, who("xxx"), catalog.OpenIDIllegalVariant},
				{searchPath, who(stranger), catalog.OpenIDIllegal}, {summaryPath, `{}`, catalog.OpenIDMissing},
				{summaryPath, who(stranger), catalog.OpenIDIllegal}, {liveOrdersPath, who(stranger), catalog.OpenIDIllegal},
				{liveSummaryPath, who("xxx"), catalog.OpenIDIllegalVariant}}},
			{"990005 page sizes", "default", []step{{sharerListPath, `{"page":1,"page_size":101}`, catalog.PageSizeTooLarge},
				{sharerListPath, `{"page":1,"page_size":100}`, 0},
				{liveSummaryPath, who(me, `"page":1`, `"page_size":21`), catalog.PageSizeTooLarge},
				{liveSummaryPath, who(me, `"page":1`, `"page_size":20`), 0},
				{liveOrdersPath, who(me, `"live_export_id":"L1"`, `"page":1`, `"page_size":101`), catalog.PageSizeTooLarge}}},
			{"990007 required and unusable paging", "default", []step{{sharerListPath, `{}`, catalog.ParameterMissing},
				{sharerListPath, `{"page":0,"page_size":10}`, catalog.ParameterMissing},
				{sharerListPath, `{"page":1,"page_size":"10"}`, catalog.ParameterMissing},
				{sharerListPath, `{"page":1,"page_size":0}`, catalog.ParameterMissing},
				{sharerListPath, `{"page":1.5,"page_size":10}`, catalog.ParameterMissing},
				{sharerListPath, `{"page":0,"page_size":101}`, catalog.PageSizeTooLarge}, // page_size is checked first
				{liveOrdersPath, who(me, `"page":1`, `"page_size":10`), catalog.ParameterMissing},
				{liveSummaryPath, who(me, `"page":1`), catalog.ParameterMissing},
				{liveSummaryPath, who(me, `"page":-1`, `"page_size":10`), catalog.ParameterMissing}}},
			{"990007 live_export_id blank or not a string", "default", []step{
				{liveOrdersPath, who(me, `"live_export_id":" "`, `"page":1`, `"page_size":10`), catalog.ParameterMissing},
				{liveOrdersPath, who(me, `"live_export_id":12`, `"page":1`, `"page_size":10`), catalog.ParameterMissing}}},
			{"set_share_mode: share_mode a required integer ≥ 0", "default", []step{{shareModePath, `{}`, catalog.ParameterMissing},
				{shareModePath, `{"share_mode":"1"}`, catalog.ParameterMissing}, {shareModePath, `{"share_mode":-1}`, catalog.ParameterMissing},
				{shareModePath, `{"share_mode":1.5}`, catalog.ParameterMissing}, {shareModePath, `{"share_mode":0}`, 0},
				{shareModePath, `{"share_mode":1}`, 0}}},
			{"promoter/list paging (DOC:promoter/list)", "default", []step{{promotersPath, `{"page":1,"page_size":21}`, catalog.PageSizeTooLarge},
				{promotersPath, `{"page":1,"page_size":20}`, 0}, {promotersPath, `{"page_size":10}`, catalog.ParameterMissing},
				{promotersPath, `{"page":0,"page_size":10}`, catalog.ParameterMissing}, {promotersPath, `{"page":1}`, catalog.ParameterMissing},
				{promotersPath, `{"page":1,"page_size":0}`, catalog.ParameterMissing}, {promotersPath, `{"page":"1","page_size":10}`, catalog.ParameterMissing},
				{promotersPath, `{"page":0,"page_size":21}`, catalog.ParameterMissing}}}, // page is checked first
			{"48001 before connecting", "not-opened", []step{{bindPath, openids(stranger), catalog.APIUnauthorized}}},
		} {
			run(t, tg, tc.profile, tc.steps...)
		}
		if got := newShareState(shareProfile{}).limit; got != 10000 {
			t.Errorf("default sharer limit %d, want 10 000 (DOC reason_code 200)", got)
		}
	})
}

// TestSharerBind: bind's answer lists every openid once in result_list,
// in request order, with the documented result and reason codes; a bind
// invites (3) and search_sharer shows it.
func TestSharerBind(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		u := accountOf(t, tg, "default").OpenIDs
		stranger := accountOf(t, tg, "not-opened").OpenID
		resp := post(t, tg, tok, bindPath, openids(u[0], u[1], stranger, "xxx"))
		wantCode(t, resp, 0)
		wantList(t, resp, "success_list", u[0], u[1])
		wantList(t, resp, "refuse_list", stranger, "xxx")
		wantList(t, resp, "fail_list")
		wantResults(t, resp, "0/0", "0/0", "2/201", "2/201")
		invited := post(t, tg, tok, searchPath, who(u[0]))
		wantCode(t, invited, 0)
		if num(t, invited, "bind_status") != "3" || num(t, invited, "bind_time") != "0" || num(t, invited, "invited_time") != itoa(int(t0.Unix())) {
			t.Errorf("invited sharer %v", invited)
		}
		wantFields(t, invited, "nickname")
		never := post(t, tg, tok, searchPath, who(u[2]))
		wantCode(t, never, 0)
		if num(t, never, "bind_status") != "0" {
			t.Errorf("a user never invited: %v, want bind_status 0", never)
		}
		// A user inviting already is refused with 202.
		again := post(t, tg, tok, bindPath, openids(u[0]))
		wantList(t, again, "refuse_list", u[0])
		wantResults(t, again, "2/202")
		// Invitations are not bound sharers.
		if list := post(t, tg, tok, sharerListPath, `{"page":1,"page_size":10}`); num(t, list, "total_num") != "0" {
			t.Errorf("inviting sharers listed: %v", list)
		}
		// unbind: a non-user is refused (201); a user is unbound, whether
		// or not it was a sharer.
		resp = post(t, tg, tok, unbindPath, openids(u[0], u[2], stranger))
		wantCode(t, resp, 0)
		wantList(t, resp, "success_list", u[0], u[2])
		wantList(t, resp, "refuse_list", stranger)
		if got := num(t, post(t, tg, tok, searchPath, who(u[0])), "bind_status"); got != "0" {
			t.Errorf("unbound sharer bind_status %s, want 0", got)
		}
	})
}

// TestSharersAccept: on sharers-accept an invitation binds at once, and
// the list, summary and live lists answer their documented fields.
func TestSharersAccept(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "sharers-accept")
		u := accountOf(t, tg, "sharers-accept").OpenIDs
		wantCode(t, post(t, tg, tok, bindPath, openids(u[0], u[1])), 0)
		tg.clock.advance(time.Minute)
		wantCode(t, post(t, tg, tok, bindPath, openids(u[2], u[0])), 0)
		bound := post(t, tg, tok, searchPath, who(u[0]))
		if num(t, bound, "bind_status") != "1" || num(t, bound, "bind_time") != itoa(int(t0.Unix())) {
			t.Errorf("accepted sharer %v", bound)
		}
		page := post(t, tg, tok, sharerListPath, `{"page":2,"page_size":2}`)
		wantCode(t, page, 0)
		if num(t, page, "total_num") != "3" || at(t, page, "sharers.0.openid") != u[2] || len(page["sharers"].([]any)) != 1 {
			t.Errorf("page 2 of 2: %v", page)
		}
		wantFields(t, page, "sharers.0.nickname", "sharers.0.invited_time", "sharers.0.bind_time")
		if empty := post(t, tg, tok, sharerListPath, `{"page":3,"page_size":2}`); len(empty["sharers"].([]any)) != 0 {
			t.Errorf("page past the end: %v", empty)
		}
		sum := post(t, tg, tok, summaryPath, who(u[0]))
		wantCode(t, sum, 0)
		for _, f := range []string{"gmv", "order_cnt", "user_cnt"} {
			if num(t, sum, f) != "0" {
				t.Errorf("summary %s = %s, want 0", f, num(t, sum, f))
			}
		}
		for path, key := range map[string]string{liveOrdersPath: "orders", liveSummaryPath: "lives"} {
			resp := post(t, tg, tok, path, who(u[0], `"live_export_id":"L1"`, `"page":1`, `"page_size":10`))
			wantCode(t, resp, 0)
			if list, ok := resp[key].([]any); !ok || len(list) != 0 || num(t, resp, "total_num") != "0" {
				t.Errorf("%s: %v", path, resp)
			}
		}
	})
}

// wantResults checks bind's result_list, "result_code/reason_code" per
// openid in request order.
func wantResults(t *testing.T, resp map[string]any, want ...string) {
	t.Helper()
	if list, _ := resp["result_list"].([]any); len(list) != len(want) {
		t.Fatalf("result_list has %d entries, want %d: %v", len(list), len(want), resp)
	}
	for i, w := range want {
		if got := num(t, resp, "result_list."+itoa(i)+".result_code") + "/" + num(t, resp, "result_list."+itoa(i)+".reason_code"); got != w {
			t.Errorf("result_list[%d] = %s, want %s", i, got, w)
		}
	}
}

// wantList checks a string array in a response, in order.
func wantList(t *testing.T, resp map[string]any, key string, want ...string) {
	t.Helper()
	raw, _ := json.Marshal(resp[key])
	var got []string
	if err := json.Unmarshal(raw, &got); err != nil || got == nil || !slices.Equal(got, want) {
		t.Errorf("%s = %s, want %q", key, raw, want)
	}
}
