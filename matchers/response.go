// Package matchers holds the Gomega matchers the suites assert with. One
// matcher per file; each refuses an actual value it cannot judge.
package matchers

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/format"

	"github.com/shopconform/shopconform/catalog"
)

// Response is what the matchers judge: one answer of a target to a case.
// *runner.Result implements it.
type Response interface {
	// Errcode is the errcode received; ok is false when none was.
	Errcode() (code int, ok bool)
	// Errmsg is the errmsg without its " rid: …" suffix.
	Errmsg() string
	Endpoint() string
	Fixture() string
	// Field reads a response field by dotted path.
	Field(path string) (any, bool)
}

func asResponse(matcher string, actual any) (Response, error) {
	r, ok := actual.(Response)
	if !ok || r == nil {
		return nil, fmt.Errorf("%s matcher expects a matchers.Response (such as *runner.Result). Got:\n%s", matcher, format.Object(actual, 1))
	}
	return r, nil
}

// describeResponse is the indented actual value of every failure message:
// the errcode with its catalog meaning, the errmsg, the endpoint and the
// fixture. It never holds a token: Response carries none.
func describeResponse(r Response) string {
	var b strings.Builder
	if code, ok := r.Errcode(); ok {
		fmt.Fprintf(&b, "    errcode %s\n", catalog.Default().Describe(catalog.Code(code)))
	} else {
		b.WriteString("    no errcode received\n")
	}
	fmt.Fprintf(&b, "    errmsg:   %q\n", r.Errmsg())
	fmt.Fprintf(&b, "    endpoint: %s\n", r.Endpoint())
	fmt.Fprintf(&b, "    fixture:  %s\n", r.Fixture())
	return b.String()
}
