package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/certify"
	"github.com/shopconform/shopconform/internal/fakeadapter"
	"github.com/shopconform/shopconform/internal/loopbacktls"
)

// trustingOnly is a client whose only root is the CA file at path.
func trustingOnly(t *testing.T, path string) *http.Client {
	t.Helper()
	c, err := loopbacktls.ClientTrusting(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// onlyCertificates fails t when a file under dir holds a private key, or
// when caFile holds anything but one certificate.
func onlyCertificates(t *testing.T, dir, caFile string) {
	t.Helper()
	data, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	if b, rest := pem.Decode(data); b == nil || b.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) > 0 {
		t.Errorf("%s holds more than one certificate:\n%s", caFile, data)
	}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, _ := os.ReadFile(p); bytes.Contains(data, []byte("PRIVATE KEY")) {
				t.Errorf("%s holds a private key", p)
			}
		}
		return nil
	})
}

// TestServeTLS serves the reference sandbox and the replay server over
// HTTPS: a client trusting only the CA file serve names gets an answer,
// one with the system's roots fails verification. The default CA file is
// removed when serve stops; one given with --tls-ca-out stays.
func TestServeTLS(t *testing.T) {
	tmp := t.TempDir()
	for _, tc := range []struct {
		name, caOut, path, body string
		args                    []string
		want                    string
		// end, when set, is posted last: a replay case left begun would
		// answer the next replay run of this binary (gock is global).
		end string
	}{
		{name: "reference sandbox", caOut: filepath.Join(tmp, "ca", "sandbox-ca.pem"), path: "/cgi-bin/stable_token", body: `{}`, want: `"errcode":41002`},
		{name: "reference sandbox, default CA file", path: "/cgi-bin/stable_token", body: `{}`, want: `"errcode":41002`},
		{name: "replay server", caOut: filepath.Join(tmp, "replay-ca.pem"), args: []string{"--replay"}, path: "/_shopconform/replay/begin",
			body: `{"case":"universal-40066-unknown-path"}`, want: `"case":"universal-40066-unknown-path"`, end: "/_shopconform/replay/end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--addr", "127.0.0.1:0", "--tls"}, tc.args...)
			if tc.caOut != "" {
				args = append(args, "--tls-ca-out", tc.caOut)
			}
			ctx, cancel := context.WithCancel(context.Background())
			pr, pw := io.Pipe()
			exited := make(chan int, 1)
			go func() {
				exited <- serveCmd(ctx, args, syncBuffer{pw}, io.Discard)
				pw.Close()
			}()
			lines := bufio.NewReader(pr)
			listening, _ := lines.ReadString('\n')
			tlsLine, _ := lines.ReadString('\n')
			go io.Copy(io.Discard, pr)
			_, base, _ := strings.Cut(strings.TrimSpace(listening), " listening on ")
			base, _, _ = strings.Cut(base, " ")
			caFile, _, _ := strings.Cut(strings.TrimPrefix(tlsLine, "TLS: clients must trust the CA certificate in "), " (its key never leaves this process)")
			if !strings.HasPrefix(base, "https://127.0.0.1:") || (tc.caOut != "" && caFile != tc.caOut) {
				t.Fatalf("serve said:\n%s%s", listening, tlsLine)
			}
			onlyCertificates(t, filepath.Dir(caFile), caFile)

			resp, err := trustingOnly(t, caFile).Post(base+tc.path, "application/json", strings.NewReader(tc.body))
			if err != nil {
				t.Fatalf("trusting the CA file: %v", err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(strings.Join(strings.Fields(string(answer)), ""), tc.want) {
				t.Errorf("answer %s lacks %s", answer, tc.want)
			}
			_, err = (&http.Client{Transport: &http.Transport{}}).Post(base+tc.path, "application/json", strings.NewReader(tc.body))
			var unknown x509.UnknownAuthorityError
			if !errors.As(err, &unknown) {
				t.Errorf("with the system's roots: %v, want an unknown authority", err)
			}
			if tc.end != "" {
				if resp, err := trustingOnly(t, caFile).Post(base+tc.end, "application/json", nil); err == nil {
					resp.Body.Close()
				}
			}

			stopServe(t, cancel, exited)
			_, err = os.Stat(caFile)
			if kept := err == nil; kept != (tc.caOut != "") {
				t.Errorf("after serve stopped, %s exists: %v", caFile, kept)
			}
		})
	}
	if code, _, stderr := runCLI(t, "serve", "--tls-ca-out", filepath.Join(tmp, "x.pem")); code != exitUsage || !strings.Contains(stderr, "needs --tls") {
		t.Errorf("--tls-ca-out without --tls: exit %d: %s", code, stderr)
	}
}

// TestCertifyTLS certifies the fake Go adapter over HTTPS: its runtime
// trusting the CA file certify wrote into the bundle folder (Go reads
// SSL_CERT_FILE), every case passes and the bundle verifies; without it,
// every code is lost.
func TestCertifyTLS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Go reads SSL_CERT_FILE for its roots on Linux; elsewhere the platform verifier decides")
	}
	for _, tc := range []struct {
		name  string
		trust bool
		code  int
		says  string
	}{
		{"trusting the CA file", true, exitOK, ": 40 passed, 0 failed, 0 errors"},
		{"not trusting it", false, exitFailures, "x509: certificate signed by unknown authority"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "cert")
			caFile := filepath.Join(out, "tls-ca.pem")
			adapter := fakeadapter.Command("ok")
			if tc.trust {
				adapter = "SSL_CERT_FILE='" + caFile + "' " + adapter
			}
			code, stdout, stderr := runCLI(t, "certify", "--adapter", adapter, "--domains", "share", "--tls", "--out", out)
			// The console cuts reasons short; results.json holds them whole.
			results, _ := os.ReadFile(filepath.Join(out, "results.json"))
			if code != tc.code || !strings.Contains(stdout+string(results), tc.says) {
				t.Fatalf("exit %d, want %d with %q\n%s%s", code, tc.code, tc.says, stdout, stderr)
			}
			if !strings.Contains(stdout, "TLS: the adapter's SDK must trust the CA certificate in "+caFile+" (also in $SHOPCONFORM_TLS_CA)") {
				t.Errorf("stdout does not name the CA file:\n%s", stdout)
			}
			onlyCertificates(t, out, caFile)
			if code, stdout, stderr := runCLI(t, "certify", "verify", out); code != exitOK {
				t.Errorf("verify: exit %d\n%s%s", code, stdout, stderr)
			}
		})
	}
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "certify", "--adapter", fakeadapter.Command("ok"), "--tls-ca-out", filepath.Join(out, "ca.pem")); code != exitUsage || !strings.Contains(stderr, "needs --tls") {
		t.Errorf("--tls-ca-out without --tls: exit %d: %s", code, stderr)
	}
}

// keyPair writes an ed25519 key pair as certify takes it: the private key
// in PKCS#8 PEM, the public key in PKIX PEM.
func keyPair(t *testing.T, dir, name string) (priv, pub string) {
	t.Helper()
	pubKey, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	privDER, _ := x509.MarshalPKCS8PrivateKey(key)
	pubDER, _ := x509.MarshalPKIXPublicKey(pubKey)
	priv, pub = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".pub.pem")
	for path, block := range map[string]*pem.Block{priv: {Type: "PRIVATE KEY", Bytes: privDER}, pub: {Type: "PUBLIC KEY", Bytes: pubDER}} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return priv, pub
}

// TestCertifySignsAndVerifyChecksTheSignature signs a bundle with --sign
// and checks it with verify --key: its own key passes, another key, an
// unsigned bundle and a changed manifest fail naming the signature, and
// a key file that is missing or of the wrong kind is bad usage.
func TestCertifySignsAndVerifyChecksTheSignature(t *testing.T) {
	tmp := t.TempDir()
	priv, pub := keyPair(t, tmp, "key")
	_, otherPub := keyPair(t, tmp, "other")
	signed, unsigned := filepath.Join(tmp, "signed"), filepath.Join(tmp, "unsigned")
	code, stdout, stderr := runCLI(t, "certify", "--adapter", fakeadapter.Command("ok"), "--domains", "share", "--out", signed, "--sign", priv)
	if code != exitOK || !strings.Contains(stdout, "signed: "+filepath.Join(signed, certify.Signature)+" with key sha256:") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "certify", "--adapter", fakeadapter.Command("ok"), "--domains", "share", "--out", unsigned); code != exitOK {
		t.Fatalf("unsigned: exit %d\n%s%s", code, stdout, stderr)
	}
	changed := filepath.Join(tmp, "changed")
	if err := os.CopyFS(changed, os.DirFS(signed)); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(changed, certify.Manifest)
	data, _ := os.ReadFile(manifest)
	if err := os.WriteFile(manifest, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"its key", []string{signed, "--key", pub}, exitOK, "signature:        valid, key sha256:", ""},
		{"its key, flag first", []string{"--key", pub, signed}, exitOK, "signature:        valid, key sha256:", ""},
		{"no key", []string{signed}, exitOK, "signature:        present, not checked (give --key PUBFILE to check it)", ""},
		{"unsigned, no key", []string{unsigned}, exitOK, "signature:        none (the bundle is not signed)", ""},
		{"another key", []string{signed, "--key", otherPub}, exitFailures, "", "signature: signature.ed25519 does not match key sha256:"},
		{"unsigned, with a key", []string{unsigned, "--key", pub}, exitFailures, "", "signature: the bundle is not signed (no signature.ed25519)"},
		{"a changed manifest", []string{changed, "--key", pub}, exitFailures, "", "signature: signature.ed25519 does not match"},
		{"a missing key file", []string{signed, "--key", filepath.Join(tmp, "none.pem")}, exitUsage, "", "--key: key file " + filepath.Join(tmp, "none.pem") + ": cannot read it"},
		{"the private key for --key", []string{signed, "--key", priv}, exitUsage, "", "--key: key file " + priv + `: holds a PEM block of type "PRIVATE KEY", not "PUBLIC KEY"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"certify", "verify"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, want %d; stdout wants %q, stderr %q:\n%s%s", code, tc.code, tc.stdout, tc.stderr, stdout, stderr)
			}
		})
	}

	out := filepath.Join(tmp, "never")
	code, _, stderr = runCLI(t, "certify", "--adapter", fakeadapter.Command("ok"), "--domains", "share", "--out", out, "--sign", pub)
	if code != exitUsage || !strings.Contains(stderr, "--sign: key file "+pub+`: holds a PEM block of type "PUBLIC KEY"`) {
		t.Errorf("--sign with a public key: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a bundle was written after a bad --sign")
	}
}

// TestCertifyExpectations certifies the fake adapter failing one case
// against expectations files, from --expectations or the environment.
func TestCertifyExpectations(t *testing.T) {
	const gap, other = "share-1310002-bind-openids-empty", "share-1310001-bind-over-limit"
	later := time.Now().UTC().AddDate(0, 1, 0).Format(time.DateOnly)
	earlier := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	entry := func(target, expires string) string {
		return "- case: " + gap + "\n  target: " + target + "\n  outcome: error\n  reason: the SDK has no method for bind\n  link: https://tracker.example.com/9\n  expires: " + expires + "\n"
	}
	for _, tc := range []struct {
		name, file string
		env        bool
		code       int
		says       []string
	}{
		{"an entry for the SDK", entry("sdk:fake-go-adapter", later), false, exitOK,
			[]string{"known gaps: 1 (expectations: ", gap + " (1310002, error, until " + later + "): the SDK has no method for bind https://tracker.example.com/9"}},
		{"the same from the environment", entry("sdk:fake-go-adapter", later), true, exitOK, []string{"known gaps: 1 (expectations: "}},
		{"an entry for another SDK", entry("sdk:another", later), false, exitFailures,
			[]string{"known gaps: 0 (expectations: ", "(case " + gap + ") matched no case of this certification"}},
		{"an entry for the replay target", entry("replay", later), false, exitFailures, []string{"known gaps: 0 (expectations: "}},
		{"an expired entry", entry("sdk:fake-go-adapter", earlier), false, exitFailures,
			[]string{"EXPECTATION " + gap + ": expired on " + earlier}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file, out := filepath.Join(dir, "expectations.yaml"), filepath.Join(dir, "cert")
			if err := os.WriteFile(file, []byte(tc.file), 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{"certify", "--adapter", fakeadapter.Command("fail=" + gap), "--run", gap + "," + other, "--out", out}
			if tc.env {
				t.Setenv("SHOPCONFORM_EXPECTATIONS", file)
			} else {
				args = append(args, "--expectations", file)
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, want := range tc.says {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			// verify tells a reviewer the same, from the bundle alone.
			code, verified, stderr := runCLI(t, "certify", "verify", out)
			if code != exitOK || !strings.Contains(verified, tc.says[0]) {
				t.Errorf("verify: exit %d, lacks %q:\n%s%s", code, tc.says[0], verified, stderr)
			}
		})
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("- case: a\n  outcome: pass\n  reason: r\n  expires: 2030-01-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "certify", "--adapter", fakeadapter.Command("ok"), "--expectations", bad)
	if code != exitUsage || !strings.Contains(stderr, bad+`:2:12: entry 1: outcome "pass" is not one of`) {
		t.Errorf("a malformed file: exit %d: %s", code, stderr)
	}
}
