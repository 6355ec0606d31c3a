package refsandbox

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

func TestFieldRules(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		other := accountOf(t, tg, "not-opened").OpenID
		long := func(n int, r string) string { return strings.Repeat(r, n) }
		for _, tc := range []struct {
			name, path, body string
			want             catalog.Code
		}{
			// openid (§3.1 990004, 990002 malformed, 990001 not this appid's user)
			{"openid absent", "/shop/order/get", `{"out_order_id":"o1"}`, catalog.OpenIDMissing},
			{"openid empty", "/shop/order/get", `{"openid":""}`, catalog.OpenIDMissing},
			{"openid null", "/shop/order/get", `{"openid":null}`, catalog.OpenIDMissing},
			{"openid §3.1 example xxx", "/shop/order/get", `{"openid":"xxx"}`, catalog.OpenIDIllegalVariant},
			{"openid number", "/shop/order/get", `{"openid":12}`, catalog.OpenIDIllegalVariant},
			{"openid one char short", "/shop/order/get", `{"openid":"o` + long(26, "a") + `"}`, catalog.OpenIDIllegalVariant},
			{"openid bad character", "/shop/order/get", `{"openid":"o` + long(26, "a") + `!"}`, catalog.OpenIDIllegalVariant},
			{"openid of another appid", "/shop/order/close", `{"openid":"` + other + `"}`, catalog.OpenIDIllegal},
			{"openidFormat leaves another appid's user to the handler", "/shop/order/get", `{"openid":"` + other + `"}`, catalog.OrderOpenIDAppIDMismatch},
			{"openidFormat still refuses a malformed one", "/shop/order/pay", `{"openid":"xxx"}`, catalog.OpenIDIllegalVariant},
			{"openid well-formed stranger", "/shop/delivery/recieve", `{"openid":"o` + long(27, "Z") + `"}`, catalog.OpenIDIllegal},
			{"openid of this appid", "/shop/order/get", `{"openid":"` + me + `"}`, catalog.OrderIDMissing},
			// required (§3.1 990007 examples)
			{"audit/result {}", "/shop/audit/result", `{}`, catalog.ParameterMissing},
			{"audit/result empty id", "/shop/audit/result", `{"audit_id":""}`, catalog.ParameterMissing},
			{"audit/result id", "/shop/audit/result", `{"audit_id":"RQAAAPX1nuJsAAAAFTrfXW"}`, catalog.AuditNotFound},
			{"finish_access_info {}", "/shop/register/finish_access_info", `{}`, catalog.ParameterMissing},
			{"finish_access_info 0 is present, then no task", "/shop/register/finish_access_info", `{"access_info_item":0}`, catalog.ParameterMissing},
			{"finish_access_info 6 reaches the handler", "/shop/register/finish_access_info", `{"access_info_item":6}`, catalog.AccessStateFlowError},
			{"scene/check {}", "/shop/scene/check", `{}`, catalog.ParameterMissing},
			{"apply_scene {}", "/shop/register/apply_scene", `{}`, catalog.ParameterMissing},
			// maxLen (§2.5 out_order_id < 128 characters, §3.1 990008)
			{"out_order_id 127", "/shop/order/add", `{"openid":"` + me + `","out_order_id":"` + long(127, "x") + `"}`, catalog.OrderCreateTimeMissing},
			{"out_order_id 128", "/shop/order/add", `{"openid":"` + me + `","out_order_id":"` + long(128, "x") + `"}`, catalog.ParameterTooLong},
			{"out_order_id 127 runes", "/shop/order/add", `{"openid":"` + me + `","out_order_id":"` + long(127, "单") + `"}`, catalog.OrderCreateTimeMissing},
			// pageSize (§3.1 990005)
			{"spu page_size 100", "/shop/spu/get_list", `{"page":1,"page_size":100}`, catalog.OK},
			{"spu page_size 101 (§3.1 example)", "/shop/spu/get_list", `{"page":1,"page_size":101}`, catalog.PageSizeTooLarge},
			{"page_size 1e3", "/shop/order/get_list", `{"page":1,"page_size":1e3}`, catalog.PageSizeTooLarge},
			{"page_size as string", "/shop/order/get_list", `{"page":1,"page_size":"101","sort_order":1}`, catalog.ParameterMissing},
			{"live summary 21", "/shop/sharer/get_sharer_live_summary_list", `{"openid":"` + me + `","page":1,"page_size":21}`, catalog.PageSizeTooLarge},
			{"usercoupon 200", "/shop/coupon/get_usercoupon_list", `{"openid":"` + me + `","page_size":200}`, catalog.OK},
			{"usercoupon 201", "/shop/coupon/get_usercoupon_list", `{"page_size":201}`, catalog.PageSizeTooLarge},
			{"ecaftersale limit 51", "/shop/ecaftersale/get_list", `{"offset":0,"limit":51}`, catalog.PageSizeTooLarge},
			// timeOrder (§3.1 990009)
			{"create start after end", "/shop/order/get_list", `{"start_create_time":"2024-05-02 00:00:00","end_create_time":"2024-05-01 23:59:59"}`, catalog.StartAfterEnd},
			{"create start equals end", "/shop/order/get_list", `{"page":1,"page_size":10,"sort_order":1,"start_create_time":"2024-05-01 00:00:00","end_create_time":"2024-05-01 00:00:00"}`, catalog.OK},
			{"only start", "/shop/order/get_list", `{"page":1,"page_size":10,"sort_order":1,"start_create_time":"2024-05-02 00:00:00"}`, catalog.OK},
			{"unparseable is the handler's", "/shop/order/get_list", `{"page":1,"page_size":10,"sort_order":1,"start_create_time":"tomorrow","end_create_time":"2024-05-01 00:00:00"}`, catalog.ParameterMissing},
			{"spu update range", "/shop/spu/get_list", `{"start_update_time":"2024-05-02 00:00:00","end_update_time":"2024-05-01 00:00:00"}`, catalog.StartAfterEnd},
			{"pay range by finder", "/shop/order/get_list_by_finder", `{"start_pay_time":"2024-05-02 00:00:00","end_pay_time":"2024-05-01 00:00:00"}`, catalog.StartAfterEnd},
			{"pay range by sharer", "/shop/order/get_list_by_sharer", `{"start_pay_time":"2024-05-02 00:00:00","end_pay_time":"2024-05-01 00:00:00"}`, catalog.StartAfterEnd},
			{"ms range", "/shop/ecaftersale/get_list", `{"begin_create_time":1714500000001,"end_create_time":1714500000000}`, catalog.StartAfterEnd},
			{"ms range in order", "/shop/ecaftersale/get_list", `{"offset":0,"limit":10,"begin_create_time":1714500000000,"end_create_time":1714500000001}`, catalog.OK},
		} {
			resp := post(t, tg, tok, tc.path, tc.body)
			if got := errcode(t, resp); got != tc.want {
				t.Errorf("%s: %s = %d, want %d (%v)", tc.name, tc.path, got, tc.want, resp["errmsg"])
			}
		}
	})
}

// TestRuleOrderWithinARoute runs a hand-made route, because no documented
// endpoint declares both an openid and a required rule.
func TestRuleOrderWithinARoute(t *testing.T) {
	rt, err := compileRoute(endpoint{path: "/shop/test", rules: rules(openid("openid"), required("audit_id")), handler: unmodelled})
	if err != nil {
		t.Fatal(err)
	}
	acct := newAccount(&Profile{Name: "x", OpenIDs: []string{"o" + strings.Repeat("a", 27)}})
	for body, want := range map[string]catalog.Code{
		`{}`:               catalog.OpenIDMissing,
		`{"openid":"bad"}`: catalog.OpenIDIllegalVariant,
		`{"openid":"o` + strings.Repeat("a", 27) + `"}`:                catalog.ParameterMissing,
		`{"openid":"o` + strings.Repeat("a", 27) + `","audit_id":"1"}`: catalog.OK,
	} {
		obj, err := readJSONObject(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got := catalog.OK
		for _, chk := range rt.checks {
			if rep, done := chk(obj, acct); done {
				got = rep.code
				break
			}
		}
		if got != want {
			t.Errorf("%s: got %d, want %d", body, got, want)
		}
	}
}

// TestOpenIDRulesComeFirst keeps the table honest about §7's order.
func TestOpenIDRulesComeFirst(t *testing.T) {
	for _, ep := range routeTable() {
		seenOther := false
		for _, r := range ep.rules {
			if r.kind != ruleOpenID {
				seenOther = true
			} else if seenOther {
				t.Errorf("%s: openid rule after another rule", ep.path)
			}
		}
	}
}

func TestCompileRejectsBadTables(t *testing.T) {
	sb, _ := newSandbox(t, nil)
	ok := endpoint{path: "/shop/x", handler: unmodelled}
	for name, table := range map[string][]endpoint{
		"duplicate path":      {ok, ok},
		"outside /shop/":      {{path: "/x", handler: unmodelled}},
		"no handler":          {{path: "/shop/x"}},
		"zero page size":      {{path: "/shop/x", rules: rules(pageSize("page_size", 0)), handler: unmodelled}},
		"negative max length": {{path: "/shop/x", rules: rules(maxLen("a", -1)), handler: unmodelled}},
		"empty path segment":  {{path: "/shop/x", rules: rules(required("a..b")), handler: unmodelled}},
		"required of nothing": {{path: "/shop/x", rules: rules(required()), handler: unmodelled}},
		"time without layout": {{path: "/shop/x", rules: rules(timeOrder("a", "b", 0)), handler: unmodelled}},
		"rules on multipart":  {{path: "/shop/x", flags: multipart, rules: rules(required("a")), handler: unmodelled}},
		"bad content path":    {{path: "/shop/x", text: []string{""}, handler: unmodelled}},
		"unknown rule kind":   {{path: "/shop/x", rules: []fieldRule{{kind: 99, paths: []string{"a"}}}, handler: unmodelled}},
	} {
		if _, err := sb.compileRoutes(table); err == nil {
			t.Errorf("%s: compiled without error", name)
		} else if !strings.Contains(err.Error(), "/") {
			t.Errorf("%s: error %q does not name the route", name, err)
		}
	}
}

func TestContentPolicy(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		for _, w := range []string{"国家级", "最佳", "第一品牌", "最高级", "SHOPCONFORM_FORBIDDEN_WORD", "shopconform_forbidden_word"} {
			for _, tc := range []struct{ path, body string }{
				{"/shop/spu/add", `{"title":"好%s好"}`},
				{"/shop/spu/update", `{"out_product_id":"p","desc_info":{"desc":"%s"}}`},
				{"/shop/audit/audit_brand", `{"audit_req":{"brand_info":{"brand_wording":"%s"}}}`},
				{"/shop/coupon/add", `{"coupon":{"coupon_info":{"name":"x%s"}}}`},
				{"/shop/coupon/update", `{"coupon":{"coupon_info":{"name":"%s"}}}`},
			} {
				resp := post(t, tg, tok, tc.path, fmt.Sprintf(tc.body, w))
				if got := errcode(t, resp); got != catalog.ContentViolation {
					t.Errorf("%q on %s = %d, want 87014", w, tc.path, got)
				}
			}
		}
		// Undeclared fields and clean text reach the handler (which wants an id).
		wantCode(t, post(t, tg, tok, "/shop/spu/add", `{"title":"普通商品","path":"最佳"}`), catalog.ProductOutProductIDMissing)
		wantCode(t, post(t, tg, tok, "/shop/spu/add", `{"title":["最佳"]}`), catalog.ProductOutProductIDMissing)
		wantCode(t, post(t, tg, tok, "/shop/spu/get", `{"title":"最佳"}`), catalog.ProductOutProductIDMissing)
	})
}
