package htmlreport

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/htmlquery"
	"github.com/shopconform/shopconform/runner/results"
)

// hostileBody is what a target could answer: markup that must show as text.
const hostileBody = `{"errcode":0,"errmsg":"<script>alert('x')</script><img src=https://evil.example/x.png>"}`

func code(n int) *int { return &n }

// sampleReport has one case of every kind the page distinguishes, merged
// the way `shopconform run` merges suite parts, so the statistics are real.
func sampleReport() *results.Report {
	r := &results.Report{
		Target: "reference", HarnessVersion: "0.1.0-test", CatalogHash: catalog.Default().Hash(),
		Config:    map[string]string{"target": "reference", "rate": "auto", "accounts": "<redacted>"},
		StartedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), FinishedAt: time.Date(2026, 3, 1, 10, 0, 42, 0, time.UTC),
	}
	rerun := func(id string) string {
		return "go run ./cmd/shopconform run --domains x --focus '" + id + "'"
	}
	results.Merge(r, []string{"universal", "product", "order", "access"}, map[string]results.Part{
		"universal": {Domain: "universal", Target: "reference", Cases: []results.Case{
			{ID: "universal-40066-unknown-path", Domain: "universal", Endpoint: "/shop/spu/addd", Account: "default", Evidence: "D",
				ExpectedErrcode: 40066, ActualErrcode: code(40066), Outcome: results.Pass, Attempts: 1, DurationMS: 3, Rerun: rerun("universal-40066-unknown-path")},
			{ID: "universal-300000-rate-limited", Domain: "universal", Endpoint: "/shop/delivery/get_company_list", Account: "rate-limited", Evidence: "D",
				ExpectedErrcode: 300000, ActualErrcode: code(45009), Outcome: results.Inconclusive, Attempts: 4,
				Reason: "the environment answered instead of the API: 45009, 45009, 45009, 45009"},
		}},
		"product": {Domain: "product", Target: "reference", Cases: []results.Case{
			{ID: "product-0-add-minimal", Domain: "product", Endpoint: "/shop/spu/add", Account: "default", Evidence: "D",
				ExpectedErrcode: 0, ActualErrcode: code(0), Outcome: results.Pass, Flaky: true, Attempts: 2,
				Reason: "passed on attempt 2 after 300000"},
			{ID: "product-1000001-missing-out-id", Domain: "product", Endpoint: "/shop/spu/add", Account: "default", Evidence: "D",
				Summary: "spu/add without out_product_id gets 1000001", ExpectedErrcode: 1000001, ActualErrcode: code(0), Errmsg: "ok",
				Outcome: results.Fail, Attempts: 1, Reason: "Expected\n    <runner.Result>: errcode 0 (success)\nto have errcode\n    <int>: 1000001",
				Transcript: []results.Exchange{
					{Step: "given 1 (category)", Method: "POST", Endpoint: "/shop/cat/get", RequestContentType: "application/json", RequestBody: `{}`, Status: 200, ResponseBody: `{"errcode":0}`},
					{Step: "case", Method: "POST", Endpoint: "/shop/spu/add", RequestContentType: "application/json", RequestBody: `{"title":"t"}`, Status: 200, ResponseBody: hostileBody},
				},
				Curl:  `curl -sS -X POST 'http://127.0.0.1:8089/shop/spu/add?access_token=ACCESS_TOKEN' -H 'Content-Type: application/json' --data-binary '{"title":"t"}'`,
				Rerun: rerun("product-1000001-missing-out-id")},
		}, Pending: []results.Pending{{Code: 1000002, Domain: "product", Text: "The product is under review"}}},
		"order": {Domain: "order", Target: "reference", Cases: []results.Case{
			{ID: "order-1010006-update-failed", Domain: "order", Endpoint: "/shop/order/pay", Account: "default", Evidence: "I",
				ExpectedErrcode: 1010006, Outcome: results.Error, Attempts: 1, Reason: "transport: connection refused (POST /shop/order/pay, attempt 1)",
				Transcript: []results.Exchange{{Step: "case", Method: "POST", Endpoint: "/shop/order/pay", RequestBody: `{"order_id":1}`, Error: "dial tcp 127.0.0.1:8089: connect: connection refused"}},
				Curl:       `curl -sS -X POST 'http://127.0.0.1:8089/shop/order/pay?access_token=ACCESS_TOKEN' --data-binary '{"order_id":1}'`,
				Rerun:      rerun("order-1010006-update-failed")},
		}, Problems: []results.Problem{{File: "fixtures/order/broken.json", Line: 3, Col: 5, Message: "unknown field \"expcet\"", Domain: "order"}}},
		"access": {Domain: "access", Target: "reference", Cases: []results.Case{
			{ID: "access-1040002-already-connected", Domain: "access", Endpoint: "/shop/register/apply", Account: "not-opened", Evidence: "D",
				ExpectedErrcode: 1040002, Outcome: results.Skipped, Reason: "needs account profile not-opened"},
		}},
	})
	r.FinishedAt = r.StartedAt.Add(42 * time.Second)
	return r
}

func render(t *testing.T, r *results.Report) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, catalog.Default()); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("not HTML: %v", err)
	}
	return buf.String(), doc
}

func TestEveryCaseOnceWorstFirst(t *testing.T) {
	r := sampleReport()
	_, doc := render(t, r)
	sections := htmlquery.FindAll(doc, htmlquery.ByClass("case"))
	ids := map[string]int{}
	var order []string
	for _, s := range sections {
		id, _ := htmlquery.Attr(s, "id")
		ids[id]++
		outcome, _ := htmlquery.Attr(s, "data-outcome")
		order = append(order, outcome)
	}
	for _, c := range r.Cases {
		if n := ids["case-"+c.ID]; n != 1 {
			t.Errorf("case %s appears %d times", c.ID, n)
		}
	}
	if len(sections) != len(r.Cases) {
		t.Errorf("%d case sections for %d cases", len(sections), len(r.Cases))
	}
	// Fail and error before anything else, passes last.
	want := []string{"fail", "error", "inconclusive", "skipped", "pass", "pass"}
	if !slices.Equal(order, want) {
		t.Errorf("case order %v, want %v", order, want)
	}
	// The flaky pass comes before the plain pass and says it is flaky.
	states := []string{}
	for _, s := range sections {
		st, _ := htmlquery.Attr(s, "data-state")
		states = append(states, st)
	}
	if states[4] != "flaky" || states[5] != "pass" {
		t.Errorf("states %v: the flaky pass must precede the plain pass", states)
	}
}

func TestFailuresCarryTranscriptCurlAndRerun(t *testing.T) {
	r := withExpectations() // an expected failure is a card like the others
	_, doc := render(t, r)
	for _, s := range htmlquery.FindAll(doc, htmlquery.ByClass("case")) {
		outcome, _ := htmlquery.Attr(s, "data-outcome")
		if outcome != "fail" && outcome != "error" {
			continue
		}
		id, _ := htmlquery.Attr(s, "id")
		for _, class := range []string{"transcript", "curl", "rerun", "reason", "expected", "actual"} {
			if len(htmlquery.FindAll(s, htmlquery.ByClass(class))) != 1 {
				t.Errorf("%s: want one .%s", id, class)
			}
		}
		if curl := htmlquery.FindAll(s, htmlquery.ByClass("curl")); len(curl) == 1 && (curl[0].Data != "pre" || !strings.HasPrefix(htmlquery.Text(curl[0]), "curl -sS")) {
			t.Errorf("%s: curl is not a <pre> holding the command: <%s> %q", id, curl[0].Data, htmlquery.Text(curl[0]))
		}
	}
	fail := htmlquery.FindAll(doc, func(n *html.Node) bool {
		v, _ := htmlquery.Attr(n, "id")
		return v == "case-product-1000001-missing-out-id"
	})[0]
	if got := len(htmlquery.FindAll(fail, htmlquery.ByClass("exchange"))); got != 2 {
		t.Errorf("failing case shows %d exchanges, want 2", got)
	}
	actual := htmlquery.Text(htmlquery.FindAll(fail, htmlquery.ByClass("actual"))[0])
	if !strings.Contains(actual, "0") || !strings.Contains(actual, "success") {
		t.Errorf("actual errcode without its meaning: %q", actual)
	}
	expected := htmlquery.Text(htmlquery.FindAll(fail, htmlquery.ByClass("expected"))[0])
	if !strings.Contains(expected, "1000001") || !strings.Contains(expected, "out_product_id") {
		t.Errorf("expected errcode without its catalog meaning: %q", expected)
	}
	errored := htmlquery.FindAll(doc, func(n *html.Node) bool {
		v, _ := htmlquery.Attr(n, "id")
		return v == "case-order-1010006-update-failed"
	})[0]
	if a := htmlquery.Text(htmlquery.FindAll(errored, htmlquery.ByClass("actual"))[0]); !strings.Contains(a, "no errcode received") {
		t.Errorf("a case without an answer must say so: %q", a)
	}
	if e := htmlquery.FindAll(errored, htmlquery.ByClass("exchange-error")); len(e) != 1 || !strings.Contains(htmlquery.Text(e[0]), "connection refused") {
		t.Error("the exchange's transport error is missing")
	}
}

func TestMatrixHasEveryCatalogCode(t *testing.T) {
	r := sampleReport()
	_, doc := render(t, r)
	cells := map[string]*html.Node{}
	for _, c := range htmlquery.FindAll(doc, htmlquery.ByClass("cell")) {
		code, _ := htmlquery.Attr(c, "data-code")
		if cells[code] != nil {
			t.Errorf("code %s has two cells", code)
		}
		cells[code] = c
	}
	entries := catalog.Default().Entries()
	if len(cells) != len(entries) {
		t.Errorf("%d cells for %d catalog codes", len(cells), len(entries))
	}
	for _, e := range entries {
		c := cells[strconv.Itoa(int(e.Code))]
		if c == nil {
			t.Errorf("no cell for %d", e.Code)
			continue
		}
		if _, platform := htmlquery.Attr(c, "data-platform"); platform != e.Platform {
			t.Errorf("cell %d: platform marking %v, catalog says %v", e.Code, platform, e.Platform)
		}
	}
	want := map[string]struct{ state, href string }{
		"40066":   {"pass", "#case-universal-40066-unknown-path"},
		"0":       {"flaky", "#case-product-0-add-minimal"},
		"1000001": {"fail", "#case-product-1000001-missing-out-id"},
		"1010006": {"error", "#case-order-1010006-update-failed"},
		"1040002": {"skipped", "#case-access-1040002-already-connected"},
		"300000":  {"inconclusive", "#case-universal-300000-rate-limited"},
		"1000002": {"pending", "#pending-1000002"},
		"1090003": {"not-run", ""},
	}
	for code, w := range want {
		c := cells[code]
		state, _ := htmlquery.Attr(c, "data-state")
		href, _ := htmlquery.Attr(c, "href")
		if state != w.state || href != w.href {
			t.Errorf("cell %s: state %q href %q, want %q %q", code, state, href, w.state, w.href)
		}
	}
	for _, g := range htmlquery.FindAll(doc, htmlquery.ByClass("matrix-domain")) {
		d, _ := htmlquery.Attr(g, "data-domain")
		if note := strings.Contains(htmlquery.Text(g), "suite not run"); note != (d == "coupon" || d == "audit" || d == "upload" || d == "share") {
			t.Errorf("matrix group %s: says \"suite not run\" = %v", d, note)
		}
	}
	if title, _ := htmlquery.Attr(cells["1040002"], "title"); !strings.Contains(title, "needs account profile not-opened") {
		t.Errorf("a skipped cell's title must give the reason: %q", title)
	}
	// Every internal link lands on an element of the page.
	ids := map[string]bool{}
	htmlquery.Walk(doc, func(n *html.Node) {
		if id, ok := htmlquery.Attr(n, "id"); ok {
			ids[id] = true
		}
	})

	htmlquery.Walk(doc, func(n *html.Node) {
		if href, ok := htmlquery.Attr(n, "href"); ok && !ids[strings.TrimPrefix(href, "#")] {
			t.Errorf("link %q leads nowhere", href)
		}
	})

}

func TestWorstCaseDecidesTheCell(t *testing.T) {
	r := sampleReport()
	r.Cases = append(r.Cases, results.Case{ID: "universal-40066-post-only", Domain: "universal", ExpectedErrcode: 40066, ActualErrcode: code(0), Outcome: results.Fail})
	_, doc := render(t, r)
	for _, c := range htmlquery.FindAll(doc, htmlquery.ByClass("cell")) {
		if v, _ := htmlquery.Attr(c, "data-code"); v != "40066" {
			continue
		}
		state, _ := htmlquery.Attr(c, "data-state")
		n, _ := htmlquery.Attr(c, "data-cases")
		href, _ := htmlquery.Attr(c, "href")
		if state != "fail" || n != "2" || href != "#case-universal-40066-post-only" {
			t.Errorf("cell 40066: state %s, %s cases, href %s", state, n, href)
		}
	}
}

func TestNoExternalResources(t *testing.T) {
	_, withLinks := render(t, withExpectations()) // links from the expectations file are shown, not followed
	noneIn(t, withLinks)
	out, doc := render(t, sampleReport())
	noneIn(t, doc)
	for _, asset := range []string{styleCSS, scriptJS} {
		for _, bad := range []string{"://", "fetch(", "XMLHttpRequest", "import(", "url("} {
			if strings.Contains(asset, bad) {
				t.Errorf("an inline asset contains %q", bad)
			}
		}
	}
	if !strings.Contains(out, "<script>") || strings.Count(out, "<script") != 1 {
		t.Errorf("want exactly the one inline script, found %d", strings.Count(out, "<script"))
	}
}

// noneIn fails for every element or attribute of doc that would load or
// lead to something outside the page.
func noneIn(t *testing.T, doc *html.Node) {
	t.Helper()
	for _, problem := range htmlquery.Outbound(doc) {
		t.Error(problem)
	}
}

func TestResponseBodyIsEscaped(t *testing.T) {
	out, doc := render(t, sampleReport())
	if strings.Contains(out, "<script>alert") || strings.Contains(out, "<img") {
		t.Fatal("markup from a response body reached the page unescaped")
	}
	scripts := htmlquery.FindAll(doc, func(n *html.Node) bool { return n.Data == "script" })
	if len(scripts) != 1 {
		t.Errorf("%d script elements, want the page's own one", len(scripts))
	}
	found := false
	for _, pre := range htmlquery.FindAll(doc, htmlquery.ByClass("response-body")) {
		if htmlquery.Text(pre) == hostileBody {
			found = true
		}
	}
	if !found {
		t.Error("the response body is not shown verbatim as text")
	}
}

func TestHeaderTotalsPendingAndProblems(t *testing.T) {
	_, doc := render(t, sampleReport())
	totals := map[string]string{}
	for _, td := range htmlquery.FindAll(doc, func(n *html.Node) bool { _, ok := htmlquery.Attr(n, "data-state"); return n.Data == "td" && ok }) {
		st, _ := htmlquery.Attr(td, "data-state")
		if _, seen := totals[st]; !seen { // malformed fixtures reuse "error"
			totals[st] = htmlquery.Text(td)
		}
	}
	want := map[string]string{"pass": "2", "flaky": "1", "fail": "1", "error": "1", "inconclusive": "1", "skipped": "1", "pending": "1"}
	for k, v := range want {
		if totals[k] != v {
			t.Errorf("total %s = %q, want %q", k, totals[k], v)
		}
	}
	config := htmlquery.FindAll(doc, htmlquery.ByID("config"))
	if len(config) != 1 || !strings.Contains(htmlquery.Text(config[0]), "<redacted>") || !strings.Contains(htmlquery.Text(config[0]), "rate") {
		t.Error("the configuration table is missing or incomplete")
	}
	pending := htmlquery.FindAll(doc, htmlquery.ByClass("pending-row"))
	if len(pending) != 1 || !strings.Contains(htmlquery.Text(pending[0]), "1000002") {
		t.Error("pending code missing")
	}
	problems := htmlquery.FindAll(doc, htmlquery.ByClass("problem-row"))
	if len(problems) != 1 || !strings.Contains(htmlquery.Text(problems[0]), "fixtures/order/broken.json:3:5") {
		t.Error("malformed fixture missing")
	}
	filters := htmlquery.FindAll(doc, htmlquery.ByID("filters"))
	if _, hidden := htmlquery.Attr(filters[0], "hidden"); !hidden {
		t.Error("without script the filter form must be hidden: it could not work")
	}
}

func TestRunErrorAndIncompleteRun(t *testing.T) {
	r := sampleReport()
	r.Complete, r.Error = false, "configuration: SHOPCONFORM_RATE=fast: want auto or a number"
	out, doc := render(t, r)
	if !strings.Contains(out, "SHOPCONFORM_RATE=fast") {
		t.Error("the run error is not shown")
	}
	v := htmlquery.FindAll(doc, htmlquery.ByClass("verdict"))
	if len(v) != 1 || !htmlquery.HasClass(v[0], "verdict-fail") {
		t.Error("a failed run must have a failing verdict")
	}
}

func TestEmptyReportRenders(t *testing.T) {
	_, doc := render(t, &results.Report{})
	if got := len(htmlquery.FindAll(doc, htmlquery.ByClass("cell"))); got != len(catalog.Default().Entries()) {
		t.Errorf("an empty report still shows the whole matrix: %d cells", got)
	}
}

// A pass whose given step answered an errcode it accepts says so, in its
// row and in its details.
func TestAPassShowsItsNotes(t *testing.T) {
	r := sampleReport()
	note := `given step 1 "first" (/shop/audit/audit_category) answered errcode 1050003 instead of 0, which the step accepts: approved by an earlier run`
	for i := range r.Cases {
		if r.Cases[i].ID == "universal-40066-unknown-path" {
			r.Cases[i].Notes = []string{note}
		}
	}
	_, doc := render(t, r)
	pass := htmlquery.FindAll(doc, func(n *html.Node) bool {
		v, _ := htmlquery.Attr(n, "id")
		return v == "case-universal-40066-unknown-path"
	})[0]
	if why := htmlquery.FindAll(pass, htmlquery.ByClass("why")); len(why) != 1 || !strings.HasPrefix(htmlquery.Text(why[0]), "note: given step 1") {
		t.Errorf("the row does not name the note")
	}
	if notes := htmlquery.FindAll(pass, htmlquery.ByClass("notes")); len(notes) != 1 || !strings.Contains(htmlquery.Text(notes[0]), "approved by an earlier run") {
		t.Errorf("the details do not hold the note")
	}
}

func byID(doc *html.Node, id string) []*html.Node {
	return htmlquery.FindAll(doc, htmlquery.ByID(id))
}

// withExpectations adds an expectations file's doings to the sample: the
// failing product case is expected (and moves behind the other failing
// cards), a passing case broke its entry, one entry matched nothing.
func withExpectations() *results.Report {
	r := sampleReport()
	for i := range r.Cases {
		if r.Cases[i].ID == "product-1000001-missing-out-id" {
			r.Cases[i].Expectation = &results.Expectation{Outcome: results.Fail, Reason: "the sandbox accepts a missing out_product_id <b>yet</b>",
				Link: "https://tracker.example.com/SHOP-9", Expires: "2026-09-30"}
		}
	}
	r.Statistics.Expected = 1
	r.Expectations = &results.Expectations{File: "expected.yaml", Entries: 3,
		Broken: []results.BrokenExpectation{
			{CaseID: "universal-40066-unknown-path", Problem: "expected failure did not happen",
				Entry: results.ExpectationEntry{Line: 7, Case: "universal-40066-*", Target: "sandbox", Outcome: results.Fail, Expires: "2026-09-30", Reason: "fixed?", Link: "https://tracker.example.com/SHOP-3"}},
			{CaseID: "gone-case", Problem: "expired on 2026-01-01",
				Entry: results.ExpectationEntry{Line: 13, Case: "gone-*", Outcome: results.Error, Expires: "2026-01-01", Reason: "old"}},
		},
		Unmatched: []results.ExpectationEntry{{Line: 19, Case: "coupon-*", Outcome: results.Skipped, Expires: "2027-01-31", Reason: "no coupons here"}},
	}
	return r
}

func TestExpectations(t *testing.T) {
	out, doc := render(t, withExpectations())
	if v := htmlquery.FindAll(doc, htmlquery.ByClass("verdict")); len(v) != 1 || !htmlquery.HasClass(v[0], "verdict-fail") ||
		htmlquery.Text(v[0]) != "failed: 0 fail, 1 error, 1 inconclusive, 2 broken expectations, 1 malformed fixture of 6 cases; 1 expected failure (see below)" {
		t.Errorf("verdict %q", htmlquery.Text(v[0]))
	}
	sec := byID(doc, "expectations")
	if len(sec) != 1 || !strings.Contains(htmlquery.Text(sec[0]), "expected.yaml") {
		t.Fatal("no expectations section naming the file")
	}
	rows := htmlquery.FindAll(sec[0], htmlquery.ByClass("broken-row"))
	if len(rows) != 2 {
		t.Fatalf("%d broken rows", len(rows))
	}
	first := htmlquery.Text(rows[0])
	for _, want := range []string{"line 7", "universal-40066-*", "sandbox", "expected failure did not happen", "fixed?", "https://tracker.example.com/SHOP-3"} {
		if !strings.Contains(first, want) {
			t.Errorf("broken row %q lacks %q", first, want)
		}
	}
	// The case is on the page: linked. The other is not: no dead link.
	if a := htmlquery.FindAll(rows[0], func(n *html.Node) bool { return n.Data == "a" }); len(a) != 1 {
		t.Error("a broken row links to its case")
	} else if href, _ := htmlquery.Attr(a[0], "href"); href != "#case-universal-40066-unknown-path" {
		t.Errorf("href %q", href)
	}
	if a := htmlquery.FindAll(rows[1], func(n *html.Node) bool { return n.Data == "a" }); len(a) != 0 {
		t.Error("a case the page does not hold is not linked")
	}
	if !strings.Contains(htmlquery.Text(rows[1]), "any target") || !strings.Contains(htmlquery.Text(rows[1]), "expired on 2026-01-01") {
		t.Errorf("second broken row %q", htmlquery.Text(rows[1]))
	}
	if u := htmlquery.FindAll(sec[0], htmlquery.ByClass("unmatched-row")); len(u) != 1 || !strings.Contains(htmlquery.Text(u[0]), "coupon-*") || !strings.Contains(htmlquery.Text(u[0]), "no coupons here") {
		t.Error("the unmatched entry is missing")
	}
	if strings.Contains(out, "<b>yet</b>") {
		t.Error("an expectation's reason reached the page as markup")
	}

	// The expected case: a badge, the reason, the link (as text: the page
	// links nowhere else) and the date; listed after the failing cards.
	var order []string
	for _, s := range htmlquery.FindAll(doc, htmlquery.ByClass("case")) {
		id, _ := htmlquery.Attr(s, "id")
		order = append(order, strings.TrimPrefix(id, "case-"))
	}
	want := []string{"order-1010006-update-failed", "universal-300000-rate-limited", "product-1000001-missing-out-id"}
	if !slices.Equal(order[:3], want) {
		t.Errorf("order %v, want the expected failure after the others: %v", order, want)
	}
	expected := byID(doc, "case-product-1000001-missing-out-id")[0]
	if v, _ := htmlquery.Attr(expected, "data-expected"); v != "true" {
		t.Error("no data-expected on the expected case")
	}
	if len(htmlquery.FindAll(expected, func(n *html.Node) bool { return htmlquery.HasClass(n, "expected-badge") })) != 2 {
		t.Error("want the expected badge in the card's header and in its expectation box")
	}
	box := htmlquery.FindAll(expected, htmlquery.ByClass("expectation"))
	if len(box) != 1 {
		t.Fatal("no expectation box on the expected case")
	}
	for _, want := range []string{"the sandbox accepts a missing out_product_id <b>yet</b>", "https://tracker.example.com/SHOP-9", "2026-09-30", "does not fail the run"} {
		if !strings.Contains(htmlquery.Text(box[0]), want) {
			t.Errorf("expectation box %q lacks %q", htmlquery.Text(box[0]), want)
		}
	}
	if _, ok := htmlquery.Attr(byID(doc, "case-order-1010006-update-failed")[0], "data-expected"); ok {
		t.Error("a case without an expectation is marked expected")
	}
	htmlquery.Walk(doc, func(n *html.Node) {
		if href, ok := htmlquery.Attr(n, "href"); ok && len(byID(doc, strings.TrimPrefix(href, "#"))) != 1 {
			t.Errorf("link %q leads nowhere", href)
		}
	})

}

func TestNoExpectationsSectionWithoutAFile(t *testing.T) {
	_, doc := render(t, sampleReport())
	if len(byID(doc, "expectations")) != 0 || len(htmlquery.FindAll(doc, htmlquery.ByClass("expectation"))) != 0 {
		t.Error("a run without an expectations file shows no expectations")
	}
}

// An inconclusive case alone fails the run.
func TestInconclusiveFailsTheRun(t *testing.T) {
	r := &results.Report{Target: "sandbox"}
	results.Merge(r, []string{"universal"}, map[string]results.Part{"universal": {Domain: "universal", Cases: []results.Case{
		{ID: "a", Domain: "universal", ExpectedErrcode: 40066, Outcome: results.Inconclusive, Reason: "45009"},
	}}})
	_, doc := render(t, r)
	if v := htmlquery.FindAll(doc, htmlquery.ByClass("verdict")); !htmlquery.HasClass(v[0], "verdict-fail") || htmlquery.Text(v[0]) != "failed: 0 fail, 0 error, 1 inconclusive of 1 case" {
		t.Errorf("verdict %q", htmlquery.Text(v[0]))
	}
}

func TestSkipsByReasonAndPassingCoverage(t *testing.T) {
	r := sampleReport()
	r.Cases = append(r.Cases,
		results.Case{ID: "access-x", Domain: "access", ExpectedErrcode: 1040002, Outcome: results.Skipped, Reason: "not triggerable on this target: needs magic values"},
		results.Case{ID: "access-y", Domain: "access", ExpectedErrcode: 1040002, Outcome: results.Skipped, Reason: "not triggerable on this target: needs magic values"})
	_, doc := render(t, r)
	var rows []string
	for _, tr := range htmlquery.FindAll(doc, htmlquery.ByClass("skip-reason-row")) {
		rows = append(rows, htmlquery.Text(tr))
	}
	want := []string{"not triggerable on this target: needs magic values2", "needs account profile not-opened1"}
	if !slices.Equal(rows, want) {
		t.Errorf("skip rows %q, want %q", rows, want)
	}
	// universal: 40066 and 0 passed; product: its one other case failed.
	passing := map[string]string{}
	for _, g := range htmlquery.FindAll(doc, htmlquery.ByClass("matrix-domain")) {
		d, _ := htmlquery.Attr(g, "data-domain")
		passing[d] = htmlquery.Text(htmlquery.FindAll(g, htmlquery.ByClass("passing"))[0])
	}
	nu, np := len(catalog.Default().InDomain(catalog.Universal)), len(catalog.Default().InDomain(catalog.Product))
	if passing["universal"] != "2 of "+strconv.Itoa(nu)+" codes passing" || passing["product"] != "0 of "+strconv.Itoa(np)+" codes passing" {
		t.Errorf("passing %v", passing)
	}
}
