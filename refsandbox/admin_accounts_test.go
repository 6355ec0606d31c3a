package refsandbox

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// TestMintAccount: a minted account starts in its profile's initial
// state and walks apart from the profile's own account; reset forgets it.
func TestMintAccount(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		status, resp := send(t, tg, http.MethodPost, accountsPath, "", "application/json", `{"profile":"onboarding"}`)
		if status != http.StatusOK {
			t.Fatalf("mint: HTTP %d %v", status, resp)
		}
		var acc struct {
			AppID, Secret string
			OpenIDs       []string
		}
		raw, _ := json.Marshal(resp)
		if err := json.Unmarshal(raw, &acc); err != nil || !wantAppID.MatchString(acc.AppID) || !wantSecret.MatchString(acc.Secret) || len(acc.OpenIDs) != 3 {
			t.Fatalf("minted %s", raw)
		}
		if acc.AppID == accountOf(t, tg, "onboarding").AppID || acc.OpenIDs[0] == accountOf(t, tg, "onboarding").OpenID {
			t.Error("a minted account must have its own appid and users")
		}
		tokenOf := func() (int, map[string]any) {
			body, _ := json.Marshal(map[string]any{"grant_type": "client_credential", "appid": acc.AppID, "secret": acc.Secret})
			return send(t, tg, http.MethodPost, stableTokenPath, "", "application/json", string(body))
		}
		_, tr := tokenOf()
		tok, _ := tr["access_token"].(string)
		wantCode(t, post(t, tg, tok, checkPath, `{}`), catalog.AccessNotConnected)
		wantCode(t, post(t, tg, tok, applyPath, `{}`), 0)
		wantCode(t, post(t, tg, tok, bindPath, openids(acc.OpenIDs[0])), 0) // its own users
		wantCode(t, post(t, tg, token(t, tg, "onboarding"), checkPath, `{}`), catalog.AccessNotConnected)

		for body, want := range map[string]int{`{"profile":"nope"}`: http.StatusNotFound, `{}`: http.StatusBadRequest, `x`: http.StatusBadRequest} {
			if status, resp := send(t, tg, http.MethodPost, accountsPath, "", "application/json", body); status != want || resp["error"] == nil {
				t.Errorf("mint %s: HTTP %d %v, want %d with an error", body, status, resp, want)
			}
		}
		if status, _ := send(t, tg, http.MethodGet, accountsPath, "", "", ""); status != http.StatusMethodNotAllowed {
			t.Errorf("GET mint: HTTP %d", status)
		}
		if status, _ := send(t, tg, http.MethodPost, resetPath, "", "", ""); status != http.StatusOK {
			t.Fatal("reset failed")
		}
		if _, tr := tokenOf(); errcode(t, tr) != catalog.InvalidAppID {
			t.Errorf("after reset the minted appid still exists: %v", tr)
		}
	})
}
