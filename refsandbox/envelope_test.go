package refsandbox

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/version"
)

var ridRE = regexp.MustCompile(` rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$`)

func TestErrorEnvelope(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		resp, raw := do(t, tg, http.MethodPost, "/shop/spu/addd", "", "application/json", "{}")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status = %d: the vendor answers errors with 200", resp.StatusCode)
		}
		if !bytes.HasPrefix(raw, []byte(`{"errcode":40066,"errmsg":"`)) {
			t.Errorf("errcode and errmsg must come first: %s", raw)
		}
		if got := resp.Header.Get("Content-Type"); got != "application/json; charset=utf-8" {
			t.Errorf("Content-Type = %q", got)
		}
		if got := resp.Header.Get("Shopconform-Version"); got != version.Harness {
			t.Errorf("Shopconform-Version = %q, want %q", got, version.Harness)
		}
		msg := decode(t, raw)["errmsg"].(string)
		if !ridRE.MatchString(msg) {
			t.Errorf("errmsg %q lacks the rid suffix", msg)
		}
		entry, _ := catalog.Default().Lookup(catalog.URLNotFound)
		if text := ridRE.ReplaceAllString(msg, ""); text != entry.Text {
			t.Errorf("errmsg text %q, want the catalog's %q", text, entry.Text)
		}
		// A detail follows the catalog text; two calls get two rids.
		_, first := send(t, tg, http.MethodPost, "/shop/cat/get", token(t, tg, "not-opened"), "", "{}")
		_, second := send(t, tg, http.MethodPost, "/shop/cat/get", token(t, tg, "not-opened"), "", "{}")
		entry, _ = catalog.Default().Lookup(catalog.APIUnauthorized)
		if m := first["errmsg"].(string); !strings.HasPrefix(m, entry.Text+": the transaction component is not opened rid: ") {
			t.Errorf("errmsg with detail = %q", m)
		}
		if first["errmsg"] == second["errmsg"] {
			t.Error("rid must differ per call")
		}
	})
}

func TestSuccessEnvelope(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		_, raw := do(t, tg, http.MethodPost, "/shop/delivery/get_company_list", token(t, tg, "default"), "application/json", "{}")
		if !bytes.HasPrefix(raw, []byte(`{"errcode":0,"errmsg":"ok","company_list":[{"delivery_id":"SF","delivery_name":"顺丰速运"}`)) {
			t.Errorf("success body = %s", raw)
		}
		if bytes.Contains(raw, []byte(`\u`)) {
			t.Errorf("Chinese text must not be escaped: %s", raw)
		}
	})
}

func TestCurlPrettyPrint(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		_, raw := do(t, tg, http.MethodPost, "/shop/nothing", "", "", "{}", "User-Agent", "curl/8.5.0")
		if !bytes.HasPrefix(raw, []byte("{\n  \"errcode\": 40066,\n  \"errmsg\": ")) || !bytes.HasSuffix(raw, []byte("}\n")) {
			t.Errorf("curl output not indented: %s", raw)
		}
		_, raw = do(t, tg, http.MethodPost, "/shop/nothing", "", "", "{}", "User-Agent", "Go-http-client/1.1")
		if bytes.Contains(raw, []byte("\n")) {
			t.Errorf("non-curl output must be compact: %s", raw)
		}
	})
}

func TestAdminPaths(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		resp, raw := do(t, tg, http.MethodGet, healthzPath, "", "", "")
		if resp.StatusCode != http.StatusOK || string(raw) != `{"release":"`+version.Release+`","status":"ok","version":"`+version.Harness+`"}` {
			t.Errorf("healthz: %d %s", resp.StatusCode, raw)
		}
		if resp.Header.Get("Shopconform-Version") == "" {
			t.Error("admin answers carry the version header too")
		}
		for _, tc := range []struct {
			method, path string
			want         int
		}{
			{http.MethodPost, healthzPath, http.StatusMethodNotAllowed},
			{http.MethodGet, controlAccounts, http.StatusUnauthorized},
			{http.MethodGet, adminPrefix + "nothing", http.StatusNotFound},
		} {
			resp, raw := do(t, tg, tc.method, tc.path, "", "", "")
			if resp.StatusCode != tc.want || bytes.Contains(raw, []byte("errcode")) {
				t.Errorf("%s %s: %d %s, want %d outside the vendor envelope", tc.method, tc.path, resp.StatusCode, raw, tc.want)
			}
		}
	})
}

// TestResetClearsOneAccount: resetting an account clears its state
// (here its used quota) and no other account's.
func TestResetClearsOneAccount(t *testing.T) {
	custom := []Profile{{Name: "quota-1", DailyQuota: ptr(1)}, {Name: "quota-1b", DailyQuota: ptr(1)}}
	forEachTargetWith(t, custom, func(t *testing.T, tg *target) {
		const api = "/shop/delivery/get_company_list"
		for _, p := range []string{"quota-1", "quota-1b"} {
			wantCode(t, post(t, tg, token(t, tg, p), api, "{}"), catalog.OK)
			wantCode(t, post(t, tg, token(t, tg, p), api, "{}"), catalog.DailyQuotaExceeded)
		}
		if err := controlClient(tg).Reset(context.Background(), accountOf(t, tg, "quota-1").AppID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, post(t, tg, token(t, tg, "quota-1"), api, "{}"), catalog.OK)
		wantCode(t, post(t, tg, token(t, tg, "quota-1b"), api, "{}"), catalog.DailyQuotaExceeded)
	})
}

func TestOptionsVersionAndLogger(t *testing.T) {
	var logs bytes.Buffer
	sb, err := New(Options{
		Version: "9.9.9-test",
		Logger:  slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Random:  seeded(),
	})
	if err != nil {
		t.Fatal(err)
	}
	tg := &target{sb: sb, client: sb.Client(), base: "http://sandbox.invalid"}
	resp, _ := do(t, tg, http.MethodGet, healthzPath, "", "", "")
	if got := resp.Header.Get("Shopconform-Version"); got != "9.9.9-test" {
		t.Errorf("version header = %q", got)
	}
	tok := token(t, tg, "default")
	wantCode(t, post(t, tg, tok, "/shop/cat/get", "{}"), catalog.OK)
	out := logs.String()
	for _, want := range []string{"method=POST", "path=/shop/cat/get", "profile=default", "errcode=0"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, tok) || strings.Contains(out, accountOf(t, tg, "default").Secret) {
		t.Errorf("log leaks a token or a secret:\n%s", out)
	}
}

func TestInProcessClientHonoursContext(t *testing.T) {
	sb, _ := newSandbox(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://x"+healthzPath, nil)
	if _, err := sb.Client().Do(req); err == nil {
		t.Error("a cancelled request must fail, as it would over a socket")
	}
}
