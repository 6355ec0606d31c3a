package runner

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/shopconform/shopconform/refsandbox"
)

// recordingEpoch is where a deterministic recording's clock starts. Any
// instant works: cassettes hold times as offsets from the case's start.
var recordingEpoch = time.Date(2026, 1, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// TickingClock advances one millisecond per reading: deterministic for a
// serial run, yet time still moves, so expiry and rate rules behave. A
// reference sandbox and a runner that share one repeat a serial run
// exactly.
type TickingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *TickingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

// NewTickingClock starts a TickingClock at a fixed instant.
func NewTickingClock() *TickingClock { return &TickingClock{t: recordingEpoch} }

// OpenDeterministicReference starts a reference sandbox with a fixed clock
// and seeded randomness, and returns the clock the runner must share with
// it: recording an unchanged case twice then gives the same cassette. One
// such target per case keeps every recording independent of the others.
func OpenDeterministicReference(cfg Config) (*Target, func() time.Time, error) {
	clock := NewTickingClock()
	target, err := startReference(cfg, refsandbox.Options{
		Clock:  clock,
		Random: rand.NewChaCha8([32]byte{'s', 'h', 'o', 'p', 'c', 'o', 'n', 'f', 'o', 'r', 'm'}),
	})
	return target, clock.Now, err
}
