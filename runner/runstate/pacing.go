package runstate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrBudgetSpent: the run's call budget is used up; the request must not
// be sent.
var ErrBudgetSpent = errors.New("the run's call budget is spent")

// Wait blocks until profile may send its next request under rate (requests
// per second across all processes of the run; 0 means no limit) and counts
// the request against budget (calls per run across all processes; 0 means
// no budget). It returns ErrBudgetSpent when the budget is used up (not
// counted), or ctx.Err() if the context ends while waiting: the request is
// then not counted, and its slot is given back unless a later request
// already reserved the one after it (then the slot is a harmless gap).
//
// The limiter reserves rather than polls (GCRA with no burst): under the
// lock each caller takes the profile's next slot, max(now, next), and moves
// next one interval on; then it sleeps outside the lock. The lock is held
// for one read and one write however many callers wait, and since each
// slot is an absolute time, a late wake-up does not push the following
// slots back: the rate holds over time, not just per pair of requests.
func (s *State) Wait(ctx context.Context, profile string, rate float64, budget int) error {
	if rate < 0 || math.IsNaN(rate) {
		return fmt.Errorf("run state: rate %v must be 0 (no limit) or positive", rate)
	}
	if budget < 0 {
		return fmt.Errorf("run state: budget %d must be 0 (no budget) or positive", budget)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var interval int64 // nanoseconds; 0: no limit
	if rate > 0 && !math.IsInf(rate, 1) {
		// Clamped so that a tiny rate cannot overflow a slot time.
		interval = int64(max(min(float64(time.Second)/rate, 1<<62), 1))
	}
	var slot, prev int64
	err := s.update(func(d *data) (bool, error) {
		if budget > 0 && d.Used >= budget {
			return false, ErrBudgetSpent
		}
		d.Used++
		if interval > 0 {
			prev = d.Next[profile]
			slot = max(s.now().UnixNano(), prev)
			d.Next[profile] = slot + interval
		}
		return true, nil
	})
	if err != nil || interval == 0 {
		return err
	}
	delay := time.Duration(slot - s.now().UnixNano())
	if delay <= 0 {
		return nil
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		// Best effort: if giving back fails, the budget counts one call
		// too many and the profile waits one interval more; both err on
		// the safe side, so the context's error is what the caller needs.
		_ = s.update(func(d *data) (bool, error) {
			d.Used = max(d.Used-1, 0)
			if d.Next[profile] == slot+interval {
				if prev == 0 {
					delete(d.Next, profile)
				} else {
					d.Next[profile] = prev
				}
			}
			return true, nil
		})
		return ctx.Err()
	}
}

// BudgetUsed is how many calls were counted so far.
func (s *State) BudgetUsed() (int, error) {
	var n int
	err := s.view(func(d *data) { n = d.Used })
	return n, err
}
