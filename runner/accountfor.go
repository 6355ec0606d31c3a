package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/refsandbox/control"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/results"
)

// verdictBeforeSending is an outcome decided before any request: the case
// cannot run as this account on this target.
type verdictBeforeSending struct {
	outcome results.Outcome
	reason  string
}

// credentials are the account a case runs as: the profile's own, or a
// new account of that profile when the case asks for a fresh one.
func (r *Runner) credentials(ctx context.Context, c *fixtures.Case) (accounts.Credentials, *verdictBeforeSending) {
	if c.FreshAccount {
		creds, err := r.target.mint(ctx, c.Account)
		switch {
		case errors.Is(err, errCannotMint):
			return creds, &verdictBeforeSending{results.Skipped, whyNot[FreshAccounts]}
		case err != nil:
			return creds, &verdictBeforeSending{results.Error, fmt.Sprintf("minting a fresh account of profile %s: %v", c.Account, err)}
		}
		r.remember(creds.Secret)
		return creds, nil
	}
	if r.mintsRunAccounts() {
		return r.runAccount(ctx, c.Account)
	}
	creds, ok := r.target.Accounts.Profiles[c.Account]
	if ok {
		return creds, nil
	}
	if r.target.Name == TargetReference {
		return creds, &verdictBeforeSending{results.Error, fmt.Sprintf("the reference sandbox has no account profile %q", c.Account)}
	}
	return creds, &verdictBeforeSending{results.Skipped, fmt.Sprintf("needs account profile %s", c.Account)}
}

// mintsRunAccounts says whether this run's cases run on accounts it mints
// for itself: on a sandbox target that can mint (its accounts file holds
// the control token, as `shopconform serve` writes it), unless the
// configuration asks for the file's shared accounts. What one run leaves
// on its accounts (a category approved once per account, a sharer bound)
// is then never what the next run finds. The reference target starts a
// sandbox of its own per run and the replay target answers from
// cassettes: both keep the profiles' own accounts.
func (r *Runner) mintsRunAccounts() bool {
	t := r.target
	return r.cfg.AccountsMode != AccountsShared && t.Accounts != nil && t.Accounts.Control != nil &&
		t.replay == nil && t.Name != TargetReference
}

// runAccount is the account this run minted for profile: one per run per
// profile, minted by whichever case of any process of the run asks first
// and shared through the run state, as tokens are (runstate.State.Once);
// a runner without a shared state mints its own.
func (r *Runner) runAccount(ctx context.Context, profile string) (accounts.Credentials, *verdictBeforeSending) {
	if creds, ok := r.minted.Load(profile); ok {
		return creds.(accounts.Credentials), nil
	}
	raw, err := r.state.Once("account "+r.run+" "+r.target.BaseURL+" "+profile, func() (string, error) {
		creds, err := r.target.mint(ctx, profile)
		if err != nil {
			return "", err
		}
		r.remember(creds.Secret) // known to the gate before any other process can read it
		data, err := json.Marshal(creds)
		return string(data), err
	})
	var noProfile noSuchProfile
	switch {
	case errors.As(err, &noProfile):
		return accounts.Credentials{}, &verdictBeforeSending{results.Skipped, fmt.Sprintf("needs account profile %s: %v", profile, err)}
	case err != nil:
		return accounts.Credentials{}, &verdictBeforeSending{results.Error, fmt.Sprintf(
			"minting this run's account of profile %s: %v (accounts_mode %s runs on the accounts file's own accounts instead)", profile, err, AccountsShared)}
	}
	var creds accounts.Credentials
	if err := json.Unmarshal([]byte(raw), &creds); err != nil {
		return creds, &verdictBeforeSending{results.Error, fmt.Sprintf("this run's account of profile %s: %v", profile, err)}
	}
	r.remember(creds.Secret) // minted by another process: this one's redactor learns it here
	r.minted.Store(profile, creds)
	return creds, nil
}

// noSuchProfile is a shopconform sandbox's refusal to mint a profile it
// does not have.
type noSuchProfile struct{ msg string }

func (e noSuchProfile) Error() string { return e.msg }

// MintPath is the control API's call that creates a new account of a
// profile (refsandbox/README.md, "Control API").
const MintPath = control.Prefix + "accounts"

// errCannotMint marks a target that cannot create accounts: any live
// sandbox, where accounts are real mini programs.
var errCannotMint = errors.New("this target cannot create accounts (the reference sandbox and `shopconform serve` can)")

// mint asks the target for a new account of profile.
func (t *Target) mint(ctx context.Context, profile string) (accounts.Credentials, error) {
	if t.minter != nil {
		return t.minter(ctx, profile)
	}
	body, _ := json.Marshal(map[string]string{"profile": profile})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.BaseURL+MintPath, bytes.NewReader(body))
	if err != nil {
		return accounts.Credentials{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if t.Accounts.Control == nil {
		return accounts.Credentials{}, errCannotMint
	}
	req.Header.Set("Authorization", "Bearer "+t.Accounts.Control.Token)
	resp, err := t.Client.Do(req)
	if err != nil {
		return accounts.Credentials{}, fmt.Errorf("transport: %s", redactURLError(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var minted struct {
		AppID   string   `json:"appid"`
		Secret  string   `json:"secret"`
		OpenIDs []string `json:"openids"`
		Error   string   `json:"error"`
	}
	decodeErr := json.Unmarshal(raw, &minted)
	switch {
	case resp.StatusCode == http.StatusNotFound && minted.Error != "" && decodeErr == nil:
		return accounts.Credentials{}, noSuchProfile{minted.Error} // a shopconform sandbox without that profile
	case resp.StatusCode != http.StatusCreated || decodeErr != nil || minted.AppID == "":
		return accounts.Credentials{}, errCannotMint
	}
	return accounts.Credentials{AppID: minted.AppID, Secret: minted.Secret, OpenIDs: minted.OpenIDs}, nil
}
