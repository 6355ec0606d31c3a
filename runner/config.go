// Package runner sends cases to a target and classifies what comes back.
// Its configuration is built once and passed down; nothing reads globals.
package runner

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/shopconform/shopconform/runner/shard"
)

// Targets a run can use.
const (
	TargetReference = "reference"
	TargetSandbox   = "sandbox"
	TargetReplay    = "replay"
)

// TargetNames lists the allowed values of SHOPCONFORM_TARGET.
var TargetNames = []string{TargetReference, TargetSandbox, TargetReplay}

// Token endpoints the runner can get access tokens from.
const (
	TokenStable  = "stable"  // POST /cgi-bin/stable_token, the vendor's recommendation
	TokenClassic = "classic" // GET /cgi-bin/token
)

// TokenEndpoints lists the allowed values of SHOPCONFORM_TOKEN_ENDPOINT.
var TokenEndpoints = []string{TokenStable, TokenClassic}

// How a sandbox target's cases get their accounts.
const (
	// AccountsMint: when the accounts file holds a control token (the
	// target is `shopconform serve`), the run mints one account per
	// profile for itself and leaves the file's accounts alone, so that
	// runs repeat on a long-lived sandbox; otherwise as AccountsShared.
	AccountsMint = "mint"
	// AccountsShared: every case runs on the file's account of its
	// profile, with whatever state earlier runs left there.
	AccountsShared = "shared"
)

// AccountsModes lists the allowed values of SHOPCONFORM_ACCOUNTS_MODE.
var AccountsModes = []string{AccountsMint, AccountsShared}

// Defaults.
const (
	DefaultReportDir      = "reports"
	DefaultRequestTimeout = 10 * time.Second
	DefaultCaseTimeout    = 60 * time.Second
	// DefaultSandboxRate paces a sandbox target: well under the vendor's
	// instantaneous limit, and a full run still takes minutes, not hours.
	DefaultSandboxRate = 20.0
	DefaultRetries     = 3
	DefaultBackoff     = 500 * time.Millisecond
	// DefaultUnhealthyAfter consecutive transport faults stop the run from
	// calling a dead or hanging target.
	DefaultUnhealthyAfter = 5
)

// RateAuto is the rate setting's default: DefaultSandboxRate on a sandbox
// target, no limit on the reference sandbox (it runs in-process).
const RateAuto = -1

// Config is the whole configuration of a run. The yaml tags are the keys
// of the config file; each has an environment variable SHOPCONFORM_<KEY>
// and a flag --<key with dashes>.
type Config struct {
	Target   string `yaml:"target"`
	BaseURL  string `yaml:"base_url"`
	Accounts string `yaml:"accounts"`
	// AccountsMode is AccountsMint or AccountsShared.
	AccountsMode   string        `yaml:"accounts_mode"`
	ReportDir      string        `yaml:"report_dir"`
	Fixtures       string        `yaml:"fixtures"`
	RequestTimeout time.Duration `yaml:"request_timeout"`
	CaseTimeout    time.Duration `yaml:"case_timeout"`
	TokenEndpoint  string        `yaml:"token_endpoint"`
	// Rate is requests per second per account profile, across every
	// process of the run; 0 means no limit, RateAuto a target's default.
	Rate float64 `yaml:"rate"`
	// Budget is the most calls one run may send; 0 means no budget.
	Budget int `yaml:"budget"`
	// Retries is how often a transient answer (-1, 45009, 300000, 990010)
	// that a case did not ask for is retried, with exponential backoff
	// from Backoff and jitter.
	Retries int           `yaml:"retries"`
	Backoff time.Duration `yaml:"backoff"`
	// UnhealthyAfter consecutive transport faults mark the target
	// unhealthy: the remaining cases are errors without calling it.
	UnhealthyAfter int `yaml:"unhealthy_after"`
	// AllowLiveMutations lets cases labelled "mutates" run against the
	// vendor's production host.
	AllowLiveMutations bool `yaml:"allow_live_mutations"`
	// Shard is the part of the cases this run runs, 1-based; the zero
	// value is the whole run. ResolveShard fills it from the CI's own
	// variables when no setting names it.
	Shard shard.Shard `yaml:"shard"`
	// ShardDurations is an earlier results.json whose case durations
	// balance the shards; "" splits by the hash of each case's id.
	ShardDurations string `yaml:"shard_durations"`
	// Expectations is a file of known, reasoned deviations (README,
	// "Expectations"); "" expects every case to pass.
	Expectations string `yaml:"expectations"`
}

// Sharded reports whether the run is one shard of several (or 1/1, asked
// for explicitly).
func (c Config) Sharded() bool { return c.Shard.Total > 0 }

// EffectiveRate resolves RateAuto for the configured target.
func (c Config) EffectiveRate() float64 {
	if c.Rate != RateAuto {
		return c.Rate
	}
	if c.Target == TargetSandbox {
		return DefaultSandboxRate
	}
	return 0
}

// DefaultConfig is the configuration before any file, environment or flag.
func DefaultConfig() Config {
	return Config{
		Target:         TargetReference,
		ReportDir:      DefaultReportDir,
		RequestTimeout: DefaultRequestTimeout,
		CaseTimeout:    DefaultCaseTimeout,
		TokenEndpoint:  TokenStable,
		AccountsMode:   AccountsMint,
		Rate:           RateAuto,
		Retries:        DefaultRetries,
		Backoff:        DefaultBackoff,
		UnhealthyAfter: DefaultUnhealthyAfter,
	}
}

// setting is one configuration key and how to read and write it as text.
type setting struct {
	key   string // yaml key; env is SHOPCONFORM_ + upper(key), flag is key with dashes
	usage string
	// runOnly settings are flags of `run` alone (RegisterRunFlags); other
	// verbs read them from the environment and the file, and ignore them.
	runOnly bool
	get     func(c *Config) string
	set     func(c *Config, v string) error
}

func (s setting) env() string  { return "SHOPCONFORM_" + strings.ToUpper(s.key) }
func (s setting) flag() string { return strings.ReplaceAll(s.key, "_", "-") }

func text(key, usage string, field func(*Config) *string) setting {
	return setting{key: key, usage: usage,
		get: func(c *Config) string { return *field(c) },
		set: func(c *Config, v string) error { *field(c) = v; return nil },
	}
}

func duration(key, usage string, field func(*Config) *time.Duration) setting {
	return setting{key: key, usage: usage,
		get: func(c *Config) string { return field(c).String() },
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("%q is not a positive duration such as 10s or 2m", v)
			}
			*field(c) = d
			return nil
		},
	}
}

func number(key, usage string, field func(*Config) *int) setting {
	return setting{key: key, usage: usage,
		get: func(c *Config) string { return strconv.Itoa(*field(c)) },
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("%q is not a whole number ≥ 0", v)
			}
			*field(c) = n
			return nil
		},
	}
}

func rate(key, usage string, field func(*Config) *float64) setting {
	return setting{key: key, usage: usage,
		get: func(c *Config) string {
			if *field(c) == RateAuto {
				return "auto"
			}
			return strconv.FormatFloat(*field(c), 'f', -1, 64)
		},
		set: func(c *Config, v string) error {
			if v == "auto" {
				*field(c) = RateAuto
				return nil
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 {
				return fmt.Errorf("%q is not auto or a number of requests per second ≥ 0", v)
			}
			*field(c) = f
			return nil
		},
	}
}

func boolean(key, usage string, field func(*Config) *bool) setting {
	return setting{key: key, usage: usage,
		get: func(c *Config) string { return strconv.FormatBool(*field(c)) },
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			*field(c) = b
			return nil
		},
	}
}

func settings() []setting {
	return []setting{
		text("target", "where cases go: "+strings.Join(TargetNames, ", "), func(c *Config) *string { return &c.Target }),
		text("base_url", "the sandbox target's base URL, e.g. http://127.0.0.1:8089", func(c *Config) *string { return &c.BaseURL }),
		text("accounts", "a JSON or YAML file of account profiles and their credentials", func(c *Config) *string { return &c.Accounts }),
		text("accounts_mode", "on a sandbox that can mint accounts (shopconform serve): mint (one new account per profile per run) or shared (the accounts file's own)", func(c *Config) *string { return &c.AccountsMode }),
		text("report_dir", "where reports are written", func(c *Config) *string { return &c.ReportDir }),
		text("fixtures", "a fixtures folder to use instead of the built-in cases", func(c *Config) *string { return &c.Fixtures }),
		duration("request_timeout", "how long one HTTP request may take", func(c *Config) *time.Duration { return &c.RequestTimeout }),
		duration("case_timeout", "how long one case may take, given and cleanup steps included", func(c *Config) *time.Duration { return &c.CaseTimeout }),
		text("token_endpoint", "where access tokens come from: "+strings.Join(TokenEndpoints, ", "), func(c *Config) *string { return &c.TokenEndpoint }),
		rate("rate", "requests per second per account profile, across all processes: auto (20 on a sandbox, none on the reference sandbox), 0 for none, or a number", func(c *Config) *float64 { return &c.Rate }),
		number("budget", "the most calls a run may send (0: no budget); the cases left are skipped", func(c *Config) *int { return &c.Budget }),
		number("retries", "how often a transient answer a case did not ask for is retried", func(c *Config) *int { return &c.Retries }),
		duration("backoff", "the first retry's delay; each next one doubles, with jitter", func(c *Config) *time.Duration { return &c.Backoff }),
		number("unhealthy_after", "consecutive transport faults after which the target is not called again (0: never)", func(c *Config) *int { return &c.UnhealthyAfter }),
		text("expectations", "a YAML file of known, reasoned deviations: case glob, target, expected outcome, reason, link, expiry", func(c *Config) *string { return &c.Expectations }),
		boolean("allow_live_mutations", "let cases labelled mutates run against the vendor's production host", func(c *Config) *bool { return &c.AllowLiveMutations }),
		{key: "shard", runOnly: true, usage: "run only shard I/N of the cases (1-based, e.g. 2/3); without it, the CI's own variables decide (GitLab, Buildkite, CircleCI, Bazel, Kubernetes: JOB_COMPLETION_INDEX with " + shard.TotalEnv + ")",
			get: func(c *Config) string {
				if !c.Sharded() {
					return ""
				}
				return c.Shard.String()
			},
			set: func(c *Config, v string) error {
				s, err := shard.Parse(v)
				c.Shard = s
				return err
			}},
		runOnly(text("shard_durations", "an earlier results.json whose durations balance the shards (default: split by the hash of each case id)", func(c *Config) *string { return &c.ShardDurations })),
	}
}

// ShardPlaceholder in the accounts path stands for the shard's index, so
// that one setting gives every shard its own accounts file:
// accounts-{shard}.json is accounts-2.json on shard 2/3.
const ShardPlaceholder = "{shard}"

// ResolveShard completes the shard of a run: when no setting (--shard,
// SHOPCONFORM_SHARD, the config file's shard) names one, the CI's own
// variables may (shard.FromCI, in its precedence order). Then
// ShardPlaceholder in the accounts path becomes the shard's index.
// source says where the shard came from, "" when the run is whole.
func (c Config) ResolveShard(getenv func(string) (string, bool)) (out Config, source string, err error) {
	if c.Sharded() {
		source = "--shard, SHOPCONFORM_SHARD or the config file"
	} else {
		s, src, ok, err := shard.FromCI(getenv)
		if err != nil {
			return c, src, err
		}
		if ok {
			c.Shard, source = s, src
		}
	}
	if strings.Contains(c.Accounts, ShardPlaceholder) {
		if !c.Sharded() {
			return c, source, fmt.Errorf("accounts %q holds %s, but the run is not sharded: set --shard I/N (SHOPCONFORM_SHARD), or name one accounts file", c.Accounts, ShardPlaceholder)
		}
		c.Accounts = strings.ReplaceAll(c.Accounts, ShardPlaceholder, strconv.Itoa(c.Shard.Index))
	}
	return c, source, nil
}

// ConfigFileEnv names the YAML config file; --config does the same.
const ConfigFileEnv = "SHOPCONFORM_CONFIG"

func runOnly(s setting) setting { s.runOnly = true; return s }

// RegisterFlags adds one flag per setting, plus --config, to fs, but for
// the settings only `run` has (the shard's). Values are only recorded;
// LoadConfig applies the ones the user set.
func RegisterFlags(fs *flag.FlagSet) { register(fs, false) }

// RegisterRunFlags is RegisterFlags for `run`: every setting.
func RegisterRunFlags(fs *flag.FlagSet) { register(fs, true) }

func register(fs *flag.FlagSet, run bool) {
	fs.String("config", "", "a YAML config file (also "+ConfigFileEnv+")")
	for _, s := range settings() {
		if s.runOnly && !run {
			continue
		}
		fs.String(s.flag(), "", s.usage+" (also "+s.env()+")")
	}
}

// LoadConfig builds the configuration: defaults, then the YAML file, then
// the environment, then the flags of fs that were explicitly set (fs may be
// nil). getenv is os.LookupEnv in production.
func LoadConfig(fs *flag.FlagSet, getenv func(string) (string, bool)) (Config, error) {
	return LoadConfigOver(DefaultConfig(), fs, getenv)
}

// LoadConfigOver is LoadConfig starting from base instead of the defaults,
// for a verb whose defaults differ: certify answers from replay unless the
// file, the environment or a flag names another target.
func LoadConfigOver(base Config, fs *flag.FlagSet, getenv func(string) (string, bool)) (Config, error) {
	cfg := base
	file, _ := getenv(ConfigFileEnv)
	if fs != nil {
		if f := fs.Lookup("config"); f != nil && f.Value.String() != "" {
			file = f.Value.String()
		}
	}
	if file != "" {
		if err := applyFile(&cfg, file); err != nil {
			return cfg, err
		}
	}
	var errs []error
	for _, s := range settings() {
		if v, ok := getenv(s.env()); ok && v != "" {
			if err := s.set(&cfg, v); err != nil {
				errs = append(errs, fmt.Errorf("environment %s: %w", s.env(), err))
			}
		}
	}
	if fs != nil {
		byFlag := map[string]setting{}
		for _, s := range settings() {
			byFlag[s.flag()] = s
		}
		fs.Visit(func(f *flag.Flag) {
			if s, ok := byFlag[f.Name]; ok {
				if err := s.set(&cfg, f.Value.String()); err != nil {
					errs = append(errs, fmt.Errorf("flag --%s: %w", f.Name, err))
				}
			}
		})
	}
	if len(errs) > 0 {
		return cfg, errors.Join(errs...)
	}
	return cfg, cfg.validate()
}

func applyFile(cfg *Config, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil // an empty file sets nothing
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("config file %s:%d:%d: the file must be a mapping of key: value", path, root.Line, root.Column)
	}
	byKey := map[string]setting{}
	for _, s := range settings() {
		byKey[s.key] = s
	}
	var errs []error
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		at := fmt.Sprintf("config file %s:%d:%d", path, key.Line, key.Column)
		s, ok := byKey[key.Value]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s: unknown key %q (allowed: %s)", at, key.Value, strings.Join(keys(), ", ")))
		case value.Kind != yaml.ScalarNode:
			errs = append(errs, fmt.Errorf("%s: %s must be a single value", at, key.Value))
		default:
			if err := s.set(cfg, value.Value); err != nil {
				errs = append(errs, fmt.Errorf("%s: %s: %w", at, key.Value, err))
			}
		}
	}
	return errors.Join(errs...)
}

func keys() []string {
	var out []string
	for _, s := range settings() {
		out = append(out, s.key)
	}
	return out
}

func (c Config) validate() error {
	var errs []error
	if !slices.Contains(TargetNames, c.Target) {
		errs = append(errs, fmt.Errorf("target %q is not one of %s (SHOPCONFORM_TARGET or --target)", c.Target, strings.Join(TargetNames, ", ")))
	}
	if c.Target == TargetSandbox && c.BaseURL == "" {
		errs = append(errs, errors.New("target sandbox needs a base URL: set SHOPCONFORM_BASE_URL or --base-url, e.g. http://127.0.0.1:8089 from `shopconform serve`"))
	}
	if c.Target == TargetSandbox && c.BaseURL != "" {
		if err := checkBaseURL(c.BaseURL); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Target == TargetSandbox && c.Accounts == "" {
		errs = append(errs, errors.New("target sandbox needs account credentials: set SHOPCONFORM_ACCOUNTS or --accounts to the file `shopconform serve --accounts-out` wrote"))
	}
	if !slices.Contains(TokenEndpoints, c.TokenEndpoint) {
		errs = append(errs, fmt.Errorf("token endpoint %q is not one of %s (SHOPCONFORM_TOKEN_ENDPOINT or --token-endpoint)", c.TokenEndpoint, strings.Join(TokenEndpoints, ", ")))
	}
	if !slices.Contains(AccountsModes, c.AccountsMode) {
		errs = append(errs, fmt.Errorf("accounts mode %q is not one of %s (SHOPCONFORM_ACCOUNTS_MODE or --accounts-mode)", c.AccountsMode, strings.Join(AccountsModes, ", ")))
	}
	if c.ReportDir == "" {
		errs = append(errs, errors.New("report_dir must not be empty"))
	}
	return errors.Join(errs...)
}

// Environ renders the configuration as SHOPCONFORM_* variables, the way
// `shopconform run` hands it to the suites it starts.
func (c Config) Environ() []string {
	var out []string
	for _, s := range settings() {
		out = append(out, s.env()+"="+s.get(&c))
	}
	return out
}

// Redacted is the effective configuration as reports show it. It holds no
// secret: the accounts file is named, never read into it.
func (c Config) Redacted() map[string]string {
	out := map[string]string{}
	for _, s := range settings() {
		out[s.key] = s.get(&c)
	}
	return out
}

// checkBaseURL refuses a base URL a request cannot go to: no http or
// https scheme ("localhost:8089" parses as scheme "localhost"), no host,
// or a query or fragment, which every path would inherit.
func checkBaseURL(base string) error {
	u, err := url.Parse(base)
	switch {
	case err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return fmt.Errorf("base URL %q (SHOPCONFORM_BASE_URL or --base-url) is not an http(s) URL: write it with its scheme, e.g. http://%s", base, strings.TrimPrefix(strings.TrimPrefix(base, "//"), "/"))
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("base URL %q (SHOPCONFORM_BASE_URL or --base-url) must not hold a query or a fragment", base)
	}
	return nil
}
