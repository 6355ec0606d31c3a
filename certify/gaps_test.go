package certify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// alteredOne hands its caller errcode+1 on one case: an SDK with one
// known gap.
type alteredOne struct {
	NetHTTP
	id string
}

func (a alteredOne) Call(ctx context.Context, env Env, req Request) (Answer, error) {
	ans, err := a.NetHTTP.Call(ctx, env, req)
	if req.Case == a.id {
		ans.Errcode++
	}
	return ans, err
}

// TestExpectationsNameTheSDKsKnownGaps certifies net/http, once with a
// gap on one case, against expectations files: an entry for the SDK (by
// name, or for any target) excuses the gap and the bundle keeps it; an
// entry for another SDK or for the replay target does not; an entry that
// is not met or has expired breaks the certification.
func TestExpectationsNameTheSDKsKnownGaps(t *testing.T) {
	const gap = "universal-40066-unknown-path"
	later := time.Now().UTC().AddDate(0, 1, 0).Format(time.DateOnly)
	earlier := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	entry := func(target, expires string) string {
		e := "- case: universal-40066-*\n"
		if target != "" {
			e += "  target: " + target + "\n"
		}
		return e + "  outcome: fail\n  reason: the SDK maps 40066 to its own code\n  link: https://tracker.example.com/7\n  expires: " + expires + "\n"
	}
	for _, tc := range []struct {
		name      string
		adapter   Adapter
		file      string
		certified bool
		gaps      int
		broken    string
	}{
		{"an entry for the SDK", alteredOne{id: gap}, entry("sdk:net/http", later), true, 1, ""},
		{"an entry for any target", alteredOne{id: gap}, entry("", later), true, 1, ""},
		{"an entry for another SDK", alteredOne{id: gap}, entry("sdk:net/http2", later), false, 0, ""},
		{"an entry for the target the cases ran on", alteredOne{id: gap}, entry("replay", later), false, 0, ""},
		{"an expected failure that did not happen", NetHTTP{}, entry("sdk:net/http", later), false, 0, "expected failure did not happen"},
		{"an expired entry", alteredOne{id: gap}, entry("sdk:net/http", earlier), false, 0, "expired on " + earlier},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "expectations.yaml")
			if err := os.WriteFile(file, []byte(tc.file), 0o644); err != nil {
				t.Fatal(err)
			}
			cert, err := Certify(context.Background(), tc.adapter,
				Options{Target: "replay", Domains: []catalog.Domain{catalog.Universal}, Expectations: file}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if cert.Certified() != tc.certified || len(cert.KnownGaps) != tc.gaps {
				t.Errorf("certified %v with %d known gaps, want %v with %d: %+v", cert.Certified(), len(cert.KnownGaps), tc.certified, tc.gaps, cert.Statistics)
			}
			if cert.Expectations == nil || cert.Expectations.File != file {
				t.Fatalf("expectations %+v", cert.Expectations)
			}
			switch broken := cert.Expectations.Broken; {
			case tc.broken == "" && len(broken) > 0:
				t.Errorf("broken %+v", broken)
			case tc.broken != "" && (len(broken) != 1 || broken[0].Problem != tc.broken || broken[0].CaseID != gap):
				t.Errorf("broken %+v, want %s: %s", broken, gap, tc.broken)
			}
			if tc.gaps == 0 {
				return
			}
			want := KnownGap{Case: gap, Code: 40066, Outcome: "fail", Reason: "the SDK maps 40066 to its own code",
				Link: "https://tracker.example.com/7", Expires: later}
			bundle := filepath.Join(dir, "bundle")
			if err := WriteBundle(bundle, cert); err != nil {
				t.Fatal(err)
			}
			kept, err := VerifyBundle(bundle)
			if err != nil {
				t.Fatal(err)
			}
			if len(kept.KnownGaps) != 1 || kept.KnownGaps[0] != want || !kept.Certified() {
				t.Errorf("the bundle keeps %+v (certified %v), want %+v", kept.KnownGaps, kept.Certified(), want)
			}
		})
	}
}

func TestAMalformedExpectationsFileStopsCertification(t *testing.T) {
	file := filepath.Join(t.TempDir(), "expectations.yaml")
	if err := os.WriteFile(file, []byte("- case: a\n  outcome: pass\n  reason: r\n  expires: 2030-01-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Certify(context.Background(), NetHTTP{}, Options{Expectations: file}, nil)
	if err == nil || !strings.Contains(err.Error(), file+`:2:12: entry 1: outcome "pass" is not one of`) {
		t.Errorf("%v", err)
	}
}
