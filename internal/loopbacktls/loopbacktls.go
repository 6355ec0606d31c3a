// Package loopbacktls mints, in memory, what a loopback server needs to
// speak HTTPS to a client that checks certificates: a certificate
// authority of its own, and a server certificate it signs for 127.0.0.1,
// ::1 and localhost. The client trusts the CA's certificate (CAPEM, or
// the file WriteCA writes) and nothing else changes on its side.
//
// No private key ever leaves the process: the CA's key signs the server
// certificate and is dropped, so nothing else can ever be signed by it;
// the server's key lives only in the tls.Config. A CA file left on disk
// after the server stops is therefore worth nothing to anyone.
package loopbacktls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// Names the server certificate is valid for: every name a loopback URL
// may use.
var (
	DNSNames    = []string{"localhost"}
	IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
)

// lifetime outlasts any server run; it stays under the 398 days some
// clients allow a server certificate.
const lifetime = 365 * 24 * time.Hour

// Server is a minted CA and the server certificate it signed.
type Server struct {
	// Config serves HTTPS with the server certificate (TLS 1.2 or later).
	Config *tls.Config
	// CAPEM is the CA certificate in PEM: what a client must trust.
	CAPEM []byte
}

// New mints a CA and a server certificate for the loopback names.
func New() (*Server, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ca := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "shopconform loopback CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(lifetime),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign,
		// A client that trusts this CA more widely than it meant to still
		// trusts it for loopback names alone.
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         DNSNames,
		PermittedIPRanges: []*net.IPNet{
			{IP: net.IPv4(127, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)},
			{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
		},
	}
	if ca.SerialNumber, err = serial(); err != nil {
		return nil, err
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("the loopback CA: %w", err)
	}
	if ca, err = x509.ParseCertificate(caDER); err != nil {
		return nil, err
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leaf := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "shopconform loopback server"},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.Add(lifetime),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    DNSNames,
		IPAddresses: IPAddresses,
	}
	if leaf.SerialNumber, err = serial(); err != nil {
		return nil, err
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("the loopback server certificate: %w", err)
	}
	return &Server{
		Config: &tls.Config{
			MinVersion:   tls.VersionTLS12,
			Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER}, PrivateKey: leafKey}},
		},
		CAPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
	}, nil
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
}

// WriteCA writes the CA certificate to path, making its folder: a
// certificate is public, so the file is readable by all.
func (s *Server) WriteCA(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, s.CAPEM, 0o644)
}

// Listen wraps ln so that it speaks TLS with the server certificate.
func (s *Server) Listen(ln net.Listener) net.Listener { return tls.NewListener(ln, s.Config) }

// ClientTrusting is an HTTP client whose only root is the CA certificate
// in caFile: what a Go program points at a loopback server started with
// --tls, and how the tests show that the file is all a client needs.
func ClientTrusting(caFile string) (*http.Client, error) {
	data, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}, nil
}
