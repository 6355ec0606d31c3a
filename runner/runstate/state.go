package runstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// File names inside the run's folder.
const (
	stateFile = "state.json"
	lockFile  = "state.lock"
)

// schemaVersion marks the state file's layout, so that a suite built from
// other sources than the process that created the file stops with a
// sentence instead of misreading it.
const schemaVersion = 1

// State is the state shared by every process of one run. It is safe for
// concurrent use.
type State struct {
	dir string     // "" for a process-local state
	mu  sync.Mutex // excludes the goroutines of this process
	lf  *os.File   // flock'ed to exclude other processes; nil when dir is ""
	mem *data      // the whole state when dir is ""
	now func() time.Time

	keysMu sync.Mutex
	keys   map[string]*sync.Mutex // one per token key: see keyLock
}

// data is the shared state, as stored in state.json.
type data struct {
	Version int `json:"version"`
	// Tokens are the cached access tokens by key (an appid).
	Tokens map[string]token `json:"tokens,omitempty"`
	// Next is, per account profile, the earliest wall-clock time (Unix
	// nanoseconds) its next request may be sent.
	Next map[string]int64 `json:"next,omitempty"`
	// Used is how many calls were counted against the budget.
	Used int `json:"used"`
	// Faults is the count of consecutive transport faults.
	Faults int `json:"faults"`
	// Tripped is why the breaker tripped; "" while it has not.
	Tripped string `json:"tripped,omitempty"`
	// Secrets are the values no report may contain, sorted, unique.
	Secrets []string `json:"secrets,omitempty"`
	// Values are what Once stored, by key: one per key per run.
	Values map[string]string `json:"values,omitempty"`
}

type token struct {
	Value   string    `json:"value"`
	RenewAt time.Time `json:"renew_at"`
}

func newData() *data {
	return &data{Version: schemaVersion, Tokens: map[string]token{}, Next: map[string]int64{}}
}

// Open returns the state kept in dir — a private folder that `shopconform
// run` creates per run and removes after it — or, when dir is "", a
// process-local state (plain `go test`). Open creates the files it needs;
// dir must already exist.
func Open(dir string) (*State, error) {
	s := &State{dir: dir, now: time.Now, keys: map[string]*sync.Mutex{}}
	if dir == "" {
		s.mem = newData()
		return s, nil
	}
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("run state: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("run state: %s is not a folder", dir)
	}
	s.lf, err = os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("run state: %w", err)
	}
	// The first process creates the state file; the others (and any later
	// suite) read what is there, which also checks that they can.
	err = s.withLock(func() error {
		_, err := s.load()
		if errors.Is(err, fs.ErrNotExist) {
			return s.save(newData())
		}
		return err
	})
	if err != nil {
		s.lf.Close()
		return nil, err
	}
	return s, nil
}

// withLock runs fn while holding both locks.
func (s *State) withLock(fn func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lf == nil {
		return fn()
	}
	if err := flock(s.lf); err != nil {
		return fmt.Errorf("run state: locking %s: %w", s.lf.Name(), err)
	}
	defer funlock(s.lf) // closing the file would release it too; the fd is kept for the next operation
	return fn()
}

// update runs fn on the current state under the lock and stores the state
// if fn reports a change. fn must change nothing when it returns an error:
// the process-local state is modified in place. fn's own error is returned
// as it is, so that callers can compare it with ErrBudgetSpent.
func (s *State) update(fn func(d *data) (changed bool, err error)) error {
	return s.withLock(func() error {
		d, err := s.load()
		if err != nil {
			return err
		}
		changed, err := fn(d)
		if err != nil || !changed {
			return err
		}
		return s.save(d)
	})
}

// view runs fn on the current state under the lock; fn must not change it.
func (s *State) view(fn func(d *data)) error {
	return s.withLock(func() error {
		d, err := s.load()
		if err != nil {
			return err
		}
		fn(d)
		return nil
	})
}

// load reads the state; the caller holds the lock.
func (s *State) load() (*data, error) {
	if s.lf == nil {
		return s.mem, nil
	}
	path := filepath.Join(s.dir, stateFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("run state: %w", err)
	}
	// Strict: a field this build does not know means another build wrote
	// the file, and guessing would share the wrong state.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	d := &data{}
	if err := dec.Decode(d); err != nil {
		return nil, fmt.Errorf("run state: reading %s: %w", path, err)
	}
	if d.Version != schemaVersion {
		return nil, fmt.Errorf("run state: %s has layout version %d, this build reads %d: the suites and `shopconform run` come from different builds",
			path, d.Version, schemaVersion)
	}
	if d.Tokens == nil {
		d.Tokens = map[string]token{}
	}
	if d.Next == nil {
		d.Next = map[string]int64{}
	}
	return d, nil
}

// save writes the state; the caller holds the lock. os.CreateTemp creates
// the file with mode 0600 and rename keeps it, so the tokens and secrets
// are never readable by others, not even for a moment.
func (s *State) save(d *data) error {
	if s.lf == nil {
		s.mem = d
		return nil
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("run state: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, "."+stateFile+".*")
	if err != nil {
		return fmt.Errorf("run state: %w", err)
	}
	_, err = tmp.Write(raw)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(s.dir, stateFile))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("run state: writing: %w", err)
	}
	return nil
}
