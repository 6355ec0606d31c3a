package runstate

import (
	"math"
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkPacingHoldsRate sends for about three seconds at a configured
// rate from two goroutines here and two helper processes of two goroutines
// each, all on one folder, and reports the rate achieved across all of
// them. It fails if that is more than 5% off.
//
//	go test -run='^$' -bench=PacingHoldsRate -benchtime=1x ./runner/runstate/
//
// req/s is (grants − 1) / (last grant − first grant): the rate between the
// first and the last request, which does not depend on when the window
// opened. max-1s is the most grants any one-second window holds: the
// pacing admits no burst, so it stays at rate + 1 (both ends of the
// window), give or take a late wake-up.
func BenchmarkPacingHoldsRate(b *testing.B) {
	const (
		rate       = 40.0
		window     = 3 * time.Second
		goroutines = 2
		procs      = 2
	)
	var worst, achieved, maxInSecond float64
	var grants int
	for range b.N {
		dir := b.TempDir()
		s := mustOpen(b, dir)
		// The helpers need up to a few hundred milliseconds to start:
		// everyone begins at the same instant after that.
		start := time.Now().Add(500 * time.Millisecond)
		end := start.Add(window)
		type result struct {
			stamps []int64
			err    error
		}
		done := make(chan result, 1)
		go func() {
			st, err := pace(s, rate, goroutines, start, end)
			done <- result{st, err}
		}()
		helpers := runHelpersAt[[]int64](b, "pace", dir, procs, start,
			helperEndEnv+"="+strconv.FormatInt(end.UnixNano(), 10),
			helperRateEnv+"="+strconv.FormatFloat(rate, 'g', -1, 64),
			helperGoroutinesEnv+"="+strconv.Itoa(goroutines))
		local := <-done
		if local.err != nil {
			b.Fatal(local.err)
		}
		stamps := local.stamps
		for i, st := range helpers {
			if len(st) == 0 {
				b.Fatalf("helper process %d was granted nothing", i+1)
			}
			stamps = append(stamps, st...)
		}
		slices.Sort(stamps)
		grants = len(stamps)
		if grants < 2 {
			b.Fatalf("%d grants", grants)
		}
		achieved = float64(grants-1) / time.Duration(stamps[grants-1]-stamps[0]).Seconds()
		worst = max(worst, math.Abs(achieved-rate)/rate*100)
		maxInSecond = float64(maxInWindow(stamps, time.Second))
	}
	b.ReportMetric(0, "ns/op") // one op is a three-second window: its duration says nothing
	b.ReportMetric(achieved, "req/s")
	b.ReportMetric(worst, "%dev")
	b.ReportMetric(maxInSecond, "max-1s")
	b.ReportMetric(float64(grants), "grants")
	if worst > 5 {
		b.Fatalf("achieved %.2f req/s against %.0f configured: %.1f%% off, more than 5%%", achieved, rate, worst)
	}
}

// maxInWindow is the most stamps (sorted) in any closed window of width w.
func maxInWindow(stamps []int64, w time.Duration) int {
	best, lo := 0, 0
	for hi := range stamps {
		for stamps[hi]-stamps[lo] > int64(w) {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}
