package loopbacktls

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
)

// serve starts an HTTPS server with s on a loopback listener of network
// and address, answering "ok".
func serve(t *testing.T, s *Server, network, address string) string {
	t.Helper()
	ln, err := net.Listen(network, address)
	if err != nil {
		t.Skipf("no %s loopback here: %v", address, err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
	srv.Listener = s.Listen(ln)
	// A client that refuses the certificate is this test's point, not news.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// trusting is a client whose only root is the CA file at path.
func trusting(t *testing.T, path string) *http.Client {
	t.Helper()
	c, err := ClientTrusting(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAClientTrustingTheCAFileConnects: a client that trusts only the
// written CA file reaches the server under every loopback name; a client
// with the system's roots alone refuses the certificate.
func TestAClientTrustingTheCAFileConnects(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "sub", "ca.pem")
	if err := s.WriteCA(caFile); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ network, listen, host string }{
		{"tcp4", "127.0.0.1:0", "127.0.0.1"},
		{"tcp4", "127.0.0.1:0", "localhost"},
		{"tcp6", "[::1]:0", "[::1]"},
	} {
		t.Run(tc.host, func(t *testing.T) {
			_, port, _ := net.SplitHostPort(serve(t, s, tc.network, tc.listen))
			url := "https://" + tc.host + ":" + port + "/"
			resp, err := trusting(t, caFile).Get(url)
			if err != nil {
				t.Fatalf("trusting the CA file: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "ok" {
				t.Errorf("answer %q", body)
			}
			_, err = (&http.Client{Transport: &http.Transport{}}).Get(url)
			var unknown x509.UnknownAuthorityError
			if !errors.As(err, &unknown) {
				t.Errorf("without the CA file: %v, want an unknown authority", err)
			}
		})
	}
}

// TestTheCAFileHoldsOnlyACertificate: no key is ever written.
func TestTheCAFileHoldsOnlyACertificate(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	rest := s.CAPEM
	var blocks []string
	for {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		blocks = append(blocks, b.Type)
	}
	if len(blocks) != 1 || blocks[0] != "CERTIFICATE" {
		t.Fatalf("CA PEM blocks %q, want one CERTIFICATE", blocks)
	}
	ca, err := x509.ParseCertificate(mustDecode(t, s.CAPEM))
	if err != nil {
		t.Fatal(err)
	}
	if !ca.IsCA || len(ca.PermittedIPRanges) != 2 || len(ca.PermittedDNSDomains) != 1 {
		t.Errorf("CA: IsCA %v, permitted %v %v", ca.IsCA, ca.PermittedIPRanges, ca.PermittedDNSDomains)
	}
}

func mustDecode(t *testing.T, data []byte) []byte {
	t.Helper()
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatal("not PEM")
	}
	return b.Bytes
}

// BenchmarkNew mints a CA and a server certificate: what --tls adds to
// the start of serve and certify.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}
