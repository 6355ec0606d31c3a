package summary

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

func code0(n int) *int { return &n }

// The shape runner/matchers gives a failed errcode assertion.
const gomegaReason = "Expected\n" +
	"    errcode 0 (success)\n" +
	"    errmsg:   \"ok\"\n" +
	"    endpoint: /shop/spu/add\n" +
	"    fixture:  fixtures/product/product-1000001-missing-out-id.json\n" +
	"to have errcode\n" +
	"    1000001 (out_product_id missing)\n"

func smallReport() *results.Report {
	r := &results.Report{Target: "reference", HarnessVersion: "0.1.0", CatalogHash: catalog.Default().Hash()}
	results.Merge(r, []string{"universal", "product"}, map[string]results.Part{
		"universal": {Domain: "universal", Cases: []results.Case{
			{ID: "universal-40066-unknown-path", Domain: "universal", Endpoint: "/shop/spu/addd", ExpectedErrcode: 40066, ActualErrcode: code0(40066), Outcome: results.Pass},
			{ID: "universal-47001-not-json", Domain: "universal", Endpoint: "/shop/spu/get_list", ExpectedErrcode: 47001, Outcome: results.Error,
				Reason: "transport: connection refused\n(attempt 1)"},
		}},
		"product": {Domain: "product", Cases: []results.Case{
			{ID: "product-0-add", Domain: "product", Endpoint: "/shop/spu/add", ExpectedErrcode: 0, ActualErrcode: code0(0), Outcome: results.Pass, Flaky: true},
			{ID: "product-1000001-missing-out-id", Domain: "product", Endpoint: "/shop/spu/add", ExpectedErrcode: 1000001, ActualErrcode: code0(0), Outcome: results.Fail, Reason: gomegaReason},
		}, Pending: []results.Pending{{Code: 1000002, Domain: "product", Text: "under review"}}},
	})
	return r
}

func render(t *testing.T, r *results.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func hasLine(t *testing.T, out, line string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if l == line {
			return
		}
	}
	t.Errorf("missing line\n%s\nin\n%s", line, out)
}

// tableRows returns the data rows of the table whose header starts with
// head.
func tableRows(out, head string) []string {
	var rows []string
	in := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, head):
			in = true
		case in && strings.HasPrefix(l, "|---"):
		case in && strings.HasPrefix(l, "|"):
			rows = append(rows, l)
		case in:
			return rows
		}
	}
	return rows
}

var unescapedPipe = regexp.MustCompile(`(^|[^\\])\|`)

func cells(row string) int { return len(unescapedPipe.FindAllString(row, -1)) - 1 }

func TestSmallReport(t *testing.T) {
	out := render(t, smallReport())
	if first := strings.SplitN(out, "\n", 2)[0]; first != "## ❌ shopconform failed: 1 fail, 1 error of 4 cases" {
		t.Errorf("verdict line %q", first)
	}
	hasLine(t, out, "| cases | pass | flaky (in pass) | fail | error | inconclusive | skipped | expected (in the above) | pending codes | malformed fixtures |")
	hasLine(t, out, "| 4 | 2 | 1 | 1 | 1 | 0 | 0 | 0 | 1 | 0 |")
	rows := tableRows(out, "| case |")
	want := []string{
		"| `product-1000001-missing-out-id` | fail | product | `/shop/spu/add` | 1000001 → 0 | errcode 0 (success) errmsg: \"ok\" |",
		"| `universal-47001-not-json` | error | universal | `/shop/spu/get_list` | 47001 → none | transport: connection refused |",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("failure rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	// Only passing cases cover a code: 40066 and 0 (universal codes) passed,
	// product's only other case failed.
	hasLine(t, out, "| domain | codes passing | pending | cases | fail | error | inconclusive |")
	hasLine(t, out, fmt.Sprintf("| universal | 2 / %d | 0 | 2 | 0 | 1 | 0 |", len(catalog.Default().InDomain(catalog.Universal))))
	hasLine(t, out, fmt.Sprintf("| product | 0 / %d | 1 | 2 | 1 | 0 | 0 |", len(catalog.Default().InDomain(catalog.Product))))
	if strings.Contains(out, "### Notes") {
		t.Errorf("a complete run without problems has no notes:\n%s", out)
	}
	if n := len(strings.Split(out, "\n")); n > 40 {
		t.Errorf("%d lines: a summary must stay short", n)
	}
}

func TestFailureListedFirst(t *testing.T) {
	r := smallReport()
	// The injected failure comes last in the report, after an error and
	// after passes; it must still head the table.
	r.Cases = append(r.Cases, results.Case{ID: "zz-injected", Domain: "universal", Endpoint: "/shop/x", ExpectedErrcode: 40066, ActualErrcode: code0(0), Outcome: results.Fail, Reason: "injected"})
	r.Statistics.Count(results.Fail)
	rows := tableRows(render(t, r), "| case |")
	if len(rows) != 3 || !strings.HasPrefix(rows[0], "| `product-1000001") || !strings.HasPrefix(rows[1], "| `zz-injected` | fail |") || !strings.Contains(rows[2], "| error |") {
		t.Errorf("fail rows, in report order, before error rows:\n%s", strings.Join(rows, "\n"))
	}
}

func TestFiftyRowCut(t *testing.T) {
	r := &results.Report{Target: "reference"}
	var cs []results.Case
	for i := range 73 {
		cs = append(cs, results.Case{ID: fmt.Sprintf("c%03d", i), Domain: "universal", ExpectedErrcode: 40066, ActualErrcode: code0(0), Outcome: results.Fail, Reason: "wrong"})
	}
	results.Merge(r, []string{"universal"}, map[string]results.Part{"universal": {Domain: "universal", Cases: cs}})
	out := render(t, r)
	rows := tableRows(out, "| case |")
	if len(rows) != MaxRows || !strings.HasPrefix(rows[0], "| `c000`") || !strings.HasPrefix(rows[MaxRows-1], "| `c049`") {
		t.Errorf("%d rows, first %q", len(rows), rows[0])
	}
	hasLine(t, out, "and 23 more.")
}

func TestPassingRun(t *testing.T) {
	r := &results.Report{Target: "reference", HarnessVersion: "0.1.0"}
	results.Merge(r, []string{"universal"}, map[string]results.Part{"universal": {Domain: "universal", Cases: []results.Case{
		{ID: "a", Domain: "universal", ExpectedErrcode: 40066, ActualErrcode: code0(40066), Outcome: results.Pass},
	}}})
	out := render(t, r)
	if !strings.HasPrefix(out, "## ✅ shopconform passed: 1 case, nothing failed\n") {
		t.Errorf("verdict:\n%s", out)
	}
	if strings.Contains(out, "Failing") {
		t.Error("no failure table when nothing failed")
	}
}

func TestNotesForIncompleteRunErrorSuiteAndFixtures(t *testing.T) {
	r := smallReport()
	r.Domains = append(r.Domains, results.DomainResult{Domain: "order", Failure: "the suite did not report"})
	r.Complete = false
	r.Error = "configuration: SHOPCONFORM_RATE=fast\nallowed: auto or a number"
	r.Problems = []results.Problem{{File: "fixtures/order/x.json", Line: 3, Col: 5, Message: "unknown field \"expcet\"", Domain: "order"}}
	out := render(t, r)
	if first := strings.SplitN(out, "\n", 2)[0]; first != "## ❌ shopconform: the run failed: configuration: SHOPCONFORM\\_RATE=fast" {
		t.Errorf("verdict %q", first)
	}
	if strings.Contains(out, "interrupted") {
		t.Errorf("a configuration error is not an interrupt:\n%s", out)
	}
	hasLine(t, out, "- **Run error**: configuration: SHOPCONFORM\\_RATE=fast allowed: auto or a number")
	r.Error = ""
	hasLine(t, render(t, r), "- **Incomplete run**: the run was interrupted or a suite did not report; the numbers cover only what finished.")
	hasLine(t, out, "- **Suite order**: the suite did not report")
	hasLine(t, out, "- **Malformed fixture** `fixtures/order/x.json:3:5`: unknown field \"expcet\"")
	hasLine(t, out, "| order | did not report | ? | 0 | 0 | 0 | 0 |")
}

func TestValuesCannotBreakTheTableOrInjectMarkup(t *testing.T) {
	r := smallReport()
	r.Cases[1].Reason = "bad | answer <img src=x onerror=alert(1)> `code` *bold*"
	r.Cases[1].ID = "id|with`tick"
	out := render(t, r)
	if strings.Contains(out, "<img") {
		t.Error("raw HTML from a reason reached the summary")
	}
	for _, row := range tableRows(out, "| case |") {
		if n := cells(row); n != 6 {
			t.Errorf("%d cells in %q", n, row)
		}
	}
	if !strings.Contains(out, "`` id\\|with`tick ``") {
		t.Errorf("an id with a backtick and a pipe needs a longer fence and an escaped pipe:\n%s", out)
	}
}

func TestHeadline(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"needs account profile X", "needs account profile X"},
		{"\n  first\nsecond", "first"},
		{gomegaReason, `errcode 0 (success) errmsg: "ok"`},
		{"Expected\n    errcode 0 (success)\n    endpoint: /x\nto have response fields\n    data.product_id", "errcode 0 (success) to have response fields data.product_id"},
		{strings.Repeat("x", 500), strings.Repeat("x", maxReason-1) + "…"},
	} {
		if got := headline(tc.in); got != tc.want {
			t.Errorf("headline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestShardAndMergedRuns: a shard says which it is; a shard other than the
// first counts the codes its own cases passed, and leaves the pending
// codes to shard 1.
func TestShardAndMergedRuns(t *testing.T) {
	r := &results.Report{Target: "reference", HarnessVersion: "0.1.0", Shard: &results.ShardOf{Index: 2, Total: 3}}
	results.Merge(r, []string{"universal"}, map[string]results.Part{"universal": {Domain: "universal", Cases: []results.Case{
		{ID: "a", Domain: "universal", ExpectedErrcode: 40066, ActualErrcode: code0(40066), Outcome: results.Pass},
	}}})
	out := render(t, r)
	hasLine(t, out, "Shard 2 of 3: this shard's cases only; `shopconform report merge` joins the shards. Pending codes and malformed fixtures are listed by shard 1.")
	if !strings.Contains(out, fmt.Sprintf("| universal | 1 / %d | (shard 1) | 1 | 0 | 0 | 0 |\n", len(catalog.Default().InDomain(catalog.Universal)))) {
		t.Errorf("coverage of shard 2:\n%s", out)
	}
	r.Shard, r.MergedFrom = nil, []results.MergedShard{{Index: 1, Total: 2}, {Index: 2, Total: 2}}
	hasLine(t, render(t, r), "Merged from 2 shards.")
}

// merged builds a report of one universal part, the way run merges them.
func merged(cases ...results.Case) *results.Report {
	r := &results.Report{Target: "sandbox:127.0.0.1:8089", HarnessVersion: "0.1.0", CatalogHash: catalog.Default().Hash()}
	for i := range cases {
		if cases[i].Domain == "" {
			cases[i].Domain = "universal"
		}
	}
	results.Merge(r, []string{"universal"}, map[string]results.Part{"universal": {Domain: "universal", Cases: cases}})
	return r
}

func verdictLine(out string) string { return strings.SplitN(out, "\n", 2)[0] }

// An inconclusive case without an expectation fails the run: the verdict
// and the failure table say so.
func TestInconclusiveFailsTheRun(t *testing.T) {
	out := render(t, merged(
		results.Case{ID: "a", ExpectedErrcode: 40066, ActualErrcode: code0(45009), Outcome: results.Inconclusive, Reason: "the environment answered 45009, 45009"},
		results.Case{ID: "b", ExpectedErrcode: 40066, ActualErrcode: code0(40066), Outcome: results.Pass},
	))
	if got := verdictLine(out); got != "## ❌ shopconform failed: 0 fail, 0 error, 1 inconclusive of 2 cases" {
		t.Errorf("verdict %q", got)
	}
	hasLine(t, out, "### Failing, erroring and inconclusive cases")
	if rows := tableRows(out, "| case |"); len(rows) != 1 || !strings.HasPrefix(rows[0], "| `a` | inconclusive |") {
		t.Errorf("failure rows %q", rows)
	}
}

// Coverage counts a code only when a case passed for it: a domain whose
// every case errored covers nothing, though each code has a case.
func TestCoverageCountsPassingCodesOnly(t *testing.T) {
	var cs []results.Case
	for _, e := range catalog.Default().InDomain(catalog.Share) {
		cs = append(cs, results.Case{ID: fmt.Sprintf("share-%d", e.Code), Domain: "share", ExpectedErrcode: int(e.Code), Outcome: results.Error, Reason: "transport: reset"})
	}
	r := &results.Report{Target: "reference"}
	results.Merge(r, []string{"share"}, map[string]results.Part{"share": {Domain: "share", Cases: cs}})
	n := len(cs)
	hasLine(t, render(t, r), fmt.Sprintf("| share | 0 / %d | 0 | %d | 0 | %d | 0 |", n, n, n))
	r.Cases[0].Outcome = results.Pass
	hasLine(t, render(t, r), fmt.Sprintf("| share | 1 / %d | 0 | %d | 0 | %d | 0 |", n, n, n))
}

// A --focus run lists the cases its filters left out as skipped; the
// verdict counts the run's own cases and names the others apart.
func TestVerdictCountsSelectedCasesOnly(t *testing.T) {
	cases := []results.Case{{ID: "a", ExpectedErrcode: 40066, ActualErrcode: code0(40066), Outcome: results.Pass}}
	for i := range 30 {
		cases = append(cases, results.Case{ID: fmt.Sprintf("n%02d", i), Outcome: results.Skipped, Reason: results.NotSelected})
	}
	out := render(t, merged(cases...))
	if got := verdictLine(out); got != "## ✅ shopconform passed: 1 case, nothing failed; 30 more not selected by this run's filters" {
		t.Errorf("verdict %q", got)
	}
}

func TestPassingVerdictNamesSkipsAndExpected(t *testing.T) {
	r := merged(
		results.Case{ID: "a", ExpectedErrcode: 40066, ActualErrcode: code0(40066), Outcome: results.Pass, Flaky: true},
		results.Case{ID: "b", Outcome: results.Skipped, Reason: "needs account profile onboarding"},
		results.Case{ID: "c", Outcome: results.Skipped, Reason: "not triggerable on this target: needs magic values"},
		results.Case{ID: "d", ExpectedErrcode: 40066, ActualErrcode: code0(0), Outcome: results.Fail, Reason: "wrong",
			Expectation: &results.Expectation{Outcome: results.Fail, Reason: "known", Expires: "2026-09-30"}},
	)
	r.Expectations = &results.Expectations{File: "expected.yaml", Entries: 1, Broken: []results.BrokenExpectation{}, Unmatched: []results.ExpectationEntry{}}
	out := render(t, r)
	if got := verdictLine(out); got != "## ✅ shopconform passed: 4 cases, nothing failed: 1 pass (1 flaky), 2 skipped, 1 expected failure (see below)" {
		t.Errorf("verdict %q", got)
	}
	if strings.Contains(out, "Failing") || strings.Contains(out, "Broken") || strings.Contains(out, "matched nothing") {
		t.Errorf("an honoured expectation is no failure, and empty sections are left out:\n%s", out)
	}
	r.Cases[3].Expectation.Outcome, r.Cases[3].Outcome = results.Skipped, results.Skipped
	if got := verdictLine(render(t, r)); !strings.HasSuffix(got, "1 expected skip (see below)") {
		t.Errorf("verdict %q", got)
	}
}

func TestExpectationSections(t *testing.T) {
	entry := func(line int, glob, target string) results.ExpectationEntry {
		return results.ExpectationEntry{Line: line, Case: glob, Target: target, Outcome: results.Fail, Expires: "2026-09-30",
			Reason: "fixed upstream?", Link: "https://tracker.example.com/SHOP-1"}
	}
	r := merged(
		results.Case{ID: "fixed", ExpectedErrcode: 40066, ActualErrcode: code0(40066), Outcome: results.Pass},
		results.Case{ID: "known", ExpectedErrcode: 40066, ActualErrcode: code0(0), Outcome: results.Fail, Reason: "wrong",
			Expectation: &results.Expectation{Outcome: results.Fail, Reason: "the sandbox answers 0 | <b>here</b>", Link: "https://tracker.example.com/SHOP-2", Expires: "2026-09-30"}},
		results.Case{ID: "worse", ExpectedErrcode: 40066, Outcome: results.Error, Reason: "transport: reset"},
	)
	r.Expectations = &results.Expectations{File: "expected.yaml", Entries: 4,
		Broken: []results.BrokenExpectation{
			{CaseID: "fixed", Entry: entry(1, "fixed", "sandbox"), Problem: "expected failure did not happen"},
			{CaseID: "worse", Entry: entry(13, "wor*", ""), Problem: "expected fail, got error"},
		},
		Unmatched: []results.ExpectationEntry{{Line: 19, Case: "coupon-*", Target: "sdk:go", Outcome: results.Skipped, Expires: "2027-01-31"}},
	}
	r.Expectations.Broken[1].Entry.Link = "javascript:alert(1)"
	out := render(t, r)
	if got := verdictLine(out); got != "## ❌ shopconform failed: 0 fail, 1 error, 2 broken expectations of 3 cases; 1 expected failure (see below)" {
		t.Errorf("verdict %q", got)
	}
	// Broken expectations come first: they fail the run.
	if strings.Index(out, "### Broken expectations") > strings.Index(out, "### Failing") {
		t.Error("broken expectations must come before the failing cases")
	}
	hasLine(t, out, "Each fails the run: the case did not do what `expected.yaml` says.")
	want := []string{
		"| line 1: `fixed` (sandbox, fail) | `fixed` | expected failure did not happen | fixed upstream? <https://tracker.example.com/SHOP-1> |",
		"| line 13: `wor*` (any target, fail) | `worse` | expected fail, got error | fixed upstream? `javascript:alert(1)` |",
	}
	if rows := tableRows(out, "| entry |"); strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("broken rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	// The expected failure is not among the failures.
	if rows := tableRows(out, "| case |"); len(rows) != 1 || !strings.HasPrefix(rows[0], "| `worse` | error |") {
		t.Errorf("failure rows %q", rows)
	}
	if rows := tableRows(out, "| expected case |"); len(rows) != 1 ||
		rows[0] != "| `known` | fail | the sandbox answers 0 \\| &lt;b&gt;here&lt;/b&gt; <https://tracker.example.com/SHOP-2> | 2026-09-30 |" {
		t.Errorf("expected rows %q", rows)
	}
	hasLine(t, out, "No case of this run matched these entries of `expected.yaml`; they fail nothing.")
	if rows := tableRows(out, "| line |"); len(rows) != 1 || rows[0] != "| 19 | `coupon-*` | sdk:go | skipped | 2027-01-31 |" {
		t.Errorf("unmatched rows %q", rows)
	}
	for _, head := range []string{"| entry |", "| expected case |", "| line |"} {
		for _, row := range tableRows(out, head) {
			if n, want := cells(row), cells(tableHead(out, head)); n != want {
				t.Errorf("%d cells in %q, want %d", n, row, want)
			}
		}
	}
}

// tableHead is the whole header line that starts with head.
func tableHead(out, head string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, head) {
			return l
		}
	}
	return ""
}

func TestSkipsByReason(t *testing.T) {
	out := render(t, merged(
		results.Case{ID: "a", Outcome: results.Skipped, Reason: "needs account profile onboarding"},
		results.Case{ID: "b", Outcome: results.Skipped, Reason: "not triggerable on this target: needs magic values"},
		results.Case{ID: "c", Outcome: results.Skipped, Reason: "not triggerable on this target: needs magic values"},
		results.Case{ID: "d", Outcome: results.Skipped, Reason: "the run's budget is spent"},
	))
	want := []string{
		"| not triggerable on this target: needs magic values | 2 |",
		"| needs account profile onboarding | 1 |",
		"| the run's budget is spent | 1 |",
	}
	if rows := tableRows(out, "| skip reason |"); strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("skip rows:\n%s", strings.Join(rows, "\n"))
	}
	if strings.Contains(render(t, smallReport()), "skip reason") {
		t.Error("no skip table without skipped cases")
	}
}
