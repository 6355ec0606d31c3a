package runstate

import "slices"

// minSecret matches runner/redact: shorter values are too common to treat
// as secrets, and redacting them would garble reports.
const minSecret = 8

// RememberSecret records a value no report may contain: an app secret, or
// a token issued during the run. Empty and short (< 8 bytes) values are
// ignored.
func (s *State) RememberSecret(v string) error {
	if len(v) < minSecret {
		return nil
	}
	return s.update(func(d *data) (bool, error) { return addSecret(d, v), nil })
}

// addSecret inserts v into the sorted list unless it is there or short,
// and reports whether it did.
func addSecret(d *data, v string) bool {
	if len(v) < minSecret {
		return false
	}
	i, found := slices.BinarySearch(d.Secrets, v)
	if found {
		return false
	}
	d.Secrets = slices.Insert(d.Secrets, i, v)
	return true
}

// Secrets lists every remembered value, sorted.
func (s *State) Secrets() ([]string, error) {
	var out []string
	err := s.view(func(d *data) { out = slices.Clone(d.Secrets) })
	return out, err
}
