package certify

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Signature is the file a signed bundle carries: the raw 64-byte ed25519
// signature of the manifest's bytes. The manifest pins every other file,
// so the signature covers the whole bundle; it is the format `openssl
// pkeyutl -sign -rawin` writes, so a bundle can be signed and checked
// with OpenSSL alone (README, "Signing a bundle").
const Signature = "signature.ed25519"

// ErrNotSigned is VerifySignature's answer for a bundle without Signature.
var ErrNotSigned = errors.New("signature: the bundle is not signed (no " + Signature + ")")

// SignBundle signs the manifest of the bundle in dir with key.
func SignBundle(dir string, key ed25519.PrivateKey) error {
	manifest, err := os.ReadFile(filepath.Join(dir, Manifest))
	if err != nil {
		return fmt.Errorf("signing: no manifest: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, Signature), ed25519.Sign(key, manifest), 0o644)
}

// Signed says whether the bundle in dir carries a signature.
func Signed(dir string) (bool, error) {
	_, err := os.Stat(filepath.Join(dir, Signature))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// VerifySignature checks that the bundle's signature is key's over its
// manifest. Every error it returns starts with "signature:". It says
// nothing of the other files: VerifyBundle checks them against the
// manifest.
func VerifySignature(dir string, key ed25519.PublicKey) error {
	sig, err := os.ReadFile(filepath.Join(dir, Signature))
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotSigned
	}
	if err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, Manifest))
	if err != nil {
		return fmt.Errorf("signature: no manifest to check it against: %w", err)
	}
	if len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("signature: %s holds %d bytes, not a %d-byte ed25519 signature", Signature, len(sig), ed25519.SignatureSize)
	}
	if !ed25519.Verify(key, manifest, sig) {
		return fmt.Errorf("signature: %s does not match key %s: the manifest changed after signing, or another key signed it", Signature, KeyID(key))
	}
	return nil
}

// KeyID names a public key by the SHA-256 of its PKIX encoding, which
// `openssl pkey -pubin -in PUBFILE -outform DER | sha256sum` reproduces.
func KeyID(key ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return "an invalid ed25519 key"
	}
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ReadPrivateKey reads an ed25519 private key in PEM (PKCS#8, "PRIVATE
// KEY"), as `openssl genpkey -algorithm ed25519` writes it. Errors name
// the file.
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	der, err := readPEM(path, "PRIVATE KEY", "the private key: make one with `openssl genpkey -algorithm ed25519 -out KEYFILE`")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("key file %s: not a PKCS#8 private key: %v", path, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key file %s: a %T, not an ed25519 key", path, k)
	}
	return key, nil
}

// ReadPublicKey reads an ed25519 public key in PEM (PKIX, "PUBLIC KEY"),
// as `openssl pkey -pubout` writes it. Errors name the file.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	der, err := readPEM(path, "PUBLIC KEY", "the public key: derive it with `openssl pkey -in KEYFILE -pubout -out PUBFILE`")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("key file %s: not a PKIX public key: %v", path, err)
	}
	key, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("key file %s: a %T, not an ed25519 key", path, k)
	}
	return key, nil
}

// readPEM answers the bytes of the one PEM block of path, which must be
// of type want; hint says which key is expected and how to make it.
func readPEM(path, want, hint string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		return nil, fmt.Errorf("key file %s: cannot read it: %w", path, pe.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	block, _ := pem.Decode(data)
	switch {
	case block == nil:
		return nil, fmt.Errorf("key file %s: not PEM (no -----BEGIN %s----- line); it must hold %s", path, want, hint)
	case block.Type != want:
		return nil, fmt.Errorf("key file %s: holds a PEM block of type %q, not %q; it must hold %s", path, block.Type, want, hint)
	}
	return block.Bytes, nil
}
