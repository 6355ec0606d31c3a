package runner

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func envOf(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func flagsOf(t *testing.T, args ...string) *flag.FlagSet {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestLoadConfigPrecedence(t *testing.T) {
	full := func(c *Config) {
		c.BaseURL, c.Accounts, c.ReportDir, c.Fixtures = "http://127.0.0.1:9001", "full-accounts.json", "out", "my-fixtures"
		c.RequestTimeout, c.CaseTimeout = 3*time.Second, 30*time.Second
	}
	tests := []struct {
		name  string
		flags []string
		env   []string
		want  func(c *Config) // changes to DefaultConfig
	}{
		{"defaults", nil, nil, func(c *Config) {}},
		{"empty file", nil, []string{ConfigFileEnv, "testdata/empty.yaml"}, func(c *Config) {}},
		{"partial file", nil, []string{ConfigFileEnv, "testdata/partial.yaml"}, func(c *Config) {
			c.Target, c.BaseURL, c.Accounts = TargetSandbox, "http://127.0.0.1:9000", "accounts.json"
		}},
		{"full file", []string{"--config", "testdata/full.yaml"}, nil, func(c *Config) {
			full(c)
			c.Rate, c.Budget, c.Retries, c.Backoff, c.UnhealthyAfter, c.AllowLiveMutations = 2.5, 100, 1, time.Second, 3, true
		}},
		{"env beats file", nil, []string{ConfigFileEnv, "testdata/full.yaml", "SHOPCONFORM_REPORT_DIR", "env-out", "SHOPCONFORM_REQUEST_TIMEOUT", "4s", "SHOPCONFORM_RATE", "auto"}, func(c *Config) {
			full(c)
			c.ReportDir, c.RequestTimeout = "env-out", 4*time.Second
			c.Budget, c.Retries, c.Backoff, c.UnhealthyAfter, c.AllowLiveMutations = 100, 1, time.Second, 3, true
		}},
		{"set flags beat env, unset flags do not", []string{"--report-dir", "flag-out", "--budget", "7"}, []string{"SHOPCONFORM_REPORT_DIR", "env-out", "SHOPCONFORM_FIXTURES", "env-fixtures"}, func(c *Config) {
			c.ReportDir, c.Fixtures, c.Budget = "flag-out", "env-fixtures", 7
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadConfig(flagsOf(t, tt.flags...), envOf(tt.env...))
			if err != nil {
				t.Fatal(err)
			}
			want := DefaultConfig()
			tt.want(&want)
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestEffectiveRate(t *testing.T) {
	c := DefaultConfig()
	if c.EffectiveRate() != 0 {
		t.Errorf("reference: %v", c.EffectiveRate())
	}
	c.Target = TargetSandbox
	if c.EffectiveRate() != DefaultSandboxRate {
		t.Errorf("sandbox: %v", c.EffectiveRate())
	}
	c.Rate = 0
	if c.EffectiveRate() != 0 {
		t.Errorf("explicit 0: %v", c.EffectiveRate())
	}
}

func TestLoadConfigErrorsNameSourceKeyValueAndAllowed(t *testing.T) {
	tests := []struct {
		name  string
		flags []string
		env   []string
		want  []string
	}{
		{"bad target", nil, []string{"SHOPCONFORM_TARGET", "live"}, []string{`target "live" is not one of reference, sandbox, replay`}},
		{"bad token endpoint", []string{"--token-endpoint", "oauth"}, nil, []string{`token endpoint "oauth" is not one of stable, classic`}},
		{"bad accounts mode", nil, []string{"SHOPCONFORM_ACCOUNTS_MODE", "fresh"}, []string{`accounts mode "fresh" is not one of mint, shared (SHOPCONFORM_ACCOUNTS_MODE or --accounts-mode)`}},
		{"bad rate, budget and flag", []string{"--rate", "fast", "--budget", "-1", "--allow-live-mutations", "maybe"}, nil,
			[]string{`flag --rate: "fast" is not auto or a number`, `flag --budget: "-1" is not a whole number ≥ 0`, `flag --allow-live-mutations: "maybe" is not true or false`}},
		{"bad duration from env", nil, []string{"SHOPCONFORM_CASE_TIMEOUT", "forever"}, []string{`environment SHOPCONFORM_CASE_TIMEOUT: "forever" is not a positive duration`}},
		{"bad duration from flag", []string{"--request-timeout", "-1s"}, nil, []string{`flag --request-timeout: "-1s" is not a positive duration`}},
		{"file: unknown key and bad value, with lines", nil, []string{ConfigFileEnv, "testdata/bad.yaml"},
			[]string{`testdata/bad.yaml:2:1: unknown key "colour"`, `testdata/bad.yaml:3:1: request_timeout: "soon" is not a positive duration`}},
		{"missing file", nil, []string{ConfigFileEnv, "testdata/none.yaml"}, []string{"config file: open testdata/none.yaml"}},
		{"sandbox without base URL or accounts", nil, []string{"SHOPCONFORM_TARGET", "sandbox"}, []string{"needs a base URL", "needs account credentials"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(flagsOf(t, tt.flags...), envOf(tt.env...))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestEnvironRoundTrips(t *testing.T) {
	cfg := Config{Target: TargetSandbox, BaseURL: "http://127.0.0.1:1", Accounts: "a.json", AccountsMode: AccountsShared, ReportDir: "r", Fixtures: "f", RequestTimeout: time.Second,
		CaseTimeout: time.Minute, TokenEndpoint: TokenClassic, Rate: 3.5, Budget: 9, Retries: 2, Backoff: time.Second, UnhealthyAfter: 4, AllowLiveMutations: true}
	env := map[string]string{}
	for _, kv := range cfg.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	got, err := LoadConfig(nil, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil || got != cfg {
		t.Errorf("got %+v, %v", got, err)
	}
}

// TestLoadConfigOverKeepsTheVerbsDefault: certify's replay default holds
// until the file, the environment or a flag names another target.
func TestLoadConfigOverKeepsTheVerbsDefault(t *testing.T) {
	base := DefaultConfig()
	base.Target = TargetReplay
	none := func(string) (string, bool) { return "", false }
	if cfg, err := LoadConfigOver(base, nil, none); err != nil || cfg.Target != TargetReplay {
		t.Errorf("no settings: %q %v", cfg.Target, err)
	}
	env := func(k string) (string, bool) {
		return map[string]string{"SHOPCONFORM_TARGET": TargetReference}[k], k == "SHOPCONFORM_TARGET"
	}
	if cfg, err := LoadConfigOver(base, nil, env); err != nil || cfg.Target != TargetReference {
		t.Errorf("SHOPCONFORM_TARGET=reference: %q %v", cfg.Target, err)
	}
}
