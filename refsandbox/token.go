package refsandbox

import (
	"crypto/subtle"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// Token endpoints (api-reference §1.1) and the access-token stage of every
// /shop/ call. Tokens are 136 characters, like the vendor's, well inside
// the ≥512 characters the docs tell clients to reserve.

const (
	classicTokenPath = "/cgi-bin/token"
	stableTokenPath  = "/cgi-bin/stable_token"
	tokenLength      = 136
	maxKeptTokens    = 4096 // past this, tokens expired over a day ago are forgotten
)

// tokenShapeRE is what a token must look like before it is looked up: a
// malformed one is 40014, a well-formed unknown one 40001 (§1.1).
var tokenShapeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{32,512}$`)

// tokenStore remembers every token issued since the last reset. Expired
// tokens stay until pruned, so they keep answering 42001 rather than 40001.
type tokenStore struct {
	mu     sync.Mutex
	issued map[string]issuedToken
	stable map[string]string // appid → its current stable token
	// pruneAt is the size at which expired tokens are next looked for.
	pruneAt int
}

type issuedToken struct {
	appid   string
	expires time.Time
}

func newTokenStore() *tokenStore {
	return &tokenStore{issued: map[string]issuedToken{}, stable: map[string]string{}, pruneAt: maxKeptTokens}
}

// lookup resolves a well-formed token to its appid, or to 40001 (never
// issued, or invalidated by force_refresh or reset) or 42001 (expired).
func (ts *tokenStore) lookup(token string, now time.Time) (string, catalog.Code) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t, ok := ts.issued[token]
	switch {
	case !ok:
		return "", catalog.InvalidCredential
	case !now.Before(t.expires): // a zero TTL is expired at once, even on a frozen clock
		return "", catalog.AccessTokenExpired
	}
	return t.appid, catalog.OK
}

// classic mints a new token on every call; older ones stay valid until
// they expire (§1.1).
func (ts *tokenStore) classic(appid string, ttl time.Duration, now time.Time, random *lockedReader) (string, time.Time, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.mint(appid, ttl, now, random)
}

// stableToken returns the appid's current stable token while it is valid;
// force_refresh mints a new one and invalidates the old (§1.1). Stable and
// classic tokens are independent.
func (ts *tokenStore) stableToken(appid string, force bool, ttl time.Duration, now time.Time, random *lockedReader) (string, time.Time, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if cur, ok := ts.stable[appid]; ok {
		t := ts.issued[cur]
		if !force && now.Before(t.expires) {
			return cur, t.expires, nil
		}
		if force {
			delete(ts.issued, cur)
		}
	}
	tok, expires, err := ts.mint(appid, ttl, now, random)
	if err == nil {
		ts.stable[appid] = tok
	}
	return tok, expires, err
}

// mint needs ts.mu held.
func (ts *tokenStore) mint(appid string, ttl time.Duration, now time.Time, random *lockedReader) (string, time.Time, error) {
	tok, err := random.urlSafe(tokenLength)
	if err != nil {
		return "", time.Time{}, err
	}
	if len(ts.issued) >= ts.pruneAt {
		for k, t := range ts.issued {
			if now.Sub(t.expires) > 24*time.Hour {
				delete(ts.issued, k)
			}
		}
		// The tokens still valid stay; the next look waits until the store
		// has doubled, so that minting many accounts (a fuzzing campaign
		// mints one per mutation) does not scan every token each time.
		ts.pruneAt = max(maxKeptTokens, 2*len(ts.issued))
	}
	expires := now.Add(ttl)
	ts.issued[tok] = issuedToken{appid: appid, expires: expires}
	return tok, expires, nil
}

// tokenRequest is the credential part of either token endpoint.
type tokenRequest struct {
	grantType, appid, secret string
	forceRefresh             bool
}

// tokenEndpoint is the token endpoints' own mini-pipeline: no route table,
// quota or account-state stages (§1.1). Success has no errcode, as live.
func (s *Sandbox) tokenEndpoint(c *call) reply {
	req, rep, stop := s.readTokenRequest(c)
	if stop {
		return rep
	}
	acct, rep, stop := s.checkCredentials(req)
	if stop {
		return rep
	}
	c.profile = acct.profile.Name
	ttl := time.Duration(*acct.profile.TokenTTLSeconds) * time.Second
	var tok string
	var expires time.Time
	var err error
	if c.r.URL.Path == stableTokenPath {
		tok, expires, err = s.store.issued().stableToken(acct.profile.AppID, req.forceRefresh, ttl, c.now, s.random)
	} else {
		tok, expires, err = s.store.issued().classic(acct.profile.AppID, ttl, c.now, s.random)
	}
	if err != nil {
		return errReply(catalog.SystemError, "random source failed")
	}
	remaining := math.Ceil(expires.Sub(c.now).Seconds()) // a reused stable token reports what is left
	return bareReply(http.StatusOK, map[string]any{"access_token": tok, "expires_in": int64(max(remaining, 0))})
}

// readTokenRequest takes the classic endpoint's query (any method: the
// docs only say GET, and 43002 would claim POST is required) or the stable
// endpoint's JSON body (POST only).
func (s *Sandbox) readTokenRequest(c *call) (tokenRequest, reply, bool) {
	if c.r.URL.Path == classicTokenPath {
		q := c.r.URL.Query()
		return tokenRequest{grantType: q.Get("grant_type"), appid: q.Get("appid"), secret: q.Get("secret")}, reply{}, cont
	}
	if c.r.Method != http.MethodPost {
		return tokenRequest{}, errReply(catalog.RequirePOST), stop
	}
	body, err := readJSONObject(c.r.Body)
	if err != nil {
		return tokenRequest{}, errReply(catalog.NotJSON, err.Error()), stop
	}
	return tokenRequest{
		grantType:    textOf(body["grant_type"]),
		appid:        textOf(body["appid"]),
		secret:       textOf(body["secret"]),
		forceRefresh: body["force_refresh"] == true,
	}, reply{}, cont
}

// checkCredentials applies §1.1's checks in a fixed order, as a client
// would fix its request: presence first, then grant type, then the appid,
// then the secret (§1.1 names the codes, not their order).
func (s *Sandbox) checkCredentials(req tokenRequest) (*account, reply, bool) {
	switch {
	case req.appid == "":
		return nil, errReply(catalog.AppIDMissing), stop
	case req.secret == "":
		return nil, errReply(catalog.AppSecretMissing), stop
	case req.grantType != "client_credential":
		return nil, errReply(catalog.InvalidGrantType), stop
	}
	acct, ok := s.store.account(req.appid)
	switch {
	case !ok:
		return nil, errReply(catalog.InvalidAppID), stop
	case !secretRE.MatchString(req.secret):
		return nil, errReply(catalog.InvalidAppSecret), stop
	case subtle.ConstantTimeCompare([]byte(req.secret), []byte(acct.profile.Secret)) != 1:
		return nil, errReply(catalog.InvalidCredential), stop
	}
	return acct, reply{}, cont
}

// tokenStage is pipeline stage 2: access_token, or authorizer_access_token
// for third-party platforms in the same slot (§1).
func (s *Sandbox) tokenStage(c *call) (reply, bool) {
	q := c.r.URL.Query()
	tok := q.Get("access_token")
	if tok == "" {
		tok = q.Get("authorizer_access_token")
	}
	switch {
	case tok == "":
		return errReply(catalog.AccessTokenMissing), stop
	case !tokenShapeRE.MatchString(tok):
		return errReply(catalog.InvalidAccessToken), stop
	}
	appid, code := s.store.issued().lookup(tok, c.now)
	if code != catalog.OK {
		return errReply(code), stop
	}
	acct, ok := s.store.account(appid)
	if !ok {
		return errReply(catalog.InvalidCredential), stop
	}
	c.acct, c.profile = acct, acct.profile.Name
	// From here on the call lives at the account's time (control_clock.go);
	// the token itself was judged by the sandbox's.
	c.now = acct.clock.now(c.now)
	return reply{}, cont
}

// textOf reads a credential field: absent or null is "" (missing); a
// non-string is compared by its JSON text, so it fails as invalid rather
// than as missing.
func textOf(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}
