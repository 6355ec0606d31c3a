package apispec

import (
	"slices"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

func codesOf(uses []CodeUse) []catalog.Code {
	out := make([]catalog.Code, len(uses))
	for i, u := range uses {
		out[i] = u.Code
	}
	return out
}

// TestUniversalCodes: which pipeline codes an endpoint can answer follows
// its body, its access and its content policy, in the pipeline's order.
func TestUniversalCodes(t *testing.T) {
	all := []catalog.Code{41001, 40014, 40001, 42001, 47001, 61004, 61007, 48001, 45009, 300000, 990010, -1}
	without := func(drop catalog.Code) []catalog.Code {
		return slices.DeleteFunc(slices.Clone(all), func(c catalog.Code) bool { return c == drop })
	}
	for name, tc := range map[string]struct {
		ep   Endpoint
		want []catalog.Code
	}{
		"plain":          {Endpoint{}, all},
		"pre_open":       {Endpoint{PreOpen: true}, without(catalog.APIUnauthorized)},
		"multipart":      {Endpoint{Multipart: true}, without(catalog.NotJSON)},
		"content policy": {Endpoint{Content: []string{"title", "desc"}}, append(slices.Clone(all), catalog.ContentViolation)},
	} {
		got := UniversalCodes(&tc.ep)
		if !slices.Equal(codesOf(got), tc.want) {
			t.Errorf("%s: %v, want %v", name, codesOf(got), tc.want)
		}
		for _, u := range got {
			if !catalog.Default().Has(u.Code) || u.When == "" || u.Source.Section != "§3.1" {
				t.Errorf("%s: %+v is not in the catalog, or says nothing of when or where from", name, u)
			}
		}
	}
	if last := UniversalCodes(&Endpoint{Content: []string{"title", "desc"}}); last[len(last)-1].When != "after the field rules: a text of title, desc holds words the content policy forbids" {
		t.Errorf("87014: %q", last[len(last)-1].When)
	}
	if got := codesOf(RouteCodes()); !slices.Equal(got, []catalog.Code{catalog.URLNotFound, catalog.RequirePOST}) {
		t.Errorf("route codes %v", got)
	}
}
