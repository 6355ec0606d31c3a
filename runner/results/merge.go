package results

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// WritePart saves one suite's part as <dir>/<domain>.json, atomically, so
// that a run interrupted mid-write never leaves half a file.
func WritePart(dir string, p Part) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return writeJSONFile(filepath.Join(dir, p.Domain+".json"), p)
}

// ReadPart loads one part; ok is false when the suite wrote none.
func ReadPart(dir, domain string) (p Part, ok bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, domain+".json"))
	if errors.Is(err, os.ErrNotExist) {
		return Part{}, false, nil
	}
	if err != nil {
		return Part{}, false, err
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return Part{}, false, fmt.Errorf("part %s: %w", domain, err)
	}
	return p, true, nil
}

// MergeParts joins the parts of one domain that several processes of a
// run reported, each for its share of the cases: the cases in the order
// of their fixtures (the corpus's order), the pending codes and malformed
// files once.
func MergeParts(parts []Part) Part {
	if len(parts) == 0 {
		return Part{}
	}
	out := parts[0]
	out.Cases = nil
	var failures []string
	for _, p := range parts {
		out.Cases = append(out.Cases, p.Cases...)
		if p.Failure != "" && !slices.Contains(failures, p.Failure) {
			failures = append(failures, p.Failure)
		}
	}
	slices.SortStableFunc(out.Cases, func(a, b Case) int { return strings.Compare(a.Fixture, b.Fixture) })
	out.Failure = strings.Join(failures, "; ")
	return out
}

// Merge builds the report body from the parts of the domains, in order.
// A domain without a part makes the report incomplete.
func Merge(r *Report, domains []string, parts map[string]Part) {
	r.SchemaVersion, r.Kind, r.Complete = SchemaVersion, Kind, true
	r.Cases, r.Pending, r.Problems = []Case{}, []Pending{}, []Problem{}
	for _, d := range domains {
		p, ok := parts[d]
		dr := DomainResult{Domain: d, Reported: ok, Failure: p.Failure}
		if !ok {
			r.Complete = false
			dr.Failure = "the suite did not report: it did not build, crashed, or the run was interrupted first (see the console output)"
		}
		if p.Target != "" && r.Target == "" {
			r.Target = p.Target
		}
		for _, c := range p.Cases {
			dr.Statistics.Count(c.Outcome)
			if c.Flaky {
				dr.Statistics.Flaky++
			}
			if c.Expectation != nil {
				dr.Statistics.Expected++
			}
		}
		dr.Statistics.Pending = len(p.Pending)
		dr.Statistics.Problems = len(p.Problems)
		r.Statistics.Add(dr.Statistics)
		r.Domains = append(r.Domains, dr)
		r.Cases = append(r.Cases, p.Cases...)
		r.Pending = append(r.Pending, p.Pending...)
		r.Problems = append(r.Problems, p.Problems...)
	}
	// Problems outside any domain folder are reported by every suite that
	// loads the corpus; keep one of each.
	r.Problems = slices.CompactFunc(sortedProblems(r.Problems), func(a, b Problem) bool { return a == b })
	r.Statistics.Problems = len(r.Problems)
}

func sortedProblems(ps []Problem) []Problem {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), strings.Compare(a.Message, b.Message))
	})
	return ps
}

// WriteJSON saves the report as results.json, atomically.
func (r *Report) WriteJSON(path string) error { return writeJSONFile(path, r) }

// ReadReport loads a results.json.
func ReadReport(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, append(data, '\n'))
}

// WriteFileAtomic writes through a temporary file in the same folder and
// renames it into place.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	// CreateTemp makes the file private; reports are meant to be shared.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
