package runstate

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Many goroutines on one state, every method at once; meant for -race,
// and checks that no update is lost.
func TestManyGoroutines(t *testing.T) {
	const goroutines, budget = 32, 100
	forEachBackend(t, func(t *testing.T, s *State) {
		var fetches atomic.Int32
		fetch := func() (string, time.Time, error) {
			n := fetches.Add(1)
			time.Sleep(5 * time.Millisecond) // let the others pile up
			return fmt.Sprintf("token-number-%d", n), time.Now().Add(time.Hour), nil
		}
		first := make([]string, goroutines)
		second := make([]string, goroutines)
		var granted atomic.Int32
		errs := make([]error, goroutines)
		var phase1, all sync.WaitGroup
		phase1.Add(goroutines)
		for i := range goroutines {
			all.Go(func() {
				var err error
				defer func() { errs[i] = err }()
				first[i], err = s.Token("wx1", fetch)
				phase1.Done()
				if err != nil {
					return
				}
				phase1.Wait()
				// Every goroutine saw the token rejected: only the first
				// drop counts, so there is one more fetch, not 32.
				if err = s.DropToken("wx1", first[i]); err != nil {
					return
				}
				if second[i], err = s.Token("wx1", fetch); err != nil {
					return
				}
				for {
					werr := s.Wait(context.Background(), "default", 0, budget)
					if errors.Is(werr, ErrBudgetSpent) {
						break
					}
					if err = werr; err != nil {
						return
					}
					granted.Add(1)
					if _, err = s.TransportFault(0, "a fault"); err != nil {
						return
					}
					if err = s.TransportOK(); err != nil {
						return
					}
				}
				err = s.RememberSecret(fmt.Sprintf("secret-of-goroutine-%02d", i))
			})
		}
		all.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if n := fetches.Load(); n != 2 {
			t.Errorf("%d fetches, want 2: one, and one after the drop", n)
		}
		for i := range goroutines {
			if first[i] != first[0] || second[i] != second[0] || second[0] == first[0] {
				t.Fatalf("goroutine %d got %q then %q; goroutine 1 %q then %q", i+1, first[i], second[i], first[0], second[0])
			}
		}
		if g := granted.Load(); g != budget {
			t.Errorf("%d requests granted, want %d", g, budget)
		}
		if used, err := s.BudgetUsed(); err != nil || used != budget {
			t.Errorf("BudgetUsed = %d, %v; want %d", used, err, budget)
		}
		if n := len(mustSecrets(t, s)); n != goroutines+2 {
			t.Errorf("%d secrets, want %d (one per goroutine and two tokens)", n, goroutines+2)
		}
		if bad, reason := s.Unhealthy(); bad {
			t.Errorf("Unhealthy: %s", reason)
		}
	})
}
