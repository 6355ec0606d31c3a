package refsandbox

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

func TestRouteStage(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		for _, tc := range []struct {
			name, method, path string
			want               catalog.Code
		}{
			{"typo in path (§3.1 example)", http.MethodPost, "/shop/spu/addd", catalog.URLNotFound},
			{"second §3.1 example", http.MethodPost, "/shop/order/gett", catalog.URLNotFound},
			{"outside /shop/", http.MethodPost, "/cgi-bin/nothing", catalog.URLNotFound},
			{"trailing slash", http.MethodPost, "/shop/cat/get/", catalog.URLNotFound},
			{"unknown path with GET", http.MethodGet, "/shop/nothing", catalog.URLNotFound},
			{"GET on a POST route", http.MethodGet, "/shop/cat/get", catalog.RequirePOST},
			{"PUT on a POST route", http.MethodPut, "/shop/delivery/get_company_list", catalog.RequirePOST},
		} {
			_, resp := send(t, tg, tc.method, tc.path, tok, "application/json", "{}")
			if got := errcode(t, resp); got != tc.want {
				t.Errorf("%s: %s %s = %d, want %d", tc.name, tc.method, tc.path, got, tc.want)
			}
		}
	})
}

func TestTokenStage(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		const path = "/shop/delivery/get_company_list"
		wantCode(t, post(t, tg, "", path, "{}"), catalog.AccessTokenMissing)
		wantCode(t, post(t, tg, "short", path, "{}"), catalog.InvalidAccessToken)
		wantCode(t, post(t, tg, strings.Repeat("a", 513), path, "{}"), catalog.InvalidAccessToken)
		wantCode(t, post(t, tg, strings.Repeat("a", 31)+"!", path, "{}"), catalog.InvalidAccessToken)
		wantCode(t, post(t, tg, strings.Repeat("a", 136), path, "{}"), catalog.InvalidCredential)
		wantCode(t, post(t, tg, tok, path, "{}"), catalog.OK)

		// Third-party platforms send authorizer_access_token in the same slot (§1).
		_, resp := send(t, tg, http.MethodPost, path+"?authorizer_access_token="+tok, "", "application/json", "{}")
		wantCode(t, resp, catalog.OK)

		tg.clock.advance(7200 * time.Second)
		wantCode(t, post(t, tg, tok, path, "{}"), catalog.AccessTokenExpired)
	})
}

func TestJSONStage(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		for _, body := range []string{
			"not-json",
			`{"a":1,}`,           // trailing comma (§1)
			"// c\n{}",           // comment (§1)
			`{"a":1 /* c */}`,    // comment inside
			"",                   // empty body
			"   ",                // blank body
			"[]",                 // JSON, not an object
			`"text"`,             // JSON, not an object
			`{} {}`,              // trailing data
			"page=1&page_size=2", // form-encoded (§3.1 47001)
		} {
			wantCode(t, post(t, tg, tok, "/shop/delivery/get_company_list", body), catalog.NotJSON)
		}
		wantCode(t, post(t, tg, tok, "/shop/delivery/get_company_list", " {}\n"), catalog.OK)

		// The multipart route skips the stage and reaches its handler,
		// which finds no resp_type in an empty form.
		_, resp := send(t, tg, http.MethodPost, "/shop/img/upload", tok, "multipart/form-data; boundary=x", "--x--")
		wantCode(t, resp, catalog.ParameterMissing)
	})
}

func TestAccountStage(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		for _, tc := range []struct {
			profile, path string
			want          catalog.Code
		}{
			{"default", "/shop/delivery/get_company_list", catalog.OK},
			{"not-opened", "/shop/delivery/get_company_list", catalog.APIUnauthorized},
			{"not-opened", "/shop/register/check", catalog.AccessNotConnected}, // exempt from 48001: the domain's own 1040003
			{"not-opened", "/shop/register/apply", catalog.OK},
			{"not-opened", "/shop/delivery/get_company_list", catalog.OK}, // 48001 follows the onboarding state: applying works
			{"third-party-no-permission", "/shop/delivery/get_company_list", catalog.ThirdPartyPermissionMissing},
			{"third-party-no-permission", "/shop/register/check", catalog.ThirdPartyPermissionMissing},
			{"third-party-ip-not-whitelisted", "/shop/delivery/get_company_list", catalog.ThirdPartyIPNotWhitelisted},
			{"quota-exhausted", "/shop/delivery/get_company_list", catalog.DailyQuotaExceeded},
			{"token-expired", "/shop/delivery/get_company_list", catalog.AccessTokenExpired},
		} {
			resp := post(t, tg, token(t, tg, tc.profile), tc.path, "{}")
			if got := errcode(t, resp); got != tc.want {
				t.Errorf("%s on %s = %d, want %d (%v)", tc.profile, tc.path, got, tc.want, resp["errmsg"])
			}
		}
	})
}

// TestPrecedence pins the order of the stages: each case is provoked by
// two faults at once, and the earlier stage must answer.
func TestPrecedence(t *testing.T) {
	both := []Profile{
		{Name: "no-perm-no-ip", ThirdParty: &ThirdParty{}},
		{Name: "quota-and-rate", DailyQuota: ptr(0), Rate: &Rate{}},
		{Name: "closed-and-quota", Opened: ptr(false), DailyQuota: ptr(0)},
	}
	forEachTargetWith(t, both, func(t *testing.T, tg *target) {
		busy := `{"x":"SHOPCONFORM_MAGIC_BUSY"`
		for _, tc := range []struct {
			name, profile, method, path, body string
			want                              catalog.Code
		}{
			{"route before token: unknown path, no token", "", "POST", "/shop/spu/addd", "not-json", catalog.URLNotFound},
			{"route before token: GET, no token", "", "GET", "/shop/cat/get", "", catalog.RequirePOST},
			{"token before JSON", "", "POST", "/shop/cat/get", "not-json", catalog.AccessTokenMissing},
			{"JSON before account: not opened", "not-opened", "POST", "/shop/cat/get", "not-json", catalog.NotJSON},
			{"JSON before account: third party", "third-party-ip-not-whitelisted", "POST", "/shop/cat/get", "{", catalog.NotJSON},
			{"egress IP before permission set", "no-perm-no-ip", "POST", "/shop/cat/get", "{}", catalog.ThirdPartyIPNotWhitelisted},
			{"account before quota", "closed-and-quota", "POST", "/shop/cat/get", "{}", catalog.APIUnauthorized},
			{"quota before rate", "quota-and-rate", "POST", "/shop/cat/get", "{}", catalog.DailyQuotaExceeded},
			{"account before magic", "not-opened", "POST", "/shop/cat/get", busy + "}", catalog.APIUnauthorized},
			{"magic before field rules", "default", "POST", "/shop/order/get", busy + "}", catalog.SystemBusy},
			{"openid before page size", "default", "POST", "/shop/sharer/get_sharer_live_summary_list", `{"page":1,"page_size":21}`, catalog.OpenIDMissing},
			{"field rules in order", "default", "POST", "/shop/spu/get_list",
				`{"page_size":101,"start_create_time":"2024-05-02 00:00:00","end_create_time":"2024-05-01 00:00:00"}`, catalog.PageSizeTooLarge},
			{"content before handler", "default", "POST", "/shop/audit/audit_brand",
				`{"audit_req":{"license":["https://mmecimage.cn/p/l.jpg"],"brand_info":{"brand_wording":"最佳品牌"}}}`, catalog.ContentViolation},
		} {
			tok := ""
			if tc.profile != "" {
				tok = token(t, tg, tc.profile)
			}
			_, resp := send(t, tg, tc.method, tc.path, tok, "application/json", tc.body)
			if got := errcode(t, resp); got != tc.want {
				t.Errorf("%s: got %d, want %d (%v)", tc.name, got, tc.want, resp["errmsg"])
			}
		}

		// Rate before magic: the bucket is spent by the first call.
		tok := token(t, tg, "rate-limited")
		wantCode(t, post(t, tg, tok, "/shop/cat/get", "{}"), catalog.OK)
		wantCode(t, post(t, tg, tok, "/shop/cat/get", busy+"}"), catalog.RateLimited)
	})
}

func TestMagicValues(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		for _, m := range magicValues() {
			resp := post(t, tg, tok, "/shop/delivery/get_company_list", `{"anything":"`+m.value+`"}`)
			wantCode(t, resp, m.code)
			if msg, _ := resp["errmsg"].(string); !strings.Contains(msg, m.value) {
				t.Errorf("errmsg %q does not name the magic value", msg)
			}
		}
		// Only top-level strings count; nested values belong to the handler.
		wantCode(t, post(t, tg, tok, "/shop/delivery/get_company_list", `{"a":{"b":"SHOPCONFORM_MAGIC_BUSY"}}`), catalog.OK)
		wantCode(t, post(t, tg, tok, "/shop/delivery/get_company_list", `{"a":["SHOPCONFORM_MAGIC_BUSY"]}`), catalog.OK)
		wantCode(t, post(t, tg, tok, "/shop/delivery/get_company_list", `{"a":"shopconform_magic_busy"}`), catalog.OK)
	})
}

func TestHandlers(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		resp := post(t, tg, tok, "/shop/delivery/get_company_list", "{}")
		wantCode(t, resp, catalog.OK)
		list, _ := resp["company_list"].([]any)
		if len(list) != len(carriers()) {
			t.Fatalf("company_list = %v", resp["company_list"])
		}
		first, _ := list[0].(map[string]any)
		if first["delivery_id"] != "SF" || first["delivery_name"] != "顺丰速运" {
			t.Errorf("first carrier = %v", first)
		}

	})
	// A route whose behaviour is not written yet says so, with -1.
	if rep := replyOf(unmodelled(nil)); rep.code != catalog.SystemError || !strings.Contains(rep.detail, "not modelled by the reference sandbox yet") {
		t.Errorf("unmodelled = %d %q", rep.code, rep.detail)
	}
}

// TestRouteTableCoversTheCatalogue spot-checks that the table lists every
// family of §2 and the misspelt URL the real API keeps.
func TestRouteTableCoversTheCatalogue(t *testing.T) {
	sb, _ := newSandbox(t, nil)
	for _, p := range []string{
		"/shop/register/apply", "/shop/account/get_info", "/shop/cat/get", "/shop/img/upload",
		"/shop/audit/get_miniapp_certificate", "/shop/spu/update_without_audit", "/shop/scene/check",
		"/shop/order/getpaymentparams", "/shop/delivery/recieve", "/shop/aftersale/update_deadline",
		"/shop/ecaftersale/upload_certificates", "/shop/ecaftersale/get_list", "/shop/coupon/confirm",
		"/shop/coupon/update_usercoupon_status", "/shop/sharer/get_sharer_live_summary_list",
	} {
		if sb.routes[p] == nil {
			t.Errorf("route table lacks %s", p)
		}
	}
	if sb.routes["/shop/delivery/receive"] != nil {
		t.Error("the correctly spelt /shop/delivery/receive must be 40066, as live (§6.2 item 15)")
	}
	for path, rt := range sb.routes {
		if strings.HasPrefix(path, "/shop/register/") != rt.spec.PreOpen {
			t.Errorf("%s: preOpen must be set exactly on /shop/register/*", path)
		}
	}
}

func ptr[T any](v T) *T { return &v }
