// Package report is fuzz.json: what a fuzzing campaign sent and what it
// found, as `shopconform fuzz` writes it and report.html reads it. Its
// JSON Schema is runner/results/schema/fuzz.v1.schema.json.
package report

import (
	"encoding/json"
	"fmt"
	"os"
)

// SchemaVersion is fuzz.json's schema_version.
const SchemaVersion = 1

// FileName is the campaign's report in its folder.
const FileName = "fuzz.json"

// Report is one campaign.
type Report struct {
	SchemaVersion int `json:"schema_version"`
	// Target is "reference", "sandbox:<host>", or the name a program gave
	// its in-process handler.
	Target string `json:"target"`
	// Seed decides every mutation and its order: the same seed against
	// the same deterministic target gives the same report.
	Seed uint64 `json:"seed"`
	// Requests is every request sent, given steps, tokens and account
	// minting included.
	Requests int `json:"requests"`
	// Endpoints are the paths at least one mutated request was judged on,
	// sorted.
	Endpoints []string `json:"endpoints"`
	// Operators are the mutation operators the campaign used.
	Operators []string `json:"operators"`
	// Findings are what the target answered wrong, one per endpoint,
	// operator, kind, errcode and field, in the order found.
	Findings []Finding `json:"findings"`
}

// Kind is what is wrong with an answer.
type Kind string

// The kinds of finding.
const (
	// AcceptedInvalid: errcode 0 to a request the spec refuses.
	AcceptedInvalid Kind = "accepted-invalid"
	// UndocumentedCode: an errcode the catalog does not have, or that is
	// neither the endpoint's nor one every call can answer.
	UndocumentedCode Kind = "undocumented-code"
	// ServerError: errcode -1 or an HTTP 5xx.
	ServerError Kind = "server-error"
	// NotJSON: an answer that is not the API's JSON envelope.
	NotJSON Kind = "not-json"
	// Crash: no answer at all (the connection failed, the in-process
	// handler panicked).
	Crash Kind = "crash"
	// Timeout: no answer within the request timeout.
	Timeout Kind = "timeout"
)

// Kinds lists every kind.
func Kinds() []Kind {
	return []Kind{AcceptedInvalid, UndocumentedCode, ServerError, NotJSON, Crash, Timeout}
}

// Finding is one wrong answer to one mutated request, with the smallest
// request found that still gets it.
type Finding struct {
	Endpoint string `json:"endpoint"`
	Operator string `json:"operator"`
	Kind     Kind   `json:"kind"`
	// Errcode is what came back; nil when no errcode did.
	Errcode *int `json:"errcode"`
	// Expected are the codes the mutated request may earn (0 among them
	// only when the mutation leaves the request valid), ascending.
	Expected []int   `json:"expected"`
	Request  Request `json:"request"`
	// Curl sends the request again, with ACCESS_TOKEN for the token.
	Curl string `json:"curl"`

	// Field is the field or rule the mutation broke ("skus[].sku_code"),
	// empty for the whole body; Case is the valid case it was derived
	// from; Detail says what came back. Not in fuzz.json.
	Field  string `json:"-"`
	Case   string `json:"-"`
	Detail string `json:"-"`
}

// Request is a mutated request as sent, its token left out: Body when it
// is JSON, RawBody otherwise.
type Request struct {
	Method      string          `json:"method"`
	Endpoint    string          `json:"endpoint"`
	ContentType string          `json:"content_type,omitempty"`
	Body        json.RawMessage `json:"body,omitempty"`
	RawBody     *string         `json:"raw_body,omitempty"`
}

// Write writes r as indented JSON.
func (r *Report) Write(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// Read reads a fuzz.json, refusing one of another schema version. Fields
// it does not know are ignored: a later writer of the same version may add
// some.
func Read(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: not a fuzz.json: %w", path, err)
	}
	if r.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("%s: schema_version %d, this build reads %d", path, r.SchemaVersion, SchemaVersion)
	}
	return &r, nil
}
