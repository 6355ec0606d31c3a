package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/fuzz/report"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/accounts"
)

// TestFuzzExitCodes: bad usage exits 2 and a dead or foreign target 3,
// before any request; a campaign without finding exits 0 with fuzz.json
// within its budget.
func TestFuzzExitCodes(t *testing.T) {
	notTheAPI := httptest.NewServer(http.NotFoundHandler())
	defer notTheAPI.Close()
	tmp := t.TempDir()
	accountsFile := someAccounts(t, tmp)
	for _, tt := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"a seed that is no number", []string{"--seed", "x"}, exitUsage, `--seed "x" is not a whole number`},
		{"the replay target", []string{"--target", "replay"}, exitUsage, "target replay answers only the requests its cassettes recorded"},
		{"an unknown operator", []string{"--operators", "drop-required,nope"}, exitUsage, `unknown operator "nope"`},
		{"a malformed fixture", []string{"--fixtures", "testdata/badfixtures"}, exitUsage, "4 malformed fixtures"},
		{"a target that is not there", []string{"--target", "sandbox", "--base-url", "http://127.0.0.1:1", "--accounts", accountsFile}, exitUnreachable, "is unreachable"},
		{"a target that is not the API", []string{"--target", "sandbox", "--base-url", notTheAPI.URL, "--accounts", accountsFile}, exitUnreachable, "does not speak the API"},
		{"the reference sandbox", []string{"--budget", "300", "--seed", "1"}, exitOK, "fuzz: seed 1 on reference"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(tmp, strings.ReplaceAll(tt.name, " ", "-"))
			code, stdout, stderr := runCLI(t, append([]string{"fuzz", "--out", out}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.says) {
				t.Fatalf("exit %d, want %d saying %q:\n%s%s", code, tt.code, tt.says, stdout, stderr)
			}
			rep, err := report.Read(filepath.Join(out, report.FileName))
			switch {
			case code != exitOK && err == nil:
				t.Errorf("fuzz.json written though nothing was sent")
			case code == exitOK && (err != nil || rep.Requests > 300 || len(rep.Findings) > 0):
				t.Errorf("fuzz.json: %v, %+v", err, rep)
			}
		})
	}
}

// TestFuzzASandboxWithFindings: over HTTP, a sandbox that answers 0 to
// every order/get has findings there (exit 1), each written as a case
// that lint accepts; nothing the campaign wrote holds a secret.
func TestFuzzASandboxWithFindings(t *testing.T) {
	sb, err := refsandbox.New(refsandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/shop/order/get" {
			_, _ = w.Write([]byte(`{"errcode": 0, "errmsg": "ok"}`))
			return
		}
		sb.Handler().ServeHTTP(w, r)
	}))
	defer srv.Close()
	tmp := t.TempDir()
	accountsFile := filepath.Join(tmp, "accounts.json")
	if err := accounts.Write(accountsFile, runner.SandboxAccounts(sb)); err != nil {
		t.Fatal(err)
	}
	out, cases := filepath.Join(tmp, "out"), filepath.Join(tmp, "cases")
	code, stdout, stderr := runCLI(t, "fuzz", "--target", "sandbox", "--base-url", srv.URL, "--accounts", accountsFile, "--rate", "0",
		"--budget", "1500", "--seed", "8", "--operators", "drop-required,pair-neither", "--out", out, "--emit-cases", cases)
	if code != exitFailures || !strings.Contains(stdout, "ACCEPTED-INVALID /shop/order/get") {
		t.Fatalf("exit %d, want 1 with findings on /shop/order/get:\n%s%s", code, stdout, stderr)
	}
	rep, err := report.Read(filepath.Join(out, report.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Endpoint != "/shop/order/get" || !strings.Contains(f.Curl, srv.URL+"/shop/order/get?access_token=ACCESS_TOKEN") {
			t.Errorf("finding on %s, curl %q", f.Endpoint, f.Curl)
		}
	}
	if code, stdout, stderr := runCLI(t, "lint", "--fixtures", cases); code != exitOK {
		t.Errorf("lint of the emitted cases: exit %d\n%s%s", code, stdout, stderr)
	}
	written, _ := os.ReadFile(filepath.Join(out, report.FileName))
	for name, c := range runner.SandboxAccounts(sb).Profiles {
		if strings.Contains(string(written)+stdout+stderr, c.Secret) {
			t.Errorf("the secret of profile %s leaked", name)
		}
	}
}

// TestReportHTMLShowsTheCampaign: report.html gains its Fuzzing section
// when fuzz writes beside a run's results.json, and keeps it when the
// run writes again beside a fuzz.json.
func TestReportHTMLShowsTheCampaign(t *testing.T) {
	dir := t.TempDir()
	html := func() string {
		data, err := os.ReadFile(filepath.Join(dir, "report.html"))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	run := func() {
		if code, stdout, stderr := runCLI(t, "run", "--domains", "universal", "--focus", "universal-ok-delivery-company-list", "--report-dir", dir); code != exitOK {
			t.Fatalf("run: exit %d\n%s%s", code, stdout, stderr)
		}
	}
	run()
	if strings.Contains(html(), `id="fuzzing"`) {
		t.Fatal("a Fuzzing section without a campaign")
	}
	if code, stdout, stderr := runCLI(t, "fuzz", "--budget", "60", "--seed", "1", "--out", dir); code != exitOK {
		t.Fatalf("fuzz: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, when := range []string{"after fuzz", "after run again"} {
		page := html()
		if !strings.Contains(page, `<section id="fuzzing">`) || !strings.Contains(page, `class="fuzz-clean muted"`) {
			t.Errorf("%s: no Fuzzing section saying there is no finding", when)
		}
		run()
	}
}
