package refsandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

func classicToken(t *testing.T, tg *target, grant, appid, secret string) map[string]any {
	t.Helper()
	q := url.Values{}
	for k, v := range map[string]string{"grant_type": grant, "appid": appid, "secret": secret} {
		if v != "" {
			q.Set(k, v)
		}
	}
	_, resp := send(t, tg, http.MethodGet, classicTokenPath+"?"+q.Encode(), "", "", "")
	return resp
}

func stableToken(t *testing.T, tg *target, body map[string]any) map[string]any {
	t.Helper()
	raw, _ := json.Marshal(body)
	_, resp := send(t, tg, http.MethodPost, stableTokenPath, "", "application/json", string(raw))
	return resp
}

func TestTokenEndpointErrors(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		a := accountOf(t, tg, "default")
		wrong := strings.Repeat("0", 32)
		for _, tc := range []struct {
			name                 string
			grant, appid, secret string
			want                 catalog.Code
		}{
			{"appid missing first", "", "", "", catalog.AppIDMissing},
			{"secret missing", "client_credential", a.AppID, "", catalog.AppSecretMissing},
			{"grant type missing", "", a.AppID, a.Secret, catalog.InvalidGrantType},
			{"grant type wrong", "authorization_code", a.AppID, a.Secret, catalog.InvalidGrantType},
			{"unknown appid", "client_credential", "wx0000000000000000", a.Secret, catalog.InvalidAppID},
			{"secret not 32 hex", "client_credential", a.AppID, "SECRET", catalog.InvalidAppSecret},
			{"secret upper-case hex", "client_credential", a.AppID, strings.ToUpper(a.Secret), catalog.InvalidAppSecret},
			{"wrong secret", "client_credential", a.AppID, wrong, catalog.InvalidCredential},
		} {
			if got := errcode(t, classicToken(t, tg, tc.grant, tc.appid, tc.secret)); got != tc.want {
				t.Errorf("classic, %s: got %d, want %d", tc.name, got, tc.want)
			}
			body := map[string]any{"grant_type": tc.grant, "appid": tc.appid, "secret": tc.secret}
			if got := errcode(t, stableToken(t, tg, body)); got != tc.want {
				t.Errorf("stable, %s: got %d, want %d", tc.name, got, tc.want)
			}
		}
		// A non-string field is judged by its text: invalid, not missing.
		wantCode(t, stableToken(t, tg, map[string]any{"grant_type": "client_credential", "appid": 12, "secret": a.Secret}), catalog.InvalidAppID)

		_, resp := send(t, tg, http.MethodGet, stableTokenPath, "", "", "")
		wantCode(t, resp, catalog.RequirePOST)
		_, resp = send(t, tg, http.MethodPost, stableTokenPath, "", "application/json", "appid=x")
		wantCode(t, resp, catalog.NotJSON)
		_, resp = send(t, tg, http.MethodPost, stableTokenPath, "", "application/json", "")
		wantCode(t, resp, catalog.NotJSON)
	})
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{136}$`)

func TestTokenSuccessShape(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		a := accountOf(t, tg, "default")
		for _, resp := range []map[string]any{
			classicToken(t, tg, "client_credential", a.AppID, a.Secret),
			stableToken(t, tg, map[string]any{"grant_type": "client_credential", "appid": a.AppID, "secret": a.Secret}),
		} {
			if _, has := resp["errcode"]; has {
				t.Errorf("success carries an errcode, unlike the live API: %v", resp)
			}
			if tok, _ := resp["access_token"].(string); !tokenRE.MatchString(tok) {
				t.Errorf("access_token %q is not 136 characters of [A-Za-z0-9_-]", tok)
			}
			if resp["expires_in"] != json.Number("7200") {
				t.Errorf("expires_in = %v, want 7200", resp["expires_in"])
			}
		}
	})
}

func TestStableTokenReuseAndForceRefresh(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		a := accountOf(t, tg, "default")
		req := map[string]any{"grant_type": "client_credential", "appid": a.AppID, "secret": a.Secret}
		first := stableToken(t, tg, req)["access_token"].(string)

		tg.clock.advance(100 * time.Second)
		again := stableToken(t, tg, req)
		if again["access_token"] != first {
			t.Fatal("stable_token minted a new token while the old one was valid")
		}
		if again["expires_in"] != json.Number("7100") {
			t.Errorf("reused token expires_in = %v, want the remaining 7100", again["expires_in"])
		}

		req["force_refresh"] = true
		fresh := stableToken(t, tg, req)["access_token"].(string)
		if fresh == first {
			t.Fatal("force_refresh returned the old token")
		}
		wantCode(t, post(t, tg, first, "/shop/delivery/get_company_list", "{}"), catalog.InvalidCredential)
		wantCode(t, post(t, tg, fresh, "/shop/delivery/get_company_list", "{}"), catalog.OK)

		// After expiry, a plain call mints a new stable token.
		delete(req, "force_refresh")
		tg.clock.advance(7200 * time.Second)
		wantCode(t, post(t, tg, fresh, "/shop/delivery/get_company_list", "{}"), catalog.AccessTokenExpired)
		if next := stableToken(t, tg, req)["access_token"]; next == fresh {
			t.Error("stable_token returned an expired token")
		}
	})
}

func TestClassicTokens(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		a := accountOf(t, tg, "default")
		one := classicToken(t, tg, "client_credential", a.AppID, a.Secret)["access_token"].(string)
		two := classicToken(t, tg, "client_credential", a.AppID, a.Secret)["access_token"].(string)
		stable := token(t, tg, "default")
		if one == two || one == stable {
			t.Fatal("each classic call must mint its own token, independent of the stable one")
		}
		for _, tok := range []string{one, two, stable} {
			wantCode(t, post(t, tg, tok, "/shop/delivery/get_company_list", "{}"), catalog.OK)
		}
		// POST with the query works too: the docs only say GET (README).
		_, resp := send(t, tg, http.MethodPost, classicTokenPath+"?grant_type=client_credential&appid="+a.AppID+"&secret="+a.Secret, "", "", "")
		if _, ok := resp["access_token"]; !ok {
			t.Errorf("POST /cgi-bin/token: %v", resp)
		}
	})
}

func TestTokenTTL(t *testing.T) {
	custom := []Profile{{Name: "short-ttl", TokenTTLSeconds: ptr(60)}}
	forEachTargetWith(t, custom, func(t *testing.T, tg *target) {
		a := accountOf(t, tg, "short-ttl")
		resp := classicToken(t, tg, "client_credential", a.AppID, a.Secret)
		if resp["expires_in"] != json.Number("60") {
			t.Errorf("expires_in = %v, want the profile's 60", resp["expires_in"])
		}
		tok := resp["access_token"].(string)
		tg.clock.advance(59 * time.Second)
		wantCode(t, post(t, tg, tok, "/shop/delivery/get_company_list", "{}"), catalog.OK)
		tg.clock.advance(time.Second)
		wantCode(t, post(t, tg, tok, "/shop/delivery/get_company_list", "{}"), catalog.AccessTokenExpired)

		// token-expired: issued with expires_in 0 and refused at once, even on a frozen clock.
		e := accountOf(t, tg, "token-expired")
		resp = classicToken(t, tg, "client_credential", e.AppID, e.Secret)
		if resp["expires_in"] != json.Number("0") {
			t.Errorf("token-expired expires_in = %v", resp["expires_in"])
		}
		wantCode(t, post(t, tg, resp["access_token"].(string), "/shop/cat/get", "{}"), catalog.AccessTokenExpired)
	})
}

// TestResetKeepsCredentials: a reset account keeps its appid, secret and
// the tokens issued to it; what the API made is gone.
func TestResetKeepsCredentials(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		before := tg.sb.Accounts()
		tok := token(t, tg, "default")
		wantCode(t, post(t, tg, tok, "/shop/spu/add", spuBody("kept")), catalog.OK)
		if err := controlClient(tg).Reset(context.Background(), accountOf(t, tg, "default").AppID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, post(t, tg, tok, "/shop/spu/get", ref("kept")), catalog.ProductNotFound)
		after := tg.sb.Accounts()
		if before[0].Secret != after[0].Secret || before[0].AppID != after[0].AppID {
			t.Error("reset changed credentials")
		}
	})
}
