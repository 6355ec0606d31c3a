// Package jsonpath reads one value out of decoded JSON by a dotted path
// ("data.skus.0.sku_id"), the notation cases use to name response fields.
package jsonpath

import (
	"strconv"
	"strings"
)

// Get returns the value at path inside v (maps from encoding/json, slices
// indexed by decimal segments) and whether it exists. The empty path is v.
func Get(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for seg := range strings.SplitSeq(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[seg]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			v = node[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// Valid reports whether path is well formed: non-empty segments of letters,
// digits, '_' and '-'.
func Valid(path string) bool {
	if path == "" {
		return false
	}
	for seg := range strings.SplitSeq(path, ".") {
		if seg == "" {
			return false
		}
		for _, r := range seg {
			if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}
