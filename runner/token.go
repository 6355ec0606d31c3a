package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/accounts"
)

// tokens hands out one access token per account profile, fetched once from
// /cgi-bin/stable_token (or /cgi-bin/token) and reused until shortly before
// it expires.
type tokens struct {
	classic bool
	fetch   func(ctx context.Context, wr wireRequest) (*answer, error)
	creds   map[string]accounts.Credentials
	now     func() time.Time
	onNew   func(token string) // lets the redactor learn every token issued

	mu    sync.Mutex
	cache map[string]cachedToken
}

type cachedToken struct {
	value   string
	renewAt time.Time
}

// renewMargin renews a token this long before it expires, so that a case
// never starts with a token about to lapse.
const renewMargin = 5 * time.Minute

// get returns the account's token, cached by appid. Holding the lock while
// fetching means concurrent cases of one account share a single fetch.
func (t *tokens) get(ctx context.Context, c accounts.Credentials) (string, error) {
	if c.AccessToken != "" {
		return c.AccessToken, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if cached, ok := t.cache[c.AppID]; ok && t.now().Before(cached.renewAt) {
		return cached.value, nil
	}
	value, ttl, err := t.fetchToken(ctx, c)
	if err != nil {
		return "", fmt.Errorf("getting an access token for appid %s: %w", c.AppID, err)
	}
	t.onNew(value)
	t.cache[c.AppID] = cachedToken{value: value, renewAt: t.now().Add(ttl - renewMargin)}
	return value, nil
}

func (t *tokens) fetchToken(ctx context.Context, c accounts.Credentials) (string, time.Duration, error) {
	wr := wireRequest{Method: "POST", Endpoint: "/cgi-bin/stable_token", ContentType: "application/json"}
	if t.classic {
		q := url.Values{"grant_type": {"client_credential"}, "appid": {c.AppID}, "secret": {c.Secret}}
		wr = wireRequest{Method: "GET", Endpoint: "/cgi-bin/token?" + q.Encode()}
	} else {
		body, err := json.Marshal(map[string]string{"grant_type": "client_credential", "appid": c.AppID, "secret": c.Secret})
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
	if code := *a.Errcode; code != 0 {
		return "", 0, fmt.Errorf("%s answered errcode %s; check the appid and secret in the accounts file",
			name, catalog.Default().Describe(catalog.Code(code)))
	}
	value, _ := a.Decoded()["access_token"].(string)
	if value == "" {
		return "", 0, fmt.Errorf("%s answered without an access_token", name)
	}
	n, _ := a.Decoded()["expires_in"].(json.Number)
	expires, _ := n.Int64()
	return value, time.Duration(expires) * time.Second, nil
}
