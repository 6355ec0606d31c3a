package junit

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/shopconform/shopconform/runner/results"
)

// malformedFile is one fixture file that could not be read as a case,
// with every problem found in it.
type malformedFile struct {
	file   string // relative to the fixtures folder's parent
	domain string
	lines  []string
}

// malformedFiles groups the report's problems by file, in the report's
// order (by file, then position), so each file is one testcase whose
// name stays the same from run to run and machine to machine.
func malformedFiles(problems []results.Problem, root fixtureRoot) []malformedFile {
	var out []malformedFile
	at := map[string]int{}
	for _, p := range problems {
		file := root.rel(p.File)
		i, ok := at[file]
		if !ok {
			i = len(out)
			at[file] = i
			out = append(out, malformedFile{file: file, domain: p.Domain})
		}
		where := file
		if p.Line > 0 {
			where = fmt.Sprintf("%s:%d:%d", file, p.Line, p.Col)
		}
		out[i].lines = append(out[i].lines, where+": "+root.shorten(p.Message))
	}
	return out
}

func (m malformedFile) entry() testcase {
	msg := m.lines[0]
	if n := len(m.lines) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more)", n)
	}
	return testcase{
		Name: "malformed fixture " + m.file, Classname: "shopconform." + cmp.Or(m.domain, "universal") + ".fixtures", Time: "0.000",
		File:       m.file,
		Properties: &properties{[]property{{"fixture", m.file}}},
		Error:      &problem{Message: msg, Type: "malformed-fixture", Text: strings.Join(m.lines, "\n") + "\n"},
	}
}
