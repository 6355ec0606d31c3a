package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner/cassette"
)

// BenchmarkReplay10kCases replays 10,000 generated universal cases through
// the real suite binary on the replay target, as `shopconform run` would
// run it, and reports the wall time, the suite process's peak RSS and the
// time to build its spec tree (a dry run).
//
//	go test -run='^$' -bench=Replay10k -benchtime=1x ./cmd/shopconform/
//
// Most cases share one endpoint, so that its table has to be chunked
// (conformance.maxTable); every case has its own id, request body and
// cassette, recorded here the way `record` would write it.
func BenchmarkReplay10kCases(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a suite binary and replays 10,000 cases")
	}
	tmp := b.TempDir()
	wantPassed := generateReplayFixtures(b, tmp)
	bin := buildUniversalSuite(b, tmp)

	var wall, cpu time.Duration
	var maxRSS int64 // KiB
	for b.Loop() {
		d, c, rss, out, err := runSuite(bin, tmp)
		if err != nil {
			b.Fatalf("the suite failed: %v\n%s", err, tail(out, 4000))
		}
		if got := passed(out); got != wantPassed {
			b.Fatalf("%d specs passed, want %d:\n%s", got, wantPassed, tail(out, 4000))
		}
		wall += d
		cpu += c
		maxRSS = max(maxRSS, rss)
	}
	n := float64(b.N)
	b.ReportMetric(wall.Seconds()/n, "s/10k-cases")
	b.ReportMetric(float64(maxRSS)/1024, "MB-maxrss") // Maxrss is KiB on Linux: MiB
	// The child's user+system time: steadier than wall time on a busy
	// machine, and above it when the GC works on the second core.
	b.ReportMetric(cpu.Seconds()/n, "cpu-s/10k-cases")

	// Process start, loading the 10,000 cases and building the tree, with
	// no spec body run.
	d, _, _, out, err := runSuite(bin, tmp, "-ginkgo.dry-run")
	if err != nil {
		b.Fatalf("the dry run failed: %v\n%s", err, tail(out, 4000))
	}
	b.ReportMetric(d.Seconds(), "s/tree")
}

// replayKind is one family of generated cases: an endpoint, what the case
// sends, and the documented errcode a real target answers.
type replayKind struct {
	name     string
	count    int
	endpoint string
	code     catalog.Code
	token    string                     // the case's access_token mode, "" for a valid token
	body     func(n int) map[string]any // the case's request body, placeholders allowed
}

var replayKinds = []replayKind{
	// One big endpoint: 17 tables of 500.
	{name: "unknown-path", count: 8500, endpoint: "/shop/spu/addd", code: 40066,
		body: func(n int) map[string]any { return map[string]any{"n": n} }},
	{name: "openid-missing", count: 1000, endpoint: "/shop/order/get", code: 990004,
		body: func(n int) map[string]any { return map[string]any{"out_order_id": "{{uid}}", "n": n} }},
	{name: "token-missing", count: 500, endpoint: "/shop/delivery/get_company_list", code: 41001, token: "omit",
		body: func(n int) map[string]any { return map[string]any{"n": n} }},
}

// generateReplayFixtures writes the cases to dir/universal and their
// cassettes to dir/cassettes/universal, and returns how many cases there
// are.
func generateReplayFixtures(b *testing.B, dir string) int {
	b.Helper()
	caseDir := filepath.Join(dir, string(catalog.Universal))
	casDir := filepath.Join(dir, "cassettes", string(catalog.Universal))
	for _, d := range []string{caseDir, casDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	type generated struct {
		kind replayKind
		n    int
	}
	byID := map[string]generated{}
	n := 0
	for _, k := range replayKinds {
		if _, ok := catalog.Default().Lookup(k.code); !ok {
			b.Fatalf("errcode %d is not in the catalog", k.code)
		}
		for range k.count {
			n++
			id := fmt.Sprintf("bench-%d-%s-%05d", k.code, k.name, n)
			request := map[string]any{"body": k.body(n)}
			if k.token != "" {
				request["access_token"] = k.token
			}
			data, err := json.MarshalIndent(map[string]any{
				"id":       id,
				"summary":  fmt.Sprintf("generated: %s %s answers %d", k.endpoint, k.name, k.code),
				"endpoint": k.endpoint,
				"request":  request,
				"expect":   map[string]any{"errcode": k.code},
				"evidence": "D",
			}, "", "  ")
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(caseDir, id+".json"), append(data, '\n'), 0o644); err != nil {
				b.Fatal(err)
			}
			byID[id] = generated{k, n}
		}
	}

	// The loader decides the request hash a cassette must carry.
	set, problems := fixtures.Load(fixtures.Dir(dir), catalog.Default())
	if len(problems) > 0 {
		b.Fatalf("the generated cases do not load: %d problem(s), the first: %s", len(problems), problems[0].Error())
	}
	if len(set.Cases) != len(byID) {
		b.Fatalf("loaded %d cases, generated %d", len(set.Cases), len(byID))
	}
	recordedAt := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range set.Cases {
		g, ok := byID[c.ID]
		if !ok {
			b.Fatalf("loaded a case that was not generated: %s", c.ID)
		}
		// What a recorder saw: the request as sent with one run's values
		// and the target's answer with its rid, normalised back.
		run := "sc0b5e1c4a9d"
		v := cassette.Values{Run: run, UID: fmt.Sprintf("%s-%08x", run, g.n), AppID: "wxbench0000000000", Now: recordedAt}
		wire, err := json.Marshal(g.kind.body(g.n))
		if err != nil {
			b.Fatal(err)
		}
		wire = bytes.ReplaceAll(wire, []byte("{{uid}}"), []byte(v.UID))
		entry, _ := catalog.Default().Lookup(g.kind.code)
		answer, err := json.Marshal(map[string]any{
			"errcode": g.kind.code,
			"errmsg":  fmt.Sprintf("%s rid: %08x-%08x-%08x", entry.Text, g.n, g.n*7, g.n*13),
		})
		if err != nil {
			b.Fatal(err)
		}
		path := g.kind.endpoint
		if g.kind.token == "" {
			path += "?access_token=replay-token-default"
		}
		cas := &cassette.Cassette{
			Case:        c.ID,
			Domain:      string(c.Domain),
			RequestHash: c.RequestHash,
			Provenance:  "documented",
			RecordedAt:  recordedAt,
			Interactions: []cassette.Interaction{{
				Request:  cassette.NormalizeRequest("POST", path, "application/json", wire, v),
				Response: cassette.NormalizeResponse(200, answer, v),
			}},
		}
		data, err := cassette.Encode(cas)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(casDir, c.ID+".json"), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return len(set.Cases)
}

// buildUniversalSuite compiles the universal suite once, from the module
// root, into dir.
func buildUniversalSuite(b *testing.B, dir string) string {
	b.Helper()
	root, err := moduleRoot()
	if err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(dir, "universal.test")
	cmd := exec.Command("go", "test", "-c", "-o", bin, "./suites/universal")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building the universal suite: %v\n%s", err, out)
	}
	return bin
}

// runSuite runs the suite binary on the replay target with fixtures from
// dir and returns its wall time, its CPU time (user+system), its peak RSS
// in KiB and its output.
func runSuite(bin, dir string, extra ...string) (wall, cpu time.Duration, rss int64, out []byte, err error) {
	args := append([]string{"-test.count=1", "-ginkgo.no-color"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "SHOPCONFORM_TARGET=replay", "SHOPCONFORM_FIXTURES="+dir)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = int64(ru.Maxrss)
		}
	}
	return wall, cpu, rss, buf.Bytes(), err
}

// cleanEnv is this process's environment without the harness's and
// Ginkgo's own settings, so that the caller's shell cannot change what is
// measured.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SHOPCONFORM_") || strings.HasPrefix(kv, "GINKGO_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

var passedRe = regexp.MustCompile(`(\d+) Passed`)

// passed reads the number of passed specs from Ginkgo's summary line.
func passed(out []byte) int {
	m := passedRe.FindSubmatch(out)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func tail(out []byte, n int) []byte {
	if len(out) > n {
		return out[len(out)-n:]
	}
	return out
}
