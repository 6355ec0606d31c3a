package history

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/htmlquery"
	"github.com/shopconform/shopconform/runner/results"
)

const hostile = `<script>alert('x')</script><img src=https://evil.example/x.png>`

// sampleHistory is three nights: a case that starts answering 45009, a
// flaky one, one absent from the middle night, and values that try to
// break out of the page.
func sampleHistory() *History {
	evil := did(`universal-40066-"><img src=x>`, 40066, results.Fail, ptr(0))
	evil.Reason = hostile
	allowed := did("product-1000001-allowed", 1000001, results.Fail, ptr(0))
	allowed.Expectation = &results.Expectation{Outcome: results.Fail, Reason: "vendor bug " + hostile, Expires: "2026-12-31"}
	n0 := night(0, did("universal-47001-not-json", 47001, results.Pass, ptr(47001)), flaky("universal-40066-post-only", 40066),
		did("universal-43002-get", 43002, results.Pass, ptr(43002)))
	n1 := night(1, did("universal-47001-not-json", 47001, results.Inconclusive, ptr(45009)), did("universal-40066-post-only", 40066, results.Pass, ptr(40066)), evil, allowed)
	n1.Target = `sandbox:"><script>alert(1)</script>`
	n2 := night(2, did("universal-47001-not-json", 47001, results.Inconclusive, ptr(45009)), did("universal-40066-post-only", 40066, results.Pass, ptr(40066)),
		did("universal-43002-get", 43002, results.Pass, ptr(43002)))
	n2.Shard = &results.ShardOf{Index: 1, Total: 2}
	return Build([]Input{{"n2.json", n2}, {"n0.json", n0}, {"n1.json", n1}}, catalog.Default())
}

func render(t *testing.T, h *History) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, h); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("not HTML: %v", err)
	}
	return buf.String(), doc
}

func one(t *testing.T, n *html.Node, match func(*html.Node) bool, what string) *html.Node {
	t.Helper()
	found := htmlquery.FindAll(n, match)
	if len(found) != 1 {
		t.Fatalf("%d %s, want 1", len(found), what)
	}
	return found[0]
}

func TestThePageLoadsNothing(t *testing.T) {
	out, doc := render(t, sampleHistory())
	for _, problem := range htmlquery.Outbound(doc) {
		t.Error(problem)
	}
	if a := htmlquery.FindAll(doc, func(n *html.Node) bool { return n.Data == "a" }); len(a) != 0 {
		t.Errorf("%d <a> elements in a link-free page", len(a))
	}
	for _, asset := range []string{styleCSS, scriptJS} {
		for _, bad := range []string{"://", "fetch(", "XMLHttpRequest", "import(", "url(", "@import"} {
			if strings.Contains(asset, bad) {
				t.Errorf("an inline asset contains %q", bad)
			}
		}
	}
	if strings.Count(out, "<script") != 1 {
		t.Errorf("want exactly the page's own script, found %d", strings.Count(out, "<script"))
	}
}

func TestEveryValueFromTheFilesIsEscaped(t *testing.T) {
	out, doc := render(t, sampleHistory())
	if strings.Contains(out, "<script>alert") || strings.Contains(out, "<img") {
		t.Fatal("markup from a results file reached the page unescaped")
	}
	if n := len(htmlquery.FindAll(doc, func(n *html.Node) bool { return n.Data == "script" })); n != 1 {
		t.Errorf("%d script elements, want the page's own one", n)
	}
	// The values are still there, as text.
	evil := one(t, doc, htmlquery.ByID(`case-universal-40066-"><img src=x>`), "rows of the hostile case")
	cells := htmlquery.FindAll(evil, htmlquery.ByClass("cell"))
	if title, _ := htmlquery.Attr(cells[1], "title"); !strings.Contains(title, hostile) {
		t.Errorf("the reason is lost: %q", title)
	}
	if !strings.Contains(htmlquery.Text(one(t, doc, htmlquery.ByID("runs"), "runs tables")), `sandbox:"><script>alert(1)</script>`) {
		t.Error("the hostile target is not shown as text")
	}
}

func TestRunsAreColumnsInStartOrder(t *testing.T) {
	_, doc := render(t, sampleHistory())
	heads := htmlquery.FindAll(doc, htmlquery.ByClass("run"))
	var files, dates []string
	for _, th := range heads {
		f, _ := htmlquery.Attr(th, "title")
		files = append(files, f)
		dates = append(dates, htmlquery.Text(one(t, th, htmlquery.ByClass("date"), "dates")))
		for _, part := range []string{"target", "harness", "scope", "totals"} {
			one(t, th, htmlquery.ByClass(part), part)
		}
	}
	if !slices.Equal(files, []string{"n0.json", "n1.json", "n2.json"}) || !slices.Equal(dates, []string{"2026-11-01", "2026-11-02", "2026-11-03"}) {
		t.Errorf("columns %v %v, want the runs by start time", files, dates)
	}
	if s := htmlquery.Text(one(t, heads[2], htmlquery.ByClass("scope"), "scope")); s != "shard 1/2" {
		t.Errorf("scope %q", s)
	}
	if n := len(htmlquery.FindAll(doc, htmlquery.ByClass("run-row"))); n != 3 {
		t.Errorf("%d rows in the runs table", n)
	}
}

func TestRowsShowEachRunAndTheirHistory(t *testing.T) {
	_, doc := render(t, sampleHistory())
	for _, tr := range htmlquery.FindAll(doc, htmlquery.ByClass("case")) {
		if n := len(htmlquery.FindAll(tr, htmlquery.ByClass("cell"))); n != 3 {
			id, _ := htmlquery.Attr(tr, "id")
			t.Errorf("%s: %d cells for 3 runs", id, n)
		}
	}
	cellStates := func(tr *html.Node) []string {
		var s []string
		for _, td := range htmlquery.FindAll(tr, htmlquery.ByClass("cell")) {
			v, _ := htmlquery.Attr(td, "data-state")
			s = append(s, v)
		}
		return s
	}
	notJSON := one(t, doc, htmlquery.ByID("case-universal-47001-not-json"), "rows")
	if got := cellStates(notJSON); !slices.Equal(got, []string{"pass", "inconclusive", "inconclusive"}) {
		t.Errorf("cells %v", got)
	}
	if ff := htmlquery.Text(one(t, notJSON, htmlquery.ByClass("first-failed"), "first failed")); ff != "2026-11-02still failing" {
		t.Errorf("first failed %q", ff)
	}
	if ch := htmlquery.Text(one(t, notJSON, htmlquery.ByClass("change"), "changes")); ch != "47001 → 45009 on 2026-11-02" {
		t.Errorf("change %q", ch)
	}
	if v, _ := htmlquery.Attr(notJSON, "data-changed"); v != "true" {
		t.Error("a case whose answer changed is not marked changed")
	}
	postOnly := one(t, doc, htmlquery.ByID("case-universal-40066-post-only"), "rows")
	if got := cellStates(postOnly); !slices.Equal(got, []string{"flaky", "pass", "pass"}) {
		t.Errorf("cells %v", got)
	}
	if f := htmlquery.Text(one(t, postOnly, htmlquery.ByClass("flaky"), "flaky rates")); f != "1/3" {
		t.Errorf("flaky %q", f)
	}
	get := one(t, doc, htmlquery.ByID("case-universal-43002-get"), "rows")
	if got := cellStates(get); !slices.Equal(got, []string{"pass", "not-run", "pass"}) {
		t.Errorf("cells %v", got)
	}
	if title, _ := htmlquery.Attr(htmlquery.FindAll(get, htmlquery.ByClass("cell"))[1], "title"); !strings.Contains(title, "not run") {
		t.Errorf("a not-run cell says %q", title)
	}
	allowed := one(t, doc, htmlquery.ByID("case-product-1000001-allowed"), "rows")
	if len(htmlquery.FindAll(allowed, htmlquery.ByClass("expected"))) != 1 {
		t.Error("the cell an expectation allowed is not marked")
	}
}

func TestCodeGroupsCarryTheCatalogsText(t *testing.T) {
	_, doc := render(t, sampleHistory())
	var codes []string
	for _, tb := range htmlquery.FindAll(doc, htmlquery.ByClass("code")) {
		if tb.Data != "tbody" {
			continue
		}
		c, _ := htmlquery.Attr(tb, "data-code")
		codes = append(codes, c)
	}
	if !slices.Equal(codes, []string{"40066", "43002", "47001", "1000001"}) {
		t.Errorf("groups %v, want catalog order", codes)
	}
	e, _ := catalog.Default().Lookup(47001)
	head := one(t, one(t, doc, htmlquery.ByID("code-47001"), "groups"), htmlquery.ByClass("code-head"), "group heads")
	if !strings.Contains(htmlquery.Text(head), e.Text) {
		t.Errorf("group head %q lacks the catalog's text %q", htmlquery.Text(head), e.Text)
	}
	if v, _ := htmlquery.Attr(one(t, doc, htmlquery.ByID("code-43002"), "groups"), "data-changed"); v != "true" {
		t.Errorf("43002's group: data-changed=%q, its case was absent from a run", v)
	}
}

func TestWithoutScriptEverythingShows(t *testing.T) {
	_, doc := render(t, sampleHistory())
	form := one(t, doc, htmlquery.ByID("filters"), "filter forms")
	if _, hidden := htmlquery.Attr(form, "hidden"); !hidden {
		t.Error("the toggle must stay hidden until the script shows it")
	}
	one(t, form, htmlquery.ByID("changed-only"), "changed-only boxes")
	htmlquery.Walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode || n == form {
			return
		}
		if _, hidden := htmlquery.Attr(n, "hidden"); hidden {
			t.Errorf("<%s> is hidden without script", n.Data)
		}
		if n.Data == "body" {
			if c, _ := htmlquery.Attr(n, "class"); c != "" {
				t.Errorf("body class %q: only the script may set changed-only", c)
			}
		}
	})

	if !strings.Contains(styleCSS, `body.changed-only tr.case[data-changed="false"]`) || !strings.Contains(scriptJS, `"changed-only"`) {
		t.Error("the toggle's style or script hook is missing")
	}
}

func TestTheLegendDefinesItsTerms(t *testing.T) {
	_, doc := render(t, sampleHistory())
	legend := one(t, doc, htmlquery.ByID("legend"), "legends")
	for id, words := range map[string]string{
		"def-first-failed": "failed, errored or was inconclusive",
		"def-flaky":        "only after a retry",
		"def-changes":      "differed from the previous run",
		"def-changed":      "not all alike",
	} {
		dt := one(t, legend, htmlquery.ByID(id), id)
		dd := dt.NextSibling
		for dd != nil && dd.Data != "dd" {
			dd = dd.NextSibling
		}
		if dd == nil || !strings.Contains(htmlquery.Text(dd), words) {
			t.Errorf("%s is not defined (want %q)", id, words)
		}
	}
	for _, s := range []State{StatePass, StateFlaky, StateFail, StateError, StateInconclusive, StateSkipped, StateNotRun} {
		if len(htmlquery.FindAll(legend, func(n *html.Node) bool { v, _ := htmlquery.Attr(n, "data-state"); return v == string(s) })) == 0 {
			t.Errorf("the legend does not show %s", s)
		}
	}
}

func TestAnEmptyHistoryStillRenders(t *testing.T) {
	out, doc := render(t, Build([]Input{{"empty.json", night(0)}}, catalog.Default()))
	if len(htmlquery.FindAll(doc, htmlquery.ByClass("case"))) != 0 || !strings.Contains(out, "The files hold no cases.") {
		t.Error("a run without cases must say so")
	}
}
