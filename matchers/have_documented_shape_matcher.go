package matchers

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
)

// HaveDocumentedShape succeeds when a success answer (errcode 0) has the
// shape the spec documents for its endpoint: every field documented as
// always there is there, and every documented field that is there has
// its type (validate.Response; fields the spec does not know are
// accepted). An error answer carries errcode and errmsg alone, so it has
// no shape to miss and always succeeds.
func HaveDocumentedShape(ep *apispec.Endpoint) types.GomegaMatcher {
	return &HaveDocumentedShapeMatcher{Endpoint: ep}
}

// HaveDocumentedShapeMatcher is the matcher behind HaveDocumentedShape.
type HaveDocumentedShapeMatcher struct {
	Endpoint *apispec.Endpoint
	problems []string // filled by Match for the failure message
}

func (m *HaveDocumentedShapeMatcher) Match(actual any) (bool, error) {
	r, err := asResponse("HaveDocumentedShape", actual)
	if err != nil {
		return false, err
	}
	if m.Endpoint == nil {
		return false, errors.New("HaveDocumentedShape matcher expects the endpoint's spec. Got: nil")
	}
	code, ok := r.Errcode()
	if !ok {
		return false, errors.New("HaveDocumentedShape matcher: no errcode was received from " + r.Endpoint() + " (fixture " + r.Fixture() + ")")
	}
	m.problems = nil
	if code != 0 {
		return true, nil
	}
	root, _ := r.Field("")
	answer, ok := withNumbers(root)
	if !ok {
		m.problems = []string{"the answer is not a JSON object"}
		return false, nil
	}
	m.problems = validate.Response(m.Endpoint, answer)
	return len(m.problems) == 0, nil
}

// withNumbers decodes the answer again keeping numbers as json.Number,
// as validate.Response reads them, whoever decoded it first.
func withNumbers(v any) (map[string]any, bool) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if dec.Decode(&obj) != nil || obj == nil {
		return nil, false
	}
	return obj, true
}

func (m *HaveDocumentedShapeMatcher) FailureMessage(actual any) string {
	return "Expected\n" + describeResponse(actual.(Response)) + "to have the response shape apispec documents for " + m.Endpoint.Path + "\n    " +
		strings.Join(m.problems, "\n    ") + "\n"
}

func (m *HaveDocumentedShapeMatcher) NegatedFailureMessage(actual any) string {
	return "Expected\n" + describeResponse(actual.(Response)) + "not to have the response shape apispec documents for " + m.Endpoint.Path + "\n"
}
