package runstate

import "fmt"

// TransportFault records one more consecutive transport fault (what
// describes it) and reports whether the count has reached limit (0:
// never); once reached, the state stays unhealthy for the rest of the run,
// and every later call reports it, whatever its limit. Faults count across
// all processes: a target that went away fails every process at once, and
// each alone might stay under the limit.
func (s *State) TransportFault(limit int, what string) (unhealthy bool, err error) {
	err = s.update(func(d *data) (bool, error) {
		d.Faults++
		if d.Tripped == "" && limit > 0 && d.Faults >= limit {
			d.Tripped = fmt.Sprintf("%d consecutive transport faults; the last: %s", d.Faults, what)
		}
		unhealthy = d.Tripped != ""
		return true, nil
	})
	return unhealthy, err
}

// TransportOK resets the consecutive count (an answer came back). It does
// not heal a tripped breaker: the run has already stopped trusting the
// target.
func (s *State) TransportOK() error {
	// Most answers find the count at zero: skip the write then, since
	// every request ends with this call.
	return s.update(func(d *data) (bool, error) {
		if d.Faults == 0 {
			return false, nil
		}
		d.Faults = 0
		return true, nil
	})
}

// Unhealthy reports whether the breaker tripped, and the reason ("N
// consecutive transport faults; the last: …"). A state that cannot be read
// is reported unhealthy, with the read error as the reason: a run that has
// lost its shared state can no longer hold its limits.
func (s *State) Unhealthy() (bool, string) {
	var reason string
	if err := s.view(func(d *data) { reason = d.Tripped }); err != nil {
		return true, err.Error()
	}
	return reason != "", reason
}
