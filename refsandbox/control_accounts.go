package refsandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/shopconform/shopconform/internal/jsonpos"
)

// Accounts of the control API: POST /_shopconform/v1/accounts mints a new
// account of a profile, in the profile's initial state, with its own
// appid and secret, and the openids the caller chooses (the vendor's
// examples name users "OPENID" or "openid1": an account made with those
// users answers them). Reset takes one account back to its profile's
// initial state, credentials and clock kept.

// maxMinted bounds what a long-lived `serve` holds: past it, the oldest
// minted account is forgotten, so a sandbox that test runs mint accounts
// on for months never refuses them.
const maxMinted = 10000

type mintRequest struct {
	Profile string   `json:"profile"`
	OpenIDs []string `json:"openids"`
	// Clock starts the account's clock at this time ("yyyy-MM-dd
	// HH:mm:ss", China time), before or after now: the only way to start
	// in the past, since a clock never moves backwards afterwards.
	Clock string `json:"clock"`
}

func (s *Sandbox) mintAccount(body *jsonpos.Node, raw []byte) reply {
	var req mintRequest
	if err := decodeControl(raw, body, &req); err != nil {
		return controlErrorReply(err)
	}
	if req.Profile == "" {
		req.Profile = "default"
	}
	base := s.profile(req.Profile)
	if base == nil {
		return controlErrorReply(refuse(http.StatusNotFound, "profile", "no account profile %q (the built-in ones are listed in refsandbox/README.md)", req.Profile))
	}
	for i, id := range req.OpenIDs {
		switch {
		case strings.TrimSpace(id) == "":
			return controlErrorReply(refuse(http.StatusBadRequest, fmt.Sprintf("openids[%d]", i), "an openid may not be blank"))
		case slices.Contains(req.OpenIDs[:i], id):
			return controlErrorReply(refuse(http.StatusBadRequest, fmt.Sprintf("openids[%d]", i), "%q is listed twice", id))
		case len(id) > 128:
			return controlErrorReply(refuse(http.StatusBadRequest, fmt.Sprintf("openids[%d]", i), "longer than 128 characters"))
		}
	}
	now := s.clock.Now()
	var offset time.Duration
	if req.Clock != "" {
		start, err := time.ParseInLocation(time.DateTime, req.Clock, shanghai)
		if err != nil {
			return controlErrorReply(refuse(http.StatusBadRequest, "clock", "%q is not yyyy-MM-dd HH:mm:ss (China time)", req.Clock))
		}
		offset = start.Sub(now)
	}
	a, err := s.store.mint(base, req.OpenIDs, s.random)
	if err != nil {
		return controlReply(http.StatusInternalServerError, map[string]any{"error": err.Error()})
	}
	a.clock.offset.Store(int64(offset))
	return controlReply(http.StatusCreated, accountJSON(a, now))
}

func (s *Sandbox) profile(name string) *Profile {
	for _, p := range s.profiles {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// mint adds an account that copies base but for its credentials and,
// when given, its users. The copy shares base's pointer fields, which
// nothing writes after New.
func (st *store) mint(base *Profile, openids []string, random *lockedReader) (*account, error) {
	secret, err := random.hex(16)
	if err != nil {
		return nil, fmt.Errorf("generating a secret: %w", err)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
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
	p.Secret = secret
	p.OpenIDs = testUsers(p.AppID, len(base.OpenIDs))
	if len(openids) > 0 {
		p.OpenIDs = slices.Clone(openids)
	}
	if len(st.minted) >= maxMinted {
		delete(st.accounts, st.minted[0])
		st.minted = st.minted[1:]
	}
	a := newAccount(&p)
	st.accounts[p.AppID] = a
	st.minted = append(st.minted, p.AppID)
	return a, nil
}

// resetAccount rebuilds one account's state from its profile: everything
// the API or the control API made is gone, the credentials, users and
// clock stay. A call already holding the old state finishes on it.
func (s *Sandbox) resetAccount(_ *call, a *account, body *jsonpos.Node, raw []byte) reply {
	if err := decodeControl(raw, body, &struct{}{}); err != nil {
		return controlErrorReply(err)
	}
	fresh := s.store.replace(a)
	return controlReply(http.StatusOK, accountJSON(fresh, s.clock.Now()))
}

// replace swaps a new partition of a's profile in for a, keeping its
// clock.
func (st *store) replace(a *account) *account {
	fresh := newAccount(a.profile)
	fresh.clock.offset.Store(a.clock.offset.Load())
	st.mu.Lock()
	defer st.mu.Unlock()
	st.accounts[a.profile.AppID] = fresh
	return fresh
}
