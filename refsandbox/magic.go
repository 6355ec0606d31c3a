package refsandbox

import "github.com/shopconform/shopconform/catalog"

// Magic values stand in for codes that no request can provoke, the way
// Stripe's test cards do: a top-level string field of the body equal to a
// value below makes the call answer its code. They are checked after
// quota and rate and before the field rules, so a case can ask for them
// on any endpoint with an otherwise empty body. README.md lists them.
type magicValue struct {
	value string
	code  catalog.Code
	why   string
}

// magicValues is the whole table; add a line to add a value.
func magicValues() []magicValue {
	return []magicValue{
		{"SHOPCONFORM_MAGIC_BUSY", catalog.SystemBusy, "990010 is a transient backend state (§3.1, NS): nothing a client sends provokes it"},
		{"SHOPCONFORM_MAGIC_SYSTEM_ERROR", catalog.SystemError, "-1 is a backend failure (§5): nothing a client sends provokes it reliably"},
	}
}

// findMagic looks at top-level strings only: nested values are data the
// domain handlers own. The table order decides when two values appear.
func findMagic(body map[string]any) (magicValue, bool) {
	for _, m := range magicValues() {
		for _, v := range body {
			if v == m.value {
				return m, true
			}
		}
	}
	return magicValue{}, false
}
