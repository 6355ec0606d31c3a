package validate

import (
	"fmt"
	"strconv"

	"github.com/shopconform/shopconform/apispec"
)

// Response checks a success answer against the endpoint's documented
// shape: every required field is there (not null) and every field that is
// there has its type. Fields the spec does not know are accepted, as live
// answers carry many undocumented ones (§7). It lists every problem, each
// as "path: what is wrong".
func Response(ep *apispec.Endpoint, answer map[string]any) []string {
	var out []string
	shapeObject(ep.Response, answer, "", &out)
	return out
}

func shapeObject(f *apispec.Field, obj map[string]any, at string, out *[]string) {
	for _, m := range f.Fields {
		shapeValue(m, obj[m.Name], join(at, m.Name), out)
	}
}

func shapeValue(f *apispec.Field, v any, at string, out *[]string) {
	if v == nil {
		if f.Presence == apispec.Required {
			*out = append(*out, at+": absent, though documented")
		}
		return
	}
	if !fits(f.Type, v) {
		*out = append(*out, fmt.Sprintf("%s: %s, not %s", at, jsonKind(v), typeWord(f.Type)))
		return
	}
	switch x := v.(type) {
	case map[string]any:
		shapeObject(f, x, at, out)
	case []any:
		if f.Items != nil {
			for i, it := range x {
				shapeValue(f.Items, it, at+"["+strconv.Itoa(i)+"]", out)
			}
		}
	}
}

func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a number"
}
