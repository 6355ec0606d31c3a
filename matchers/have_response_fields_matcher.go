package matchers

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/onsi/gomega/types"
)

// HaveResponseFields succeeds when every path in present exists in the
// response and is not null, and every path in equals holds that JSON value
// (numbers compare by value: 1 equals 1.0).
func HaveResponseFields(present []string, equals map[string]any) types.GomegaMatcher {
	return &HaveResponseFieldsMatcher{Present: present, Equals: equals}
}

// HaveResponseFieldsMatcher is the matcher behind HaveResponseFields.
type HaveResponseFieldsMatcher struct {
	Present []string
	Equals  map[string]any
	missing []string // filled by Match for the failure message
}

func (m *HaveResponseFieldsMatcher) Match(actual any) (bool, error) {
	r, err := asResponse("HaveResponseFields", actual)
	if err != nil {
		return false, err
	}
	m.missing = nil
	for _, p := range m.Present {
		if v, ok := r.Field(p); !ok || v == nil {
			m.missing = append(m.missing, fmt.Sprintf("%s: absent", p))
		}
	}
	for _, p := range sortedKeys(m.Equals) {
		want := m.Equals[p]
		got, ok := r.Field(p)
		switch {
		case !ok:
			m.missing = append(m.missing, fmt.Sprintf("%s: absent, want %s", p, compact(want)))
		case !sameJSON(got, want):
			m.missing = append(m.missing, fmt.Sprintf("%s: got %s, want %s", p, compact(got), compact(want)))
		}
	}
	return len(m.missing) == 0, nil
}

func (m *HaveResponseFieldsMatcher) FailureMessage(actual any) string {
	return "Expected\n" + describeResponse(actual.(Response)) + "to have the response fields\n    " + strings.Join(m.missing, "\n    ") + "\n"
}

func (m *HaveResponseFieldsMatcher) NegatedFailureMessage(actual any) string {
	return "Expected\n" + describeResponse(actual.(Response)) + "not to have the response fields\n    " + strings.Join(append(m.Present, sortedKeys(m.Equals)...), ", ") + "\n"
}

// sameJSON compares two decoded JSON values by their canonical encoding, so
// that json.Number and float64 of the same value are equal.
func sameJSON(a, b any) bool {
	var ca, cb any
	if json.Unmarshal([]byte(compact(a)), &ca) != nil || json.Unmarshal([]byte(compact(b)), &cb) != nil {
		return false
	}
	return reflect.DeepEqual(ca, cb)
}

func compact(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(data)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
