// Package refsandbox is the reference sandbox: a stateful http.Handler that
// answers the WeChat custom transaction component API (/shop/...) and its
// token endpoints by applying the rules of apispec/api-reference.md. It is a
// second, independent reading of the documentation: it never reads a
// fixture or an expected errcode.
//
// A Sandbox has three faces (fake-gcs-server's shape): Handler for a listener,
// Client for in-process calls with no socket, and Accounts for the
// credentials of its account profiles.
package refsandbox

import (
	"cmp"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/version"
)

// Clock tells the sandbox what time it is. Token expiry, daily quotas and
// the rate bucket all read it, so tests can move time instead of sleeping.
type Clock interface{ Now() time.Time }

// Options configures a Sandbox. The zero value is ready to use.
type Options struct {
	// Clock drives token expiry, quota days and rate refill. Default: real time.
	Clock Clock
	// Logger receives one Debug line per request (method, path, profile,
	// errcode); tokens and secrets are never logged. Default: discards.
	Logger *slog.Logger
	// Version is sent as the Shopconform-Version response header.
	// Default: version.Harness.
	Version string
	// Profiles are applied over the built-in profiles by Name: a profile
	// with a built-in's name replaces it, any other name adds one.
	Profiles []Profile
	// Random is the source of tokens, secrets and request ids. Default:
	// crypto/rand. Tests may pass a seeded reader; it need not be safe for
	// concurrent use.
	Random io.Reader
	// MerchantURL is the base URL of the merchant simulator (package
	// merchantsim) that /shop/coupon/confirm calls back: a profile's
	// coupon.push_path is appended to it. It must be a loopback http URL.
	// Empty: no merchant is reachable, so a confirm that needs a push
	// answers 1090032.
	MerchantURL string
	// ControlToken is the bearer token of the control API (control.go).
	// Default: a random one (crypto/rand), read back with ControlToken.
	ControlToken string
	// Spec is the API the sandbox validates requests against. Default:
	// the embedded spec (apispec.Default). The mutation score serves a
	// copy without one rule (apispec.Spec.Without; README.md "Fuzzing and
	// the mutation score"); the control API's seeds are still held to the
	// embedded spec, which documents what the vendor's API accepts.
	Spec *apispec.Spec
}

// Account is one profile's credentials, as a client of the sandbox needs them.
type Account struct {
	Profile string   `json:"profile"`
	AppID   string   `json:"appid"`
	Secret  string   `json:"secret"`
	OpenID  string   `json:"openid"` // the first test user
	OpenIDs []string `json:"openids"`
}

// Sandbox is one reference sandbox instance. All of its state lives in the
// value; two instances never share anything.
type Sandbox struct {
	clock    Clock
	log      *slog.Logger
	version  string
	random   *lockedReader
	catalog  *catalog.Catalog
	profiles []*Profile // resolved, sorted by name
	routes   map[string]*route
	content  contentPolicy
	store    *store
	merchant *merchantCaller // coupon_confirm.go

	controlToken string
}

// New builds a sandbox: it loads the embedded profiles and word list,
// applies opts.Profiles, and compiles the route table, so that every
// configuration error surfaces here rather than on the first request.
func New(opts Options) (*Sandbox, error) {
	s := &Sandbox{
		clock:   opts.Clock,
		log:     opts.Logger,
		version: cmp.Or(opts.Version, version.Harness),
		random:  &lockedReader{r: opts.Random},
		catalog: catalog.Default(),
	}
	if s.clock == nil {
		s.clock = realClock{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.random.r == nil {
		s.random.r = rand.Reader
	}
	var err error
	if s.profiles, err = s.buildProfiles(opts.Profiles); err != nil {
		return nil, err
	}
	if s.content, err = loadContentPolicy(); err != nil {
		return nil, err
	}
	if _, err = categories(); err != nil {
		return nil, err
	}
	spec := opts.Spec
	if spec == nil {
		if spec, err = apispec.Default(); err != nil {
			return nil, fmt.Errorf("refsandbox: the API spec: %w", err)
		}
	}
	if s.routes, err = compileRoutes(spec, handlers(), preconditions(), checks()); err != nil {
		return nil, err
	}
	if err = checkCatalog(s.catalog); err != nil {
		return nil, err
	}
	if s.merchant, err = newMerchantCaller(opts.MerchantURL); err != nil {
		return nil, err
	}
	// The control token is a secret, drawn from crypto/rand even when
	// Options.Random is a seeded test source: it must not shift the ids and
	// tokens a deterministic sandbox draws after it.
	if s.controlToken = opts.ControlToken; s.controlToken == "" {
		s.controlToken = rand.Text()
	}
	s.store = newStore(s.profiles)
	s.log.Debug("refsandbox ready", "profiles", len(s.profiles), "routes", len(s.routes))
	return s, nil
}

// buildProfiles merges the built-in profiles with the caller's overrides,
// validates them and fills in the defaults (appid, secret, test users).
func (s *Sandbox) buildProfiles(overrides []Profile) ([]*Profile, error) {
	builtin, err := builtinProfiles()
	if err != nil {
		return nil, err
	}
	merged, err := mergeProfiles(builtin, overrides)
	if err != nil {
		return nil, err
	}
	resolved := make([]*Profile, 0, len(merged))
	seen := map[string]string{} // appid → profile name
	for _, p := range merged {
		if err := p.validate(); err != nil {
			return nil, fmt.Errorf("refsandbox: profile %q: %w", p.Name, err)
		}
		r, err := p.resolve(s.random)
		if err != nil {
			return nil, fmt.Errorf("refsandbox: profile %q: %w", p.Name, err)
		}
		if other, dup := seen[r.AppID]; dup {
			return nil, fmt.Errorf("refsandbox: profiles %q and %q share appid %s", other, p.Name, r.AppID)
		}
		seen[r.AppID] = p.Name
		resolved = append(resolved, r)
	}
	slices.SortFunc(resolved, func(a, b *Profile) int { return cmp.Compare(a.Name, b.Name) })
	return resolved, nil
}

// Handler returns the sandbox as an http.Handler, for a listener.
func (s *Sandbox) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// Client returns an *http.Client whose transport calls the handler
// in-process: no socket and no port. Any URL host is accepted.
func (s *Sandbox) Client() *http.Client {
	return &http.Client{Transport: inProcessTransport{h: s.Handler()}}
}

// ControlToken is the bearer token the control API wants.
func (s *Sandbox) ControlToken() string { return s.controlToken }

// Accounts lists one Account per profile, sorted by profile name.
func (s *Sandbox) Accounts() []Account {
	out := make([]Account, 0, len(s.profiles))
	for _, p := range s.profiles {
		out = append(out, Account{
			Profile: p.Name,
			AppID:   p.AppID,
			Secret:  p.Secret,
			OpenID:  p.OpenIDs[0],
			OpenIDs: slices.Clone(p.OpenIDs),
		})
	}
	return out
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
