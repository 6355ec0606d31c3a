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
// named by its id, failing with what the SDK did differently. A raw-wire
// case (one a typed SDK cannot send) that does not pass is skipped with
// its reason, as the certificate does not count it. It returns the
// certificate (also when cases fail).
func Run(t *testing.T, a Adapter, opts RunOptions) *Certificate {
	t.Helper()
	cert, err := Certify(context.Background(), a, opts.Options, func(res *runner.Result) {
		t.Run(res.Case.ID, func(t *testing.T) {
			raw := rawWireWhy(res.Case)
			switch {
			case res.Outcome == results.Pass:
			case raw != "":
				t.Skipf("raw-wire (%s), not counted: %s: %s", raw, res.Outcome, res.Reason)
			case res.Outcome == results.Skipped || res.Outcome == results.Inconclusive:
				t.Skipf("%s: %s", res.Outcome, res.Reason)
			default:
				t.Errorf("%s (%s): %s", res.Outcome, res.Case.File, res.Reason)
			}
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if opts.Bundle != "" {
		if err := WriteBundle(opts.Bundle, cert); err != nil {
			t.Fatalf("certificate bundle: %v", err)
		}
	}
	return cert
}
