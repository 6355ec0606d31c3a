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
	hasLine(t, out, "| cases | pass | flaky (in pass) | fail | error | inconclusive | skipped | pending codes | malformed fixtures |")
	hasLine(t, out, "| 4 | 2 | 1 | 1 | 1 | 0 | 0 | 1 | 0 |")
	rows := tableRows(out, "| case |")
	want := []string{
		"| `product-1000001-missing-out-id` | fail | product | `/shop/spu/add` | 1000001 → 0 | errcode 0 (success) errmsg: \"ok\" |",
		"| `universal-47001-not-json` | error | universal | `/shop/spu/get_list` | 47001 → none | transport: connection refused |",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("failure rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	documented := len(catalog.Default().InDomain(catalog.Product))
	hasLine(t, out, fmt.Sprintf("| product | %d / %d | 1 | 2 | 1 | 0 |", documented-1, documented))
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
	hasLine(t, out, "- **Incomplete run**: the run was interrupted or a suite did not report; the numbers cover only what finished.")
	hasLine(t, out, "- **Run error**: configuration: SHOPCONFORM\\_RATE=fast allowed: auto or a number")
	hasLine(t, out, "- **Suite order**: the suite did not report")
	hasLine(t, out, "- **Malformed fixture** `fixtures/order/x.json:3:5`: unknown field \"expcet\"")
	hasLine(t, out, "| order | did not report | ? | 0 | 0 | 0 |")
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

// TestShardAndMergedRuns: a shard says which it is, and a shard other than
// the first does not claim the corpus's coverage, which shard 1 reports.
func TestShardAndMergedRuns(t *testing.T) {
	r := &results.Report{Target: "reference", HarnessVersion: "0.1.0", Shard: &results.ShardOf{Index: 2, Total: 3}}
	results.Merge(r, []string{"universal"}, map[string]results.Part{"universal": {Domain: "universal", Cases: []results.Case{
		{ID: "a", Domain: "universal", ExpectedErrcode: 40066, ActualErrcode: code0(40066), Outcome: results.Pass},
	}}})
	out := render(t, r)
	hasLine(t, out, "Shard 2 of 3: this shard's cases only; `shopconform report merge` joins the shards. Pending codes and malformed fixtures are listed by shard 1.")
	if !strings.Contains(out, "| universal | (shard 1) | (shard 1) | 1 | 0 | 0 |\n") {
		t.Errorf("coverage of shard 2:\n%s", out)
	}
	r.Shard, r.MergedFrom = nil, []results.MergedShard{{Index: 1, Total: 2}, {Index: 2, Total: 2}}
	hasLine(t, render(t, r), "Merged from 2 shards.")
}
