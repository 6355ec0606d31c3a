// Package results is the typed, versioned record of a run: what every case
// did and which documented codes have no case yet. results.json is this
// value; JUnit and the other reports are rendered from it.
package results

import (
	"time"
)

// SchemaVersion changes whenever a field changes meaning or disappears.
// Adding a field does not change it.
const SchemaVersion = "shopconform.results/v1"

// Kind names the document type, for tools that read several.
const Kind = "ShopconformResults"

// Outcome is what became of one case. The set is closed.
type Outcome string

const (
	// Pass: the target answered the documented errcode (and fields).
	Pass Outcome = "pass"
	// Fail: the target answered another errcode, or lacked a field.
	Fail Outcome = "fail"
	// Skipped: the case did not run; Reason says why (e.g. "needs account
	// profile X", "filtered out").
	Skipped Outcome = "skipped"
	// Inconclusive: the environment answered (token, quota, rate, busy)
	// instead of the API; no verdict either way.
	Inconclusive Outcome = "inconclusive"
	// Error: the harness, a given step or the transport broke.
	Error Outcome = "error"
)

// Outcomes lists every outcome in report order.
func Outcomes() []Outcome { return []Outcome{Fail, Error, Inconclusive, Skipped, Pass} }

// Case is the record of one case.
type Case struct {
	// ID is the case's unique id, also its fixture file name.
	ID string `json:"id"`
	// Domain is the suite the case belongs to.
	Domain string `json:"domain"`
	// Endpoint is the path the case's own request went to.
	Endpoint string `json:"endpoint"`
	// Summary is the fixture's one-line description.
	Summary string `json:"summary"`
	// Account is the account profile the case ran as.
	Account string `json:"account"`
	// Evidence is "D" (documented) or "I" (inferred).
	Evidence string `json:"evidence"`
	// Labels are the fixture's own labels.
	Labels []string `json:"labels,omitempty"`
	// ExpectedErrcode is the errcode the documentation promises.
	ExpectedErrcode int `json:"expected_errcode"`
	// ActualErrcode is what the target answered; null when no errcode was
	// received (transport fault, skipped case).
	ActualErrcode *int `json:"actual_errcode"`
	// Errmsg is the target's errmsg without its " rid: …" suffix.
	Errmsg string `json:"errmsg,omitempty"`
	// Outcome is the verdict.
	Outcome Outcome `json:"outcome"`
	// Reason explains any outcome but pass: the failure message, the skip
	// reason, the environment answers, or the error.
	Reason string `json:"reason,omitempty"`
	// Attempts is how many times the case's request was sent.
	Attempts int `json:"attempts"`
	// Flaky is true when the case passed only after a retry: a pass, but
	// never a silent one.
	Flaky bool `json:"flaky,omitempty"`
	// Fixture is the path of the case's file.
	Fixture string `json:"fixture"`
	// DurationMS is the wall time of the case, given and cleanup included.
	DurationMS float64 `json:"duration_ms"`
	// Notes are what is worth knowing and changed nothing in the outcome:
	// a given step that answered an errcode it accepts (the state it sets
	// up was there already), a cleanup step that failed.
	Notes []string `json:"notes,omitempty"`
	// Findings are what an SDK under certification did differently from
	// the case (a dropped or changed field, a lost or altered errcode),
	// one line each; empty outside certification.
	Findings []string `json:"findings,omitempty"`
	// SDKFindings are the same findings as data, for tools: what kind,
	// where, and how. Added within v1.
	SDKFindings []Finding `json:"sdk_findings,omitempty"`
	// Transcript is every request the case sent and what came back, in
	// order, secrets masked and the token never included; kept for the
	// cases that did not pass.
	Transcript []Exchange `json:"transcript,omitempty"`
	// Curl reproduces the case's own request (its final attempt) against
	// the target, with ACCESS_TOKEN in place of the token; cases that did
	// not pass only.
	Curl string `json:"curl,omitempty"`
	// Rerun is the command that runs this case alone.
	Rerun string `json:"rerun,omitempty"`
	// EarlierAttempts are the answers that were retried before the last
	// attempt of any of the case's requests: on a flaky pass, what went
	// wrong first.
	EarlierAttempts []Attempt `json:"earlier_attempts,omitempty"`
	// Expectation is the expectations-file entry this case matched and
	// did what it says: the outcome stays, but it does not fail the run.
	Expectation *Expectation `json:"expectation,omitempty"`
}

// Finding is one thing an SDK under certification did differently from
// the case.
type Finding struct {
	// Kind is FindingRequest, FindingAltered or FindingLost.
	Kind string `json:"kind"`
	// Path says where: a field of the request ("body.fund_type",
	// "content_type", "multipart.media.filename", "method", "raw_body"),
	// "requests" for how many the SDK sent, or "errcode".
	Path string `json:"path"`
	// Problem says how: "absent from the request", "sent \"100\", the case
	// has 100", "the SDK reports errcode 1000012 (typed error) but the
	// target answered 1000011".
	Problem string `json:"problem"`
}

// Kinds of Finding.
const (
	// FindingRequest: the SDK did not send the case's request.
	FindingRequest = "request differs"
	// FindingAltered: the SDK handed its caller another errcode than the
	// target answered.
	FindingAltered = "altered"
	// FindingLost: the SDK's caller got no errcode at all.
	FindingLost = "lost"
)

// SentNoRequest is the problem of the FindingRequest at path "requests"
// when the SDK sent nothing at all.
const SentNoRequest = "the SDK sent no request"

// String is the finding as one line of text, as Findings holds it.
func (f Finding) String() string {
	switch {
	case f.Kind == FindingRequest && f.Path == "requests":
		return f.Problem
	case f.Kind == FindingRequest:
		return "the SDK's request differs: " + f.Path + ": " + f.Problem
	case f.Kind == FindingLost:
		return "the SDK's caller got no errcode: " + f.Problem
	}
	return f.Problem
}

// Attempt is one answer a retry replaced: an errcode, or a transport
// error when no errcode came back.
type Attempt struct {
	// Step says which request: "given 1 (first)", "case".
	Step    string `json:"step"`
	Errcode *int   `json:"errcode"`
	Errmsg  string `json:"errmsg,omitempty"`
	Error   string `json:"error,omitempty"`
}

// Expectation is a known, reasoned deviation a case carries.
type Expectation struct {
	// Outcome is the outcome the entry expects, which the case had.
	Outcome Outcome `json:"outcome"`
	Reason  string  `json:"reason"`
	Link    string  `json:"link,omitempty"`
	// Expires is the last day (UTC, YYYY-MM-DD) the entry holds.
	Expires string `json:"expires"`
}

// Expectations is what the run's expectations file did: the entries that
// broke (they fail the run) and those that matched no case.
type Expectations struct {
	// File is the expectations file, as given.
	File string `json:"file"`
	// Entries is how many entries the file holds.
	Entries   int                 `json:"entries"`
	Broken    []BrokenExpectation `json:"broken"`
	Unmatched []ExpectationEntry  `json:"unmatched"`
}

// ExpectationEntry names one entry of an expectations file.
type ExpectationEntry struct {
	// Line is where the entry starts in the file.
	Line    int     `json:"line"`
	Case    string  `json:"case"`
	Target  string  `json:"target,omitempty"`
	Outcome Outcome `json:"outcome"`
	Expires string  `json:"expires"`
	// Reason and Link are the entry's own, so that a broken or unmatched
	// entry can be judged from the report alone.
	Reason string `json:"reason,omitempty"`
	Link   string `json:"link,omitempty"`
}

// BrokenExpectation is an entry a case broke: the expected outcome did
// not happen, another one did, or the entry has expired.
type BrokenExpectation struct {
	CaseID string           `json:"case_id"`
	Entry  ExpectationEntry `json:"entry"`
	// Problem says how: "expected failure did not happen", "expected
	// fail, got error", "expired on 2026-11-30".
	Problem string `json:"problem"`
}

// Exchange is one request of a case and its answer, as a transcript shows
// them.
type Exchange struct {
	// Step says which request this was: "given 1 (first)", "case", "cleanup 1".
	Step     string `json:"step"`
	Method   string `json:"method"`
	Endpoint string `json:"endpoint"`
	// RequestContentType and RequestBody are what was sent; bodies longer
	// than 16 KiB are cut and say so.
	RequestContentType string `json:"request_content_type,omitempty"`
	RequestBody        string `json:"request_body,omitempty"`
	// Status and ResponseBody are what came back; Status is 0 when nothing
	// did, and Error says why.
	Status       int    `json:"status"`
	ResponseBody string `json:"response_body,omitempty"`
	Error        string `json:"error,omitempty"`
}

// Pending is a documented code that no case expects yet.
type Pending struct {
	Code   int    `json:"code"`
	Domain string `json:"domain"`
	// Text is the vendor's text for the code.
	Text string `json:"text"`
}

// Problem is a fixture file that could not be read as a case.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Message string `json:"message"`
	Domain  string `json:"domain,omitempty"`
}

// Part is what one domain suite reports; `shopconform run` merges them.
type Part struct {
	Domain string `json:"domain"`
	Target string `json:"target"`
	// Failure is set when the suite could not run its cases at all
	// (configuration error, target would not start).
	Failure  string    `json:"failure,omitempty"`
	Cases    []Case    `json:"cases"`
	Pending  []Pending `json:"pending"`
	Problems []Problem `json:"problems"`
}

// Statistics counts cases by outcome, plus pending codes and fixture
// problems.
type Statistics struct {
	Total        int `json:"total"`
	Pass         int `json:"pass"`
	Flaky        int `json:"flaky"`
	Fail         int `json:"fail"`
	Skipped      int `json:"skipped"`
	Inconclusive int `json:"inconclusive"`
	Error        int `json:"error"`
	Pending      int `json:"pending"`
	Problems     int `json:"problems"`
	// Expected counts the cases that carry an honoured expectation; they
	// are counted under their outcome too, as flaky passes are under pass.
	Expected int `json:"expected"`
}

// DomainResult is the state of one domain's suite.
type DomainResult struct {
	Domain string `json:"domain"`
	// Reported is false when the suite never reported (it did not build,
	// crashed, or the run was interrupted first).
	Reported   bool       `json:"reported"`
	Failure    string     `json:"failure,omitempty"`
	Statistics Statistics `json:"statistics"`
}

// Report is results.json.
type Report struct {
	SchemaVersion  string `json:"schema_version"`
	Kind           string `json:"kind"`
	Target         string `json:"target"`
	HarnessVersion string `json:"harness_version"`
	CatalogHash    string `json:"catalog_hash"`
	// Config is the effective configuration, redacted.
	Config     map[string]string `json:"config"`
	StartedAt  time.Time         `json:"started_at"`
	FinishedAt time.Time         `json:"finished_at"`
	// Complete is false when the run was interrupted or a suite did not
	// report: the numbers below then cover only what finished.
	Complete bool `json:"complete"`
	// Error is set when the run itself failed (bad configuration, suites
	// could not be started).
	Error      string         `json:"error,omitempty"`
	Statistics Statistics     `json:"statistics"`
	Domains    []DomainResult `json:"domains"`
	Cases      []Case         `json:"cases"`
	Pending    []Pending      `json:"pending"`
	Problems   []Problem      `json:"problems"`
	// Shard is set when the run was one shard of several (run --shard
	// I/N, or a CI's own variables): the cases, statistics and domains
	// then cover that shard's cases only. Absent on a whole run and on a
	// merged report.
	Shard *ShardOf `json:"shard,omitempty"`
	// Fingerprint is what the shards of one run must share, and which
	// cases this report's run chose; `report merge` checks it. Absent
	// when the run failed before it chose its cases.
	Fingerprint *Fingerprint `json:"fingerprint,omitempty"`
	// MergedFrom lists the shard reports `report merge` joined into this
	// one, by index; absent on a report a run wrote.
	MergedFrom []MergedShard `json:"merged_from,omitempty"`
	// Capabilities are what the target can trigger (capability gating):
	// a case that needs another is skipped, "not triggerable on this
	// target". Absent in files of earlier v1 writers.
	Capabilities []string `json:"capabilities,omitempty"`
	// Expectations is set when the run read an expectations file.
	Expectations *Expectations `json:"expectations,omitempty"`
}

// ShardOf says which shard of a run a report covers, 1-based.
type ShardOf struct {
	Index int `json:"index"`
	Total int `json:"total"`
}

// MergedShard is one shard report a merged report was made from.
type MergedShard struct {
	Index      int       `json:"index"`
	Total      int       `json:"total"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Complete   bool      `json:"complete"`
}

// Count adds one case's outcome.
func (s *Statistics) Count(o Outcome) {
	s.Total++
	switch o {
	case Pass:
		s.Pass++
	case Fail:
		s.Fail++
	case Skipped:
		s.Skipped++
	case Inconclusive:
		s.Inconclusive++
	case Error:
		s.Error++
	}
}

// Add sums two statistics.
func (s *Statistics) Add(o Statistics) {
	s.Total += o.Total
	s.Pass += o.Pass
	s.Flaky += o.Flaky
	s.Fail += o.Fail
	s.Skipped += o.Skipped
	s.Inconclusive += o.Inconclusive
	s.Error += o.Error
	s.Pending += o.Pending
	s.Problems += o.Problems
	s.Expected += o.Expected
}

// Succeeded is the run's verdict: complete, no error, no malformed
// fixture, no broken expectation, and no case that counts against it.
func (r *Report) Succeeded() bool {
	if !r.Complete || r.Error != "" || r.Statistics.Problems > 0 || r.Expectations != nil && len(r.Expectations.Broken) > 0 {
		return false
	}
	for _, c := range r.Cases {
		if c.CountsAgainst() {
			return false
		}
	}
	return true
}

// CountsAgainst says whether the case fails its run: it failed, errored
// or was inconclusive, and no expectation says it would.
func (c Case) CountsAgainst() bool {
	return c.Expectation == nil && (c.Outcome == Fail || c.Outcome == Error || c.Outcome == Inconclusive)
}
