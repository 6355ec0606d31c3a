package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodesAsDocumented runs `run` into each situation of the README's
// exit-code table that comes before any case: bad input exits 2, a
// target that is not the API exits 3, each with one message that says
// what to do, and each with its reports written.
func TestExitCodesAsDocumented(t *testing.T) {
	notTheAPI := httptest.NewServer(http.NotFoundHandler())
	defer notTheAPI.Close()
	tmp := t.TempDir()
	accountsFile := someAccounts(t, tmp)
	sandbox := func(base string) []string {
		return []string{"--target", "sandbox", "--base-url", base, "--accounts", accountsFile}
	}
	for _, tt := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"a malformed fixture", []string{"--fixtures", "testdata/badfixtures"}, exitUsage, "run: 4 malformed fixtures, so no case ran"},
		{"a focus that is not a regular expression", []string{"--focus", "["}, exitUsage, `run: configuration error: --focus "[" is not a regular expression`},
		{"a label filter that does not parse", []string{"--label-filter", "errcode:("}, exitUsage, `run: configuration error: --label-filter "errcode:("`},
		{"a base URL without a scheme", sandbox(strings.TrimPrefix(notTheAPI.URL, "http://")), exitUsage, "is not an http(s) URL: write it with its scheme, e.g. http://127.0.0.1:"},
		{"a loopback host that answers 404 to everything", sandbox(notTheAPI.URL), exitUnreachable,
			"does not speak the API: its token endpoint /cgi-bin/stable_token answered HTTP 404"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(tmp, strings.ReplaceAll(tt.name, " ", "-"))
			code, stdout, stderr := runCLI(t, append([]string{"run", "--report-dir", dir}, tt.args...)...)
			if code != tt.code || strings.Count(stderr, tt.says) != 1 {
				t.Errorf("exit %d, want %d saying %q once:\n%s%s", code, tt.code, tt.says, stdout, stderr)
			}
			rep := readReport(t, dir)
			if rep.Error == "" || len(rep.Cases) != 0 {
				t.Errorf("report: error %q, %d cases; want the reason and no case", rep.Error, len(rep.Cases))
			}
		})
	}
}

// TestMakeConformancePrintsWhatTheExitCodeMeans: make turns any failure
// into its own exit 2, so the target prints the binary's code and its
// meaning.
func TestMakeConformancePrintsWhatTheExitCodeMeans(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make not found")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	cmd := exec.Command(mk, "-s", "conformance", "SHOPCONFORM_BIN="+filepath.Join(tmp, "shopconform"), "RUN_FLAGS=--focus=[ --report-dir "+filepath.Join(tmp, "reports"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS="+strings.Join(append(strings.Fields(os.Getenv("GOFLAGS")), raceFlags()...), " "))
	cmd.Env = append(cmd.Env, quietRaceExit()...)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "make conformance: shopconform exited 2: bad usage or bad input") {
		t.Errorf("make conformance with a bad focus: %v\n%s", err, out)
	}
}

// someAccounts writes an accounts file with one made-up profile into dir:
// enough for a sandbox target's configuration to be valid, before any
// request shows the target is not there or not the API.
func someAccounts(t *testing.T, dir string) string {
	t.Helper()
	file := filepath.Join(dir, "accounts.json")
	if err := os.WriteFile(file, []byte(`{"profiles": {"default": {"appid": "wx0123456789abcdef", "secret": "0123456789abcdef0123456789abcdef"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}
