// Package version names the harness build: what `shopconform version`
// prints, and what reports, certificates, the spec and the reference
// sandbox's Shopconform-Version header and healthz carry. It is resolved
// once, from the build info the Go toolchain writes into the binary, so
// that all of them say the same.
package version

import (
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
)

// Release is the shopconform release this source tree is. Bump it with
// every change to the results schema, the case format or the reference
// sandbox's behaviour, and tag the release commit v<Release>. A build that
// records neither a module version nor a commit calls itself this: go run
// and go test (they never stamp), -buildvcs=false, a build outside a git
// clone or in a linked worktree (Go looks for a .git folder, and a
// worktree's .git is a file: golang/go#58218).
const Release = "0.1.0"

// Harness is this build's version, resolved once at start (stamped, else
// Resolve): `shopconform version` prints it, results.json and certificates
// record it as harness_version, the reference sandbox sends it as the
// Shopconform-Version header and in healthz, and `run` refuses a
// `shopconform serve` whose healthz names another. Read it; never assign
// it.
var Harness = resolveStamped(stamped, debug.ReadBuildInfo)

// stamped, when a build sets it, names the build before anything its build
// info says: for builds that have no .git folder to read the commit from,
// such as a container build context:
//
//	go build -ldflags "-X github.com/shopconform/shopconform/internal/version.stamped=$(git rev-parse --short=12 HEAD)" ./cmd/shopconform
var stamped string

func resolveStamped(stamp string, buildInfo func() (*debug.BuildInfo, bool)) string {
	if stamp = strings.TrimPrefix(strings.TrimSpace(stamp), "v"); stamp != "" {
		return stamp
	}
	return Resolve(buildInfo())
}

// Go is the Go release that built this binary, as goX.Y.Z.
var Go = goRelease(runtime.Version())

// Resolve names a build from its build info, first match wins:
//
//   - a module release (`go install …/cmd/shopconform@v0.2.0`, or a build
//     of a clean clone at tag v0.2.0): "0.2.0", without the v, so that it
//     reads like Release;
//   - a commit (a build inside a git clone): its first 12 hex digits, plus
//     "-dirty" when the tree had changes: "b18dc51e7626-dirty";
//   - any other module version (`go install …@latest` with no release
//     tagged yet): that pseudo-version, without the v;
//   - else Release.
func Resolve(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return Release
	}
	modVersion := info.Main.Version
	if releaseRE.MatchString(modVersion) && !pseudoRE.MatchString(modVersion) {
		return strings.TrimPrefix(modVersion, "v")
	}
	var revision string
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if revision != "" {
		revision = revision[:min(12, len(revision))]
		if modified {
			revision += "-dirty"
		}
		return revision
	}
	if modVersion != "" && modVersion != "(devel)" {
		return strings.TrimPrefix(modVersion, "v")
	}
	return Release
}

// releaseRE matches a module version with no build metadata (no +dirty):
// vMAJOR.MINOR.PATCH, with an optional pre-release.
var releaseRE = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// pseudoRE matches a pseudo-version, a version Go derives from a commit
// (golang.org/x/mod/module's pseudoVersionRE; not imported, so that every
// module building shopconform's packages needs no more than it did).
var pseudoRE = regexp.MustCompile(`^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// goRelease reduces runtime.Version to its release: "go1.26.8" stays, an
// experiment suffix goes ("go1.26.8 X:jsonv2"), and a development
// toolchain ("devel go1.27-abcdef Tue …") gives its go… word.
func goRelease(v string) string {
	for _, f := range strings.Fields(v) {
		if strings.HasPrefix(f, "go") {
			return f
		}
	}
	return v
}
