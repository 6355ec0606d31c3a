package junit

import (
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/runner/results"
)

// node is any XML element, parsed without the package's own types, so a
// wrong element or attribute name cannot read back as right.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) has(name string) bool {
	return slices.ContainsFunc(n.Attrs, func(a xml.Attr) bool { return a.Name.Local == name })
}

func (n node) children(name string) []node {
	var out []node
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
	return out
}

// child is the one child element called name; the test fails when there
// is none or more than one.
func (n node) child(t *testing.T, name string) node {
	t.Helper()
	cs := n.children(name)
	if len(cs) != 1 {
		t.Fatalf("<%s name=%q> has %d <%s>, want 1: %+v", n.XMLName.Local, n.attr("name"), len(cs), name, n)
	}
	return cs[0]
}

// names lists the element names of n's children, in order.
func (n node) names() []string {
	var out []string
	for _, c := range n.Nodes {
		out = append(out, c.XMLName.Local)
	}
	return out
}

func (n node) properties() map[string]string {
	props := map[string]string{}
	for _, ps := range n.children("properties") {
		for _, p := range ps.children("property") {
			props[p.attr("name")] = p.attr("value")
		}
	}
	return props
}

type document struct {
	root  node
	suite map[string]node
	cases map[string]node // by testcase name, across suites
	raw   string
}

func render(t *testing.T, r *results.Report) document {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	doc := document{suite: map[string]node{}, cases: map[string]node{}, raw: buf.String()}
	if err := xml.Unmarshal(buf.Bytes(), &doc.root); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	if doc.root.XMLName.Local != "testsuites" {
		t.Fatalf("root element %q", doc.root.XMLName.Local)
	}
	for _, s := range doc.root.children("testsuite") {
		if _, dup := doc.suite[s.attr("name")]; dup {
			t.Errorf("two testsuites named %q", s.attr("name"))
		}
		doc.suite[s.attr("name")] = s
		for _, c := range s.children("testcase") {
			if _, dup := doc.cases[c.attr("name")]; dup {
				t.Errorf("two testcases named %q", c.attr("name"))
			}
			doc.cases[c.attr("name")] = c
		}
	}
	return doc
}

func (d document) testcase(t *testing.T, name string) node {
	t.Helper()
	c, ok := d.cases[name]
	if !ok {
		t.Fatalf("no testcase %q in\n%s", name, d.raw)
	}
	return c
}

// counts is what a testsuite or testsuites element claims.
type counts struct{ tests, failures, errors, skipped string }

func countsOf(n node) counts {
	return counts{n.attr("tests"), n.attr("failures"), n.attr("errors"), n.attr("skipped")}
}

func errcode(n int) *int { return &n }

var started = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// report merges parts the way `shopconform run` does.
func report(domains []string, parts ...results.Part) *results.Report {
	r := &results.Report{Target: "reference", HarnessVersion: "0.1.0", CatalogHash: "sha256:x", StartedAt: started, Config: map[string]string{}}
	byDomain := map[string]results.Part{}
	for _, p := range parts {
		byDomain[p.Domain] = p
	}
	results.Merge(r, domains, byDomain)
	return r
}

func part(domain string, cases ...results.Case) results.Part {
	for i := range cases {
		cases[i].Domain = domain
		if cases[i].Fixture == "" {
			cases[i].Fixture = "fixtures/" + domain + "/" + cases[i].ID + ".json"
		}
		if cases[i].Attempts == 0 {
			cases[i].Attempts = 1
		}
	}
	return results.Part{Domain: domain, Cases: cases}
}

var transcript = []results.Exchange{
	{Step: "given 1 (first)", Method: "POST", Endpoint: "/shop/spu/add", RequestContentType: "application/json", RequestBody: `{"out_product_id":"p1"}`, Status: 200, ResponseBody: `{"errcode":0}`},
	{Step: "case", Method: "POST", Endpoint: "/shop/spu/get", RequestContentType: "application/json", RequestBody: `{"product_id":1}`, Status: 200, ResponseBody: `{"errcode":0,"errmsg":"ok"}`},
	{Step: "cleanup 1", Method: "POST", Endpoint: "/shop/spu/del", Error: "connection reset by peer"},
}

func TestJUnit(t *testing.T) {
	tests := []struct {
		name  string
		build func() *results.Report
		check func(t *testing.T, d document)
	}{
		{"a pass is a bare testcase with plain properties and the fixture as file", func() *results.Report {
			return report([]string{"universal"}, part("universal",
				results.Case{ID: "ok", Endpoint: "/shop/x", ActualErrcode: errcode(0), Outcome: results.Pass, DurationMS: 2, Account: "basic", Evidence: "D"}))
		}, func(t *testing.T, d document) {
			c := d.testcase(t, "ok")
			if c.attr("classname") != "shopconform.universal" || c.attr("time") != "0.002" || c.attr("file") != "fixtures/universal/ok.json" {
				t.Errorf("attributes %v", c.Attrs)
			}
			if got := c.names(); !slices.Equal(got, []string{"properties"}) {
				t.Errorf("children %v, want properties only", got)
			}
			p := c.properties()
			if p["errcode"] != "0" || p["actual_errcode"] != "0" || p["endpoint"] != "/shop/x" || p["target"] != "reference" ||
				p["fixture"] != "fixtures/universal/ok.json" || p["outcome"] != "pass" || p["flaky"] != "false" || p["account"] != "basic" {
				t.Errorf("properties %v", p)
			}
		}},
		{"a user fixtures folder given absolute shows from its own name on", func() *results.Report {
			r := report([]string{"order"}, part("order", results.Case{ID: "o1", Fixture: "/home/ci/work/cases/order/o1.json", Outcome: results.Pass}))
			r.Config["fixtures"] = "/home/ci/work/cases"
			return r
		}, func(t *testing.T, d document) {
			c := d.testcase(t, "o1")
			if c.attr("file") != "cases/order/o1.json" || c.properties()["fixture"] != "cases/order/o1.json" || strings.Contains(d.raw, "/home/ci") {
				t.Errorf("file %q, fixture property %q", c.attr("file"), c.properties()["fixture"])
			}
		}},
		{"a user fixtures folder given relative, with a trailing slash", func() *results.Report {
			r := report([]string{"order"}, part("order", results.Case{ID: "o1", Fixture: "../x/cases/order/o1.json", Outcome: results.Pass}))
			r.Config["fixtures"] = "../x/cases/"
			return r
		}, func(t *testing.T, d document) {
			if got := d.testcase(t, "o1").attr("file"); got != "cases/order/o1.json" {
				t.Errorf("file %q", got)
			}
		}},
		{"a fixtures folder that is the working directory has no name to show", func() *results.Report {
			r := report([]string{"order"}, part("order", results.Case{ID: "o1", Fixture: "order/o1.json", Outcome: results.Pass}))
			r.Config["fixtures"] = "."
			return r
		}, func(t *testing.T, d document) {
			if got := d.testcase(t, "o1").attr("file"); got != "order/o1.json" {
				t.Errorf("file %q", got)
			}
		}},
		{"a fixture outside the configured folder never shows an absolute path", func() *results.Report {
			r := report([]string{"order"}, part("order", results.Case{ID: "o1", Fixture: "/srv/elsewhere/cases/order/o1.json", Outcome: results.Pass}))
			r.Config["fixtures"] = "/home/ci/cases"
			return r
		}, func(t *testing.T, d document) {
			if got := d.testcase(t, "o1").attr("file"); got != "cases/order/o1.json" {
				t.Errorf("file %q", got)
			}
		}},
		{"a flaky pass carries a flakyFailure per errcode and a flakyError per transport error", func() *results.Report {
			return report([]string{"universal"}, part("universal", results.Case{
				ID: "flaky", Outcome: results.Pass, Flaky: true, Attempts: 3, ActualErrcode: errcode(0),
				EarlierAttempts: []results.Attempt{
					{Step: "case", Errcode: errcode(45009), Errmsg: "reach max api daily quota limit"},
					{Step: "case", Error: "read tcp 127.0.0.1:1: connection reset by peer"},
				},
			}))
		}, func(t *testing.T, d document) {
			c := d.testcase(t, "flaky")
			if got := c.names(); !slices.Equal(got, []string{"properties", "flakyFailure", "flakyError"}) {
				t.Errorf("children %v: a flaky pass is a pass with its reruns, nothing more", got)
			}
			f := c.child(t, "flakyFailure")
			if !strings.HasPrefix(f.attr("message"), "attempt 1 of case answered errcode 45009 (") || !strings.HasSuffix(f.attr("message"), "): errmsg reach max api daily quota limit") || f.attr("type") != "errcode 45009" {
				t.Errorf("flakyFailure message %q type %q", f.attr("message"), f.attr("type"))
			}
			if st := f.child(t, "stackTrace"); !strings.Contains(st.Text, "step: case\n") || !strings.Contains(st.Text, "errmsg: reach max api daily quota limit") {
				t.Errorf("flakyFailure detail %q", st.Text)
			}
			e := c.child(t, "flakyError")
			if e.attr("message") != "attempt 2 of case got no errcode: read tcp 127.0.0.1:1: connection reset by peer" || e.attr("type") != "transport" {
				t.Errorf("flakyError %v", e.Attrs)
			}
			if s := d.suite["universal"]; countsOf(s) != (counts{"1", "0", "0", "0"}) {
				t.Errorf("a flaky pass counts as a pass: %+v", countsOf(s))
			}
		}},
		{"a flaky pass whose earlier answers were not recorded still says so", func() *results.Report {
			return report([]string{"universal"}, part("universal", results.Case{ID: "flaky", Outcome: results.Pass, Flaky: true, Attempts: 2}))
		}, func(t *testing.T, d document) {
			f := d.testcase(t, "flaky").child(t, "flakyFailure")
			if !strings.HasPrefix(f.attr("message"), "passed after a retry (2 attempts)") || f.attr("type") == "" {
				t.Errorf("flakyFailure %v", f.Attrs)
			}
		}},
		{"a failure carries the one-line message and, in system-out, the transcript, curl and rerun lines", func() *results.Report {
			return report([]string{"product"}, part("product", results.Case{
				ID: "wrong", ExpectedErrcode: 40066, ActualErrcode: errcode(0), Outcome: results.Fail, Reason: "Expected\n    errcode 0\nto have errcode\n    40066",
				Transcript: transcript, Notes: []string{"cleanup 1 failed"},
				Curl:  "curl -sS -X POST 'http://127.0.0.1:8089/shop/spu/get?access_token=ACCESS_TOKEN'",
				Rerun: "go run ./cmd/shopconform run --domains product --focus '^wrong$'",
			}))
		}, func(t *testing.T, d document) {
			c := d.testcase(t, "wrong")
			f := c.child(t, "failure")
			if f.attr("message") != "expected errcode 40066, got 0" || f.attr("type") != "fail" || !strings.Contains(f.Text, "to have errcode") {
				t.Errorf("failure %v %q", f.Attrs, f.Text)
			}
			out := c.child(t, "system-out").Text
			for _, want := range []string{
				"== given 1 (first): POST /shop/spu/add\nrequest (application/json):\n{\"out_product_id\":\"p1\"}\nanswer: HTTP 200\n{\"errcode\":0}\n",
				"== case: POST /shop/spu/get\n",
				"== cleanup 1: POST /shop/spu/del\nerror: connection reset by peer\n",
				"note: cleanup 1 failed",
				"reproduce with curl:\ncurl -sS -X POST 'http://127.0.0.1:8089/shop/spu/get?access_token=ACCESS_TOKEN'\n",
				"run this case alone:\ngo run ./cmd/shopconform run --domains product --focus '^wrong$'\n",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("system-out lacks %q:\n%s", want, out)
				}
			}
		}},
		{"a failure with the right errcode names what the answer lacked", func() *results.Report {
			return report([]string{"universal"}, part("universal", results.Case{ID: "shape", ActualErrcode: errcode(0), Outcome: results.Fail,
				Reason: "Expected\n    errcode 0 (success)\n    endpoint: /shop/x\nto have the response shape apispec documents for /shop/x\n    data.id: absent, though documented\n    data.n: a string, not an integer\n"}))
		}, func(t *testing.T, d document) {
			want := "errcode 0 as expected, but the answer does not have the response shape apispec documents for /shop/x: data.id: absent, though documented; data.n: a string, not an integer"
			if got := d.testcase(t, "shape").child(t, "failure").attr("message"); got != want {
				t.Errorf("message %q", got)
			}
		}},
		{"an error is an error with its first line as message", func() *results.Report {
			return report([]string{"universal"}, part("universal", results.Case{ID: "broke", Outcome: results.Error, Reason: "given 1: transport: refused\nmore"}))
		}, func(t *testing.T, d document) {
			c := d.testcase(t, "broke")
			e := c.child(t, "error")
			if e.attr("message") != "given 1: transport: refused" || e.attr("type") != "error" || !strings.Contains(c.child(t, "system-out").Text, "no request recorded") {
				t.Errorf("error %v, system-out %v", e.Attrs, c.children("system-out"))
			}
		}},
		{"a skipped case is skipped with its reason and carries system-out", func() *results.Report {
			return report([]string{"universal"}, part("universal", results.Case{ID: "gated", Outcome: results.Skipped, Reason: "not triggerable on this target: magic values",
				Rerun: "go run ./cmd/shopconform run --focus '^gated$'"}))
		}, func(t *testing.T, d document) {
			c := d.testcase(t, "gated")
			if s := c.child(t, "skipped"); s.attr("message") != "not triggerable on this target: magic values" {
				t.Errorf("skipped %v", s.Attrs)
			}
			if !strings.Contains(c.child(t, "system-out").Text, "--focus '^gated$'") {
				t.Errorf("no rerun line")
			}
			if countsOf(d.suite["universal"]) != (counts{"1", "0", "0", "1"}) {
				t.Errorf("counts %+v", countsOf(d.suite["universal"]))
			}
		}},
		{"an inconclusive case without an expectation fails the run, so it is an error", func() *results.Report {
			return report([]string{"universal"}, part("universal", results.Case{ID: "env", Outcome: results.Inconclusive, ActualErrcode: errcode(45009), Reason: "the environment answered 45009 after 3 attempts"}))
		}, func(t *testing.T, d document) {
			e := d.testcase(t, "env").child(t, "error")
			if e.attr("type") != "inconclusive" || e.attr("message") != "inconclusive: the environment answered 45009 after 3 attempts" {
				t.Errorf("error %v", e.Attrs)
			}
			if countsOf(d.suite["universal"]) != (counts{"1", "0", "1", "0"}) {
				t.Errorf("counts %+v", countsOf(d.suite["universal"]))
			}
		}},
		{"a case an expectation allows is skipped with the entry's reason, whatever its outcome", func() *results.Report {
			return report([]string{"universal"}, part("universal",
				results.Case{ID: "known", ExpectedErrcode: 40066, ActualErrcode: errcode(0), Outcome: results.Fail, Reason: "Expected\n    errcode 0", Transcript: transcript,
					Expectation: &results.Expectation{Outcome: results.Fail, Reason: "the sandbox answers 0", Link: "https://example.com/7", Expires: "2026-11-30"}},
				results.Case{ID: "known-env", Outcome: results.Inconclusive, Reason: "quota",
					Expectation: &results.Expectation{Outcome: results.Inconclusive, Reason: "quota on the shared sandbox", Expires: "2026-12-31"}}))
		}, func(t *testing.T, d document) {
			c := d.testcase(t, "known")
			if got := c.names(); !slices.Equal(got, []string{"properties", "skipped", "system-out"}) {
				t.Errorf("children %v", got)
			}
			if s := c.child(t, "skipped"); s.attr("message") != "expected fail: the sandbox answers 0 (until 2026-11-30, https://example.com/7)" || !strings.Contains(s.Text, "errcode 0") {
				t.Errorf("skipped %v %q", s.Attrs, s.Text)
			}
			if s := d.testcase(t, "known-env").child(t, "skipped"); s.attr("message") != "expected inconclusive: quota on the shared sandbox (until 2026-12-31)" {
				t.Errorf("skipped %v", s.Attrs)
			}
			if countsOf(d.suite["universal"]) != (counts{"2", "0", "0", "2"}) {
				t.Errorf("counts %+v", countsOf(d.suite["universal"]))
			}
		}},
		{"a broken expectation fails its case: a pass or a skip becomes a failure, a failure or error says it first", func() *results.Report {
			r := report([]string{"order"}, part("order",
				results.Case{ID: "fixed", Outcome: results.Pass, ActualErrcode: errcode(0)},
				results.Case{ID: "other", Outcome: results.Error, Reason: "transport: refused"},
				results.Case{ID: "stale", ExpectedErrcode: 40066, ActualErrcode: errcode(0), Outcome: results.Fail, Reason: "x"},
				results.Case{ID: "gated", Outcome: results.Skipped, Reason: "needs account profile fresh"}))
			entry := results.ExpectationEntry{Line: 4, Case: "order-*", Target: "sandbox", Outcome: results.Fail, Expires: "2026-11-30"}
			r.Expectations = &results.Expectations{File: "/home/ci/repo/ci/expectations.yaml", Entries: 1, Broken: []results.BrokenExpectation{
				{CaseID: "fixed", Entry: entry, Problem: "expected failure did not happen"},
				{CaseID: "other", Entry: entry, Problem: "expected fail, got error"},
				{CaseID: "stale", Entry: entry, Problem: "expired on 2026-11-30"},
				{CaseID: "gated", Entry: entry, Problem: "expected fail, got skipped"},
			}}
			return r
		}, func(t *testing.T, d document) {
			entry := `entry "order-*" (outcome fail, target sandbox, expires 2026-11-30) at repo/ci/expectations.yaml:4`
			if f := d.testcase(t, "fixed").child(t, "failure"); f.attr("type") != "expectation" || f.attr("message") != "expected failure did not happen: "+entry {
				t.Errorf("pass with a broken expectation: %v", f.Attrs)
			}
			if e := d.testcase(t, "other").child(t, "error"); e.attr("type") != "error" || e.attr("message") != "expected fail, got error: "+entry+"; transport: refused" {
				t.Errorf("error with a broken expectation: %v", e.Attrs)
			}
			if f := d.testcase(t, "stale").child(t, "failure"); f.attr("type") != "fail" || f.attr("message") != "expired on 2026-11-30: "+entry+"; expected errcode 40066, got 0" {
				t.Errorf("failure with an expired expectation: %v", f.Attrs)
			}
			g := d.testcase(t, "gated")
			if f := g.child(t, "failure"); f.attr("type") != "expectation" || !strings.HasSuffix(f.attr("message"), "; skipped: needs account profile fresh") || len(g.children("skipped")) != 0 {
				t.Errorf("skip with a broken expectation: %v %v", f.Attrs, g.names())
			}
			if countsOf(d.suite["order"]) != (counts{"4", "3", "1", "0"}) {
				t.Errorf("counts %+v", countsOf(d.suite["order"]))
			}
		}},
		{"a broken expectation on a case the report does not list fails the run testcase", func() *results.Report {
			r := report([]string{"order"}, part("order", results.Case{ID: "o1", Outcome: results.Pass}))
			r.Expectations = &results.Expectations{File: "expectations.yaml", Broken: []results.BrokenExpectation{
				{CaseID: "gone", Entry: results.ExpectationEntry{Line: 2, Case: "gone", Outcome: results.Fail, Expires: "2026-01-01"}, Problem: "expired on 2026-01-01"}}}
			return r
		}, func(t *testing.T, d document) {
			e := d.testcase(t, "run").child(t, "error")
			if e.attr("type") != "expectation" || !strings.Contains(e.attr("message"), `expired on 2026-01-01: entry "gone"`) || !strings.Contains(e.Text, "gone: expired on 2026-01-01") {
				t.Errorf("run error %v %q", e.Attrs, e.Text)
			}
		}},
		{"a malformed fixture file is one testcase with every problem, named and filed by its relative path", func() *results.Report {
			r := report([]string{"product"}, results.Part{Domain: "product", Problems: []results.Problem{
				{File: "/home/ci/cases/product/p.json", Line: 3, Col: 1, Message: "invalid JSON", Domain: "product"},
				{File: "/home/ci/cases/product/p.json", Line: 9, Col: 5, Message: "duplicate id \"p\": already used by /home/ci/cases/order/p.json", Domain: "product"},
				{File: "/home/ci/cases/stray.txt", Message: "not a case"},
			}})
			r.Config["fixtures"] = "/home/ci/cases"
			return r
		}, func(t *testing.T, d document) {
			c := d.testcase(t, "malformed fixture cases/product/p.json")
			e := c.child(t, "error")
			if c.attr("file") != "cases/product/p.json" || e.attr("type") != "malformed-fixture" || e.attr("message") != "cases/product/p.json:3:1: invalid JSON (and 1 more)" ||
				e.Text != "cases/product/p.json:3:1: invalid JSON\ncases/product/p.json:9:5: duplicate id \"p\": already used by cases/order/p.json\n" {
				t.Errorf("malformed fixture %v %q", c.Attrs, e.Text)
			}
			// A problem with no domain is listed under the first domain
			// when universal did not run, not dropped.
			if e := d.testcase(t, "malformed fixture cases/stray.txt").child(t, "error"); e.attr("message") != "cases/stray.txt: not a case" {
				t.Errorf("stray file %v", e.Attrs)
			}
			if strings.Contains(d.raw, "/home/ci") {
				t.Errorf("a machine-specific path:\n%s", d.raw)
			}
		}},
		{"a documented code without a case stays a skipped testcase", func() *results.Report {
			return report([]string{"product"}, results.Part{Domain: "product", Pending: []results.Pending{{Code: 1000001, Domain: "product", Text: "Not uploaded_product_id"}}})
		}, func(t *testing.T, d document) {
			c := d.testcase(t, "errcode 1000001 (pending)")
			if s := c.child(t, "skipped"); s.attr("message") != "no case for errcode 1000001 yet (Not uploaded_product_id)" || c.attr("classname") != "shopconform.product.pending" {
				t.Errorf("pending %v %v", c.Attrs, s.Attrs)
			}
		}},
		{"an unreachable target is one run error, no testcase per domain", func() *results.Report {
			r := report([]string{"universal", "product"})
			r.Error = "the sandbox target at http://127.0.0.1:9 is unreachable: start shopconform serve"
			r.Complete = false
			return r
		}, func(t *testing.T, d document) {
			if len(d.cases) != 1 {
				t.Errorf("%d testcases, want the run's alone:\n%s", len(d.cases), d.raw)
			}
			c := d.testcase(t, "run")
			e := c.child(t, "error")
			if c.attr("classname") != "shopconform" || e.attr("type") != "run" ||
				e.attr("message") != "the sandbox target at http://127.0.0.1:9 is unreachable: start shopconform serve; did not report: universal, product" ||
				!strings.Contains(e.Text, "universal, product: the suite did not report: it did not build") {
				t.Errorf("run %v %v %q", c.Attrs, e.Attrs, e.Text)
			}
			if !strings.HasPrefix(d.suite["product"].child(t, "system-err").Text, "the suite did not report: it did not build") {
				t.Errorf("product's system-err %v", d.suite["product"].names())
			}
			if countsOf(d.suite["product"]) != (counts{"0", "0", "0", "0"}) || countsOf(d.root) != (counts{"1", "0", "1", ""}) {
				t.Errorf("counts %+v %+v", countsOf(d.suite["product"]), countsOf(d.root))
			}
		}},
		{"an incomplete run names the domain that did not report; a domain failure goes to its system-err", func() *results.Report {
			r := report([]string{"universal", "order"}, results.Part{Domain: "universal", Failure: "configuration: bad budget",
				Cases: []results.Case{{ID: "u1", Domain: "universal", Outcome: results.Error, Reason: "configuration: bad budget"}}})
			return r
		}, func(t *testing.T, d document) {
			e := d.testcase(t, "run").child(t, "error")
			if e.attr("type") != "incomplete" || e.attr("message") != "incomplete run; did not report: order" ||
				!strings.Contains(e.Text, "universal: configuration: bad budget") || !strings.Contains(e.Text, "order: the suite did not report") {
				t.Errorf("run %v %q", e.Attrs, e.Text)
			}
			if d.suite["universal"].child(t, "system-err").Text != "configuration: bad budget" {
				t.Errorf("universal's system-err")
			}
			if _, ok := d.cases["suite universal"]; ok {
				t.Errorf("a phantom testcase for the suite")
			}
		}},
		{"a complete run without error has no run testcase, even with a domain failure", func() *results.Report {
			return report([]string{"universal"}, results.Part{Domain: "universal", Failure: "configuration: x",
				Cases: []results.Case{{ID: "u1", Domain: "universal", Outcome: results.Error, Reason: "configuration: x"}}})
		}, func(t *testing.T, d document) {
			if _, ok := d.cases["run"]; ok {
				t.Errorf("a run testcase on a complete run")
			}
		}},
		{"a shard and a merged report say so in the suite properties", func() *results.Report {
			r := report([]string{"universal"}, part("universal", results.Case{ID: "u1", Outcome: results.Pass}))
			r.Shard = &results.ShardOf{Index: 2, Total: 3}
			r.MergedFrom = []results.MergedShard{{Index: 1, Total: 3}, {Index: 2, Total: 3}, {Index: 3, Total: 3}}
			r.Capabilities = []string{"magic-values", "clock"}
			return r
		}, func(t *testing.T, d document) {
			p := d.suite["universal"].properties()
			if p["shard"] != "2/3" || p["merged_from_shards"] != "3" || p["capabilities"] != "magic-values,clock" || p["target"] != "reference" {
				t.Errorf("suite properties %v", p)
			}
		}},
		{"the totals add up across suites, by the element each testcase carries", func() *results.Report {
			return report([]string{"universal", "product"},
				part("universal",
					results.Case{ID: "a", Outcome: results.Pass, DurationMS: 1500},
					results.Case{ID: "b", Outcome: results.Fail, Reason: "x", DurationMS: 250},
					results.Case{ID: "c", Outcome: results.Inconclusive, Reason: "quota"},
					results.Case{ID: "d", Outcome: results.Skipped, Reason: "budget"}),
				results.Part{Domain: "product", Cases: []results.Case{{ID: "e", Domain: "product", Outcome: results.Error, Reason: "x"}},
					Pending:  []results.Pending{{Code: 1, Domain: "product"}},
					Problems: []results.Problem{{File: "fixtures/product/p.json", Message: "x", Domain: "product"}}})
		}, func(t *testing.T, d document) {
			if got := countsOf(d.suite["universal"]); got != (counts{"4", "1", "1", "1"}) || d.suite["universal"].attr("time") != "1.750" {
				t.Errorf("universal %+v time %s", got, d.suite["universal"].attr("time"))
			}
			if got := countsOf(d.suite["product"]); got != (counts{"3", "0", "2", "1"}) {
				t.Errorf("product %+v", got)
			}
			if got := countsOf(d.root); got != (counts{"7", "1", "3", ""}) || d.root.attr("time") != "1.750" {
				t.Errorf("testsuites %+v time %s", got, d.root.attr("time"))
			}
			if d.root.has("skipped") {
				t.Errorf("testsuites has a skipped attribute, which junit-10.xsd does not allow")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, render(t, tt.build()))
		})
	}
}

// BenchmarkWrite renders a run of 2,000 cases, one in ten failing with a
// three-request transcript.
func BenchmarkWrite(b *testing.B) {
	cases := make([]results.Case, 2000)
	for i := range cases {
		cases[i] = results.Case{ID: "case-" + strconv.Itoa(i), Outcome: results.Pass, ActualErrcode: errcode(0), DurationMS: 3}
		if i%10 == 0 {
			cases[i].Outcome, cases[i].Reason, cases[i].Transcript = results.Fail, "Expected\n    errcode 0", transcript
		}
	}
	r := report([]string{"universal"}, part("universal", cases...))
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
