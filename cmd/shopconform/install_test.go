package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/internal/version"
)

// TestTheBuiltBinaryWorksAlone is what `go install ./cmd/shopconform`
// promises: the binary, copied anywhere, needs neither the source tree nor
// a Go toolchain. It builds the binary once into a temporary folder, as go
// install would (with -race when this test runs under it, so that the
// build reuses the packages `go test -race` compiled), then runs it from
// an empty folder outside the source tree with a PATH that holds nothing
// (no go, no git: nothing can compile) and an environment of its own (no
// SHOPCONFORM_* or GO* variables but GORACE for a race build, see
// quietRaceExit). It runs beside the other tests that start processes:
// it shares no state with them.
func TestTheBuiltBinaryWorksAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build with")
	}
	bin := filepath.Join(t.TempDir(), "shopconform")
	args := append([]string{"build", "-o", bin}, raceFlags()...)
	build := exec.Command(goTool, append(args, ".")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	work, emptyPath, tmp := t.TempDir(), t.TempDir(), t.TempDir()
	env := append([]string{"PATH=" + emptyPath, "HOME=" + work, "TMPDIR=" + tmp}, quietRaceExit()...)
	shopconform := func(t *testing.T, want int, args ...string) (stdout []byte) {
		t.Helper()
		var out, errOut bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = work, env, &out, &errOut
		err := cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != want {
			t.Fatalf("shopconform %v: exit %d, want %d (%v)\nstdout:\n%s\nstderr:\n%s", args, code, want, err, out.Bytes(), errOut.Bytes())
		}
		return out.Bytes()
	}

	// version: the line README's Install section shows; its VERSION is what the reports below
	// record, the Go release is the one that built it.
	m := versionLineRE.FindStringSubmatch(string(shopconform(t, exitOK, "version")))
	if m == nil {
		t.Fatal("version does not print `shopconform VERSION catalog sha256:HASH goX.Y.Z`")
	}
	built := m[1]
	if m[3] != version.Go {
		t.Errorf("version names %s, but %s built it", m[3], version.Go)
	}

	// list and catalog: the same cases and codes as this source tree.
	for _, args := range [][]string{{"list", "--format", "json"}, {"catalog", "--format", "json"}} {
		got := shopconform(t, exitOK, args...)
		code, want, stderr := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("%v in-process: exit %d\n%s", args, code, stderr)
		}
		if !bytes.Equal(got, []byte(want)) {
			t.Errorf("shopconform %v prints %d bytes, this source tree %d", args, len(got), len(want))
		}
	}

	// spec: an OpenAPI 3.1 document of this build.
	var spec struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Version string `json:"version"`
		} `json:"info"`
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(shopconform(t, exitOK, "spec"), &spec); err != nil {
		t.Fatalf("spec is not JSON: %v", err)
	}
	if spec.OpenAPI != "3.1.0" || spec.Info.Version != built || spec.Paths["/shop/spu/add"] == nil {
		t.Errorf("spec: openapi %q, info.version %q (want %q), %d paths", spec.OpenAPI, spec.Info.Version, built, len(spec.Paths))
	}

	// run: every case of two domains on the embedded reference sandbox, in
	// this process and in two children of it; the reports land in the
	// working folder.
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"one process", []string{"run", "--domains", "universal,upload"}},
		{"two processes", []string{"run", "--domains", "universal,upload", "--procs", "2", "--report-dir", "reports-procs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shopconform(t, exitOK, tc.args...)
			dir := filepath.Join(work, "reports")
			if i := slices.Index(tc.args, "--report-dir"); i >= 0 {
				dir = filepath.Join(work, tc.args[i+1])
			}
			rep := readReport(t, dir)
			var domains []string
			for _, d := range rep.Domains {
				domains = append(domains, d.Domain)
			}
			if !rep.Complete || rep.Statistics.Total == 0 || rep.Statistics.Pass != rep.Statistics.Total || !slices.Equal(domains, []string{"universal", "upload"}) {
				t.Errorf("results.json: complete %v, domains %v, statistics %+v", rep.Complete, domains, rep.Statistics)
			}
			if rep.HarnessVersion != built {
				t.Errorf("results.json: harness_version %q, version printed %q", rep.HarnessVersion, built)
			}
			for _, name := range []string{"junit.xml", "report.html", "summary.md"} {
				if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("the runs left %d entries in TMPDIR, e.g. %s", len(left), left[0].Name())
	}
}

// raceFlags are ["-race"] when this test binary was built with it: a go
// build the tests start then reuses the packages `go test -race` compiled
// instead of compiling a second set.
func raceFlags() []string {
	if info, ok := debug.ReadBuildInfo(); ok && slices.Contains(info.Settings, debug.BuildSetting{Key: "-race", Value: "true"}) {
		return []string{"-race"}
	}
	return nil
}

// quietRaceExit is the environment that spares a race-enabled binary the
// second it sleeps at exit by default (so that goroutines still running
// get reported): the binaries these tests start have finished their work
// when they exit, and seven runs of them would wait seven seconds.
func quietRaceExit() []string {
	if len(raceFlags()) == 0 {
		return nil
	}
	return []string{"GORACE=" + strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0")}
}
