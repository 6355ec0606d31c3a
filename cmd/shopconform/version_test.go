package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/version"
	"github.com/shopconform/shopconform/refsandbox"
)

// versionLineRE is the line README's Install section shows: `shopconform VERSION catalog
// sha256:HASH goX.Y.Z`.
var versionLineRE = regexp.MustCompile(`^shopconform (\S+) catalog (sha256:[0-9a-f]{64}) (go\d+\.\d+(?:\.\d+)?\S*)\n$`)

func TestVersionPrintsOneLine(t *testing.T) {
	code, stdout, stderr := runCLI(t, "version")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	m := versionLineRE.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("version printed %q, want `shopconform VERSION catalog sha256:HASH goX.Y.Z` and a newline", stdout)
	}
	for _, f := range []struct{ name, got, want string }{
		{"VERSION", m[1], version.Harness},
		{"catalog", m[2], catalog.Default().Hash()},
		{"Go", m[3], version.Go},
	} {
		if f.got != f.want {
			t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
		}
	}
	if code, _, _ := runCLI(t, "version", "extra"); code != exitUsage {
		t.Errorf("version extra: exit %d, want %d", code, exitUsage)
	}
	for _, flag := range []string{"--version", "-version"} {
		if code, out, _ := runCLI(t, flag); code != exitOK || out != stdout {
			t.Errorf("%s: exit %d, %q; want what version prints", flag, code, out)
		}
	}
}

// TestServeOfAnotherReleaseIsRefused: run's preflight compares the
// release a `shopconform serve` reports with its own: another release is
// refused, another build of this release only noted.
func TestServeOfAnotherReleaseIsRefused(t *testing.T) {
	for _, tc := range []struct {
		version, release string
		refused, noted   bool
	}{
		{version: version.Harness, release: version.Release},
		{version: version.Harness + "-other", release: version.Release, noted: true},
		{version: "9.9.9", release: "9.9.9", refused: true},
		{version: "0.0.1"}, // a sandbox too old to say its release: judged by its version
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok", "version": tc.version, "release": tc.release})
		}))
		note, err := checkVersion(context.Background(), srv.URL)
		srv.Close()
		switch {
		case tc.refused && (err == nil || !strings.Contains(err.Error(), "serve "+tc.version+" but this harness is "+version.Harness)):
			t.Errorf("serve %s: %v, want a refusal naming both versions", tc.version, err)
		case !tc.refused && tc.version != "0.0.1" && err != nil:
			t.Errorf("serve %s of this release: %v", tc.version, err)
		case tc.noted != (note != ""):
			t.Errorf("serve %s: note %q", tc.version, note)
		}
	}
	sb, err := refsandbox.New(refsandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	if note, err := checkVersion(context.Background(), srv.URL); err != nil || note != "" {
		t.Errorf("a sandbox of this build: %q, %v", note, err)
	}
}
