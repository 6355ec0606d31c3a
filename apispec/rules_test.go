package apispec_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/apidoc"
	"github.com/shopconform/shopconform/catalog"
)

// TestWithoutRemovesOneRuleOfTheSpec: every rule the embedded spec lists
// has a unique id, and Without either removes exactly that rule, from a
// copy that shares every other endpoint, or says why it cannot; the spec
// it was called on stays as it was.
func TestWithoutRemovesOneRuleOfTheSpec(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	before, err := apidoc.JSON(spec, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	ids := spec.RuleIDs()
	known := map[string]bool{}
	for _, id := range ids {
		if known[id] {
			t.Errorf("%q is listed twice", id)
		}
		known[id] = true
	}
	refused := 0
	for _, id := range ids {
		mutant, err := spec.Without(id)
		if err != nil {
			refused++
			if !strings.Contains(err.Error(), id) || !slices.ContainsFunc(cannotGoAlone, func(why string) bool { return strings.Contains(err.Error(), why) }) {
				t.Errorf("%s: refused for another reason than those of Without's comment: %v", id, err)
			}
			continue
		}
		after := mutant.RuleIDs()
		if len(after) != len(ids)-1 {
			t.Errorf("%s: %d rules left of %d", id, len(after), len(ids))
		}
		for _, a := range after {
			if !known[a] {
				t.Errorf("%s: the mutant has a rule the spec has not: %s", id, a)
			}
		}
		path, _, _ := strings.Cut(id, " ")
		for i, ep := range mutant.Endpoints {
			if changed := ep != spec.Endpoints[i]; changed != (ep.Path == path) {
				t.Errorf("%s: endpoint %s copied %v", id, ep.Path, changed)
			}
			if got, _ := mutant.Endpoint(ep.Path); got != ep {
				t.Errorf("%s: the mutant finds another %s by its path", id, ep.Path)
			}
		}
	}
	if after, _ := apidoc.JSON(spec, catalog.Default()); !bytes.Equal(before, after) {
		t.Error("Without changed the spec it was called on")
	}
	t.Logf("%d rules, %d cannot be removed alone", len(ids), refused)
}

// cannotGoAlone are the rules Without refuses to remove by themselves.
var cannotGoAlone = []string{
	"a required string is never blank",
	"its other checks need the format",
	"an array's item is never absent",
}
