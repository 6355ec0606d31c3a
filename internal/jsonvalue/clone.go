// Package jsonvalue copies values decoded by encoding/json into any, for
// the code that changes a decoded body while others still hold it.
package jsonvalue

// Clone copies v deeply: its objects and arrays are new, and the scalars,
// which nothing changes in place, are shared.
func Clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Clone(e)
		}
		return out
	}
	return v
}
