// Package junit renders a results report as JUnit XML, the form CI systems
// read: one <testsuite> per domain, one <testcase> per case, one per
// documented code without a case (skipped, "pending") and one per
// malformed fixture file (error); a run that failed as a whole or did not
// finish adds one more, "run", so that CI goes red exactly when the run
// fails.
//
// The output validates against the Jenkins xUnit plugin's junit-10.xsd
// once two extensions are removed: the file attribute and the properties
// of a testcase (runner/junit/testdata/README.md).
package junit

import (
	"cmp"
	"encoding/xml"
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
	Time     string      `xml:"time,attr"`
	Suites   []testsuite `xml:"testsuite"`
}

type testsuite struct {
	Name       string      `xml:"name,attr"`
	Tests      int         `xml:"tests,attr"`
	Failures   int         `xml:"failures,attr"`
	Errors     int         `xml:"errors,attr"`
	Skipped    int         `xml:"skipped,attr"`
	Time       string      `xml:"time,attr"`
	Timestamp  string      `xml:"timestamp,attr,omitempty"`
	Properties *properties `xml:"properties,omitempty"`
	Cases      []testcase  `xml:"testcase"`
	SystemErr  *cdata      `xml:"system-err,omitempty"`

	ms float64
}

// testcase lists its children in the order Maven Surefire writes them
// (failure, flakyFailure, skipped, error, flakyError, system-out), which
// its own schema requires; junit-10.xsd takes them in any order.
type testcase struct {
	Name          string      `xml:"name,attr"`
	Classname     string      `xml:"classname,attr"`
	Time          string      `xml:"time,attr"`
	File          string      `xml:"file,attr,omitempty"`
	Properties    *properties `xml:"properties,omitempty"`
	Failure       *problem    `xml:"failure,omitempty"`
	FlakyFailures []rerun     `xml:"flakyFailure"`
	Skipped       *skipped    `xml:"skipped,omitempty"`
	Error         *problem    `xml:"error,omitempty"`
	FlakyErrors   []rerun     `xml:"flakyError"`
	SystemOut     *cdata      `xml:"system-out,omitempty"`
}

type properties struct {
	Property []property `xml:"property"`
}

type property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type problem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type skipped struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",cdata"`
}

// rerun is Surefire's record of an attempt a retry replaced. Surefire's
// schema requires its stackTrace; here it holds the attempt's answer.
type rerun struct {
	Message    string `xml:"message,attr"`
	Type       string `xml:"type,attr"`
	StackTrace cdata  `xml:"stackTrace"`
}

// cdata is text written as CDATA, the way Surefire writes it, so that a
// transcript keeps its line breaks and quotes in the file too.
type cdata struct {
	Text string `xml:",cdata"`
}

func text(s string) *cdata {
	if s == "" {
		return nil
	}
	return &cdata{s}
}

// Write renders r as JUnit XML.
func Write(w io.Writer, r *results.Report) error {
	doc := testsuites{Name: "shopconform", Suites: build(r)}
	ms := 0.0
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		ms += s.ms
	}
	doc.Time = seconds(ms)
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

// build makes the suites: "shopconform" with the run's own testcase when
// the run failed or did not finish, then one per domain in run order.
// Whatever belongs to a domain the run did not list goes where a merged
// report puts it (results.MergeShards): universal for what has no
// domain, else the first domain, so nothing drops out of junit.xml.
func build(r *results.Report) []testsuite {
	root := newFixtureRoot(r.Config["fixtures"])
	props := suiteProperties(r)
	timestamp := r.StartedAt.UTC().Format("2006-01-02T15:04:05")
	newSuite := func(name string) testsuite {
		return testsuite{Name: name, Timestamp: timestamp, Properties: &properties{props}}
	}

	var out []testsuite
	index := map[string]int{}
	for _, d := range r.Domains {
		index[d.Domain] = len(out)
		s := newSuite(d.Domain)
		s.SystemErr = text(domainFailure(d))
		out = append(out, s)
	}
	home := func(domain string) *testsuite {
		i, ok := index[domain]
		if !ok && domain == "" {
			i, ok = index["universal"]
		}
		if !ok && len(r.Domains) > 0 {
			i, ok = index[r.Domains[0].Domain], true
		}
		if !ok {
			name := cmp.Or(domain, "universal")
			i = len(out)
			index[domain], index[name] = i, i
			out = append(out, newSuite(name))
		}
		return &out[i]
	}

	broken, orphans := brokenByCase(r)
	for _, c := range r.Cases {
		home(c.Domain).add(caseEntry(r, root, c, broken[c.ID]), c.DurationMS)
	}
	for _, p := range r.Pending {
		home(p.Domain).add(pendingEntry(p), 0)
	}
	for _, f := range malformedFiles(r.Problems, root) {
		home(f.domain).add(f.entry(), 0)
	}

	if tc, ok := runEntry(r, orphans); ok {
		s := newSuite("shopconform")
		s.add(tc, 0)
		out = append([]testsuite{s}, out...)
	}
	for i := range out {
		out[i].Time = seconds(out[i].ms)
		out[i].clean()
	}
	return out
}

// add counts tc by the element it carries, as CI readers count it.
func (s *testsuite) add(tc testcase, ms float64) {
	s.Tests++
	switch {
	case tc.Failure != nil:
		s.Failures++
	case tc.Error != nil:
		s.Errors++
	case tc.Skipped != nil:
		s.Skipped++
	}
	s.ms += ms
	s.Cases = append(s.Cases, tc)
}

// clean makes every text XML can carry: CDATA is written as it is, so
// control characters and invalid UTF-8 in an answer's body become U+FFFD
// (attributes get the same from the encoder).
func (s *testsuite) clean() {
	cleanText := func(c *cdata) {
		if c != nil {
			c.Text = xmlText(c.Text)
		}
	}
	cleanText(s.SystemErr)
	for i := range s.Cases {
		tc := &s.Cases[i]
		cleanText(tc.SystemOut)
		for _, p := range []*problem{tc.Failure, tc.Error} {
			if p != nil {
				p.Text = xmlText(p.Text)
			}
		}
		if tc.Skipped != nil {
			tc.Skipped.Text = xmlText(tc.Skipped.Text)
		}
		for _, rs := range [][]rerun{tc.FlakyFailures, tc.FlakyErrors} {
			for j := range rs {
				cleanText(&rs[j].StackTrace)
			}
		}
	}
}

func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return '\uFFFD'
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func suiteProperties(r *results.Report) []property {
	props := []property{{"target", r.Target}, {"harness_version", r.HarnessVersion}, {"catalog_hash", r.CatalogHash}}
	if r.Shard != nil {
		props = append(props, property{"shard", strconv.Itoa(r.Shard.Index) + "/" + strconv.Itoa(r.Shard.Total)})
	}
	if n := len(r.MergedFrom); n > 0 {
		props = append(props, property{"merged_from_shards", strconv.Itoa(n)})
	}
	if len(r.Capabilities) > 0 {
		props = append(props, property{"capabilities", strings.Join(r.Capabilities, ",")})
	}
	return props
}

// domainFailure is what a suite's <system-err> says about the suite
// itself; the run testcase names the same when it made the run fail.
func domainFailure(d results.DomainResult) string {
	switch {
	case !d.Reported && d.Failure == "":
		return "the suite did not report"
	case !d.Reported:
		return "the suite did not report: " + strings.TrimPrefix(d.Failure, "the suite did not report: ")
	}
	return d.Failure
}

func pendingEntry(p results.Pending) testcase {
	code := strconv.Itoa(p.Code)
	return testcase{
		Name: "errcode " + code + " (pending)", Classname: "shopconform." + p.Domain + ".pending", Time: "0.000",
		Properties: &properties{[]property{{"errcode", code}}},
		Skipped:    &skipped{Message: "no case for errcode " + code + " yet (" + p.Text + ")"},
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func seconds(ms float64) string { return strconv.FormatFloat(ms/1000, 'f', 3, 64) }
