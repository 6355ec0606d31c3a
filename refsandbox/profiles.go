package refsandbox

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"

	"github.com/shopconform/shopconform/internal/jsonpos"
)

// A Profile is account state that the API itself cannot change: whether the
// component is opened, third-party authorisation, quotas, rate and token
// lifetime, and per-domain knobs. Cases name a profile to get an account in
// that state (README.md, "Built-in profiles").
//
// Pointer fields distinguish "not set" (the default applies) from an
// explicit zero such as daily_quota 0.
type Profile struct {
	Name            string      `json:"name"`
	AppID           string      `json:"appid,omitempty"`   // default: "wx" + 16 hex of sha256(name)
	Secret          string      `json:"secret,omitempty"`  // default: 32 lowercase hex, random per Sandbox
	OpenIDs         []string    `json:"openids,omitempty"` // default: 3 test users derived from the appid
	Opened          *bool       `json:"opened,omitempty"`  // default true (connected); false → starts not connected: 48001 until register/apply (§3.1)
	ThirdParty      *ThirdParty `json:"third_party,omitempty"`
	DailyQuota      *int        `json:"daily_quota,omitempty"` // per API per day; default 100000; exhausted → 45009
	Rate            *Rate       `json:"rate,omitempty"`        // default 100000/s, burst 100000; empty bucket → 300000
	TokenTTLSeconds *int        `json:"token_ttl_seconds,omitempty"`

	// Domain knobs, each declared in its domain's file.
	Product productProfile `json:"product,omitzero"`
	Order   orderProfile   `json:"order,omitzero"`
	Access  accessProfile  `json:"access,omitzero"`
	Audit   auditProfile   `json:"audit,omitzero"`
	Upload  uploadProfile  `json:"upload,omitzero"`
	Coupon  couponProfile  `json:"coupon,omitzero"`
	Share   shareProfile   `json:"share,omitzero"`
}

// ThirdParty marks an account that is called through a third-party
// platform (authorizer_access_token). Nil means a direct call.
type ThirdParty struct {
	PermissionSetGranted bool `json:"permission_set_granted"` // false → 61007 (§3.1)
	EgressIPWhitelisted  bool `json:"egress_ip_whitelisted"`  // false → 61004 (§3.1)
}

// Rate is a token bucket: Burst calls at once, refilled at PerSecond.
type Rate struct {
	PerSecond float64 `json:"per_second"`
	Burst     int     `json:"burst"`
}

const (
	defaultDailyQuota = 100000 // generous: only the quota-exhausted profile should ever hit 45009
	defaultRatePerSec = 100000 // likewise for 300000: a whole run shares one sandbox
	defaultRateBurst  = 100000
	defaultTokenTTL   = 7200 // seconds; §1.1 "expires_in": 7200
	defaultTestUsers  = 3
)

//go:embed profiles.json
var embeddedProfiles []byte

func builtinProfiles() ([]Profile, error) {
	return LoadProfiles(bytes.NewReader(embeddedProfiles), "refsandbox/profiles.json")
}

// LoadProfiles reads a JSON array of profiles strictly: a syntax error, a
// repeated key, an unknown field, a wrong type, an invalid value or a
// repeated name is an error naming filename:line:col. Invalid JSON is
// reported alone; otherwise every problem is, one per line.
func LoadProfiles(r io.Reader, filename string) ([]Profile, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	f := &strictFile{name: filename, data: data}
	root := f.parse()
	if root == nil {
		return nil, f.err()
	}
	if root.Kind != jsonpos.Array {
		f.addf(root.Off, "want a JSON array of profiles")
		return nil, f.err()
	}
	var out []Profile
	seen := map[string]bool{}
	for _, n := range root.Items {
		var p Profile
		if !f.decode(n, &p) {
			continue
		}
		if err := p.validate(); err != nil {
			f.addf(n.Off, "profile %q: %w", p.Name, err)
		} else if seen[p.Name] {
			f.addf(n.Off, "profile %q is defined twice", p.Name)
		}
		seen[p.Name] = true
		out = append(out, p)
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return out, nil
}

var (
	profileNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	appIDRE       = regexp.MustCompile(`^wx[0-9a-f]{16}$`)
	secretRE      = regexp.MustCompile(`^[0-9a-f]{32}$`)
	openIDRE      = regexp.MustCompile(`^o[A-Za-z0-9_-]{27}$`)
)

// validate reports every problem of p at once, each naming its JSON field.
func (p *Profile) validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{field}, args...)...))
	}
	if !profileNameRE.MatchString(p.Name) {
		bad("name", "want 1-64 characters of [A-Za-z0-9._-], got %q", p.Name)
	}
	if p.AppID != "" && !appIDRE.MatchString(p.AppID) {
		bad("appid", "want \"wx\" and 16 lowercase hex digits, got %q", p.AppID)
	}
	if p.Secret != "" && !secretRE.MatchString(p.Secret) {
		bad("secret", "want 32 lowercase hex digits") // never echo a secret
	}
	if p.OpenIDs != nil && len(p.OpenIDs) == 0 {
		bad("openids", "want at least one test user (omit the field for the defaults)")
	}
	for i, id := range p.OpenIDs {
		if !openIDRE.MatchString(id) {
			bad("openids["+strconv.Itoa(i)+"]", "want \"o\" and 27 characters of [A-Za-z0-9_-], got %q", id)
		} else if slices.Index(p.OpenIDs, id) < i {
			bad("openids["+strconv.Itoa(i)+"]", "repeats %q", id)
		}
	}
	if p.DailyQuota != nil && *p.DailyQuota < 0 {
		bad("daily_quota", "want ≥ 0, got %d", *p.DailyQuota)
	}
	if p.Rate != nil && (p.Rate.PerSecond < 0 || math.IsInf(p.Rate.PerSecond, 0) || math.IsNaN(p.Rate.PerSecond)) {
		bad("rate.per_second", "want a finite number ≥ 0, got %v", p.Rate.PerSecond)
	}
	if p.Rate != nil && p.Rate.Burst < 0 {
		bad("rate.burst", "want ≥ 0, got %d", p.Rate.Burst)
	}
	if p.TokenTTLSeconds != nil && *p.TokenTTLSeconds < 0 {
		bad("token_ttl_seconds", "want ≥ 0, got %d", *p.TokenTTLSeconds)
	}
	if err := p.Access.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := p.Coupon.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// mergeProfiles applies overrides over the built-ins by name, keeping the
// built-ins' order and appending new names. Naming one profile twice in
// the overrides is an error rather than a silent last-wins.
func mergeProfiles(builtin, overrides []Profile) ([]Profile, error) {
	out := slices.Clone(builtin)
	overridden := map[string]bool{}
	for _, o := range overrides {
		if overridden[o.Name] {
			return nil, fmt.Errorf("refsandbox: Options.Profiles names %q twice", o.Name)
		}
		overridden[o.Name] = true
		i := slices.IndexFunc(out, func(p Profile) bool { return p.Name == o.Name })
		if i >= 0 {
			out[i] = o
		} else {
			out = append(out, o)
		}
	}
	return out, nil
}

// resolve returns a copy of p with every default filled in, so that the
// rest of the sandbox never checks for nil.
func (p Profile) resolve(random *lockedReader) (*Profile, error) {
	r := p
	if r.AppID == "" {
		sum := sha256.Sum256([]byte(p.Name))
		r.AppID = "wx" + hex.EncodeToString(sum[:])[:16]
	}
	if r.Secret == "" {
		secret, err := random.hex(16)
		if err != nil {
			return nil, fmt.Errorf("generating a secret: %w", err)
		}
		r.Secret = secret
	}
	r.OpenIDs = slices.Clone(p.OpenIDs)
	if r.OpenIDs == nil {
		r.OpenIDs = testUsers(r.AppID, defaultTestUsers)
	}
	r.Opened = orDefault(p.Opened, true)
	r.DailyQuota = orDefault(p.DailyQuota, defaultDailyQuota)
	r.TokenTTLSeconds = orDefault(p.TokenTTLSeconds, defaultTokenTTL)
	r.Rate = orDefault(p.Rate, Rate{PerSecond: defaultRatePerSec, Burst: defaultRateBurst})
	if p.ThirdParty != nil {
		tp := *p.ThirdParty
		r.ThirdParty = &tp
	}
	return &r, nil
}

// testUsers derives n openids from the appid, so a profile's test users are
// the same in every Sandbox and every run.
func testUsers(appID string, n int) []string {
	out := make([]string, n)
	for i := range out {
		sum := sha256.Sum256([]byte(appID + "/openid/" + strconv.Itoa(i+1)))
		out[i] = "o" + base64.RawURLEncoding.EncodeToString(sum[:])[:27]
	}
	return out
}

// orDefault returns a fresh pointer, so a resolved profile shares nothing
// with the caller's value.
func orDefault[T any](v *T, def T) *T {
	if v != nil {
		def = *v
	}
	return &def
}
