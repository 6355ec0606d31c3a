package main

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/version"
	"github.com/shopconform/shopconform/refsandbox"
)

// versionLineRE is the contract's line: `shopconform VERSION catalog
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

// TestServeOfAnotherBuildIsRefused: run's preflight compares the version a
// `shopconform serve` reports with its own, the one `version` prints.
func TestServeOfAnotherBuildIsRefused(t *testing.T) {
	for _, tc := range []struct {
		serve   string
		refused bool
	}{
		{serve: "", refused: false}, // the sandbox's default: this build's
		{serve: version.Harness + "-other", refused: true},
	} {
		sb, err := refsandbox.New(refsandbox.Options{Version: tc.serve})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(sb.Handler())
		err = checkVersion(context.Background(), srv.URL)
		srv.Close()
		if !tc.refused && err != nil {
			t.Errorf("serve of this build: %v", err)
		}
		if tc.refused && (err == nil || !strings.Contains(err.Error(), "serve "+tc.serve+" but this harness is "+version.Harness)) {
			t.Errorf("serve %s: %v, want a refusal naming both versions", tc.serve, err)
		}
	}
}
