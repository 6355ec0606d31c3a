package conformance

import (
	"encoding/json"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/results"
)

// part is the domain's results, made once, with the report of every
// process, even when specs failed or the run was interrupted: every case
// gets a record, run or not.
func (p *plan) part(r Report) results.Part {
	part := results.Part{
		Domain:   string(p.domain),
		Target:   runner.TargetName(p.cfg),
		Cases:    []results.Case{},
		Pending:  []results.Pending{},
		Problems: []results.Problem{},
	}
	if p.cfgErr != nil {
		part.Failure = "configuration: " + p.cfgErr.Error()
	}
	reports := map[string]types.SpecReport{}
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt {
			reports[sr.LeafNodeLocation.FileName] = sr
		}
	}
	for _, c := range p.cases {
		sr, ran := reports[c.File]
		rec, ok := recordFrom(sr)
		if !ok {
			rec = notRecorded(c, sr, ran)
		}
		part.Cases = append(part.Cases, rec)
	}
	for _, e := range p.pending {
		part.Pending = append(part.Pending, results.Pending{Code: int(e.Code), Domain: string(e.Domain), Text: e.Text})
	}
	part.Problems = append(part.Problems, problemRecords(p.problems)...)
	return part
}

func problemRecords(problems []fixtures.Problem) []results.Problem {
	out := make([]results.Problem, 0, len(problems))
	for _, pr := range problems {
		out = append(out, results.Problem{File: pr.File, Line: pr.Line, Col: pr.Col, Message: pr.Msg, Domain: string(pr.Domain)})
	}
	return out
}

func recordFrom(sr types.SpecReport) (results.Case, bool) {
	for _, e := range sr.ReportEntries {
		if e.Name != resultEntry {
			continue
		}
		s, ok := e.GetRawValue().(string)
		var rec results.Case
		if ok && json.Unmarshal([]byte(s), &rec) == nil {
			return rec, true
		}
	}
	return results.Case{}, false
}

// notRecorded describes a case whose spec never recorded a result: it was
// filtered out, interrupted, timed out, or the harness itself panicked.
func notRecorded(c *fixtures.Case, sr types.SpecReport, ran bool) results.Case {
	rec := results.Case{
		ID: c.ID, Domain: string(c.Domain), Endpoint: c.Endpoint, Summary: c.Summary, Account: c.Account,
		Evidence: string(c.Evidence), Labels: c.Labels, ExpectedErrcode: int(c.Expect.Errcode), Fixture: c.File,
	}
	switch {
	case !ran:
		rec.Outcome, rec.Reason = results.Error, "the suite never reached this case"
	case sr.State == types.SpecStateSkipped && sr.Failure.Message == "":
		rec.Outcome, rec.Reason = results.Skipped, results.NotSelected
	case sr.State == types.SpecStateSkipped:
		rec.Outcome, rec.Reason = results.Skipped, sr.Failure.Message
	case sr.State.Is(types.SpecStateInterrupted | types.SpecStateAborted):
		rec.Outcome, rec.Reason = results.Error, "interrupted before it finished: "+sr.Failure.Message
	case sr.State == types.SpecStateTimedout:
		rec.Outcome, rec.Reason = results.Error, "timed out: "+sr.Failure.Message
	default:
		rec.Outcome, rec.Reason = results.Error, fmt.Sprintf("%s: %s", sr.State, sr.Failure.Message)
	}
	return rec
}
