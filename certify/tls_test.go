package certify

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/fakeadapter"
	"github.com/shopconform/shopconform/internal/loopbacktls"
	"github.com/shopconform/shopconform/runner/results"
)

// TestTheLoopbackServerSpeaksHTTPS certifies the fake Go adapter over
// HTTPS: trusting the written CA file (Go reads SSL_CERT_FILE for its
// roots), every case passes; trusting the system's roots alone, every
// request fails verification and the code is lost.
func TestTheLoopbackServerSpeaksHTTPS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Go reads SSL_CERT_FILE for its roots on Linux; elsewhere the platform verifier decides")
	}
	srv, caFile := loopbackTLS(t)
	opts := Options{Target: "replay", Domains: []catalog.Domain{catalog.Share}}
	for _, tc := range []struct {
		name    string
		env     []string
		outcome results.Outcome
		reason  string
	}{
		{"trusting the CA file", []string{"SSL_CERT_FILE=" + caFile}, results.Pass, ""},
		{"trusting the system roots", nil, results.Error, "x509: certificate signed by unknown authority"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Process(fakeadapter.Command("ok", tc.env...), 10*time.Second, ServeTLS(srv.Config, caFile))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if !strings.HasPrefix(p.BaseURL(), "https://127.0.0.1:") {
				t.Errorf("base URL %s", p.BaseURL())
			}
			cert, err := Certify(context.Background(), p, opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			if cert.Statistics.Total == 0 {
				t.Fatal("no case ran")
			}
			for _, c := range cert.Report().Cases {
				if c.Outcome != tc.outcome || !strings.Contains(c.Reason, tc.reason) {
					t.Errorf("%s: %s: %s, want %s %q", c.ID, c.Outcome, c.Reason, tc.outcome, tc.reason)
				}
			}
		})
	}
}

// loopbackTLS is a loopback TLS server configuration and the file its CA
// certificate was written to, the one an adapter is told to trust.
func loopbackTLS(t *testing.T) (*loopbacktls.Server, string) {
	t.Helper()
	srv, err := loopbacktls.New()
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "tls-ca.pem")
	if err := srv.WriteCA(caFile); err != nil {
		t.Fatal(err)
	}
	return srv, caFile
}
