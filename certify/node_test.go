package certify

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

// TestNodeAdapterOverHTTPS certifies the Node.js adapter over HTTPS, its
// runtime told to trust the CA file the way README says
// (NODE_EXTRA_CA_CERTS): the recipe works with a stock runtime.
func TestNodeAdapterOverHTTPS(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	srv, caFile := loopbackTLS(t)
	p, err := Process("NODE_EXTRA_CA_CERTS='"+caFile+"' node ../adapters/node/adapter.mjs", 10*time.Second, ServeTLS(srv.Config, caFile))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cert, err := Certify(context.Background(), p, Options{Target: "replay", Domains: []catalog.Domain{catalog.Universal}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Statistics.Total == 0 || cert.Statistics.Pass != cert.Statistics.Total {
		for _, c := range cert.Report().Cases {
			if c.Outcome != results.Pass {
				t.Errorf("%s: %s: %s", c.ID, c.Outcome, c.Reason)
				break
			}
		}
		t.Errorf("%+v", cert.Statistics)
	}
}
