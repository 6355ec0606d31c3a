package certify

import (
	"context"
	"testing"

	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/results"
)

// RunOptions are Options plus where to leave the certificate bundle.
type RunOptions struct {
	Options
	// Bundle, when set, is the folder the certificate bundle is written to.
	Bundle string
}

// Run certifies an SDK inside its own `go test`: every case is a subtest
// named by its id, failing with what the SDK did differently, or skipped
// with the reason an expectations file gives for it; an expectation that
// broke fails the test. A raw-wire case (one a typed SDK cannot send)
// that does not pass is skipped with its reason, as the certificate does
// not count it. It returns the certificate (also when cases fail).
func Run(t *testing.T, a Adapter, opts RunOptions) *Certificate {
	t.Helper()
	raw := map[string]string{}
	cert, err := Certify(context.Background(), a, opts.Options, func(res *runner.Result) {
		if why := rawWireWhy(res.Case); why != "" {
			raw[res.Case.ID] = why
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// The subtests report once every case is judged: an expectation is
	// decided by the whole file, in file order.
	for _, c := range cert.Report().Cases {
		t.Run(c.ID, func(t *testing.T) {
			switch {
			case c.Outcome == results.Pass:
			case c.Expectation != nil:
				t.Skipf("known gap, expected %s until %s: %s", c.Outcome, c.Expectation.Expires, c.Expectation.Reason)
			case raw[c.ID] != "":
				t.Skipf("raw-wire (%s), not counted: %s: %s", raw[c.ID], c.Outcome, c.Reason)
			case c.Outcome == results.Skipped || c.Outcome == results.Inconclusive:
				t.Skipf("%s: %s", c.Outcome, c.Reason)
			default:
				t.Errorf("%s (%s): %s", c.Outcome, c.Fixture, c.Reason)
			}
		})
	}
	if e := cert.Expectations; e != nil {
		for _, b := range e.Broken {
			t.Errorf("expectation %s:%d broken by %s: %s (%s)", e.File, b.Entry.Line, b.CaseID, b.Problem, b.Entry.Reason)
		}
	}
	if opts.Bundle != "" {
		if err := WriteBundle(opts.Bundle, cert); err != nil {
			t.Fatalf("certificate bundle: %v", err)
		}
	}
	return cert
}
