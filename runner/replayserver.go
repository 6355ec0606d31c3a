package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/internal/version"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/cassette"
)

// Admin paths of the replay server, outside the vendor's namespace as the
// reference sandbox's are.
const (
	ReplayBeginPath  = "/_shopconform/replay/begin"
	ReplayEndPath    = "/_shopconform/replay/end"
	ReplayHealthPath = "/_shopconform/healthz"
)

// ReplayServer serves the committed cassettes over HTTP, so that an SDK in
// any language can be exercised offline (`shopconform serve --replay`).
// Cassettes hold run-scoped values as placeholders, so the server must
// know which case is played: a client begins a case, gets the values its
// requests must carry, sends them, and ends it to learn what was left
// over. Matching and answering are the replay target's, through gock,
// one case at a time.
type ReplayServer struct {
	cases    map[string]*fixtures.Case
	replay   *replayer
	accounts *accounts.File
	mint     func(context.Context, string) (accounts.Credentials, error)
	secrets  []string
	run      string
	now      func() time.Time

	mu      sync.Mutex // one case at a time
	current *fixtures.Case
}

// ReplayServerOptions configure a ReplayServer.
type ReplayServerOptions struct {
	// Fixtures is a fixtures folder (cases and cassettes/) instead of the
	// built-in ones.
	Fixtures string
	// Now is the clock a case's times derive from (default time.Now).
	Now func() time.Time
}

// ReplayCase is what POST /_shopconform/replay/begin answers: the values
// the case's requests must carry, as the case's placeholders name them.
type ReplayCase struct {
	Case    string   `json:"case"`
	Account string   `json:"account"` // the account profile the case runs as
	UID     string   `json:"uid"`     // {{uid}}
	Run     string   `json:"run"`     // {{run}}
	AppID   string   `json:"appid"`   // {{appid}}
	OpenIDs []string `json:"openids"` // {{openid}}, {{openid.N}}
	// Now is the case's clock in Unix seconds: every {{now…}} and
	// {{datetime…}} derives from it.
	Now int64 `json:"now"`
	// Token is the access token to send (any token matches: tokens are
	// never recorded), unless the case probes the token checks.
	Token string `json:"token"`
	// Abandoned names a case that was begun and never ended: beginning
	// another drops it.
	Abandoned string `json:"abandoned,omitempty"`
}

// ReplayEnd is what POST /_shopconform/replay/end answers. A case replayed
// faithfully leaves both lists empty.
type ReplayEnd struct {
	Case string `json:"case"`
	// Unused are recorded requests that were never sent.
	Unused []string `json:"unused"`
	// Unmatched are requests that matched no recording, each with the
	// closest recorded one and how they differ.
	Unmatched []string `json:"unmatched"`
}

// ErrNoCase is Begin's error for an id no case has.
var ErrNoCase = errors.New("no such case")

// NewReplayServer loads the cases and opens their cassettes.
func NewReplayServer(opts ReplayServerOptions) (*ReplayServer, error) {
	src := fixtures.Embedded()
	if opts.Fixtures != "" {
		src = fixtures.Dir(opts.Fixtures)
	}
	set, problems := fixtures.Load(src, catalog.Default())
	if len(problems) > 0 {
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = p
		}
		return nil, fmt.Errorf("the cases do not load: %w", errors.Join(errs...))
	}
	target, err := openReplay(Config{Fixtures: opts.Fixtures})
	if err != nil {
		return nil, err
	}
	s := &ReplayServer{cases: map[string]*fixtures.Case{}, replay: target.replay, accounts: target.Accounts,
		mint: target.minter, run: NewRunID(), now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}
	for _, c := range set.Cases {
		s.cases[c.ID] = c
	}
	// The tokens a replay hands out are masked in what is matched, as the
	// replay target masks its own: a body that carries one still matches.
	for _, c := range s.accounts.Profiles {
		s.secrets = append(s.secrets, c.AccessToken)
	}
	fresh, _ := s.mint(context.Background(), fixtures.DefaultAccount)
	s.secrets = append(s.secrets, fresh.AccessToken)
	return s, nil
}

// Cases is how many cases the server can replay.
func (s *ReplayServer) Cases() int { return len(s.cases) }

// Begin makes case id the one replayed: its cassette's mocks are
// registered, and the values its requests must carry are returned. A case
// begun before and not ended is dropped.
func (s *ReplayServer) Begin(id string) (ReplayCase, error) {
	c, ok := s.cases[id]
	if !ok {
		return ReplayCase{}, fmt.Errorf("%w %q (shopconform list names them)", ErrNoCase, id)
	}
	creds, ok := s.accounts.Profiles[c.Account]
	if c.FreshAccount {
		creds, _ = s.mint(context.Background(), c.Account) // replay mints from the profile's name alone
	} else if !ok {
		return ReplayCase{}, fmt.Errorf("case %s runs as account profile %q, which the replay does not know", id, c.Account)
	}
	now := s.now().Truncate(time.Second)
	v := cassette.Values{UID: s.run + "-" + shortHash(c.ID), Run: s.run, AppID: creds.AppID, OpenIDs: creds.OpenIDs,
		Now: now, Secrets: s.secrets}
	s.mu.Lock()
	defer s.mu.Unlock()
	var abandoned string
	if s.current != nil {
		abandoned = s.current.ID
		_ = s.replay.end()
		s.current = nil
	}
	if err := s.replay.begin(c, v); err != nil {
		return ReplayCase{}, err
	}
	s.current = c
	return ReplayCase{Case: c.ID, Account: c.Account, UID: v.UID, Run: v.Run, AppID: v.AppID,
		OpenIDs: slices.Clone(v.OpenIDs), Now: now.Unix(), Token: creds.AccessToken, Abandoned: abandoned}, nil
}

// End finishes the current case and says what its cassette recorded that
// was never sent, and what was sent that matched no recording.
func (s *ReplayServer) End() (ReplayEnd, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return ReplayEnd{}, fmt.Errorf("no case is being replayed: POST %s {\"case\": \"<id>\"} first", ReplayBeginPath)
	}
	_, unused, unmatched := s.replay.finish()
	end := ReplayEnd{Case: s.current.ID, Unused: append([]string{}, unused...), Unmatched: append([]string{}, unmatched...)}
	s.current = nil
	return end, nil
}

// Handler serves the admin paths and answers every other path from the
// current case's cassette.
func (s *ReplayServer) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Shopconform-Version", version.Harness)
		if strings.HasPrefix(r.URL.Path, "/_shopconform/") {
			s.admin(w, r)
			return
		}
		s.vendor(w, r)
	})
}

func (s *ReplayServer) admin(w http.ResponseWriter, r *http.Request) {
	paths := map[string]string{ReplayHealthPath: http.MethodGet, ReplayBeginPath: http.MethodPost, ReplayEndPath: http.MethodPost}
	want, ok := paths[r.URL.Path]
	switch {
	case !ok:
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "unknown admin path", "paths": []string{ReplayHealthPath, ReplayBeginPath, ReplayEndPath}})
	case r.Method != want:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": r.URL.Path + " wants " + want})
	case r.URL.Path == ReplayHealthPath:
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "version": version.Harness, "mode": "replay", "cases": len(s.cases)})
	case r.URL.Path == ReplayBeginPath:
		var body struct {
			Case string `json:"case"`
		}
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil || body.Case == "" {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": `the body must be {"case": "<case id>"}`})
			return
		}
		rc, err := s.Begin(body.Case)
		switch {
		case errors.Is(err, ErrNoCase):
			writeJSON(w, http.StatusNotFound, map[string]any{"error": err.Error()})
		case err != nil: // a missing or stale cassette
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error()})
		default:
			writeJSON(w, http.StatusOK, rc)
		}
	default:
		end, err := s.End()
		if err != nil {
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, end)
	}
}

// vendor answers a vendor path from the current case's cassette, exactly
// as the replay target answers the harness's own client.
func (s *ReplayServer) vendor(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	current := s.current
	s.mu.Unlock()
	if current == nil {
		http.Error(w, fmt.Sprintf("shopconform replay: no case is being replayed: POST %s {\"case\": \"<id>\"} first", ReplayBeginPath), http.StatusConflict)
		return
	}
	resp, err := s.replay.RoundTrip(r.Clone(r.Context()))
	if err != nil {
		// No recording answers it: not a vendor answer, so not the
		// vendor's envelope; End lists it under unmatched.
		http.Error(w, "shopconform "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
