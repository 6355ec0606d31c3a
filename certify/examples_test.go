package certify

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/shopconform/shopconform/runner/results"
)

// TestExampleAdaptersPassEveryCaseOnReplay certifies the example adapters
// (adapters/node, plain fetch; adapters/python, plain urllib, which also
// builds multipart bodies its own way) out of process: like the Go
// baseline, each must pass every case. An example is skipped, saying so,
// where its interpreter is not on PATH.
func TestExampleAdaptersPassEveryCaseOnReplay(t *testing.T) {
	for _, ex := range []struct{ name, program, command string }{
		{name: "node", program: "node", command: "node ../adapters/node/adapter.mjs"},
		{name: "python", program: "python3", command: "python3 ../adapters/python/adapter.py"},
	} {
		t.Run(ex.name, func(t *testing.T) {
			if _, err := exec.LookPath(ex.program); err != nil {
				t.Skipf("%s is not on PATH: the %s example adapter is not certified here", ex.program, ex.name)
			}
			p, err := Process(ex.command, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			start := time.Now()
			cert, err := Certify(context.Background(), p, Options{Target: "replay"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d cases through %s %s on replay in %s", cert.Statistics.Total, cert.SDK.Name, cert.SDK.Version, time.Since(start).Round(time.Millisecond))
			for _, c := range cert.Report().Cases {
				if c.Outcome != results.Pass {
					t.Errorf("%s: %s: %s", c.ID, c.Outcome, c.Reason)
				}
			}
			if cert.Statistics.Total < 400 || cert.Statistics.Pass != cert.Statistics.Total {
				t.Errorf("%+v", cert.Statistics)
			}
			if _, notExact := cert.Exact(); len(notExact) > 0 || cert.TypedReachable.Reached != cert.TypedReachable.Codes {
				t.Errorf("codes not surfaced exactly: %+v", notExact)
			}
		})
	}
}
