package runner

import (
	"time"

	"github.com/onsi/gomega/types"

	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/internal/jsonpath"
	"github.com/shopconform/shopconform/runner/results"
)

// Result is what one case did on one target. It implements
// matchers.Response.
type Result struct {
	Case    *fixtures.Case
	Target  string
	Outcome results.Outcome
	// Reason explains any outcome but pass; secrets are already masked.
	Reason string
	// Attempts is how often the case's own request was sent; Flaky is set
	// when the case passed only after a retry, of any of its requests.
	Attempts int
	Flaky    bool
	Duration time.Duration
	// Notes are things worth knowing that do not change the outcome, such
	// as a cleanup step that failed or a given step that answered an
	// errcode it accepts.
	Notes []string
	// Findings are what an SDK under certification did differently from
	// the case: fields it dropped or changed, an errcode it lost or
	// altered; secrets are already masked.
	Findings []results.Finding
	// Transcript, Curl and Rerun explain a case that did not pass.
	Transcript []results.Exchange
	Curl       string
	Rerun      string

	errcode *int
	errmsg  string
	answer  *answer
	answers []int // every errcode of the case's own request, retries included
	earlier []results.Attempt
	matcher types.GomegaMatcher
}

// Assertion is the matcher that judged the case's answer, for the spec to
// assert with; nil unless the outcome is pass or fail.
func (r *Result) Assertion() types.GomegaMatcher { return r.matcher }

// Errcode is the errcode the case's own request received.
func (r *Result) Errcode() (int, bool) {
	if r.errcode == nil {
		return 0, false
	}
	return *r.errcode, true
}

// Errmsg is the errmsg without its rid suffix.
func (r *Result) Errmsg() string { return r.errmsg }

// Endpoint is where the case's own request went.
func (r *Result) Endpoint() string { return r.Case.Endpoint }

// Fixture is the case's file.
func (r *Result) Fixture() string { return r.Case.File }

// Field reads a field of the case's own response.
func (r *Result) Field(path string) (any, bool) {
	if r.answer == nil {
		return nil, false
	}
	return jsonpath.Get(r.answer.Decoded(), path)
}

// Record is the results.json entry for this result.
func (r *Result) Record() results.Case {
	c := r.Case
	return results.Case{
		ID:              c.ID,
		Domain:          string(c.Domain),
		Endpoint:        c.Endpoint,
		Summary:         c.Summary,
		Account:         c.Account,
		Evidence:        string(c.Evidence),
		Labels:          c.Labels,
		ExpectedErrcode: int(c.Expect.Errcode),
		ActualErrcode:   r.errcode,
		Errmsg:          r.errmsg,
		Outcome:         r.Outcome,
		Reason:          r.Reason,
		Attempts:        r.Attempts,
		Flaky:           r.Flaky,
		Fixture:         c.File,
		DurationMS:      float64(r.Duration.Microseconds()) / 1000,
		Notes:           r.Notes,
		Findings:        findingLines(r.Findings),
		SDKFindings:     r.Findings,
		Transcript:      r.Transcript,
		Curl:            r.Curl,
		Rerun:           r.Rerun,
		EarlierAttempts: r.earlier,
	}
}

func findingLines(fs []results.Finding) []string {
	if len(fs) == 0 {
		return nil
	}
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = f.String()
	}
	return lines
}
