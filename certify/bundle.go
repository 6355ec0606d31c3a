package certify

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/htmlreport"
	"github.com/shopconform/shopconform/runner/junit"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/secretgate"
	"github.com/shopconform/shopconform/runner/summary"
)

// Manifest lists every other file of a bundle with its SHA-256, in the
// format of sha256sum: "hex  path".
const Manifest = "MANIFEST.sha256"

// WriteBundle writes the certificate and everything it rests on into dir:
// certificate.json, results.json (with the redacted transcripts and
// configuration), junit.xml, report.html, summary.md, then the manifest.
// No file may hold a secret or token the run used: the secret gate runs
// before the manifest is written.
func WriteBundle(dir string, c *Certificate) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rep := c.report
	files := []struct {
		name   string
		render func(io.Writer) error
	}{
		{"certificate.json", func(w io.Writer) error { return encodeJSON(w, c) }},
		{"results.json", func(w io.Writer) error { return encodeJSON(w, rep) }},
		{"junit.xml", func(w io.Writer) error { return junit.Write(w, rep) }},
		{"report.html", func(w io.Writer) error { return htmlreport.Write(w, rep, catalog.Default()) }},
		{"summary.md", func(w io.Writer) error { return summary.Write(w, rep) }},
	}
	for _, f := range files {
		var buf bytes.Buffer
		if err := f.render(&buf); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		if err := results.WriteFileAtomic(filepath.Join(dir, f.name), buf.Bytes()); err != nil {
			return err
		}
	}
	leaked, err := secretgate.Scan(dir, c.secrets)
	if err != nil {
		return err
	}
	if len(leaked) > 0 {
		return fmt.Errorf("removed %s: it held a secret or token; the bundle is incomplete", strings.Join(leaked, ", "))
	}
	// A signature left by an earlier bundle in dir signs another manifest.
	if err := os.Remove(filepath.Join(dir, Signature)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return writeManifest(dir)
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeManifest(dir string) error {
	names, err := bundleFiles(dir)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, name := range names {
		sum, err := fileSum(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, name)
	}
	return results.WriteFileAtomic(filepath.Join(dir, Manifest), []byte(b.String()))
}

// bundleFiles lists a bundle's files but the manifest and its signature,
// slash-separated and sorted.
func bundleFiles(dir string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel = filepath.ToSlash(rel); rel != Manifest && rel != Signature {
			names = append(names, rel)
		}
		return nil
	})
	slices.Sort(names)
	return names, err
}

func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// VerifyBundle checks every file of the bundle against its manifest, and
// that no file was added or removed, naming each file that fails; then it
// returns the certificate the bundle holds.
func VerifyBundle(dir string) (*Certificate, error) {
	data, err := os.ReadFile(filepath.Join(dir, Manifest))
	if err != nil {
		return nil, fmt.Errorf("no manifest: %w", err)
	}
	listed := map[string]string{}
	var errs []error
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			errs = append(errs, fmt.Errorf("%s:%d: not a \"sha256  path\" line", Manifest, line))
			continue
		}
		listed[name] = sum
	}
	present, err := bundleFiles(dir)
	if err != nil {
		return nil, err
	}
	for _, name := range present {
		want, ok := listed[name]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: not in the manifest (added after certification)", name))
			continue
		}
		delete(listed, name)
		if got, err := fileSum(filepath.Join(dir, name)); err != nil || got != want {
			errs = append(errs, fmt.Errorf("%s: its SHA-256 differs from the manifest (changed after certification)", name))
		}
	}
	for name := range listed {
		errs = append(errs, fmt.Errorf("%s: listed in the manifest but missing", name))
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return nil, errors.Join(errs...)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "certificate.json"))
	if err != nil {
		return nil, err
	}
	var c Certificate
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("certificate.json: %w", err)
	}
	if c.SchemaVersion != CertificateSchema || c.Kind != CertificateKind {
		return nil, fmt.Errorf("certificate.json: not a %s (%s)", CertificateKind, CertificateSchema)
	}
	return &c, nil
}
