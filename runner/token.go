package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/runstate"
)

// tokens hands out one access token per account, fetched once per run
// from /cgi-bin/stable_token (or /cgi-bin/token) and shared by every
// process of the run through the run state, until shortly before it
// expires.
type tokens struct {
	// target keys the cache together with the appid: each suite process
	// on the reference target has its own sandbox, whose tokens the
	// others' do not know.
	target  string
	classic bool
	fetch   func(ctx context.Context, wr wireRequest) (*answer, error)
	now     func() time.Time
	onNew   func(token string) // the redactor and the final gate learn every token issued
	state   *runstate.State
}

// renewMargin renews a token this long before it expires, so that a case
// never starts with a token about to lapse.
const renewMargin = 5 * time.Minute

func (t *tokens) get(ctx context.Context, c accounts.Credentials) (string, error) {
	return t.obtain(ctx, c, false)
}

// renew drops a token the target refused (40001, 42001) and gets a new
// one; when another process renewed it first, that one is used.
func (t *tokens) renew(ctx context.Context, c accounts.Credentials, refused string) (string, error) {
	if err := t.state.DropToken(t.target+" "+c.AppID, refused); err != nil {
		return "", err
	}
	return t.obtain(ctx, c, true)
}

func (t *tokens) obtain(ctx context.Context, c accounts.Credentials, force bool) (string, error) {
	if c.AccessToken != "" {
		return c.AccessToken, nil // a fixed token cannot be renewed
	}
	return t.state.Token(t.target+" "+c.AppID, func() (string, time.Time, error) {
		value, ttl, err := t.fetchToken(ctx, c, force)
		if err != nil {
			return "", time.Time{}, fmt.Errorf("getting an access token for appid %s: %w", c.AppID, err)
		}
		t.onNew(value)
		return value, t.now().Add(ttl - renewMargin), nil
	})
}

// fetchToken asks the token endpoint; force makes the stable endpoint
// issue a new token instead of answering the one it gave before.
func (t *tokens) fetchToken(ctx context.Context, c accounts.Credentials, force bool) (string, time.Duration, error) {
	wr := wireRequest{Method: "POST", Endpoint: "/cgi-bin/stable_token", ContentType: "application/json"}
	if t.classic {
		q := url.Values{"grant_type": {"client_credential"}, "appid": {c.AppID}, "secret": {c.Secret}}
		wr = wireRequest{Method: "GET", Endpoint: "/cgi-bin/token?" + q.Encode()}
	} else {
		body, err := json.Marshal(map[string]any{"grant_type": "client_credential", "appid": c.AppID, "secret": c.Secret, "force_refresh": force})
		if err != nil {
			return "", 0, err
		}
		wr.Body = body
	}
	// Named without the query: the classic endpoint's query holds the secret.
	name, _, _ := strings.Cut(wr.Endpoint, "?")
	a, err := t.fetch(ctx, wr)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", name, err)
	}
	if code := catalog.Code(*a.Errcode); code != 0 {
		if environmental[code] {
			return "", 0, environmentAnswer{fmt.Sprintf("%s answered errcode %s", name, catalog.Default().Describe(code))}
		}
		return "", 0, fmt.Errorf("%s answered errcode %s; check the appid and secret in the accounts file",
			name, catalog.Default().Describe(code))
	}
	value, _ := a.Decoded()["access_token"].(string)
	if value == "" {
		return "", 0, fmt.Errorf("%s answered without an access_token", name)
	}
	n, _ := a.Decoded()["expires_in"].(json.Number)
	expires, _ := n.Int64()
	return value, time.Duration(expires) * time.Second, nil
}

// environmentAnswer is a token endpoint answering busy, limited or quota:
// the environment, not the API under test.
type environmentAnswer struct{ msg string }

func (e environmentAnswer) Error() string { return e.msg }
