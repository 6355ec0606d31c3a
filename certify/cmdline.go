package certify

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// commandLine is an adapter command split into its environment
// assignments and its argv.
type commandLine struct {
	env  []string // NAME=value words that came before the program
	argv []string
}

// assignment is a leading NAME=value word: as in a shell, it sets the
// adapter's environment (`NODE_OPTIONS=--no-warnings node adapter.mjs`).
var assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// splitCommand splits an adapter command the way a POSIX shell splits a
// simple command: words separated by blanks, 'single quotes' taken
// literally, "double quotes" with \" \\ \$ \` escapes, and a backslash
// outside quotes escaping the next character. Nothing else of a shell is
// there on purpose (no globs, variables, pipes or redirections): the
// command is run directly, so what it means does not depend on a shell.
func splitCommand(s string) (commandLine, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return commandLine{}, fmt.Errorf("adapter command %q: unterminated single quote", s)
			}
			cur.WriteString(s[i+1 : i+1+end])
			i, inWord = i+1+end, true
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) && strings.IndexByte("\"\\$`", s[j+1]) >= 0 {
					j++
				}
				cur.WriteByte(s[j])
			}
			if j >= len(s) {
				return commandLine{}, fmt.Errorf("adapter command %q: unterminated double quote", s)
			}
			i, inWord = j, true
		case c == '\\':
			if i+1 >= len(s) {
				return commandLine{}, fmt.Errorf("adapter command %q: ends with a backslash", s)
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	var cl commandLine
	for len(words) > 0 && assignment.MatchString(words[0]) {
		cl.env, words = append(cl.env, words[0]), words[1:]
	}
	if len(words) == 0 {
		return commandLine{}, errors.New("the adapter command is empty: give the program to run, e.g. 'node adapters/node/adapter.mjs'")
	}
	cl.argv = words
	return cl, nil
}
