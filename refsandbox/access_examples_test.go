package refsandbox

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// The vendor's example requests of the access and share endpoints
// (apispec/data/access.json, share.json "examples"): each is sent with
// the state its needs name, on a fresh account, and must answer 0 (or,
// for one that breaks its own page, anything but 0); every success
// answer must have the documented shape.

// TestAccessExamples sends the examples of /shop/register/*.
func TestAccessExamples(t *testing.T) { sendDomainExamples(t, catalog.Access) }

// exampleState is the account an example runs on, built by its needs.
type exampleState struct {
	tok   string
	users []string
	// as maps a placeholder of the example's body ("OPENID") to the value
	// that stands in for it.
	as map[string]any
}

// exampleUsersRE reads a need that names placeholders standing for users
// of the appid: "openid1, openid2: users of the appid".
var exampleUsersRE = regexp.MustCompile(`^(.+): (?:a user|users) of the appid$`)

// exampleNeeds builds the state one example's needs name, in order. A
// need the test does not know fails it, so spec and test stay in step.
func exampleNeeds(t *testing.T, tg *target, needs []string) *exampleState {
	t.Helper()
	st := &exampleState{as: map[string]any{}}
	need := func(profile string) {
		if st.tok == "" {
			st.tok, st.users = freshAccount(t, tg, profile)
		}
	}
	for _, n := range needs {
		switch m := exampleUsersRE.FindStringSubmatch(n); {
		case n == "an account that has not applied yet":
			need("onboarding")
		case n == "an account that applied":
			need("onboarding")
			wantCode(t, post(t, tg, st.tok, applyPath, `{}`), 0)
		case n == "a product added through spu/add and approved":
			need("onboarding") // reviews are approved at once there
			wantCode(t, post(t, tg, st.tok, add, spuBody("example")), 0)
		case n == "a connected account":
			need("default")
		case m != nil:
			need("default")
			for i, name := range strings.Split(m[1], ", ") {
				st.as[name] = st.users[i]
			}
		default:
			t.Fatalf("need %q: the examples test does not know how to build it", n)
		}
	}
	need("default")
	return st
}

// freshAccount mints an account of profile that no other test touches
// (the admin path of refsandbox/README.md) and returns its token and
// users.
func freshAccount(t *testing.T, tg *target, profile string) (string, []string) {
	t.Helper()
	status, resp := send(t, tg, http.MethodPost, accountsPath, "", "application/json", `{"profile":"`+profile+`"}`)
	if status != http.StatusOK {
		t.Fatalf("mint %s: HTTP %d %v", profile, status, resp)
	}
	var acc struct {
		AppID, Secret string
		OpenIDs       []string
	}
	raw, _ := json.Marshal(resp)
	if err := json.Unmarshal(raw, &acc); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"grant_type": "client_credential", "appid": acc.AppID, "secret": acc.Secret})
	_, tr := send(t, tg, http.MethodPost, stableTokenPath, "", "application/json", string(body))
	tok, ok := tr["access_token"].(string)
	if !ok {
		t.Fatalf("token of a minted %s account: %v", profile, tr)
	}
	return tok, acc.OpenIDs
}

// substitute replaces every string of v that is a placeholder of as.
func substitute(v any, as map[string]any) any {
	switch x := v.(type) {
	case string:
		if r, ok := as[x]; ok {
			return r
		}
	case []any:
		for i := range x {
			x[i] = substitute(x[i], as)
		}
	case map[string]any:
		for k := range x {
			x[k] = substitute(x[k], as)
		}
	}
	return v
}

// sendDomainExamples sends every example of the domain's endpoints, each
// on an account of its own.
func sendDomainExamples(t *testing.T, domain catalog.Domain) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	forEachTarget(t, func(t *testing.T, tg *target) {
		n := 0
		for _, ep := range spec.Endpoints {
			if ep.Domain != domain {
				continue
			}
			if len(ep.Examples) == 0 {
				t.Errorf("%s: no vendor example in the spec", ep.Path)
			}
			for _, ex := range ep.Examples {
				n++
				st := exampleNeeds(t, tg, ex.Needs)
				var body any
				if err := json.Unmarshal(ex.Body, &body); err != nil {
					t.Fatalf("%s example at %s:%d: %v", ep.Path, ex.Pos.File, ex.Pos.Line, err)
				}
				sent, _ := json.Marshal(substitute(body, st.as))
				resp := post(t, tg, st.tok, ep.Path, string(sent))
				got := errcode(t, resp)
				switch {
				case ex.Breaks != "" && got == catalog.OK:
					t.Errorf("%s example %s breaks its page (%s) but answered 0", ep.Path, sent, ex.Breaks)
				case ex.Breaks == "" && got != catalog.OK:
					t.Errorf("%s example %s (needs %q) = %d %v, want 0", ep.Path, sent, ex.Needs, got, resp["errmsg"])
				case got == catalog.OK:
					wantShape(t, ep.Path, resp)
				}
			}
		}
		if n == 0 {
			t.Errorf("no examples in domain %s", domain)
		}
	})
}

// TestAccessResponseShapes: register/check's answer has the documented
// shape (§2.1) while applying, connected, and with a scene applied for.
func TestAccessResponseShapes(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok, _ := freshAccount(t, tg, "onboarding")
		for _, c := range []struct{ path, body string }{
			{applyPath, `{}`}, {checkPath, `{}`},
		} {
			resp := post(t, tg, tok, c.path, c.body)
			wantCode(t, resp, 0)
			wantShape(t, c.path, resp)
		}
		tok, _ = freshAccount(t, tg, "default")
		for _, c := range []struct{ path, body string }{
			{checkPath, `{}`}, {scenePath, scene(1)}, {checkPath, `{}`},
		} {
			resp := post(t, tg, tok, c.path, c.body)
			wantCode(t, resp, 0)
			wantShape(t, c.path, resp)
		}
	})
}
