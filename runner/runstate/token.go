package runstate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Token returns the token cached under key (an appid), or calls fetch,
// caches its result until renewAt and returns it. Concurrent callers, in
// this process and in others, wait for one fetch; a fetch error is returned
// and nothing is cached. The token fetched is also remembered as a secret
// (see RememberSecret), in the same write, so the secret gate cannot miss
// it.
//
// Waiters have no context: a fetch is bounded by the caller's request
// timeout, and so is every wait for it. After a failed fetch each waiter
// tries its own, one after another (a bad secret costs one request timeout
// per waiter at worst, and a passing network fault costs nothing more).
//
// The fetch holds a lock of its own key, not the state's lock: a fetch may
// take a whole request timeout, and it may itself call Wait,
// TransportFault or RememberSecret, which take the state's lock. So other
// accounts, the pacing and the breaker go on during a fetch. fetch must not
// ask for the token of its own key.
func (s *State) Token(key string, fetch func() (token string, renewAt time.Time, err error)) (string, error) {
	if v, ok, err := s.cachedToken(key); err != nil || ok {
		return v, err
	}
	unlock, err := s.keyLock(key)
	if err != nil {
		return "", err
	}
	defer unlock()
	// Someone may have fetched it while this caller waited for the lock.
	if v, ok, err := s.cachedToken(key); err != nil || ok {
		return v, err
	}
	v, renewAt, err := fetch()
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", fmt.Errorf("run state: the token fetch for %s returned an empty token", key)
	}
	err = s.update(func(d *data) (bool, error) {
		d.Tokens[key] = token{Value: v, RenewAt: renewAt}
		addSecret(d, v)
		return true, nil
	})
	if err != nil {
		// Not handed out: a token the secret gate does not know must not
		// be used.
		return "", err
	}
	return v, nil
}

func (s *State) cachedToken(key string) (v string, ok bool, err error) {
	err = s.view(func(d *data) {
		if t, found := d.Tokens[key]; found && s.now().Before(t.RenewAt) {
			v, ok = t.Value, true
		}
	})
	return v, ok, err
}

// DropToken forgets key's token if it is still token, so that after a
// 40001/42001 only the first caller refetches: the others find a newer
// token already cached, or nothing to drop.
func (s *State) DropToken(key, token string) error {
	return s.update(func(d *data) (bool, error) {
		if t, ok := d.Tokens[key]; ok && t.Value == token {
			delete(d.Tokens, key)
			return true, nil
		}
		return false, nil
	})
}

// keyLock takes the lock that serialises the fetches of one key: a mutex
// for this process, and flock on a file named after the key's hash for the
// others (the key is an appid; hashing keeps any byte out of the file
// name).
func (s *State) keyLock(key string) (unlock func(), err error) {
	s.keysMu.Lock()
	m := s.keys[key]
	if m == nil {
		m = &sync.Mutex{}
		s.keys[key] = m
	}
	s.keysMu.Unlock()
	m.Lock()
	if s.dir == "" {
		return m.Unlock, nil
	}
	sum := sha256.Sum256([]byte(key))
	f, err := os.OpenFile(filepath.Join(s.dir, "token-"+hex.EncodeToString(sum[:8])+".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err == nil {
		if err = flock(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		m.Unlock()
		return nil, fmt.Errorf("run state: locking the token of %s: %w", key, err)
	}
	return func() {
		// Closing the file releases the flock.
		f.Close()
		m.Unlock()
	}, nil
}
