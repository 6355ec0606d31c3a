package junit

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/runner/results"
)

// everything is a report that makes junit.xml use every element and
// attribute it can write.
func everything() *results.Report {
	entry := results.ExpectationEntry{Line: 4, Case: "order-*", Outcome: results.Fail, Expires: "2026-11-30"}
	r := report([]string{"universal", "product", "order", "share"},
		part("universal",
			results.Case{ID: "pass", Outcome: results.Pass, DurationMS: 12, ActualErrcode: errcode(0)},
			results.Case{ID: "flaky", Outcome: results.Pass, Flaky: true, Attempts: 3, ActualErrcode: errcode(0), EarlierAttempts: []results.Attempt{
				{Step: "given 1 (first)", Errcode: errcode(45009), Errmsg: "quota"},
				{Step: "case", Error: "connection reset by peer"},
			}},
			results.Case{ID: "flaky-unrecorded", Outcome: results.Pass, Flaky: true, Attempts: 2},
			results.Case{ID: "fail", ExpectedErrcode: 40066, ActualErrcode: errcode(0), Outcome: results.Fail, Reason: "Expected\n    errcode 0\nto have errcode\n    40066",
				Transcript: slices.Concat(transcript, []results.Exchange{{Step: "case", Method: "POST", Endpoint: "/shop/img/upload", Status: 200, ResponseBody: "\x00\x01 not text \xff ]]> <b>&</b>"}}),
				Curl:       "curl -sS -X POST 'http://127.0.0.1:8089/shop/spu/get?access_token=ACCESS_TOKEN'", Rerun: "go run ./cmd/shopconform run --focus '^fail$'"},
			results.Case{ID: "error", Outcome: results.Error, Reason: "given 1: transport: refused"},
			results.Case{ID: "skipped", Outcome: results.Skipped, Reason: "not triggerable on this target: sandbox clock"},
			results.Case{ID: "inconclusive", Outcome: results.Inconclusive, Reason: "the environment answered 42001"},
			results.Case{ID: "expected", Outcome: results.Fail, ExpectedErrcode: 1, ActualErrcode: errcode(0), Reason: "x",
				Expectation: &results.Expectation{Outcome: results.Fail, Reason: "known", Link: "https://example.com/1", Expires: "2026-11-30"}},
		),
		results.Part{Domain: "product", Failure: "configuration: a bad budget",
			Cases: []results.Case{
				{ID: "order-fixed", Domain: "product", Outcome: results.Pass, Attempts: 1, Fixture: "/home/ci/cases/product/order-fixed.json"},
				{ID: "order-other", Domain: "product", Outcome: results.Error, Attempts: 1, Reason: "refused", Fixture: "/home/ci/cases/product/order-other.json"},
			},
			Pending: []results.Pending{{Code: 1000001, Domain: "product", Text: "Not uploaded_product_id"}},
			Problems: []results.Problem{
				{File: "/home/ci/cases/product/p.json", Line: 3, Col: 1, Message: "invalid JSON", Domain: "product"},
				{File: "/home/ci/cases/product/p.json", Line: 7, Col: 2, Message: "unknown field", Domain: "product"},
			}},
		results.Part{Domain: "share"},
	)
	r.Config["fixtures"] = "/home/ci/cases"
	r.Error = "shard 2/3: interrupted: the reports cover what finished"
	r.Complete = false
	r.Shard = &results.ShardOf{Index: 2, Total: 3}
	r.MergedFrom = []results.MergedShard{{Index: 1, Total: 3}, {Index: 2, Total: 3}}
	r.Capabilities = []string{"magic-values"}
	r.Expectations = &results.Expectations{File: "expectations.yaml", Entries: 2, Broken: []results.BrokenExpectation{
		{CaseID: "order-fixed", Entry: entry, Problem: "expected failure did not happen"},
		{CaseID: "order-other", Entry: entry, Problem: "expected fail, got error"},
		{CaseID: "order-gone", Entry: entry, Problem: "expired on 2026-11-30"},
	}}
	return r
}

// TestEverythingIsRendered keeps everything() honest: the report the
// schema test validates must carry every element junit.xml can write.
func TestEverythingIsRendered(t *testing.T) {
	d := render(t, everything())
	seen := map[string]bool{}
	var walk func(n node)
	walk = func(n node) {
		seen[n.XMLName.Local] = true
		for _, a := range n.Attrs {
			seen[n.XMLName.Local+"@"+a.Name.Local] = true
		}
		for _, c := range n.Nodes {
			walk(c)
		}
	}
	walk(d.root)
	for _, want := range []string{
		"testsuites", "testsuite", "properties", "property", "testcase", "testcase@file", "failure", "error", "skipped",
		"flakyFailure", "flakyError", "stackTrace", "system-out", "system-err", "testsuite@timestamp", "testsuite@skipped",
	} {
		if !seen[want] {
			t.Errorf("everything() renders no %s", want)
		}
	}
	for _, name := range []string{"run", "malformed fixture cases/product/p.json", "errcode 1000001 (pending)", "expected", "order-fixed", "inconclusive"} {
		d.testcase(t, name)
	}
	if !strings.Contains(d.testcase(t, "fail").child(t, "system-out").Text, "\uFFFD\uFFFD not text \uFFFD ]]> <b>&</b>") {
		t.Errorf("an answer's control characters are not replaced, or its markup not kept as text")
	}
}

// TestValidatesAgainstJUnit10XSD checks junit.xml against the Jenkins
// xUnit plugin's junit-10.xsd (testdata/README.md), after removing the
// two extensions it does not know: the file attribute and the properties
// of a testcase. Nothing else is removed.
func TestValidatesAgainstJUnit10XSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed (Debian: apt-get install libxml2-utils); junit.xml is not validated against junit-10.xsd")
	}
	var buf bytes.Buffer
	if err := Write(&buf, everything()); err != nil {
		t.Fatal(err)
	}
	stripped, err := withoutExtensions(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stripped, []byte(`file="`)) || bytes.Count(stripped, []byte("<properties>")) != bytes.Count(stripped, []byte("<testsuite ")) {
		t.Fatalf("the extensions were not removed:\n%s", stripped)
	}
	file := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(file, stripped, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit-10.xsd"), file).CombinedOutput()
	if err != nil {
		t.Errorf("junit.xml does not validate against junit-10.xsd: %v\n%s\n%s", err, out, stripped)
	}

	// The schema check itself can fail: an attribute junit-10.xsd does
	// not know is rejected.
	bad := bytes.Replace(stripped, []byte("<testsuites "), []byte(`<testsuites skipped="1" `), 1)
	if err := os.WriteFile(file, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit-10.xsd"), file).CombinedOutput(); err == nil {
		t.Errorf("xmllint accepted a skipped attribute on testsuites:\n%s", out)
	}
}

// withoutExtensions copies the document token by token, leaving out the
// file attribute of each testcase and each testcase's properties.
func withoutExtensions(doc []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var out bytes.Buffer
	enc := xml.NewEncoder(&out)
	var stack []string
	skipping := 0 // depth inside a testcase's properties
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			stack = append(stack, el.Name.Local)
			if skipping > 0 || el.Name.Local == "properties" && parent == "testcase" {
				skipping++
				continue
			}
			if el.Name.Local == "testcase" {
				var attrs []xml.Attr
				for _, a := range el.Attr {
					if a.Name.Local != "file" {
						attrs = append(attrs, a)
					}
				}
				el.Attr = attrs
			}
			tok = el
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			if skipping > 0 {
				skipping--
				continue
			}
		default:
			if skipping > 0 {
				continue
			}
		}
		if err := enc.EncodeToken(xml.CopyToken(tok)); err != nil {
			return nil, err
		}
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
