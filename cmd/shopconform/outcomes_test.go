package main

import (
	"bufio"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/faultproxy"
	"github.com/shopconform/shopconform/runner/results"
)

// startServe runs `shopconform serve` on a loopback port for the test and
// answers its base URL and the accounts file it wrote.
func startServe(t *testing.T) (base, accountsFile string) {
	t.Helper()
	accountsFile = filepath.Join(t.TempDir(), "accounts.json")
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		serveCmd(ctx, []string{"--addr", "127.0.0.1:0", "--accounts-out", accountsFile}, syncBuffer{pw}, io.Discard)
		pw.Close()
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	return strings.TrimSpace(strings.TrimPrefix(line, "shopconform reference sandbox listening on ")), accountsFile
}

// proxied starts a fault proxy in front of base for the test.
func proxied(t *testing.T, base string, cfg faultproxy.Config) string {
	t.Helper()
	p, err := faultproxy.Start(base, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p.URL()
}

// TestAnEndpointAnsweringMinusOneFailsASandboxRun: a sandbox whose
// spu/get answers -1 to everything makes those cases inconclusive after
// the retries, and an inconclusive case fails the run. (--rate 0: pacing
// the run, a sandbox target's default, is not what this test is about
// and would only make it wait.)
func TestAnEndpointAnsweringMinusOneFailsASandboxRun(t *testing.T) {
	base, accountsFile := startServe(t)
	url := proxied(t, base, faultproxy.Config{Fault: faultproxy.Transient, Code: int(catalog.SystemError), Times: 1 << 20, Paths: []string{"/shop/spu/get"}})
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "run", "--target", "sandbox", "--base-url", url, "--accounts", accountsFile,
		"--domains", "product", "--retries", "1", "--backoff", "1ms", "--rate", "0", "--report-dir", dir)
	if code != exitFailures || !strings.Contains(stdout, "INCONCLUSIVE ") {
		t.Fatalf("exit %d, want %d listing the inconclusive cases\n%s%s", code, exitFailures, stdout, stderr)
	}
	rep := readReport(t, dir)
	own := 0
	for _, c := range rep.Cases {
		if c.Endpoint != "/shop/spu/get" {
			continue
		}
		own++
		if c.Outcome != results.Inconclusive || !strings.Contains(c.Reason, "errcode -1") {
			t.Errorf("%s: %s: %s", c.ID, c.Outcome, c.Reason)
		}
	}
	if own == 0 || rep.Statistics.Pass == 0 {
		t.Errorf("%d spu/get cases, %d passes: the run is not the one this test means", own, rep.Statistics.Pass)
	}
}

// TestFlakyPassesCarryFlakyFailureInJUnit: a sandbox that answers 45009
// once to each request makes every /shop/ case pass on its retry, as a
// flaky pass, which junit.xml shows as <flakyFailure>. (--rate 0, as
// above: no pacing to wait for.)
func TestFlakyPassesCarryFlakyFailureInJUnit(t *testing.T) {
	base, accountsFile := startServe(t)
	url := proxied(t, base, faultproxy.Config{Fault: faultproxy.Transient, Code: int(catalog.DailyQuotaExceeded), Times: 1})
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "run", "--target", "sandbox", "--base-url", url, "--accounts", accountsFile,
		"--domains", "share", "--backoff", "1ms", "--rate", "0", "--report-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	rep := readReport(t, dir)
	flaky := map[string]bool{}
	for _, c := range rep.Cases {
		if c.Flaky {
			flaky[c.ID] = true
			if len(c.EarlierAttempts) == 0 || *c.EarlierAttempts[0].Errcode != int(catalog.DailyQuotaExceeded) {
				t.Errorf("%s: earlier attempts %+v", c.ID, c.EarlierAttempts)
			}
		}
	}
	if len(flaky) == 0 || rep.Statistics.Flaky != len(flaky) {
		t.Fatalf("%d flaky cases, statistics.flaky %d", len(flaky), rep.Statistics.Flaky)
	}
	data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name  string `xml:"name,attr"`
				Flaky []struct {
					Message string `xml:"message,attr"`
				} `xml:"flakyFailure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if flaky[c.Name] != (len(c.Flaky) > 0) {
				t.Errorf("testcase %s: flaky %v, %d <flakyFailure>", c.Name, flaky[c.Name], len(c.Flaky))
			}
			if len(c.Flaky) > 0 && !strings.Contains(c.Flaky[0].Message, "45009") {
				t.Errorf("testcase %s: <flakyFailure message=%q> does not name 45009", c.Name, c.Flaky[0].Message)
			}
		}
	}
}
