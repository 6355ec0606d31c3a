package matchers

import (
	"fmt"

	"github.com/onsi/gomega/format"
	"github.com/onsi/gomega/types"

	"github.com/shopconform/shopconform/catalog"
)

// HaveErrcode succeeds when the response's errcode equals expected, which
// is an int, a catalog.Code, or a matcher applied to the errcode (int).
func HaveErrcode(expected any) types.GomegaMatcher {
	return &HaveErrcodeMatcher{Expected: expected}
}

// HaveErrcodeMatcher is the matcher behind HaveErrcode.
type HaveErrcodeMatcher struct {
	Expected any
}

// Match returns an error, not false, when actual is not a Response, when
// no errcode was received, or when Expected is neither a code nor a matcher:
// none of those is a contract violation.
func (m *HaveErrcodeMatcher) Match(actual any) (bool, error) {
	r, err := asResponse("HaveErrcode", actual)
	if err != nil {
		return false, err
	}
	code, ok := r.Errcode()
	if !ok {
		return false, fmt.Errorf("HaveErrcode matcher: no errcode was received from %s (fixture %s)", r.Endpoint(), r.Fixture())
	}
	switch want := m.Expected.(type) {
	case int:
		return code == want, nil
	case catalog.Code:
		return code == int(want), nil
	case types.GomegaMatcher:
		return want.Match(code)
	default:
		return false, fmt.Errorf("HaveErrcode matcher expects an int, a catalog.Code or a matcher as the expected errcode. Got:\n%s", format.Object(m.Expected, 1))
	}
}

func (m *HaveErrcodeMatcher) FailureMessage(actual any) string {
	return "Expected\n" + describeResponse(actual.(Response)) + "to have errcode\n" + m.describeExpected()
}

func (m *HaveErrcodeMatcher) NegatedFailureMessage(actual any) string {
	return "Expected\n" + describeResponse(actual.(Response)) + "not to have errcode\n" + m.describeExpected()
}

func (m *HaveErrcodeMatcher) describeExpected() string {
	switch want := m.Expected.(type) {
	case int:
		return "    " + catalog.Default().Describe(catalog.Code(want)) + "\n"
	case catalog.Code:
		return "    " + catalog.Default().Describe(want) + "\n"
	default:
		return format.Object(want, 1) + "\n"
	}
}
