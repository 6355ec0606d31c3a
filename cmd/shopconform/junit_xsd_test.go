package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJUnitNamesFixturesWithoutTheMachinesPath runs suites on a fixtures
// folder given as an absolute path: junit.xml must name each case's file,
// and each malformed file, from the folder's own name on, as CI shows it
// on any machine.
func TestJUnitNamesFixturesWithoutTheMachinesPath(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a suite")
	}
	for _, tt := range []struct {
		folder string
		code   int
		want   map[string]string // testcase name → file attribute
	}{
		{"goodfixtures", exitFailures, map[string]string{
			"ok":                "goodfixtures/universal/ok.json",
			"wrong-expectation": "goodfixtures/universal/wrong-expectation.json",
		}},
		{"badfixtures", exitUsage, map[string]string{
			"malformed fixture badfixtures/universal/trailing-comma.json": "badfixtures/universal/trailing-comma.json",
			"malformed fixture badfixtures/universal/with-comment.json":   "badfixtures/universal/with-comment.json",
		}},
	} {
		t.Run(tt.folder, func(t *testing.T) {
			abs, err := filepath.Abs(filepath.Join("testdata", tt.folder))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if code, stdout, stderr := runCLI(t, "run", "--domains", "universal", "--fixtures", abs, "--report-dir", dir); code != tt.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.code, stdout, stderr)
			}
			data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Suites []struct {
					Cases []struct {
						Name string `xml:"name,attr"`
						File string `xml:"file,attr"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("junit.xml: %v", err)
			}
			got := map[string]string{}
			for _, s := range doc.Suites {
				for _, c := range s.Cases {
					got[c.Name] = c.File
					if strings.Contains(c.Name+c.File, abs) {
						t.Errorf("testcase %q names this machine's folder (file %q)", c.Name, c.File)
					}
				}
			}
			for name, file := range tt.want {
				if got[name] != file {
					t.Errorf("testcase %q: file %q, want %q", name, got[name], file)
				}
			}
		})
	}
}
