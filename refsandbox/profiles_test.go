package refsandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestEmbeddedDataLoads: the embedded profiles, word list, route table and
// the catalog codes the pipeline needs all load (stripe-mock's
// TestCanLoadEmbeddedSpecs).
func TestEmbeddedDataLoads(t *testing.T) {
	builtin, err := builtinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range builtin {
		names = append(names, p.Name)
	}
	want := []string{"default", "not-opened", "third-party-no-permission", "third-party-ip-not-whitelisted", "quota-exhausted", "rate-limited", "token-expired",
		"reviews-approve", "deposit-unpaid", "review-limit-1",
		"onboarding", "onboarding-applied", "onboarding-review-held", "mini-game", "category-not-allowed", "not-whitelisted", "standard-component", "violation-record",
		"realname-failed", "security-check-failed", "payment-check-failed", "mini-store", "not-trial-store", "too-many-stores",
		"sharers-accept", "sharer-limit-1",
		"coupon-unconfirmed", "coupon-push-off", "coupon-merchant-down", "coupon-merchant-http-500", "coupon-merchant-not-json",
		"coupon-merchant-missing-field", "coupon-merchant-wrong-request-id", "coupon-merchant-ret-code", "coupon-merchant-wrong-values",
		"miniapp-certified"}
	if !slices.Equal(names, want) {
		t.Errorf("built-in profiles = %v, want %v", names, want)
	}
	policy, err := loadContentPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(policy.words, []string{"国家级", "最佳", "第一品牌", "最高级", "shopconform_forbidden_word"}) {
		t.Errorf("content policy words = %v", policy.words)
	}
	sb, _ := newSandbox(t, nil)
	if len(sb.routes) < 70 {
		t.Errorf("only %d routes compiled", len(sb.routes))
	}
	if len(magicValues()) == 0 {
		t.Error("no magic values")
	}
}

var (
	wantAppID  = regexp.MustCompile(`^wx[0-9a-f]{16}$`)
	wantSecret = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

func TestAccounts(t *testing.T) {
	one, _ := newSandbox(t, nil)
	two, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := one.Accounts(), two.Accounts()
	if !slices.IsSortedFunc(a, func(x, y Account) int { return strings.Compare(x.Profile, y.Profile) }) || len(a) != len(one.profiles) {
		t.Fatalf("accounts not one per profile, sorted: %v", a)
	}
	for i, acc := range a {
		sum := sha256.Sum256([]byte(acc.Profile))
		if acc.AppID != "wx"+hex.EncodeToString(sum[:])[:16] || !wantAppID.MatchString(acc.AppID) {
			t.Errorf("%s: appid %s is not derived from the name", acc.Profile, acc.AppID)
		}
		if !wantSecret.MatchString(acc.Secret) || acc.Secret == b[i].Secret {
			t.Errorf("%s: secret must be 32 hex digits, random per sandbox", acc.Profile)
		}
		if len(acc.OpenIDs) != 3 || acc.OpenID != acc.OpenIDs[0] || !slices.Equal(acc.OpenIDs, b[i].OpenIDs) {
			t.Errorf("%s: openids %v must be 3 and the same in every sandbox", acc.Profile, acc.OpenIDs)
		}
		for _, id := range acc.OpenIDs {
			if !openIDRE.MatchString(id) {
				t.Errorf("%s: openid %q malformed", acc.Profile, id)
			}
		}
	}
	// Accounts hands out copies.
	a[0].OpenIDs[0] = "changed"
	if one.Accounts()[0].OpenIDs[0] == "changed" {
		t.Error("Accounts exposes internal state")
	}
	// A seeded Random makes secrets reproducible.
	c, _ := newSandbox(t, nil)
	if c.Accounts()[0].Secret != a[0].Secret {
		t.Error("the same seed must give the same secrets")
	}
}

func TestProfileOverrides(t *testing.T) {
	sb, err := New(Options{Profiles: []Profile{
		{Name: "default", DailyQuota: ptr(5), Secret: strings.Repeat("ab", 16)},
		{Name: "extra", AppID: "wx0123456789abcdef", OpenIDs: []string{"o" + strings.Repeat("u", 27)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	accs := sb.Accounts()
	builtin, err := builtinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(accs) != len(builtin)+1 {
		t.Fatalf("want %d built-ins (one replaced) + 1 new, got %d", len(builtin), len(accs))
	}
	for _, acc := range accs {
		switch acc.Profile {
		case "default":
			if acc.Secret != strings.Repeat("ab", 16) {
				t.Error("override did not replace the built-in default")
			}
		case "extra":
			if acc.AppID != "wx0123456789abcdef" || acc.OpenID != "o"+strings.Repeat("u", 27) {
				t.Errorf("extra = %+v", acc)
			}
		}
	}
	notOpened := sha256.Sum256([]byte("not-opened"))
	for name, profiles := range map[string][]Profile{
		"duplicate appid":   {{Name: "a", AppID: "wx0123456789abcdef"}, {Name: "b", AppID: "wx0123456789abcdef"}},
		"duplicate name":    {{Name: "a"}, {Name: "a"}},
		"negative quota":    {{Name: "a", DailyQuota: ptr(-1)}},
		"bad openid":        {{Name: "a", OpenIDs: []string{"x"}}},
		"no openids":        {{Name: "a", OpenIDs: []string{}}},
		"empty name":        {{Name: ""}},
		"bad secret":        {{Name: "a", Secret: "x"}},
		"negative burst":    {{Name: "a", Rate: &Rate{PerSecond: 1, Burst: -1}}},
		"negative ttl":      {{Name: "a", TokenTTLSeconds: ptr(-1)}},
		"appid of built-in": {{Name: "a", AppID: "wx" + hex.EncodeToString(notOpened[:])[:16]}},
		"unknown refusal":   {{Name: "a", Access: accessProfile{Refusal: "mini-game"}}},
	} {
		if _, err := New(Options{Profiles: profiles}); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}

func TestLoadProfilesStrict(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"syntax", "[\n  {\"name\": \"a\",}\n]", "p.json:2:16: invalid JSON: invalid character '}'"},
		{"unknown field", "[\n  {\"name\": \"a\"},\n  {\"name\": \"b\", \"quota\": 1}\n]", `p.json:3:17: unknown field "quota"`},
		{"unknown nested field", "[{\"name\": \"a\",\n \"third_party\": {\"permission\": true}}]", `p.json:2:18: unknown field "third_party.permission"`},
		{"unknown domain field", "[{\"name\": \"a\", \"product\": {\"brands\": []}}]", `p.json:1:28: unknown field "product.brands"`},
		{"wrong type", "[{\"name\": \"a\",\n \"daily_quota\": \"many\"}]", `p.json:2:17: field "daily_quota" must be an integer, got "many"`},
		{"invalid value", "[\n {\"name\": \"a\", \"daily_quota\": -3}]", `p.json:2:2: profile "a": daily_quota: want ≥ 0, got -3`},
		{"every invalid value", `[{"name": "a", "daily_quota": -3, "token_ttl_seconds": -1}]`, "token_ttl_seconds: want ≥ 0, got -1"},
		{"repeated name", "[{\"name\": \"a\"},\n{\"name\": \"a\"}]", `p.json:2:1: profile "a" is defined twice`},
		{"not an array", `{"name": "a"}`, "p.json:1:1: want a JSON array"},
		{"trailing data", `[] []`, "p.json:1:4: unexpected data after the top-level value"},
	} {
		_, err := LoadProfiles(strings.NewReader(tc.data), "p.json")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
	ps, err := LoadProfiles(strings.NewReader(`[{"name":"x","opened":false,"rate":{"per_second":2,"burst":4},"product":{}}]`), "ok.json")
	if err != nil || len(ps) != 1 || *ps[0].Opened || ps[0].Rate.Burst != 4 {
		t.Errorf("valid file: %+v, %v", ps, err)
	}
}

// TestREADMEDocumentsTheData keeps README.md's tables in step with the
// embedded profiles and the magic table.
func TestREADMEDocumentsTheData(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	builtin, _ := builtinProfiles()
	for _, p := range builtin {
		if !strings.Contains(string(readme), "`"+p.Name+"`") {
			t.Errorf("README.md does not list profile %s", p.Name)
		}
	}
	for _, m := range append(magicValues(), handlerMagicValues()...) {
		if !strings.Contains(string(readme), "`"+m.value+"`") {
			t.Errorf("README.md does not list magic value %s", m.value)
		}
	}
}
