package certify

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

// freshBundle writes an unsigned bundle: the universal cases through
// net/http on replay.
func freshBundle(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bundle")
	Run(t, NetHTTP{}, RunOptions{Options: Options{Target: "replay", Domains: []catalog.Domain{catalog.Universal}}, Bundle: dir})
	return dir
}

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// checkBoth is what `certify verify --key` checks: every file against the
// manifest, and the manifest's signature.
func checkBoth(dir string, key ed25519.PublicKey) error {
	_, err := VerifyBundle(dir)
	return errors.Join(err, VerifySignature(dir, key))
}

func TestASignedBundleVerifiesWithItsKeyAlone(t *testing.T) {
	dir := freshBundle(t)
	if err := VerifySignature(dir, newKey(t).Public().(ed25519.PublicKey)); !errors.Is(err, ErrNotSigned) {
		t.Errorf("an unsigned bundle: %v, want %v", err, ErrNotSigned)
	}
	key := newKey(t)
	if err := SignBundle(dir, key); err != nil {
		t.Fatal(err)
	}
	if signed, err := Signed(dir); !signed || err != nil {
		t.Errorf("Signed: %v, %v", signed, err)
	}
	if err := checkBoth(dir, key.Public().(ed25519.PublicKey)); err != nil {
		t.Errorf("with its key: %v", err)
	}
	other := newKey(t).Public().(ed25519.PublicKey)
	err := VerifySignature(dir, other)
	if err == nil || !strings.HasPrefix(err.Error(), "signature: ") || !strings.Contains(err.Error(), "does not match key "+KeyID(other)) {
		t.Errorf("with another key: %v", err)
	}
	// The signature is not a file of the manifest: integrity alone passes.
	if _, err := VerifyBundle(dir); err != nil {
		t.Errorf("integrity of a signed bundle: %v", err)
	}
}

// TestOneChangedByteFailsASignedBundle flips one byte of each file of a
// signed bundle in turn, the manifest and the signature included.
func TestOneChangedByteFailsASignedBundle(t *testing.T) {
	key := newKey(t)
	signed := freshBundle(t)
	if err := SignBundle(signed, key); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(signed)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 7 {
		t.Fatalf("the bundle holds %d files", len(entries))
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bundle")
			if err := os.CopyFS(dir, os.DirFS(signed)); err != nil {
				t.Fatal(err)
			}
			flipAByte(t, filepath.Join(dir, e.Name()))
			err := checkBoth(dir, key.Public().(ed25519.PublicKey))
			if err == nil {
				t.Fatal("a changed byte verifies")
			}
			if e.Name() == Manifest || e.Name() == Signature {
				if !strings.Contains(err.Error(), "signature: "+Signature+" does not match") {
					t.Errorf("the signature check did not fail: %v", err)
				}
			} else if !strings.Contains(err.Error(), e.Name()+": its SHA-256 differs") {
				t.Errorf("the changed file is not named: %v", err)
			}
		})
	}
}

// TestARehashedForgeryFailsTheSignature forges the SDK's name and
// rewrites the manifest to match, as anyone can: the files agree with the
// manifest again, and only the signature tells.
func TestARehashedForgeryFailsTheSignature(t *testing.T) {
	dir := freshBundle(t)
	key := newKey(t)
	if err := SignBundle(dir, key); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "certificate.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	c["sdk"] = map[string]string{"name": "example.com/forged-sdk", "version": "9.9.9"}
	data, _ = json.MarshalIndent(c, "", "  ")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeManifest(dir); err != nil {
		t.Fatal(err)
	}
	cert, err := VerifyBundle(dir)
	if err != nil || cert.SDK.Name != "example.com/forged-sdk" {
		t.Fatalf("the re-hashed bundle should pass integrity: %v", err)
	}
	if err := VerifySignature(dir, key.Public().(ed25519.PublicKey)); err == nil || !strings.Contains(err.Error(), "signature: ") {
		t.Errorf("the forgery passes the signature check: %v", err)
	}
}

// TestWriteBundleDropsAStaleSignature: a bundle written again into a
// signed bundle's folder is unsigned, not signed with a stale signature.
func TestWriteBundleDropsAStaleSignature(t *testing.T) {
	dir := freshBundle(t)
	if err := SignBundle(dir, newKey(t)); err != nil {
		t.Fatal(err)
	}
	var c Certificate
	c.report = &results.Report{}
	for name, into := range map[string]any{"certificate.json": &c, "results.json": c.report} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, into); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteBundle(dir, &c); err != nil {
		t.Fatal(err)
	}
	if signed, _ := Signed(dir); signed {
		t.Error("the rewritten bundle keeps the old signature")
	}
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestKeyFilesAreCheckedAndNamed: every wrong key file is refused with
// its name and what it should hold instead.
func TestKeyFilesAreCheckedAndNamed(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	privDER, _ := x509.MarshalPKCS8PrivateKey(key)
	pubDER, _ := x509.MarshalPKIXPublicKey(key.Public())
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecPrivDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPubDER, _ := x509.MarshalPKIXPublicKey(ec.Public())
	priv := writePEM(t, dir, "key.pem", "PRIVATE KEY", privDER)
	pub := writePEM(t, dir, "pub.pem", "PUBLIC KEY", pubDER)
	notPEM := filepath.Join(dir, "notpem.txt")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	read := map[string]func(string) error{
		"private": func(p string) error { _, err := ReadPrivateKey(p); return err },
		"public":  func(p string) error { _, err := ReadPublicKey(p); return err },
	}
	for _, tc := range []struct {
		reader, path, want string
	}{
		{"private", priv, ""},
		{"public", pub, ""},
		{"private", filepath.Join(dir, "none.pem"), "cannot read it: no such file or directory"},
		{"public", notPEM, "not PEM (no -----BEGIN PUBLIC KEY----- line)"},
		{"private", pub, `holds a PEM block of type "PUBLIC KEY", not "PRIVATE KEY"; it must hold the private key: make one with` + " `openssl genpkey -algorithm ed25519"},
		{"public", priv, `holds a PEM block of type "PRIVATE KEY", not "PUBLIC KEY"; it must hold the public key: derive it with` + " `openssl pkey -in KEYFILE -pubout"},
		{"private", writePEM(t, dir, "ec.pem", "PRIVATE KEY", ecPrivDER), "a *ecdsa.PrivateKey, not an ed25519 key"},
		{"public", writePEM(t, dir, "ecpub.pem", "PUBLIC KEY", ecPubDER), "a *ecdsa.PublicKey, not an ed25519 key"},
		{"private", writePEM(t, dir, "junk.pem", "PRIVATE KEY", []byte("junk")), "not a PKCS#8 private key"},
	} {
		err := read[tc.reader](tc.path)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s key %s: %v", tc.reader, tc.path, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), "key file "+tc.path+": ") || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s key %s: %v, want %q", tc.reader, tc.path, err, tc.want)
		}
	}
}

// TestOpenSSLAgrees: a key made by OpenSSL signs a bundle, OpenSSL checks
// the signature shopconform wrote, and KeyID is the digest README tells
// a reader to compute. Skipped where openssl is not installed.
func TestOpenSSLAgrees(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not on PATH")
	}
	dir := freshBundle(t)
	keyFile, pubFile := filepath.Join(t.TempDir(), "key.pem"), filepath.Join(t.TempDir(), "pub.pem")
	openssl := func(args ...string) []byte {
		t.Helper()
		out, err := exec.Command("openssl", args...).Output()
		if err != nil {
			t.Fatalf("openssl %s: %v", strings.Join(args, " "), err)
		}
		return out
	}
	openssl("genpkey", "-algorithm", "ed25519", "-out", keyFile)
	openssl("pkey", "-in", keyFile, "-pubout", "-out", pubFile)
	key, err := ReadPrivateKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ReadPublicKey(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := SignBundle(dir, key); err != nil {
		t.Fatal(err)
	}
	out := openssl("pkeyutl", "-verify", "-pubin", "-inkey", pubFile, "-rawin",
		"-in", filepath.Join(dir, Manifest), "-sigfile", filepath.Join(dir, Signature))
	if !bytes.Contains(out, []byte("Signature Verified Successfully")) {
		t.Errorf("openssl: %s", out)
	}
	sum := sha256.Sum256(openssl("pkey", "-pubin", "-in", pubFile, "-outform", "DER"))
	if want := "sha256:" + hex.EncodeToString(sum[:]); KeyID(pub) != want {
		t.Errorf("KeyID %s, openssl's digest %s", KeyID(pub), want)
	}
	// And the other way: OpenSSL signs, shopconform checks.
	openssl("pkeyutl", "-sign", "-inkey", keyFile, "-rawin", "-in", filepath.Join(dir, Manifest), "-out", filepath.Join(dir, Signature))
	if err := VerifySignature(dir, pub); err != nil {
		t.Errorf("a signature OpenSSL wrote: %v", err)
	}
}

// BenchmarkSignAndVerify signs a bundle's manifest and checks it: what
// --sign and verify --key add.
func BenchmarkSignAndVerify(b *testing.B) {
	dir := b.TempDir()
	manifest := strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  results.json\n", 8)
	if err := os.WriteFile(filepath.Join(dir, Manifest), []byte(manifest), 0o644); err != nil {
		b.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	pub := key.Public().(ed25519.PublicKey)
	for b.Loop() {
		if err := SignBundle(dir, key); err != nil {
			b.Fatal(err)
		}
		if err := VerifySignature(dir, pub); err != nil {
			b.Fatal(err)
		}
	}
}
