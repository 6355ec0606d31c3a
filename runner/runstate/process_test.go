package runstate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The cross-process tests run this test binary again as helper processes,
// the way `shopconform run` runs several suite processes on one folder.
// The environment tells a helper what to do.
const (
	helperModeEnv       = "RUNSTATE_TEST_HELPER" // token, once, budget, fault or pace
	helperDirEnv        = "RUNSTATE_TEST_DIR"
	helperStartEnv      = "RUNSTATE_TEST_START" // Unix nanoseconds: when every participant begins
	helperEndEnv        = "RUNSTATE_TEST_END"   // pace: when it stops
	helperRateEnv       = "RUNSTATE_TEST_RATE"  // pace: requests per second
	helperGoroutinesEnv = "RUNSTATE_TEST_GOROUTINES"
)

// Figures the helpers and the tests share.
const (
	crossKey      = "wx-cross-process"
	crossBudget   = 10
	crossLimit    = 8
	faultsPerProc = 2
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperModeEnv); mode != "" {
		os.Exit(helperMain(mode))
	}
	os.Exit(m.Run())
}

// helperMain runs one helper and prints its result as JSON on stdout.
func helperMain(mode string) int {
	out, err := runHelper(mode)
	if err == nil {
		err = json.NewEncoder(os.Stdout).Encode(out)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "helper %s: %v\n", mode, err)
		return 1
	}
	return 0
}

func runHelper(mode string) (any, error) {
	dir := os.Getenv(helperDirEnv)
	s, err := Open(dir)
	if err != nil {
		return nil, err
	}
	start, err := envTime(helperStartEnv)
	if err != nil {
		return nil, err
	}
	goroutines, _ := strconv.Atoi(os.Getenv(helperGoroutinesEnv))
	goroutines = max(goroutines, 1)
	switch mode {
	case "token":
		time.Sleep(time.Until(start))
		return helperTokens(s, dir, goroutines)
	case "once":
		time.Sleep(time.Until(start))
		return helperOnce(s, dir, goroutines)
	case "budget":
		time.Sleep(time.Until(start))
		return helperBudget(s, goroutines)
	case "fault":
		time.Sleep(time.Until(start))
		var trips []bool
		for i := 0; i < faultsPerProc; i++ {
			tripped, err := s.TransportFault(crossLimit, fmt.Sprintf("fault %d of process %d", i+1, os.Getpid()))
			if err != nil {
				return nil, err
			}
			trips = append(trips, tripped)
		}
		return trips, nil
	case "pace":
		end, err := envTime(helperEndEnv)
		if err != nil {
			return nil, err
		}
		rate, err := strconv.ParseFloat(os.Getenv(helperRateEnv), 64)
		if err != nil {
			return nil, err
		}
		return pace(s, rate, goroutines, start, end)
	}
	return nil, fmt.Errorf("unknown helper mode %q", mode)
}

// helperTokens asks for one key's token from several goroutines. The
// fetch is slow on purpose, so that the others, here and in the other
// processes, arrive while it runs; each fetch leaves a line in a log.
func helperTokens(s *State, dir string, goroutines int) ([]string, error) {
	fetch := func() (string, time.Time, error) {
		f, err := os.OpenFile(filepath.Join(dir, "fetches.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return "", time.Time{}, err
		}
		defer f.Close()
		if _, err := fmt.Fprintf(f, "%d\n", os.Getpid()); err != nil {
			return "", time.Time{}, err
		}
		time.Sleep(100 * time.Millisecond)
		return fmt.Sprintf("token-of-process-%d", os.Getpid()), time.Now().Add(time.Hour), nil
	}
	tokens := make([]string, goroutines)
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() { tokens[i], errs[i] = s.Token(crossKey, fetch) })
	}
	wg.Wait()
	return tokens, errors.Join(errs...)
}

// helperBudget sends until the budget is spent and reports how many
// requests it was granted.
func helperBudget(s *State, goroutines int) (int, error) {
	var mu sync.Mutex
	granted := 0
	var firstErr error
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for {
				err := s.Wait(context.Background(), "default", 0, crossBudget)
				mu.Lock()
				switch {
				case err == nil:
					granted++
				case !errors.Is(err, ErrBudgetSpent) && firstErr == nil:
					firstErr = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return granted, firstErr
}

// pace calls Wait from several goroutines between start and end and
// returns the wall-clock time (Unix nanoseconds) of every grant.
func pace(s *State, rate float64, goroutines int, start, end time.Time) ([]int64, error) {
	time.Sleep(time.Until(start))
	ctx, cancel := context.WithDeadline(context.Background(), end)
	defer cancel()
	var mu sync.Mutex
	var stamps []int64
	var firstErr error
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for {
				err := s.Wait(ctx, "default", rate, 0)
				now := time.Now().UnixNano()
				mu.Lock()
				if err == nil {
					stamps = append(stamps, now)
				} else if ctx.Err() == nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return stamps, firstErr
}

func envTime(name string) (time.Time, error) {
	n, err := strconv.ParseInt(os.Getenv(name), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", name, err)
	}
	return time.Unix(0, n), nil
}

// runHelpers starts n helper processes on dir at once and decodes what
// each printed as a T. They begin together at a
// shared instant, so that their calls overlap.
func runHelpers[T any](t testing.TB, mode, dir string, n int, env ...string) []T {
	t.Helper()
	// 300ms: time for every process to start, even under -race.
	return runHelpersAt[T](t, mode, dir, n, time.Now().Add(300*time.Millisecond), env...)
}

// runHelpersAt is runHelpers with the start instant given.
func runHelpersAt[T any](t testing.TB, mode, dir string, n int, start time.Time, env ...string) []T {
	t.Helper()
	env = append(env, helperModeEnv+"="+mode, helperDirEnv+"="+dir,
		helperStartEnv+"="+strconv.FormatInt(start.UnixNano(), 10))
	outs := make([]T, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), env...)
			// A race-enabled binary sleeps a second at exit by default
			// (so that racing goroutines get reported); the helpers join
			// theirs, so the sleep only slows the test.
			cmd.Env = append(cmd.Env, "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				errs[i] = fmt.Errorf("helper process %d: %v: %s", i+1, err, strings.TrimSpace(stderr.String()))
				return
			}
			if err := json.Unmarshal(stdout.Bytes(), &outs[i]); err != nil {
				errs[i] = fmt.Errorf("helper process %d printed %q: %v", i+1, stdout.String(), err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return outs
}

func TestCrossProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts helper processes")
	}
	const procs = 4
	t.Run("one token fetch", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		outs := runHelpers[[]string](t, "token", dir, procs, helperGoroutinesEnv+"=3")
		log, err := os.ReadFile(filepath.Join(dir, "fetches.log"))
		if err != nil {
			t.Fatal(err)
		}
		if fetches := strings.Fields(string(log)); len(fetches) != 1 {
			t.Errorf("%d fetches by processes %v across %d processes, want 1", len(fetches), fetches, procs)
		}
		want := outs[0][0]
		for i, tokens := range outs {
			for _, got := range tokens {
				if got != want {
					t.Errorf("process %d got token %q, process 1 %q", i+1, got, want)
				}
			}
		}
		if secrets := mustSecrets(t, mustOpen(t, dir)); len(secrets) != 1 || secrets[0] != want {
			t.Errorf("Secrets = %q, want the one token", secrets)
		}
	})
	t.Run("one budget", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		total := 0
		for _, granted := range runHelpers[int](t, "budget", dir, procs, helperGoroutinesEnv+"=2") {
			total += granted
		}
		if total != crossBudget {
			t.Errorf("%d requests granted across %d processes, want the budget, %d", total, procs, crossBudget)
		}
		if used, err := mustOpen(t, dir).BudgetUsed(); err != nil || used != crossBudget {
			t.Errorf("BudgetUsed = %d, %v; want %d", used, err, crossBudget)
		}
	})
	t.Run("one breaker", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		trips := 0
		for _, reported := range runHelpers[[]bool](t, "fault", dir, procs) {
			for _, tripped := range reported {
				if tripped {
					trips++
				}
			}
		}
		// 4 processes × 2 faults reach the limit of 8 with the very last
		// fault, so exactly one call sees the breaker trip; no process
		// alone comes near it.
		if trips != 1 {
			t.Errorf("%d calls reported the breaker tripped, want 1 (the last of %d)", trips, crossLimit)
		}
		bad, reason := mustOpen(t, dir).Unhealthy()
		if want := fmt.Sprintf("%d consecutive transport faults; the last: fault ", crossLimit); !bad || !strings.HasPrefix(reason, want) {
			t.Errorf("Unhealthy = %v, %q; want true, %q…", bad, reason, want)
		}
	})
}
