package main

import (
	"crypto/ed25519"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/shopconform/shopconform/certify"
	"github.com/shopconform/shopconform/internal/loopbacktls"
)

// tlsFlags are --tls and --tls-ca-out, for a verb that serves loopback
// HTTP (serve, and certify's loopback server for the adapter).
type tlsFlags struct {
	on    *bool
	caOut *string
}

func registerTLSFlags(fs *flag.FlagSet, where, defaultCA string) tlsFlags {
	return tlsFlags{
		on:    fs.Bool("tls", false, "serve "+where+" over HTTPS, with a certificate for 127.0.0.1, ::1 and localhost from a CA minted for this run (its keys never leave the process)"),
		caOut: fs.String("tls-ca-out", "", "with --tls: write the CA certificate (PEM) the client must trust to this file (default: "+defaultCA+")"),
	}
}

// check refuses --tls-ca-out without --tls: the file would never be
// written.
func (t tlsFlags) check() error {
	if *t.caOut != "" && !*t.on {
		return fmt.Errorf("--tls-ca-out %s needs --tls", *t.caOut)
	}
	return nil
}

// mint, with --tls, makes the CA and the server certificate and writes
// the CA certificate to --tls-ca-out, or to defaultCA; it answers nil
// without --tls.
func (t tlsFlags) mint(defaultCA string) (*loopbacktls.Server, string, error) {
	if !*t.on {
		return nil, "", nil
	}
	path := *t.caOut
	if path == "" {
		path = defaultCA
	}
	srv, err := loopbacktls.New()
	if err != nil {
		return nil, "", err
	}
	if err := srv.WriteCA(path); err != nil {
		return nil, "", fmt.Errorf("--tls-ca-out: %w", err)
	}
	return srv, path, nil
}

// tlsLine is what the listening line is followed by under --tls.
func tlsLine(w io.Writer, caFile string) {
	fmt.Fprintf(w, "TLS: clients must trust the CA certificate in %s (its key never leaves this process)\n", caFile)
}

// serveTLS is serve's --tls: the CA file defaults to a temporary one,
// removed when serve stops. done removes it.
func serveTLS(t tlsFlags) (srv *loopbacktls.Server, caFile string, done func(), err error) {
	done = func() {}
	if !*t.on {
		return nil, "", done, nil
	}
	defaultCA := ""
	if *t.caOut == "" {
		dir, err := os.MkdirTemp("", "shopconform-serve-")
		if err != nil {
			return nil, "", done, err
		}
		done = func() { os.RemoveAll(dir) }
		defaultCA = filepath.Join(dir, "ca.pem")
	}
	srv, caFile, err = t.mint(defaultCA)
	if err != nil {
		done()
	}
	return srv, caFile, done, err
}

// certifyTLS is certify's --tls: the CA file defaults to the bundle
// folder, and the adapter is told where it is.
func certifyTLS(t tlsFlags, out string, stdout io.Writer) ([]certify.ProcessOption, error) {
	srv, caFile, err := t.mint(filepath.Join(out, "tls-ca.pem"))
	if err != nil || srv == nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "TLS: the adapter's SDK must trust the CA certificate in %s (also in $%s)\n", caFile, certify.TLSCAEnv)
	return []certify.ProcessOption{certify.ServeTLS(srv.Config, caFile)}, nil
}

// readSigningKey reads --sign's key, if one is given.
func readSigningKey(path string) (ed25519.PrivateKey, error) {
	if path == "" {
		return nil, nil
	}
	key, err := certify.ReadPrivateKey(path)
	if err != nil {
		return nil, fmt.Errorf("--sign: %w", err)
	}
	return key, nil
}

// signBundle signs the bundle in out when a key was given.
func signBundle(out string, key ed25519.PrivateKey, stdout io.Writer) error {
	if key == nil {
		return nil
	}
	if err := certify.SignBundle(out, key); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "signed: %s with key %s (checked with: shopconform certify verify %s --key PUBFILE)\n",
		filepath.Join(out, certify.Signature), certify.KeyID(key.Public().(ed25519.PublicKey)), out)
	return nil
}

// signatureStatus checks a bundle's signature with key, or says why it
// was not checked. err is set when the signature fails.
func signatureStatus(dir string, key ed25519.PublicKey) (status string, err error) {
	if key != nil {
		if err := certify.VerifySignature(dir, key); err != nil {
			return "", err
		}
		return "valid, key " + certify.KeyID(key), nil
	}
	signed, err := certify.Signed(dir)
	switch {
	case err != nil:
		return "", fmt.Errorf("signature: %w", err)
	case signed:
		return "present, not checked (give --key PUBFILE to check it)", nil
	}
	return "none (the bundle is not signed)", nil
}

// writeKnownGaps lists what the expectations file excused and what it
// broke.
func writeKnownGaps(w io.Writer, c *certify.Certificate) {
	e := c.Expectations
	if e == nil {
		return
	}
	fmt.Fprintf(w, "known gaps: %d (expectations: %s)\n", len(c.KnownGaps), e.File)
	for _, g := range c.KnownGaps {
		link := ""
		if g.Link != "" {
			link = " " + g.Link
		}
		fmt.Fprintf(w, "  %s (%d, %s, until %s): %s%s\n", g.Case, g.Code, g.Outcome, g.Expires, g.Reason, link)
	}
	for _, b := range e.Broken {
		fmt.Fprintf(w, "  EXPECTATION %s: %s (%s:%d: %s)\n", b.CaseID, b.Problem, e.File, b.Entry.Line, b.Entry.Reason)
	}
	for _, u := range e.Unmatched {
		fmt.Fprintf(w, "  note: %s:%d (case %s) matched no case of this certification\n", e.File, u.Line, u.Case)
	}
}
