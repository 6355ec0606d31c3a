// Package wording holds the few phrasings that the reports and the CLI
// share, so that a count or a reason reads the same everywhere.
package wording

import (
	"strconv"
	"strings"
)

// Plural is one when n is 1, else many.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count is n and a noun that takes an s in the plural: "1 case",
// "3 cases", "0 cases".
func Count(n int, noun string) string {
	return strconv.Itoa(n) + " " + Plural(n, noun, noun+"s")
}

// OneLine joins a multi-line text (Gomega's messages: "Expected\n
// <int>: 40001\nto have errcode …") into one line of single spaces and
// cuts it to at most max characters, an ellipsis marking the cut.
func OneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
