package version

import (
	"runtime/debug"
	"testing"
)

// vcs is the build info settings a build inside a git clone carries.
func vcs(revision string, modified bool) []debug.BuildSetting {
	m := "false"
	if modified {
		m = "true"
	}
	return []debug.BuildSetting{
		{Key: "-buildmode", Value: "exe"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: revision},
		{Key: "vcs.time", Value: "2026-12-03T11:40:14Z"},
		{Key: "vcs.modified", Value: m},
	}
}

const rev = "b18dc51e762626d994445203685124ca72a8602c"

// The build infos below are what Go 1.26 writes (checked with a probe
// module): go install from the module proxy records the module version and
// no vcs settings; go build inside a git clone records the commit and a
// module version derived from it (a pseudo-version, or the tag when HEAD is
// tagged), with +dirty when the tree has changes; go run, go test and
// -buildvcs=false record neither.
func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		name     string
		main     string
		settings []debug.BuildSetting
		noInfo   bool
		want     string
	}{
		{name: "go install @v0.2.0", main: "v0.2.0", want: "0.2.0"},
		{name: "go install @v0.3.0-rc.1", main: "v0.3.0-rc.1", want: "0.3.0-rc.1"},
		{name: "go install @latest before any tag", main: "v0.0.0-20261203114014-b18dc51e7626", want: "0.0.0-20261203114014-b18dc51e7626"},
		{name: "go install @latest after v0.2.0", main: "v0.2.1-0.20261203114014-b18dc51e7626", want: "0.2.1-0.20261203114014-b18dc51e7626"},
		{name: "go install @latest after v0.3.0-rc.1", main: "v0.3.0-rc.1.0.20261203114014-b18dc51e7626", want: "0.3.0-rc.1.0.20261203114014-b18dc51e7626"},
		{name: "clone, clean", main: "v0.0.0-20261203114014-b18dc51e7626", settings: vcs(rev, false), want: "b18dc51e7626"},
		{name: "clone, changed", main: "v0.0.0-20261203114014-b18dc51e7626+dirty", settings: vcs(rev, true), want: "b18dc51e7626-dirty"},
		{name: "clone at tag v0.2.0, clean", main: "v0.2.0", settings: vcs(rev, false), want: "0.2.0"},
		{name: "clone at tag v0.2.0, changed", main: "v0.2.0+dirty", settings: vcs(rev, true), want: "b18dc51e7626-dirty"},
		{name: "clone, Go before 1.24 (no module version)", main: "(devel)", settings: vcs(rev, false), want: "b18dc51e7626"},
		{name: "short revision", main: "(devel)", settings: vcs("abc123", true), want: "abc123-dirty"},
		{name: "go run, go test, -buildvcs=false", main: "(devel)", want: Release},
		{name: "test binary", main: "", want: Release},
		{name: "no build info", noInfo: true, want: Release},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			if tc.noInfo {
				got = Resolve(nil, false)
			} else {
				got = Resolve(&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/shopconform/shopconform", Version: tc.main}, Settings: tc.settings}, true)
			}
			if got != tc.want {
				t.Errorf("Resolve = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHarnessIsResolvedFromThisBinary(t *testing.T) {
	if want := Resolve(debug.ReadBuildInfo()); stamped == "" && Harness != want {
		t.Errorf("Harness = %q, Resolve(debug.ReadBuildInfo()) = %q", Harness, want)
	}
}

func TestAStampComesFirst(t *testing.T) {
	clone := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0+dirty"}, Settings: vcs(rev, true)}, true
	}
	for stamp, want := range map[string]string{"": "b18dc51e7626-dirty", "v0.2.0": "0.2.0", "b18dc51e7626": "b18dc51e7626", " \n": "b18dc51e7626-dirty"} {
		if got := resolveStamped(stamp, clone); got != want {
			t.Errorf("stamp %q: %q, want %q", stamp, got, want)
		}
	}
}

func TestGoRelease(t *testing.T) {
	for in, want := range map[string]string{
		"go1.26.8":                       "go1.26.8",
		"go1.26.8 X:jsonv2,greenteagc":   "go1.26.8",
		"devel go1.27-6f5dd9a +0000 Tue": "go1.27-6f5dd9a",
	} {
		if got := goRelease(in); got != want {
			t.Errorf("goRelease(%q) = %q, want %q", in, got, want)
		}
	}
}
