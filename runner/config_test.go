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
	tests := []struct {
		name  string
		flags []string
		env   []string
		want  Config
	}{
		{"defaults", nil, nil, DefaultConfig()},
		{"empty file", nil, []string{ConfigFileEnv, "testdata/empty.yaml"}, DefaultConfig()},
		{"partial file", nil, []string{ConfigFileEnv, "testdata/partial.yaml"},
			Config{Target: TargetSandbox, BaseURL: "http://127.0.0.1:9000", Accounts: "accounts.json", ReportDir: DefaultReportDir, RequestTimeout: DefaultRequestTimeout, CaseTimeout: DefaultCaseTimeout, TokenEndpoint: TokenStable}},
		{"full file", []string{"--config", "testdata/full.yaml"}, nil,
			Config{Target: TargetReference, BaseURL: "http://127.0.0.1:9001", Accounts: "full-accounts.json", ReportDir: "out", Fixtures: "my-fixtures", RequestTimeout: 3 * time.Second, CaseTimeout: 30 * time.Second, TokenEndpoint: TokenStable}},
		{"env beats file", nil, []string{ConfigFileEnv, "testdata/full.yaml", "SHOPCONFORM_REPORT_DIR", "env-out", "SHOPCONFORM_REQUEST_TIMEOUT", "4s"},
			Config{Target: TargetReference, BaseURL: "http://127.0.0.1:9001", Accounts: "full-accounts.json", ReportDir: "env-out", Fixtures: "my-fixtures", RequestTimeout: 4 * time.Second, CaseTimeout: 30 * time.Second, TokenEndpoint: TokenStable}},
		{"set flags beat env, unset flags do not", []string{"--report-dir", "flag-out"}, []string{"SHOPCONFORM_REPORT_DIR", "env-out", "SHOPCONFORM_FIXTURES", "env-fixtures"},
			Config{Target: TargetReference, ReportDir: "flag-out", Fixtures: "env-fixtures", RequestTimeout: DefaultRequestTimeout, CaseTimeout: DefaultCaseTimeout, TokenEndpoint: TokenStable}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadConfig(flagsOf(t, tt.flags...), envOf(tt.env...))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
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
	cfg := Config{Target: TargetSandbox, BaseURL: "http://127.0.0.1:1", Accounts: "a.json", ReportDir: "r", Fixtures: "f", RequestTimeout: time.Second, CaseTimeout: time.Minute, TokenEndpoint: TokenClassic}
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
