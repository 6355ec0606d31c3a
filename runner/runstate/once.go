package runstate

import "fmt"

// Once returns the value stored under key, or calls produce, stores its
// result for the rest of the run and returns it: one value per key per
// run, across every process, such as the account a run mints for a
// profile. Concurrent callers, in this process and in others, wait for
// one produce; an error is returned and nothing is stored, so the next
// caller tries its own.
//
// produce runs under key's own lock, as a token fetch does (see Token):
// it may use the rest of the state, but not Once of its own key. A value
// holding a secret must be remembered by the caller (RememberSecret):
// Once does not know which part of it is one.
func (s *State) Once(key string, produce func() (string, error)) (string, error) {
	key = "once " + key // never the lock of a token key
	if v, ok, err := s.stored(key); err != nil || ok {
		return v, err
	}
	unlock, err := s.keyLock(key)
	if err != nil {
		return "", err
	}
	defer unlock()
	if v, ok, err := s.stored(key); err != nil || ok {
		return v, err
	}
	v, err := produce()
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", fmt.Errorf("run state: the value produced for %s is empty", key)
	}
	err = s.update(func(d *data) (bool, error) {
		if d.Values == nil {
			d.Values = map[string]string{}
		}
		d.Values[key] = v
		return true, nil
	})
	if err != nil {
		return "", err
	}
	return v, nil
}

func (s *State) stored(key string) (v string, ok bool, err error) {
	err = s.view(func(d *data) { v, ok = d.Values[key] })
	return v, ok, err
}
