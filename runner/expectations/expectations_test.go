package expectations

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/runner/results"
)

func day(s string) time.Time {
	d, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestLoadValidFile(t *testing.T) {
	f, err := Load(filepath.Join("testdata", "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Line: 2, Col: 3, Case: "coupon-*", Target: "sandbox", Outcome: results.Inconclusive,
			Reason: "the sandbox's coupon service answers 45009 under load", Link: "https://example.com/issues/12", Expires: day("2026-11-30")},
		{Line: 9, Col: 3, Case: "universal-40066-?????", Outcome: results.Fail,
			Reason: "the reference sandbox answers 40066 only for unknown paths", Expires: day("2026-06-01")},
		{Line: 14, Col: 3, Case: "product-1000001-missing-out-id", Target: "sdk:wechat-shop-go", Outcome: results.Error,
			Reason: "the SDK refuses to send a request without out_product_id", Expires: day("2026-12-31")},
	}
	if f.Name != filepath.Join("testdata", "valid.yaml") || !reflect.DeepEqual(f.Entries, want) {
		t.Errorf("got %s %+v\nwant %+v", f.Name, f.Entries, want)
	}
}

func TestEmptyListIsValidEmptyFileIsNot(t *testing.T) {
	f, err := Load(filepath.Join("testdata", "empty-list.yaml"))
	if err != nil || f.Entries == nil || len(f.Entries) != 0 {
		t.Errorf("[]: %+v, %v; want no entries and no error", f, err)
	}
	_, err = Load(filepath.Join("testdata", "empty.yaml"))
	if err == nil || err.Error() != "testdata/empty.yaml:1:1: the file is empty: it must be a list of entries (- case: …); write [] for none" {
		t.Errorf("empty file: %v", err)
	}
	if _, err := Load(filepath.Join("testdata", "missing.yaml")); err == nil || !strings.HasPrefix(err.Error(), "expectations file: open testdata/missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

// TestEveryProblemIsReported: one file with many mistakes yields one line
// per mistake, in file order, not just the first.
func TestEveryProblemIsReported(t *testing.T) {
	_, err := Load(filepath.Join("testdata", "bad.yaml"))
	if err == nil {
		t.Fatal("bad.yaml loaded")
	}
	want := []string{
		`testdata/bad.yaml:1:9: entry 1: case "coupon-[" is not a valid pattern on case ids (a shell pattern: * any text, ? one character, [a-z] a class)`,
		`testdata/bad.yaml:2:12: entry 1: outcome "failed" is not one of fail, error, inconclusive, skipped`,
		`testdata/bad.yaml:3:11: entry 1: reason is blank: say why the case deviates`,
		`testdata/bad.yaml:4:12: entry 1: expires "2026-02-30" is not a date: write the last day the entry holds as YYYY-MM-DD`,
		`testdata/bad.yaml:7:3: entry 2: unknown key "outcom" (allowed: case, target, outcome, reason, link, expires)`,
		`testdata/bad.yaml:5:3: entry 2 is missing outcome (required: case, outcome, reason, expires)`,
		`testdata/bad.yaml:6:11: entry 2: target "prod" is not one of reference, sandbox, replay, sdk:NAME (or leave it out for any target)`,
		`testdata/bad.yaml:10:9: entry 2: link "www.example.com" is not an absolute http(s) URL`,
	}
	if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestProblemsNameLineAndColumn pins the message of each kind of mistake.
func TestProblemsNameLineAndColumn(t *testing.T) {
	const ok = "- case: a-*\n  outcome: fail\n  reason: r\n  expires: 2026-01-01\n"
	for _, tc := range []struct{ name, data, want string }{
		{"not YAML", "- case: a\n\t- outcome: fail\n", "x.yaml:2: not valid YAML: found a tab character that violates indentation"},
		{"only a comment", "# nothing\n", "x.yaml:1:1: the file is empty: it must be a list of entries (- case: …); write [] for none"},
		{"a mapping", "case: a-*\noutcome: fail\n", "x.yaml:1:1: the file must be a list of entries (- case: …), not a mapping"},
		{"a text", "hello\n", `x.yaml:1:1: the file must be a list of entries (- case: …), not a text ("hello")`},
		{"two documents", ok + "---\n[]\n", "x.yaml:5:1: a second YAML document: the file must hold one list of entries"},
		{"entry not a mapping", "- a-*\n", `x.yaml:1:3: entry 1 must be a mapping with case, outcome, reason, expires (and optionally target, link), not a text ("a-*")`},
		{"entry a list", ok + "- [a]\n", "x.yaml:5:3: entry 2 must be a mapping with case, outcome, reason, expires (and optionally target, link), not a list"},
		{"missing case", "- outcome: fail\n  reason: r\n  expires: 2026-01-01\n", "x.yaml:1:3: entry 1 is missing case (required: case, outcome, reason, expires)"},
		{"missing reason", "- case: a\n  outcome: fail\n  expires: 2026-01-01\n", "x.yaml:1:3: entry 1 is missing reason (required: case, outcome, reason, expires)"},
		{"missing expires", "- case: a\n  outcome: fail\n  reason: r\n", "x.yaml:1:3: entry 1 is missing expires (required: case, outcome, reason, expires)"},
		{"unknown key", strings.Replace(ok, "reason: r", "reason: r\n  because: b", 1), `x.yaml:4:3: entry 1: unknown key "because" (allowed: case, target, outcome, reason, link, expires)`},
		{"key twice", strings.Replace(ok, "reason: r", "reason: r\n  reason: s", 1), "x.yaml:4:3: entry 1: reason is given twice"},
		{"case a list", strings.Replace(ok, "case: a-*", "case: [a, b]", 1), "x.yaml:1:9: entry 1: case must be a text, not a list"},
		{"case a number", strings.Replace(ok, "case: a-*", "case: 40066", 1), "x.yaml:1:9: entry 1: case must be a text, not a number (40066)"},
		{"case blank", strings.Replace(ok, "case: a-*", `case: ""`, 1), `x.yaml:1:9: entry 1: case "" is not a valid pattern on case ids`},
		{"bad glob", strings.Replace(ok, "case: a-*", `case: 'a-\'`, 1), `x.yaml:1:9: entry 1: case "a-\\" is not a valid pattern on case ids`},
		{"bad outcome", strings.Replace(ok, "outcome: fail", "outcome: pass", 1), `x.yaml:2:12: entry 1: outcome "pass" is not one of fail, error, inconclusive, skipped`},
		{"outcome a boolean", strings.Replace(ok, "outcome: fail", "outcome: false", 1), "x.yaml:2:12: entry 1: outcome must be a text, not a boolean (false)"},
		{"bad target", strings.Replace(ok, "case: a-*", "case: a-*\n  target: sandbox:127.0.0.1", 1), `x.yaml:2:11: entry 1: target "sandbox:127.0.0.1" is not one of reference, sandbox, replay, sdk:NAME (or leave it out for any target)`},
		{"sdk without a name", strings.Replace(ok, "case: a-*", "case: a-*\n  target: 'sdk:'", 1), `x.yaml:2:11: entry 1: target "sdk:" is not one of reference, sandbox, replay, sdk:NAME`},
		{"sdk name after a blank", strings.Replace(ok, "case: a-*", "case: a-*\n  target: 'sdk: go'", 1), `x.yaml:2:11: entry 1: target "sdk: go" is not one of reference, sandbox, replay, sdk:NAME`},
		{"reason empty", strings.Replace(ok, "reason: r", "reason:", 1), "x.yaml:3:10: entry 1: reason must be a text, not empty"},
		{"reason blank", strings.Replace(ok, "reason: r", "reason: '  '", 1), "x.yaml:3:11: entry 1: reason is blank: say why the case deviates"},
		{"reason a boolean", strings.Replace(ok, "reason: r", "reason: true", 1), "x.yaml:3:11: entry 1: reason must be a text, not a boolean (true)"},
		{"link relative", strings.Replace(ok, "reason: r", "reason: r\n  link: /issues/1", 1), `x.yaml:4:9: entry 1: link "/issues/1" is not an absolute http(s) URL`},
		{"link ftp", strings.Replace(ok, "reason: r", "reason: r\n  link: ftp://example.com/x", 1), `x.yaml:4:9: entry 1: link "ftp://example.com/x" is not an absolute http(s) URL`},
		{"expires not a day", strings.Replace(ok, "2026-01-01", "2026-13-01", 1), `x.yaml:4:12: entry 1: expires "2026-13-01" is not a date: write the last day the entry holds as YYYY-MM-DD`},
		{"expires with a time", strings.Replace(ok, "2026-01-01", "2026-01-01T10:00:00Z", 1), `x.yaml:4:12: entry 1: expires "2026-01-01T10:00:00Z" is not a date`},
		{"expires a number", strings.Replace(ok, "2026-01-01", "20260101", 1), "x.yaml:4:12: entry 1: expires must be a text, not a number (20260101)"},
		{"second entry counted", ok + strings.Replace(ok, "outcome: fail", "outcome: flaky", 1), `x.yaml:6:12: entry 2: outcome "flaky" is not one of`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tc.data))
			if err == nil {
				t.Fatalf("no error; want %s", tc.want)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got\n%s\nwant it to start\n%s", err, tc.want)
			}
		})
	}
	if _, err := Parse("x.yaml", []byte(ok)); err != nil {
		t.Errorf("the base entry is valid: %v", err)
	}
}

// An alias stands for the value it names, so entries can share a reason.
func TestAliasesResolve(t *testing.T) {
	f, err := Parse("x.yaml", []byte("- case: a\n  outcome: fail\n  reason: &why shared reason\n  expires: 2026-01-01\n- case: b\n  outcome: error\n  reason: *why\n  expires: 2026-01-01\n"))
	if err != nil || f.Entries[1].Reason != "shared reason" {
		t.Errorf("%+v %v", f, err)
	}
}

func TestApply(t *testing.T) {
	const file = `
- case: only-on-sandbox
  target: sandbox
  outcome: fail
  reason: the sandbox differs
  expires: 2026-06-30
- case: only-on-reference
  target: reference
  outcome: fail
  reason: the reference differs
  expires: 2026-06-30
- case: sdk-only
  target: sdk:go
  outcome: error
  reason: the Go SDK refuses
  expires: 2026-06-30
- case: first-*
  outcome: fail
  reason: first entry wins
  link: https://example.com/1
  expires: 2026-06-30
- case: first-wins
  outcome: error
  reason: never reached
  expires: 2026-06-30
- case: expired
  outcome: fail
  reason: old
  expires: 2026-06-14
- case: through-its-day
  outcome: fail
  reason: still today
  expires: 2026-06-15
- case: passed
  outcome: fail
  reason: fixed since
  expires: 2026-06-30
- case: skip-passed
  outcome: skipped
  reason: needs a profile
  expires: 2026-06-30
- case: skipped-*
  outcome: fail
  reason: a skipped case did not run
  expires: 2026-06-30
- case: skip-honoured
  outcome: skipped
  reason: needs a profile
  expires: 2026-06-30
- case: other-outcome
  outcome: fail
  reason: fails here
  expires: 2026-06-30
- case: matches-nothing
  outcome: fail
  reason: no such case
  expires: 2026-06-30
- case: sdk-blank
  target: sdk:node built-in fetch
  outcome: error
  reason: the runtime refuses
  expires: 2026-06-30
`
	f, err := Parse("exp.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	// Late on the 15th in UTC+8 is still the 15th in UTC: the day counts.
	today := time.Date(2026, 6, 16, 7, 0, 0, 0, time.FixedZone("CST", 8*3600))
	entry := func(line int, glob, target string, o results.Outcome, expires, reason string) results.ExpectationEntry {
		return results.ExpectationEntry{Line: line, Case: glob, Target: target, Outcome: o, Expires: expires, Reason: reason}
	}
	honoured := func(o results.Outcome, reason, link string) *results.Expectation {
		return &results.Expectation{Outcome: o, Reason: reason, Link: link, Expires: "2026-06-30"}
	}
	type want struct {
		expectation *results.Expectation
		broken      string
	}
	for _, tc := range []struct {
		name, target string
		c            results.Case
		want         want
		// matched is the line of the entry the case matched, 0 for none:
		// every other entry is unmatched.
		matched int
	}{
		{"sandbox entry on a sandbox host", "sandbox:127.0.0.1:8089", results.Case{ID: "only-on-sandbox", Outcome: results.Fail},
			want{expectation: honoured(results.Fail, "the sandbox differs", "")}, 2},
		{"sandbox entry on a bare sandbox", "sandbox", results.Case{ID: "only-on-sandbox", Outcome: results.Fail},
			want{expectation: honoured(results.Fail, "the sandbox differs", "")}, 2},
		{"sandbox entry not on reference", "reference", results.Case{ID: "only-on-sandbox", Outcome: results.Fail},
			want{}, 0},
		{"reference entry on reference", "reference", results.Case{ID: "only-on-reference", Outcome: results.Fail},
			want{expectation: honoured(results.Fail, "the reference differs", "")}, 7},
		{"reference entry not on replay", "replay", results.Case{ID: "only-on-reference", Outcome: results.Fail},
			want{}, 0},
		{"sdk entry under its sdk", "sdk:go", results.Case{ID: "sdk-only", Outcome: results.Error},
			want{expectation: honoured(results.Error, "the Go SDK refuses", "")}, 12},
		{"sdk entry not under another", "sdk:java", results.Case{ID: "sdk-only", Outcome: results.Error},
			want{}, 0},
		{"sdk named with blanks", "sdk:node built-in fetch", results.Case{ID: "sdk-blank", Outcome: results.Error},
			want{expectation: honoured(results.Error, "the runtime refuses", "")}, 58},
		{"sdk entry not for the target it runs on", "replay", results.Case{ID: "sdk-blank", Outcome: results.Error},
			want{}, 0},
		{"first matching entry decides", "reference", results.Case{ID: "first-wins", Outcome: results.Fail},
			want{expectation: honoured(results.Fail, "first entry wins", "https://example.com/1")}, 17},
		{"first matching entry decides, even when a later one would hold", "reference", results.Case{ID: "first-wins", Outcome: results.Error},
			want{broken: "expected fail, got error"}, 17},
		{"expired", "reference", results.Case{ID: "expired", Outcome: results.Fail},
			want{broken: "expired on 2026-06-14"}, 26},
		{"expired, though it passed", "reference", results.Case{ID: "expired", Outcome: results.Pass},
			want{broken: "expired on 2026-06-14"}, 26},
		{"valid through its day", "reference", results.Case{ID: "through-its-day", Outcome: results.Fail},
			want{expectation: &results.Expectation{Outcome: results.Fail, Reason: "still today", Expires: "2026-06-15"}}, 30},
		{"expected failure did not happen", "reference", results.Case{ID: "passed", Outcome: results.Pass},
			want{broken: "expected failure did not happen"}, 34},
		{"expected skip did not happen", "reference", results.Case{ID: "skip-passed", Outcome: results.Pass},
			want{broken: "expected skip did not happen"}, 38},
		{"a skip honours a skipped entry", "reference", results.Case{ID: "skip-honoured", Outcome: results.Skipped, Reason: "needs account profile x"},
			want{expectation: honoured(results.Skipped, "needs a profile", "")}, 46},
		{"a skipped case did not run: no verdict on a fail entry", "reference", results.Case{ID: "skipped-one", Outcome: results.Skipped, Reason: "the run's budget is spent"},
			want{}, 0},
		{"a case the filters left out never matches", "reference", results.Case{ID: "skip-honoured", Outcome: results.Skipped, Reason: results.NotSelected},
			want{}, 0},
		{"another non-pass outcome", "reference", results.Case{ID: "other-outcome", Outcome: results.Inconclusive},
			want{broken: "expected fail, got inconclusive"}, 50},
		{"an error where a skip was expected", "reference", results.Case{ID: "skip-passed", Outcome: results.Error},
			want{broken: "expected skipped, got error"}, 38},
		{"no entry for the case", "reference", results.Case{ID: "unrelated", Outcome: results.Fail},
			want{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cases := []results.Case{tc.c}
			got := f.Apply(tc.target, cases, today)
			if !reflect.DeepEqual(cases[0].Expectation, tc.want.expectation) {
				t.Errorf("expectation %+v, want %+v", cases[0].Expectation, tc.want.expectation)
			}
			switch {
			case tc.want.broken == "" && len(got.Broken) != 0:
				t.Errorf("broken %+v, want none", got.Broken)
			case tc.want.broken != "" && (len(got.Broken) != 1 || got.Broken[0].Problem != tc.want.broken || got.Broken[0].CaseID != tc.c.ID):
				t.Errorf("broken %+v, want %s: %q", got.Broken, tc.c.ID, tc.want.broken)
			}
			var lines []int
			for _, e := range f.Entries {
				if e.Line != tc.matched {
					lines = append(lines, e.Line)
				}
			}
			var gotLines []int
			for _, u := range got.Unmatched {
				gotLines = append(gotLines, u.Line)
			}
			if !reflect.DeepEqual(gotLines, lines) {
				t.Errorf("unmatched lines %v, want %v", gotLines, lines)
			}
		})
	}

	t.Run("the whole run", func(t *testing.T) {
		cases := []results.Case{
			{ID: "passed", Outcome: results.Pass},
			{ID: "first-a", Outcome: results.Fail, Expectation: nil},
			{ID: "expired", Outcome: results.Fail},
			{ID: "unrelated", Outcome: results.Fail, Expectation: &results.Expectation{Reason: "stale"}},
		}
		got := f.Apply("reference", cases, today)
		wantBroken := []results.BrokenExpectation{
			{CaseID: "passed", Entry: entry(34, "passed", "", results.Fail, "2026-06-30", "fixed since"), Problem: "expected failure did not happen"},
			{CaseID: "expired", Entry: entry(26, "expired", "", results.Fail, "2026-06-14", "old"), Problem: "expired on 2026-06-14"},
		}
		if got.File != "exp.yaml" || got.Entries != 14 || !reflect.DeepEqual(got.Broken, wantBroken) {
			t.Errorf("got %s %d %+v\nwant broken %+v", got.File, got.Entries, got.Broken, wantBroken)
		}
		if len(got.Unmatched) != 11 || got.Unmatched[0] != entry(2, "only-on-sandbox", "sandbox", results.Fail, "2026-06-30", "the sandbox differs") || got.Unmatched[9].Line != 54 {
			t.Errorf("unmatched %+v", got.Unmatched)
		}
		if cases[1].Expectation == nil || cases[3].Expectation != nil {
			t.Errorf("Apply decides every case's expectation: %+v", cases)
		}
	})

	t.Run("an empty file", func(t *testing.T) {
		got := (&File{Name: "none.yaml"}).Apply("reference", []results.Case{{ID: "a", Outcome: results.Fail}}, today)
		if got.Broken == nil || got.Unmatched == nil || len(got.Broken)+len(got.Unmatched) != 0 || got.Entries != 0 {
			t.Errorf("%+v: want empty, non-nil lists", got)
		}
	})
}

// The README's example file is valid: what people copy must load.
func TestReadmeExampleLoads(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## Expectations (known deviations)")
	if !ok {
		t.Fatal("the README has no section \"Expectations (known deviations)\"")
	}
	_, rest, ok = strings.Cut(rest, "```yaml\n")
	if !ok {
		t.Fatal("the section has no yaml example")
	}
	example, _, _ := strings.Cut(rest, "```")
	f, err := Parse("README.md example", []byte(example))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) < 2 {
		t.Errorf("the example shows %d entries", len(f.Entries))
	}
}

// TestApplyParts judges the cases of several domains as one run and puts
// each judged case back in its own domain's part.
func TestApplyParts(t *testing.T) {
	f, err := Parse("x.yaml", []byte("- case: b-*\n  outcome: fail\n  reason: known\n  expires: 2026-06-30\n"))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]results.Part{
		"a": {Domain: "a", Cases: []results.Case{{ID: "a-1", Outcome: results.Fail}}},
		"b": {Domain: "b", Cases: []results.Case{{ID: "b-1", Outcome: results.Pass}, {ID: "b-2", Outcome: results.Fail}}},
	}
	got := f.ApplyParts("reference", []string{"a", "missing", "b"}, parts, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if len(got.Broken) != 1 || got.Broken[0].CaseID != "b-1" {
		t.Errorf("broken %+v", got.Broken)
	}
	a, b := parts["a"].Cases, parts["b"].Cases
	if len(a) != 1 || a[0].Expectation != nil || len(b) != 2 || b[0].ID != "b-1" || b[1].Expectation == nil || b[1].Expectation.Reason != "known" {
		t.Errorf("parts after: a %+v, b %+v", a, b)
	}
	if _, ok := parts["missing"]; ok {
		t.Error("a domain without a part got one")
	}
}
