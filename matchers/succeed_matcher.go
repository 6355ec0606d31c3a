package matchers

import (
	"fmt"

	"github.com/onsi/gomega/types"
)

// HaveSucceeded succeeds when the response carries errcode 0, the one
// success answer of every /shop/ endpoint. Use HaveResponseFields for the
// documented fields of a success.
func HaveSucceeded() types.GomegaMatcher {
	return &HaveSucceededMatcher{}
}

// HaveSucceededMatcher is the matcher behind HaveSucceeded.
type HaveSucceededMatcher struct{}

func (m *HaveSucceededMatcher) Match(actual any) (bool, error) {
	r, err := asResponse("HaveSucceeded", actual)
	if err != nil {
		return false, err
	}
	code, ok := r.Errcode()
	if !ok {
		return false, fmt.Errorf("HaveSucceeded matcher: no errcode was received from %s (fixture %s)", r.Endpoint(), r.Fixture())
	}
	return code == 0, nil
}

func (m *HaveSucceededMatcher) FailureMessage(actual any) string {
	return "Expected\n" + describeResponse(actual.(Response)) + "to have succeeded (errcode 0)\n"
}

func (m *HaveSucceededMatcher) NegatedFailureMessage(actual any) string {
	return "Expected\n" + describeResponse(actual.(Response)) + "not to have succeeded (errcode 0)\n"
}
