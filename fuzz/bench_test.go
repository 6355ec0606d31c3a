package fuzz_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopconform/shopconform/fuzz"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/accounts"
)

const benchBudget = 5000

// BenchmarkCampaignInProcess is a campaign of benchBudget requests on the
// reference sandbox, in-process; requests/s counts its whole run,
// loading the cases and planning the mutations included.
func BenchmarkCampaignInProcess(b *testing.B) {
	var sent int
	var took time.Duration
	for b.Loop() {
		tg, err := fuzz.Reference(1, refsandbox.Options{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		rep, err := fuzz.Run(context.Background(), fuzz.Options{Target: tg, Seed: 1, Budget: benchBudget})
		took += time.Since(start)
		tg.Close()
		if err != nil {
			b.Fatal(err)
		}
		sent += rep.Requests
	}
	b.ReportMetric(float64(sent)/took.Seconds(), "requests/s")
}

// BenchmarkCampaignOverHTTP is the same campaign against the reference
// sandbox on a loopback listener, as a sandbox target (shopconform serve),
// unpaced.
func BenchmarkCampaignOverHTTP(b *testing.B) {
	var sent int
	var took time.Duration
	for b.Loop() {
		sb, err := refsandbox.New(refsandbox.Options{})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(sb.Handler())
		file := filepath.Join(b.TempDir(), "accounts.json")
		if err := accounts.Write(file, runner.SandboxAccounts(sb)); err != nil {
			b.Fatal(err)
		}
		cfg := runner.DefaultConfig()
		cfg.Target, cfg.BaseURL, cfg.Accounts, cfg.Rate = runner.TargetSandbox, srv.URL, file, 0
		start := time.Now()
		rep, err := fuzz.Run(context.Background(), fuzz.Options{Config: cfg, Seed: 1, Budget: benchBudget})
		took += time.Since(start)
		srv.Close()
		if err != nil {
			b.Fatal(err)
		}
		sent += rep.Requests
	}
	b.ReportMetric(float64(sent)/took.Seconds(), "requests/s")
}
