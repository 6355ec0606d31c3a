package runner

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/shard"
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
	RegisterRunFlags(fs)
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
			c.Shard, c.ShardDurations = shard.Shard{Index: 2, Total: 4}, "last/results.json"
		}},
		{"env beats file", nil, []string{ConfigFileEnv, "testdata/full.yaml", "SHOPCONFORM_REPORT_DIR", "env-out", "SHOPCONFORM_REQUEST_TIMEOUT", "4s", "SHOPCONFORM_RATE", "auto", "SHOPCONFORM_SHARD", "3/4"}, func(c *Config) {
			full(c)
			c.ReportDir, c.RequestTimeout = "env-out", 4*time.Second
			c.Budget, c.Retries, c.Backoff, c.UnhealthyAfter, c.AllowLiveMutations = 100, 1, time.Second, 3, true
			c.Shard, c.ShardDurations = shard.Shard{Index: 3, Total: 4}, "last/results.json"
		}},
		{"the shard flag beats its env", []string{"--shard", "1/2"}, []string{"SHOPCONFORM_SHARD", "2/2"}, func(c *Config) {
			c.Shard = shard.Shard{Index: 1, Total: 2}
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
		{"bad shard from env", nil, []string{"SHOPCONFORM_SHARD", "3/2"}, []string{`environment SHOPCONFORM_SHARD: "3/2" is not I/N with 1 ≤ I ≤ N`}},
		{"bad shard from flag", []string{"--shard", "0/3"}, nil, []string{`flag --shard: "0/3" is not I/N`}},
		{"bad duration from env", nil, []string{"SHOPCONFORM_CASE_TIMEOUT", "forever"}, []string{`environment SHOPCONFORM_CASE_TIMEOUT: "forever" is not a positive duration`}},
		{"bad duration from flag", []string{"--request-timeout", "-1s"}, nil, []string{`flag --request-timeout: "-1s" is not a positive duration`}},
		{"file: unknown key and bad value, with lines", nil, []string{ConfigFileEnv, "testdata/bad.yaml"},
			[]string{`testdata/bad.yaml:2:1: unknown key "colour"`, `testdata/bad.yaml:3:1: request_timeout: "soon" is not a positive duration`}},
		{"missing file", nil, []string{ConfigFileEnv, "testdata/none.yaml"}, []string{"config file: open testdata/none.yaml"}},
		{"sandbox without base URL or accounts", nil, []string{"SHOPCONFORM_TARGET", "sandbox"}, []string{"needs a base URL", "needs account credentials"}},
		{"base URL without a scheme", []string{"--target", "sandbox", "--base-url", "127.0.0.1:8089", "--accounts", "a.json"}, nil,
			[]string{`base URL "127.0.0.1:8089" (SHOPCONFORM_BASE_URL or --base-url) is not an http(s) URL: write it with its scheme, e.g. http://127.0.0.1:8089`}},
		{"base URL with a host as scheme", []string{"--target", "sandbox", "--base-url", "localhost:8089", "--accounts", "a.json"}, nil,
			[]string{`base URL "localhost:8089" (SHOPCONFORM_BASE_URL or --base-url) is not an http(s) URL`}},
		{"base URL with a query", []string{"--target", "sandbox", "--base-url", "http://h/?a=1", "--accounts", "a.json"}, nil,
			[]string{`must not hold a query or a fragment`}},
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
		CaseTimeout: time.Minute, TokenEndpoint: TokenClassic, Rate: 3.5, Budget: 9, Retries: 2, Backoff: time.Second, UnhealthyAfter: 4, AllowLiveMutations: true,
		Shard: shard.Shard{Index: 2, Total: 3}, ShardDurations: "d.json"}
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

// TestResolveShard: a shopconform setting beats the CI's variables, which
// apply otherwise (shard.FromCI has their own table); {shard} in the
// accounts path becomes the index, and needs a shard.
func TestResolveShard(t *testing.T) {
	gitlab := []string{"CI_NODE_INDEX", "2", "CI_NODE_TOTAL", "3"}
	tests := []struct {
		name     string
		flags    []string
		env      []string
		want     shard.Shard
		accounts string
		source   string
		err      string
	}{
		{"whole run", nil, nil, shard.Shard{}, "", "", ""},
		{"GitLab", nil, gitlab, shard.Shard{Index: 2, Total: 3}, "", "GitLab CI_NODE_INDEX=2", ""},
		{"the flag beats GitLab", []string{"--shard", "1/2"}, gitlab, shard.Shard{Index: 1, Total: 2}, "", "--shard", ""},
		{"SHOPCONFORM_SHARD beats GitLab", nil, append([]string{"SHOPCONFORM_SHARD", "2/2"}, gitlab...), shard.Shard{Index: 2, Total: 2}, "", "SHOPCONFORM_SHARD", ""},
		{"the config file beats GitLab", nil, append([]string{ConfigFileEnv, "testdata/full.yaml"}, gitlab...), shard.Shard{Index: 2, Total: 4}, "full-accounts.json", "config file", ""},
		{"accounts per shard", []string{"--accounts", "ci/accounts-{shard}.json"}, []string{"CIRCLE_NODE_INDEX", "0", "CIRCLE_NODE_TOTAL", "2"}, shard.Shard{Index: 1, Total: 2}, "ci/accounts-1.json", "CircleCI", ""},
		{"accounts per shard without a shard", []string{"--accounts", "accounts-{shard}.json"}, nil, shard.Shard{}, "", "", `accounts "accounts-{shard}.json" holds {shard}, but the run is not sharded`},
		{"a bad CI value", nil, []string{"CI_NODE_INDEX", "4", "CI_NODE_TOTAL", "3"}, shard.Shard{}, "", "", "environment GitLab CI_NODE_INDEX=4 CI_NODE_TOTAL=3 (1-based): the index must be 1 to 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := envOf(tt.env...)
			cfg, err := LoadConfig(flagsOf(t, tt.flags...), env)
			if err != nil {
				t.Fatal(err)
			}
			cfg, source, err := cfg.ResolveShard(env)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Shard != tt.want || cfg.Accounts != tt.accounts || !strings.Contains(source, tt.source) {
				t.Errorf("shard %v accounts %q source %q; want %v %q %q", cfg.Shard, cfg.Accounts, source, tt.want, tt.accounts, tt.source)
			}
		})
	}
}

// TestPerShardConfigKeysAreSettings: the keys a fingerprint leaves out
// are settings' keys, so a rename cannot quietly put them back in.
func TestPerShardConfigKeysAreSettings(t *testing.T) {
	for _, k := range results.PerShardConfig {
		if !slices.Contains(keys(), k) {
			t.Errorf("results.PerShardConfig names %q, which is no setting (%v)", k, keys())
		}
	}
}

// TestShardFlagsAreRunsOnly: only run takes --shard; the other verbs'
// flag sets do not offer it.
func TestShardFlagsAreRunsOnly(t *testing.T) {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	RegisterFlags(fs)
	if fs.Lookup("shard") != nil || fs.Lookup("shard-durations") != nil || fs.Lookup("rate") == nil {
		t.Error("RegisterFlags offers --shard")
	}
	fs = flag.NewFlagSet("run", flag.ContinueOnError)
	RegisterRunFlags(fs)
	if fs.Lookup("shard") == nil || fs.Lookup("shard-durations") == nil {
		t.Error("RegisterRunFlags lacks --shard")
	}
}
