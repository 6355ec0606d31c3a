package runner

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/runstate"
)

// mintCounter counts the accounts minted through a sandbox's control API.
type mintCounter struct{ n atomic.Int64 }

func (m *mintCounter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == MintPath {
			m.n.Add(1)
		}
		h.ServeHTTP(w, r)
	})
}

// runCorpus is one `shopconform run` against a serve-like sandbox: every
// case, in corpus order, split over two runners that share one run state
// and one run id, as two Ginkgo processes of one run do (the state is kept
// in memory here, for speed; runstate's own tests share it across real
// processes). It returns what did not pass.
func runCorpus(t *testing.T, cases []*fixtures.Case, base, file, runID string, adjust func(*Config)) []string {
	t.Helper()
	st, err := runstate.Open("")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.Target, cfg.BaseURL, cfg.Accounts, cfg.Rate = TargetSandbox, base, file, 0
	if adjust != nil {
		adjust(&cfg)
	}
	var mu sync.Mutex
	var bad []string
	var wg sync.WaitGroup
	const procs = 2
	for p := range procs {
		target, err := OpenTarget(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(target.Close)
		r := New(cfg, target, runID, WithState(st))
		wg.Go(func() {
			for i := p; i < len(cases); i += procs {
				res := r.Execute(context.Background(), cases[i])
				if res.Outcome != results.Pass {
					mu.Lock()
					bad = append(bad, fmt.Sprintf("%s: %s: %s", cases[i].ID, res.Outcome, res.Reason))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return bad
}

// runProfiles is how many accounts one run mints for itself: one per
// profile its shared-account cases use.
func runProfiles(cases []*fixtures.Case) (profiles, fresh int) {
	seen := map[string]bool{}
	for _, c := range cases {
		if c.FreshAccount {
			fresh++
			continue
		}
		seen[c.Account] = true
	}
	return len(seen), fresh
}

// TestRunsRepeatOnOneSandbox: runs against one long-lived sandbox, three
// in a row and then two at once, each pass every case, because each runs
// on accounts it minted for itself, once per profile per run.
func TestRunsRepeatOnOneSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole corpus five times")
	}
	var mints mintCounter
	base, file := serveLikeThrough(t, mints.wrap)
	cases := corpus(t)
	profiles, fresh := runProfiles(cases)
	for i := range 3 {
		before := mints.n.Load()
		if bad := runCorpus(t, cases, base, file, fmt.Sprintf("screpeat%02d", i), nil); len(bad) > 0 {
			t.Fatalf("run %d of 3 in a row:\n%s", i+1, strings.Join(bad, "\n"))
		}
		if got := mints.n.Load() - before; got != int64(profiles+fresh) {
			t.Errorf("run %d minted %d accounts, want %d (one per profile) + %d (fresh_account cases)", i+1, got, profiles, fresh)
		}
	}
	var wg sync.WaitGroup
	bad := make([][]string, 2)
	for i := range bad {
		wg.Go(func() { bad[i] = runCorpus(t, cases, base, file, fmt.Sprintf("scatonce%02d", i), nil) })
	}
	wg.Wait()
	for i, b := range bad {
		if len(b) > 0 {
			t.Errorf("run %d of 2 at once:\n%s", i+1, strings.Join(b, "\n"))
		}
	}
}

// TestSharedAccountsAcceptTheStateEarlierRunsLeft: with the file's own
// accounts, a second run finds what the first left (a category approved,
// an audit under review); the given steps that accept that answer go on
// and say so, and nothing is minted but the fresh_account cases'.
func TestSharedAccountsAcceptTheStateEarlierRunsLeft(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the accepting cases twice")
	}
	var mints mintCounter
	base, file := serveLikeThrough(t, mints.wrap)
	var accepting []*fixtures.Case
	for _, c := range corpus(t) {
		for _, s := range c.Given {
			if len(s.Accept) > 0 {
				accepting = append(accepting, c)
				break
			}
		}
	}
	if len(accepting) == 0 {
		t.Fatal("no case of the corpus accepts another answer")
	}
	shared := func(c *Config) { c.AccountsMode = AccountsShared }
	for run := 1; run <= 2; run++ {
		r := sandboxRunner(t, base, file, shared)
		for _, c := range accepting {
			res := r.Execute(context.Background(), c)
			if res.Outcome != results.Pass {
				t.Fatalf("run %d: %s: %s: %s", run, c.ID, res.Outcome, res.Reason)
			}
			accepted := len(res.Notes) == 1 && strings.Contains(res.Notes[0], "which the step accepts: ")
			switch {
			case run == 1 && len(res.Notes) > 0:
				t.Errorf("run 1 on a new sandbox: %s has notes %q", c.ID, res.Notes)
			case run == 2 && !accepted:
				t.Errorf("run 2: %s passed without the note of an accepted answer: %q", c.ID, res.Notes)
			case run == 2:
				if rec := res.Record(); len(rec.Notes) != 1 {
					t.Errorf("run 2: %s: the record's notes %q", c.ID, rec.Notes)
				}
			}
		}
	}
	if n := mints.n.Load(); n != 0 {
		t.Errorf("shared mode minted %d accounts", n)
	}
}

// TestWhereARunMintsItsAccounts: only a target that can mint does; a
// control API that refuses is an error that names the way out; a profile
// the sandbox lacks is skipped, as on any sandbox.
func TestWhereARunMintsItsAccounts(t *testing.T) {
	var mints mintCounter
	base, file := serveLikeThrough(t, mints.wrap)
	ok := caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`))
	withControl := func(token string) string {
		f, err := accounts.Read(file)
		if err != nil {
			t.Fatal(err)
		}
		f.Control = nil
		if token != "" {
			f.Control = &accounts.Control{Token: token}
		}
		path := filepath.Join(t.TempDir(), "accounts.json")
		if err := accounts.Write(path, f); err != nil {
			t.Fatal(err)
		}
		return path
	}

	if res := sandboxRunner(t, base, withControl(""), nil).Execute(context.Background(), ok); res.Outcome != results.Pass || mints.n.Load() != 0 {
		t.Errorf("without a control token: %s (%s), %d mints", res.Outcome, res.Reason, mints.n.Load())
	}
	res := sandboxRunner(t, base, withControl("not-the-control-token"), nil).Execute(context.Background(), ok)
	if res.Outcome != results.Error || !strings.Contains(res.Reason, "minting this run's account of profile default") ||
		!strings.Contains(res.Reason, "accounts_mode shared runs on the accounts file's own accounts instead") {
		t.Errorf("a control API that refuses: %s: %s", res.Outcome, res.Reason)
	}
	r := sandboxRunner(t, base, file, nil)
	nobody := caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`, `"account": "nobody"`))
	if res := r.Execute(context.Background(), nobody); res.Outcome != results.Skipped || !strings.HasPrefix(res.Reason, `needs account profile nobody: `) {
		t.Errorf("a profile the sandbox lacks: %s: %s", res.Outcome, res.Reason)
	}
	before := mints.n.Load()
	for range 3 {
		if res := r.Execute(context.Background(), ok); res.Outcome != results.Pass {
			t.Fatalf("%s: %s", res.Outcome, res.Reason)
		}
	}
	if got := mints.n.Load() - before; got != 1 {
		t.Errorf("three cases of one profile minted %d accounts, want 1", got)
	}
	// The minted account's secret is masked like the file's.
	minted, _ := r.minted.Load("default")
	secret := minted.(accounts.Credentials).Secret
	if secrets, _ := r.state.Secrets(); secret == "" || !slices.Contains(secrets, secret) || r.redactor.String(secret) == secret {
		t.Error("the minted account's secret is not known to the redactor and the secret gate")
	}
}
