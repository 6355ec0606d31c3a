package htmlreport

import (
	"strconv"
	"strings"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fuzz/report"
)

// Option adds to the page what is not in results.json.
type Option func(p *page, cat *catalog.Catalog)

// WithFuzz adds the Fuzzing section: the campaign of a fuzz.json found in
// the report folder (`shopconform fuzz`).
//
// Stable hooks: section#fuzzing with dl.fuzz-run (target, seed, requests,
// endpoints, operators) and table#fuzz-findings > tr.fuzz-finding with
// data-kind, data-endpoint and data-operator, holding pre.fuzz-request
// and pre.curl; p.fuzz-clean instead when there is no finding.
func WithFuzz(f *report.Report) Option {
	return func(p *page, cat *catalog.Catalog) {
		v := &fuzzView{Target: f.Target, Seed: strconv.FormatUint(f.Seed, 10), Requests: f.Requests,
			Endpoints: len(f.Endpoints), Operators: strings.Join(f.Operators, ", ")}
		for _, fd := range f.Findings {
			row := fuzzRow{Endpoint: fd.Endpoint, Operator: fd.Operator, Kind: string(fd.Kind), Got: "none", Curl: fd.Curl}
			if fd.Errcode != nil {
				row.Got = cat.Describe(catalog.Code(*fd.Errcode))
			}
			var expected []string
			for _, c := range fd.Expected {
				expected = append(expected, cat.Describe(catalog.Code(c)))
			}
			row.Expected = strings.Join(expected, "; ")
			row.Request = string(fd.Request.Body)
			if fd.Request.RawBody != nil {
				row.Request = *fd.Request.RawBody
			}
			v.Findings = append(v.Findings, row)
		}
		p.Fuzz = v
	}
}

// fuzzView is the Fuzzing section.
type fuzzView struct {
	Target, Seed, Operators string
	Requests, Endpoints     int
	Findings                []fuzzRow
}

type fuzzRow struct {
	Endpoint, Operator, Kind, Got, Expected, Request, Curl string
}
