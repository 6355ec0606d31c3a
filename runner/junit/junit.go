// Package junit renders a results report as JUnit XML, the form CI systems
// read: one <testsuite> per domain, one <testcase> per case, plus one per
// documented code without a case (skipped, "pending") and one per malformed
// fixture (error). Properties carry plain values.
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/shopconform/shopconform/runner/results"
)

type testsuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Suites   []testsuite `xml:"testsuite"`
}

type testsuite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       string     `xml:"time,attr"`
	Timestamp  string     `xml:"timestamp,attr,omitempty"`
	Properties []property `xml:"properties>property"`
	Cases      []testcase `xml:"testcase"`
}

type testcase struct {
	Name       string     `xml:"name,attr"`
	Classname  string     `xml:"classname,attr"`
	Time       string     `xml:"time,attr"`
	Properties []property `xml:"properties>property,omitempty"`
	Failure    *problem   `xml:"failure,omitempty"`
	Error      *problem   `xml:"error,omitempty"`
	Skipped    *skipped   `xml:"skipped,omitempty"`
}

type property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type problem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type skipped struct {
	Message string `xml:"message,attr"`
}

// Write renders r as JUnit XML.
func Write(w io.Writer, r *results.Report) error {
	doc := testsuites{Name: "shopconform"}
	total := 0.0
	suites := make([]testsuite, 0, len(r.Domains)+1)
	if r.Error != "" {
		// A run that failed as a whole must still fail in CI.
		suites = append(suites, testsuite{Name: "shopconform", Tests: 1, Errors: 1, Time: "0",
			Cases: []testcase{{Name: "run", Classname: "shopconform", Time: "0", Error: &problem{Message: r.Error, Type: "run", Text: r.Error}}}})
	}
	for _, d := range r.Domains {
		suites = append(suites, suite(r, d))
	}
	for _, s := range suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		secs, _ := strconv.ParseFloat(s.Time, 64)
		total += secs
		doc.Suites = append(doc.Suites, s)
	}
	doc.Time = seconds(total * 1000)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func suite(r *results.Report, d results.DomainResult) testsuite {
	s := testsuite{
		Name:      d.Domain,
		Timestamp: r.StartedAt.UTC().Format("2006-01-02T15:04:05"),
		Properties: []property{
			{"target", r.Target}, {"harness_version", r.HarnessVersion}, {"catalog_hash", r.CatalogHash},
		},
	}
	ms := 0.0
	add := func(tc testcase) {
		s.Tests++
		switch {
		case tc.Failure != nil:
			s.Failures++
		case tc.Error != nil:
			s.Errors++
		case tc.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, tc)
	}
	if d.Failure != "" {
		add(testcase{Name: "suite " + d.Domain, Classname: "shopconform." + d.Domain, Time: "0",
			Error: &problem{Message: d.Failure, Type: "suite", Text: d.Failure}})
	}
	for _, c := range r.Cases {
		if c.Domain == d.Domain {
			ms += c.DurationMS
			add(caseEntry(r.Target, c))
		}
	}
	for _, p := range r.Pending {
		if p.Domain == d.Domain {
			add(testcase{Name: fmt.Sprintf("errcode %d (pending)", p.Code), Classname: "shopconform." + d.Domain + ".pending", Time: "0",
				Properties: []property{{"errcode", strconv.Itoa(p.Code)}},
				Skipped:    &skipped{Message: fmt.Sprintf("no case for errcode %d yet (%s)", p.Code, p.Text)}})
		}
	}
	for _, p := range r.Problems {
		if p.Domain == d.Domain || p.Domain == "" && d.Domain == "universal" {
			where := p.File
			if p.Line > 0 {
				where = fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
			}
			add(testcase{Name: "malformed fixture " + p.File, Classname: "shopconform." + d.Domain + ".fixtures", Time: "0",
				Properties: []property{{"fixture", p.File}},
				Error:      &problem{Message: where + ": " + p.Message, Type: "malformed-fixture", Text: where + ": " + p.Message}})
		}
	}
	s.Time = seconds(ms)
	return s
}

func caseEntry(target string, c results.Case) testcase {
	actual := ""
	if c.ActualErrcode != nil {
		actual = strconv.Itoa(*c.ActualErrcode)
	}
	tc := testcase{
		Name:      c.ID,
		Classname: "shopconform." + c.Domain,
		Time:      seconds(c.DurationMS),
		Properties: []property{
			{"errcode", strconv.Itoa(c.ExpectedErrcode)},
			{"actual_errcode", actual},
			{"endpoint", c.Endpoint},
			{"fixture", c.Fixture},
			{"target", target},
			{"outcome", string(c.Outcome)},
			{"attempts", strconv.Itoa(c.Attempts)},
			{"flaky", strconv.FormatBool(c.Flaky)},
			{"account", c.Account},
			{"evidence", c.Evidence},
		},
	}
	switch c.Outcome {
	case results.Fail:
		tc.Failure = &problem{Message: failureMessage(c, actual), Type: "fail", Text: c.Reason}
	case results.Error:
		tc.Error = &problem{Message: firstLine(c.Reason), Type: "error", Text: c.Reason}
	case results.Skipped:
		tc.Skipped = &skipped{Message: c.Reason}
	case results.Inconclusive:
		tc.Skipped = &skipped{Message: "inconclusive: " + c.Reason}
	}
	return tc
}

// failureMessage is the one line a CI page shows: the errcode when it
// was wrong; otherwise what the right errcode's answer lacked (a field
// the case expects, the shape the spec documents), from the matcher's
// message, whose indented lines after "to have …" name each problem.
func failureMessage(c results.Case, actual string) string {
	if actual != strconv.Itoa(c.ExpectedErrcode) {
		return fmt.Sprintf("expected errcode %d, got %s", c.ExpectedErrcode, actual)
	}
	lines := strings.Split(strings.TrimRight(c.Reason, "\n"), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "to have ") {
			continue
		}
		var problems []string
		for _, p := range lines[i+1:] {
			if !strings.HasPrefix(p, "    ") {
				break
			}
			problems = append(problems, strings.TrimSpace(p))
		}
		return fmt.Sprintf("errcode %s as expected, but the answer does not have %s: %s", actual, strings.TrimPrefix(l, "to have "), strings.Join(problems, "; "))
	}
	return fmt.Sprintf("errcode %s as expected, but: %s", actual, firstLine(c.Reason))
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

func seconds(ms float64) string { return strconv.FormatFloat(ms/1000, 'f', 3, 64) }
