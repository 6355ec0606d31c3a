package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/runner/results"
)

// TestExpectationsDecideTheExitCode runs the two good fixtures (one
// passes, one fails) on the reference sandbox with an expectations file:
// an honoured entry turns the failing run green, an expected failure that
// does not happen or an expired entry turns it red again, an entry that
// matches nothing is listed, and a malformed file stops the run with 2.
func TestExpectationsDecideTheExitCode(t *testing.T) {
	tmp := t.TempDir()
	fixtures := abs(t, "testdata/goodfixtures")
	later := time.Now().UTC().AddDate(0, 1, 0).Format(time.DateOnly)
	earlier := time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly)
	known := `- case: wrong-expectation
  target: reference
  outcome: fail
  reason: the fixture claims the wrong code on purpose
  link: https://tracker.example.com/1
  expires: ` + later + "\n"
	for _, tt := range []struct {
		name, file string
		code       int
		says       []string
		broken     int
		honoured   bool // wrong-expectation carries its expectation
	}{
		{"an honoured entry", known, exitOK, []string{"1 fail, 0 error, 0 inconclusive, 0 skipped (1 of them as expected)"}, 0, true},
		{"an entry for another target", strings.Replace(known, "target: reference", "target: sandbox", 1) + `- case: nothing-*
  outcome: skipped
  reason: no such case
  expires: ` + later + "\n", exitFailures, []string{"FAIL wrong-expectation", "expectations.yaml:7 (case nothing-*) matched no case of this run", "expectations.yaml:1 (case wrong-expectation) matched no case"}, 0, false},
		{"an expected failure that did not happen", known + `- case: ok
  outcome: error
  reason: thought broken
  expires: ` + later + "\n", exitFailures, []string{"EXPECTATION ok: expected failure did not happen"}, 1, true},
		{"an expired entry", strings.Replace(known, later, earlier, 1), exitFailures, []string{"EXPECTATION wrong-expectation: expired on " + earlier, "FAIL wrong-expectation"}, 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(tmp, strings.ReplaceAll(tt.name, " ", "-"))
			file := filepath.Join(dir, "expectations.yaml")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir) // the console names the file as given
			code, stdout, stderr := runCLI(t, "run", "--domains", "universal", "--fixtures", fixtures,
				"--report-dir", "reports", "--expectations", "expectations.yaml")
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.says {
				if !strings.Contains(stdout, s) {
					t.Errorf("the console does not say %q:\n%s", s, stdout)
				}
			}
			rep := readReport(t, "reports")
			if rep.Expectations == nil || rep.Expectations.File != "expectations.yaml" || len(rep.Expectations.Broken) != tt.broken {
				t.Fatalf("results.json expectations: %+v", rep.Expectations)
			}
			for _, c := range rep.Cases {
				honoured := tt.honoured && c.ID == "wrong-expectation"
				if (c.Expectation != nil) != honoured || honoured && (c.Outcome != results.Fail || c.Expectation.Link != "https://tracker.example.com/1") {
					t.Errorf("%s: outcome %s, expectation %+v", c.ID, c.Outcome, c.Expectation)
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tt.honoured]; rep.Statistics.Expected != want {
				t.Errorf("statistics.expected %d, want %d", rep.Statistics.Expected, want)
			}
		})
	}
	t.Run("a malformed file", func(t *testing.T) {
		dir := filepath.Join(tmp, "malformed")
		file := filepath.Join(tmp, "bad.yaml")
		if err := os.WriteFile(file, []byte("- case: ok\n  outcome: passed\n  reason: x\n  expires: 2027-02-30\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCLI(t, "run", "--domains", "universal", "--report-dir", dir, "--expectations", file)
		if code != exitUsage || !strings.Contains(stderr, file+":2:12:") || !strings.Contains(stderr, file+":4:12:") {
			t.Errorf("exit %d, want %d naming each mistake by file:line:col:\n%s%s", code, exitUsage, stdout, stderr)
		}
		if rep := readReport(t, dir); len(rep.Cases) != 0 || !strings.Contains(rep.Error, "expectations file") {
			t.Errorf("report: %d cases, error %q", len(rep.Cases), rep.Error)
		}
	})
}

func abs(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
