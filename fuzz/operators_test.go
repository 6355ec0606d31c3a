package fuzz

import (
	"slices"
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
)

// mayStayValid are the operators whose request the spec may accept: 0 is
// among what they may earn. Every other operator breaks a rule.
var mayStayValid = []string{"null", "empty-string", "blank-string", "unicode-text", "emoji-text", "unknown-field", "pair-both", "wrong-state"}

// TestEveryOperatorBreaksSomething: over the built-in cases, each
// operator has mutations to make; each mutated case loads as a case file;
// every code a mutation may earn is in the catalog; only the operators
// that may leave a request valid ever expect 0, and those that always
// leave it valid expect nothing else first.
func TestEveryOperatorBreaksSomething(t *testing.T) {
	if len(operators) < 20 {
		t.Errorf("%d operators, want at least 20", len(operators))
	}
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	bases, err := loadBases(fixtures.Embedded(), spec)
	if err != nil {
		t.Fatal(err)
	}
	c := &campaign{opts: Options{Seed: 42}, bases: bases, ops: operators}
	c.plan()
	planned := map[string]int{}
	for i, b := range bases {
		for _, m := range b.plan {
			planned[m.op.name]++
			mu, ok := apply(b.ep, b.multipart, b.body, m, c.drawSeed(i))
			if !ok {
				t.Fatalf("%s on %s of %s: planned, then not applicable", m.op.name, m.site, b.c.ID)
			}
			for _, code := range mu.expected {
				if !catalog.Default().Has(code) {
					t.Errorf("%s on %s of %s expects %d, not in the catalog", m.op.name, m.site, b.c.ID, code)
				}
			}
			if slices.Contains(mu.expected, catalog.OK) && !slices.Contains(mayStayValid, m.op.name) {
				t.Errorf("%s on %s of %s may earn 0: it must break a rule", m.op.name, m.site, b.c.ID)
			}
			if _, _, err := load(b.c.Domain, b.caseOf("fuzz-check", "a check", mu, true)); err != nil {
				t.Errorf("%s on %s of %s: %v", m.op.name, m.site, b.c.ID, err)
			}
		}
	}
	for _, op := range operators {
		if planned[op.name] == 0 {
			t.Errorf("operator %s has nothing to break in the built-in cases", op.name)
		}
	}
	t.Logf("mutations planned per operator: %v", planned)
}
