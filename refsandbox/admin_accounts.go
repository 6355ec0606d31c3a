package refsandbox

import (
	"errors"
	"fmt"
	"net/http"
)

// Minting accounts: POST /_shopconform/accounts {"profile": "<name>"}
// creates a new account of a profile, in the profile's initial state,
// with its own appid, secret and test users. A case that walks
// account-wide state (onboarding: apply, the tasks, connecting) gets an
// account no other case sees, so one sandbox can serve every case of a
// run (the runner's fresh-account cases, runner/accountfor.go). Live
// sandboxes cannot do this; it is an admin path, outside the vendor's
// namespace. /_shopconform/reset forgets minted accounts.

const (
	accountsPath = adminPrefix + "accounts"
	// maxMinted bounds what a long-lived `serve` holds between resets.
	maxMinted = 10000
)

var errTooManyMinted = errors.New("too many minted accounts")

// mintAccount answers the admin path: 200 {profile, appid, secret,
// openids}; 400 for a body without a profile name; 404 {"error"} for a
// profile the sandbox does not have; 503 past maxMinted.
func (s *Sandbox) mintAccount(c *call) reply {
	body, err := readJSONObject(c.r.Body)
	name, _ := body["profile"].(string)
	if err != nil || name == "" {
		return bareReply(http.StatusBadRequest, map[string]any{"error": `want a JSON body {"profile": "<name>"}`})
	}
	var base *Profile
	for _, p := range s.profiles {
		if p.Name == name {
			base = p
		}
	}
	if base == nil {
		return bareReply(http.StatusNotFound, map[string]any{"error": fmt.Sprintf("no account profile %q", name)})
	}
	p, err := s.store.mint(base, s.random)
	switch {
	case errors.Is(err, errTooManyMinted):
		return bareReply(http.StatusServiceUnavailable, map[string]any{"error": fmt.Sprintf("%d accounts minted: POST %s first", maxMinted, resetPath)})
	case err != nil:
		return bareReply(http.StatusInternalServerError, map[string]any{"error": err.Error()})
	}
	return bareReply(http.StatusOK, map[string]any{"profile": p.Name, "appid": p.AppID, "secret": p.Secret, "openids": p.OpenIDs})
}

// mint adds an account that copies base but for its credentials. The
// copy shares base's pointer fields, which nothing writes after New.
func (st *store) mint(base *Profile, random *lockedReader) (*Profile, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.accounts)-len(st.profiles) >= maxMinted {
		return nil, errTooManyMinted
	}
	p := *base
	for {
		h, err := random.hex(8)
		if err != nil {
			return nil, fmt.Errorf("generating an appid: %w", err)
		}
		if p.AppID = "wx" + h; st.accounts[p.AppID] == nil {
			break
		}
	}
	secret, err := random.hex(16)
	if err != nil {
		return nil, fmt.Errorf("generating a secret: %w", err)
	}
	p.Secret = secret
	p.OpenIDs = testUsers(p.AppID, len(base.OpenIDs))
	st.accounts[p.AppID] = newAccount(&p)
	return &p, nil
}
