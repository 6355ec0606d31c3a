package runner

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/refsandbox/merchantsim"
	"github.com/shopconform/shopconform/runner/accounts"
)

// Target is where cases are sent: a base URL, the client that reaches it,
// and the credentials of the account profiles it knows.
type Target struct {
	// Name is "reference", or "sandbox:<host>" for a sandbox.
	Name     string
	BaseURL  string
	Client   *http.Client
	Accounts *accounts.File
	close    func()
	// replay is set on the replay target: it answers each case from its
	// cassette and checks, after the case, that nothing was left over.
	replay *replayer
	// minter creates a fresh account of a profile; nil means the control
	// API's minting call (MintPath).
	minter func(ctx context.Context, profile string) (accounts.Credentials, error)
}

// Close stops whatever the target started.
func (t *Target) Close() {
	if t.close != nil {
		t.close()
	}
}

// OpenTarget builds the target the configuration names.
func OpenTarget(cfg Config) (*Target, error) {
	switch cfg.Target {
	case TargetReference:
		return openReference(cfg)
	case TargetSandbox:
		return openSandbox(cfg)
	case TargetReplay:
		return openReplay(cfg)
	default:
		return nil, fmt.Errorf("unknown target %q", cfg.Target)
	}
}

// openReference starts the embedded reference sandbox on a loopback port,
// so that cases travel over real HTTP exactly as they would to a sandbox,
// and the merchant simulator that /shop/coupon/confirm calls back on
// another loopback port.
func openReference(cfg Config) (*Target, error) {
	return startReference(cfg, refsandbox.Options{})
}

// startReference starts a reference sandbox built with opts, and its
// merchant simulator, on loopback listeners.
func startReference(cfg Config, opts refsandbox.Options) (*Target, error) {
	merchant := httptest.NewServer(merchantsim.New())
	opts.MerchantURL = merchant.URL
	sb, err := refsandbox.New(opts)
	if err != nil {
		merchant.Close()
		return nil, fmt.Errorf("reference sandbox: %w", err)
	}
	srv := httptest.NewServer(sb.Handler())
	return &Target{
		Name:     TargetReference,
		BaseURL:  srv.URL,
		Client:   &http.Client{Timeout: cfg.RequestTimeout},
		Accounts: SandboxAccounts(sb),
		close:    func() { srv.Close(); merchant.Close() },
	}, nil
}

// SandboxAccounts turns the reference sandbox's profiles into an accounts
// file, the same one `shopconform serve --accounts-out` writes.
func SandboxAccounts(sb *refsandbox.Sandbox) *accounts.File {
	f := &accounts.File{Profiles: map[string]accounts.Credentials{}, Control: &accounts.Control{Token: sb.ControlToken()}}
	for _, a := range sb.Accounts() {
		f.Profiles[a.Profile] = accounts.Credentials{AppID: a.AppID, Secret: a.Secret, OpenIDs: a.OpenIDs}
	}
	return f
}

// TargetName is how reports name the configured target: "reference", or
// "sandbox:<host>".
func TargetName(cfg Config) string {
	if cfg.Target != TargetSandbox {
		return cfg.Target
	}
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Host != "" {
		return TargetSandbox + ":" + u.Host
	}
	return TargetSandbox
}

func openSandbox(cfg Config) (*Target, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base URL %q is not an http(s) URL such as http://127.0.0.1:8089", cfg.BaseURL)
	}
	accts, err := accounts.Read(cfg.Accounts)
	if err != nil {
		return nil, err
	}
	return &Target{
		Name:     TargetName(cfg),
		BaseURL:  u.Scheme + "://" + u.Host + u.Path,
		Client:   &http.Client{Timeout: cfg.RequestTimeout},
		Accounts: accts,
	}, nil
}
