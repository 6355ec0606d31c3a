package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/runner/resultsdiff"
)

const diffData = "testdata/resultsdiff/"

// section returns the block of text output that starts with title, up to
// the next blank line.
func section(out, title string) string {
	i := strings.Index(out, "\n"+title)
	if i < 0 {
		return ""
	}
	block, _, _ := strings.Cut(out[i+1:], "\n\n")
	return block
}

func TestReportDiffRegression(t *testing.T) {
	code, stdout, stderr := runCLI(t, "report", "diff", diffData+"regression/old.json", diffData+"regression/new.json")
	if code != exitFailures {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFailures, stdout, stderr)
	}
	if first, _, _ := strings.Cut(stdout, "\n"); first != "3 regressed, 0 not run, 0 undocumented errcodes (0 cases), 0 errcode changed, 0 outcome changed, 1 newly passing, 1 added, 1 removed, 1 unchanged" {
		t.Errorf("summary line %q", first)
	}
	want := strings.Join([]string{
		"REGRESSED: passed in OLD and not in NEW, or new and not passing (3)",
		"  ID                                    DOMAIN     ENDPOINT                         OUTCOME         ERRCODE         EXPECTED  REASON",
		"  universal-41001-token-missing         universal  /shop/delivery/get_company_list  pass → fail     41001 → 40001   41001     Expected <int>: 40001 (invalid credential) to have errcode <int>: 41001",
		"  product-1000011-get-unknown           product    /shop/spu/get                    pass → skipped  1000011 → none  1000011   needs account profile not-opened",
		"  product-1000014-add-head-img-missing  product    /shop/spu/add                    (new) → error   - → none        1000014   given step add-spu: POST /shop/spu/add: connection reset by peer (attempt 1)",
	}, "\n")
	if got := section(stdout, "REGRESSED"); got != want {
		t.Errorf("regressed section:\n%s\nwant:\n%s", got, want)
	}
	for _, want := range []string{
		"OLD  " + diffData + "regression/old.json  sandbox:127.0.0.1:8089, harness 0.1.0, started 2026-11-25T02:00:00Z, 5 cases: 4 pass, 1 fail\n",
		"NEWLY PASSING (1)\n",
		"  product-1000012-already-exists  product  /shop/spu/add  fail → pass  0 → 1000012  1000012\n",
		"ADDED (1)\n",
		"REMOVED: no longer in NEW (1)\n",
		"  order-100000-get-unknown  order   /shop/order/get  pass → (removed)  100000 → -  100000\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// Tonight's problems come first.
	if strings.Index(stdout, "REGRESSED") > strings.Index(stdout, "NEWLY PASSING") {
		t.Errorf("regressions are not first:\n%s", stdout)
	}
}

func TestReportDiffImprovementsOnly(t *testing.T) {
	code, stdout, stderr := runCLI(t, "report", "diff", diffData+"improvements/old.json", diffData+"improvements/new.json")
	if code != exitOK {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitOK, stdout, stderr)
	}
	if !strings.HasPrefix(stdout, "0 regressed,") || strings.Contains(stdout, "REGRESSED") || !strings.Contains(stdout, "NEWLY PASSING (2)\n") {
		t.Errorf("output:\n%s", stdout)
	}
}

func TestReportDiffUndocumentedErrcode(t *testing.T) {
	code, stdout, stderr := runCLI(t, "report", "diff", diffData+"undocumented/old.json", diffData+"undocumented/new.json")
	// The case failed last night already: another wrong answer is news,
	// not a regression.
	if code != exitOK {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitOK, stdout, stderr)
	}
	want := strings.Join([]string{
		"UNDOCUMENTED ERRCODES: answered in NEW, not in the catalog (1 code, 1 case)",
		"  1234567, new in NEW, 1 case:",
		"    ID                                DOMAIN   ENDPOINT       OUTCOME      ERRCODE          EXPECTED  REASON",
		"    product-1000009-category-unknown  product  /shop/spu/add  fail → fail  47001 → 1234567  1000009   Expected <int>: 1234567 (not in the catalog) to have errcode <int>: 1000009",
	}, "\n")
	if got := section(stdout, "UNDOCUMENTED ERRCODES"); got != want {
		t.Errorf("undocumented section:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(stdout, "ERRCODE CHANGED: same outcome, another errcode (1)\n") {
		t.Errorf("no errcode change:\n%s", stdout)
	}
}

func TestReportDiffJSON(t *testing.T) {
	// Flags may follow the files.
	code, stdout, stderr := runCLI(t, "report", "diff", diffData+"regression/old.json", diffData+"regression/new.json", "--format", "json")
	if code != exitFailures {
		t.Fatalf("exit %d, want %d\n%s", code, exitFailures, stderr)
	}
	var doc struct {
		OldFile string `json:"old_file"`
		NewFile string `json:"new_file"`
		resultsdiff.Diff
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if doc.OldFile != diffData+"regression/old.json" || doc.Kind != resultsdiff.Kind || doc.SchemaVersion != resultsdiff.SchemaVersion {
		t.Errorf("header %q %q %q", doc.OldFile, doc.Kind, doc.SchemaVersion)
	}
	want := resultsdiff.Counts{Regressed: 3, NewlyPassing: 1, Added: 1, Removed: 1, Unchanged: 1}
	if doc.Counts != want {
		t.Errorf("counts %+v, want %+v", doc.Counts, want)
	}
	r := doc.Regressed[0]
	if r.ID != "universal-41001-token-missing" || r.OldOutcome != "pass" || r.NewOutcome != "fail" || *r.OldErrcode != 41001 || *r.NewErrcode != 40001 {
		t.Errorf("first regression %+v", r)
	}
	if !strings.Contains(stdout, `"reason": "Expected\n    <int>: 40001`) {
		t.Errorf("reasons are HTML-escaped:\n%s", stdout)
	}
}

func TestReportDiffRefusesBadFiles(t *testing.T) {
	good := diffData + "improvements/old.json"
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"not a results.json", []string{good, diffData + "bad/not-results.json"}, []string{
			"report diff: NEW file testdata/resultsdiff/bad/not-results.json is not a usable shopconform results.json:\n",
			"  testdata/resultsdiff/bad/not-results.json:1:1: no kind and no schema_version: not a shopconform results.json",
		}},
		{"another schema", []string{diffData + "bad/future-schema.json", good}, []string{
			"report diff: OLD file testdata/resultsdiff/bad/future-schema.json is not a usable shopconform results.json:\n",
			`  testdata/resultsdiff/bad/future-schema.json:2:21: schema_version "shopconform.results/v2" is not the one this shopconform reads ("shopconform.results/v1")`,
		}},
		{"truncated", []string{good, diffData + "bad/truncated.json"}, []string{
			"testdata/resultsdiff/bad/truncated.json:79:7: invalid JSON: unexpected end of input",
		}},
		{"bad cases", []string{good, diffData + "bad/bad-cases.json"}, []string{
			"bad-cases.json:160:13: cases[1] (universal-40066-unknown-path): duplicate id, already used by cases[0]\n",
			`bad-cases.json:169:18: cases[1] (universal-40066-unknown-path): outcome "passed" is not one of`,
		}},
		{"missing, and both files are checked", []string{diffData + "nope.json", diffData + "bad/not-results.json"}, []string{
			"report diff: OLD file testdata/resultsdiff/nope.json: cannot read it: no such file or directory\n",
			"report diff: NEW file testdata/resultsdiff/bad/not-results.json is not a usable",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"report", "diff"}, tt.args...)...)
			if code != exitUsage || stdout != "" {
				t.Fatalf("exit %d, want %d; stdout:\n%s", code, exitUsage, stdout)
			}
			for _, want := range tt.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}

func TestReportUsage(t *testing.T) {
	ok := diffData + "improvements/old.json"
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"report"}, exitUsage, "usage: shopconform report <command>"},
		{[]string{"report", "nope"}, exitUsage, `shopconform report: unknown command "nope"`},
		{[]string{"report", "help"}, exitOK, "  diff     compare two results.json files"},
		{[]string{"report", "diff"}, exitUsage, "want two files, OLD.json and NEW.json; got 0"},
		{[]string{"report", "diff", ok}, exitUsage, "got 1"},
		{[]string{"report", "diff", ok, ok, ok}, exitUsage, "got 3"},
		{[]string{"report", "diff", "--format", "xml", ok, ok}, exitUsage, `--format "xml" is not one of text, json`},
		{[]string{"report", "diff", "--nope", ok, ok}, exitUsage, "flag provided but not defined: -nope"},
		{[]string{"report", "diff", "-h"}, exitOK, "Exit codes: 0 nothing regressed, 1 something regressed, 2 bad usage"},
		{[]string{"report", "diff", "--", ok, ok}, exitOK, ""},
	} {
		code, _, stderr := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d (want %d), stderr:\n%s", tt.args, code, tt.code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "help"); code != exitOK || !strings.Contains(stderr, "  report   compare reports") {
		t.Errorf("help: exit %d, report is not listed:\n%s", code, stderr)
	}
}
