package expectations

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/runner/results"
)

// BenchmarkApply judges a run of 2 000 cases against a file of 100
// entries, most of which match nothing: every case walks the whole file.
func BenchmarkApply(b *testing.B) {
	var yaml strings.Builder
	for i := range 100 {
		fmt.Fprintf(&yaml, "- case: coupon-%d-*\n  target: sandbox\n  outcome: fail\n  reason: r\n  expires: 2026-12-31\n", i)
	}
	f, err := Parse("bench.yaml", []byte(yaml.String()))
	if err != nil {
		b.Fatal(err)
	}
	cases := make([]results.Case, 2000)
	for i := range cases {
		cases[i] = results.Case{ID: fmt.Sprintf("product-%d-some-case", i), Outcome: results.Pass}
	}
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		f.Apply("sandbox:127.0.0.1:8089", cases, today)
	}
}

// BenchmarkParse reads a file of 100 entries.
func BenchmarkParse(b *testing.B) {
	var yaml strings.Builder
	for i := range 100 {
		fmt.Fprintf(&yaml, "- case: coupon-%d-*\n  target: sandbox\n  outcome: fail\n  reason: r\n  link: https://example.com/%d\n  expires: 2026-12-31\n", i, i)
	}
	data := []byte(yaml.String())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("bench.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
