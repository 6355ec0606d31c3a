package runner

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestReferenceTargetRunsTheMerchantSimulator: the reference target starts
// the merchant simulator that /shop/coupon/confirm calls back, so the
// coupon-unconfirmed profile confirms over real HTTP.
func TestReferenceTargetRunsTheMerchantSimulator(t *testing.T) {
	tg, err := OpenTarget(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	call := func(path, body string) map[string]any {
		t.Helper()
		resp, err := tg.Client.Post(tg.BaseURL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: HTTP %d, %v", path, resp.StatusCode, err)
		}
		return out
	}
	creds := tg.Accounts.Profiles["coupon-unconfirmed"]
	body, _ := json.Marshal(map[string]string{"grant_type": "client_credential", "appid": creds.AppID, "secret": creds.Secret})
	tok, _ := call("/cgi-bin/stable_token", string(body))["access_token"].(string)
	if got := call("/shop/coupon/confirm?access_token="+tok, "{}")["errcode"]; got != 0.0 {
		t.Errorf("confirm on coupon-unconfirmed: errcode %v, want 0", got)
	}
}
