package fuzz

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fuzz/report"
	"github.com/shopconform/shopconform/runner"
)

// wrong is what is wrong with the answer to a mutated request: only that
// request is judged, never its given steps.
type wrong struct {
	kind    report.Kind
	errcode *int
	detail  string
}

// documented are the codes any answer of ep may carry without being a
// finding: its own (fields, rules, states), those every call can answer
// (apispec.UniversalCodes), and the generic ones. A mutation that breaks
// one rule may meet another first on a target that checks in another
// order; that is no finding, and the conformance cases pin the order.
func documented(ep *apispec.Endpoint) map[catalog.Code]bool {
	out := map[catalog.Code]bool{catalog.ParameterMissing: true, catalog.ParameterTooLong: true}
	for _, u := range ep.Codes {
		out[u.Code] = true
	}
	for _, u := range apispec.UniversalCodes(ep) {
		out[u.Code] = true
	}
	return out
}

// judge reads an answer: no answer is a crash or a timeout, HTTP 5xx or
// -1 a server error, a body without the envelope not JSON, 0 to a request
// the spec refuses an accepted invalid, and a code neither expected nor
// documented for the endpoint (or not in the catalog at all) undocumented.
func judge(p runner.Probed, expected []catalog.Code, allowed map[catalog.Code]bool) *wrong {
	var transport *runner.TransportError
	switch {
	case errors.As(p.Fault, &transport) && transport.Timeout:
		return &wrong{kind: report.Timeout, detail: p.Fault.Error()}
	case errors.As(p.Fault, &transport):
		return &wrong{kind: report.Crash, detail: p.Fault.Error()}
	case p.Status >= 500:
		return &wrong{kind: report.ServerError, errcode: envelope(p), detail: fmt.Sprintf("HTTP %d", p.Status)}
	}
	code := envelope(p)
	switch {
	case code == nil:
		return &wrong{kind: report.NotJSON, detail: fmt.Sprintf("HTTP %d: %s", p.Status, faultText(p))}
	case catalog.Code(*code) == catalog.SystemError:
		return &wrong{kind: report.ServerError, errcode: code, detail: "errcode -1"}
	case catalog.Code(*code) == catalog.OK && !slices.Contains(expected, catalog.OK):
		return &wrong{kind: report.AcceptedInvalid, errcode: code, detail: "errcode 0 to a request the spec refuses"}
	case catalog.Code(*code) == catalog.OK:
		return nil
	case !catalog.Default().Has(catalog.Code(*code)):
		return &wrong{kind: report.UndocumentedCode, errcode: code, detail: fmt.Sprintf("errcode %d is not in the catalog", *code)}
	case !allowed[catalog.Code(*code)] && !slices.Contains(expected, catalog.Code(*code)):
		return &wrong{kind: report.UndocumentedCode, errcode: code, detail: fmt.Sprintf("errcode %s is not one this endpoint documents", catalog.Default().Describe(catalog.Code(*code)))}
	}
	return nil
}

// envelope is the answer's errcode, when it is the API's JSON envelope
// (whatever its HTTP status: the errcode decides, not the transport).
func envelope(p runner.Probed) *int {
	if p.Errcode != nil {
		return p.Errcode
	}
	var env struct {
		Errcode *json.Number `json:"errcode"`
	}
	if json.Unmarshal(p.Answer, &env) != nil || env.Errcode == nil {
		return nil
	}
	n, err := env.Errcode.Int64()
	if err != nil {
		return nil
	}
	code := int(n)
	return &code
}

func faultText(p runner.Probed) string {
	if p.Fault != nil {
		return p.Fault.Error()
	}
	return "no errcode"
}
