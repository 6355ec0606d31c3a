package results

import "strings"

// Headline is the one line of the case's reason worth a tooltip, a table
// cell or a console line: its first non-blank line, except for a
// Gomega-shaped failure ("Expected\n    …\nto have errcode\n    …"), whose
// first line says nothing. That one becomes what the target answered
// (errcode, errmsg), without the endpoint and fixture lines every report
// shows elsewhere, followed by what was expected unless that is the
// expected errcode alone, which is shown beside it.
func (c Case) Headline() string {
	lines := strings.Split(strings.TrimSpace(c.Reason), "\n")
	if strings.TrimSpace(lines[0]) != "Expected" || len(lines) == 1 {
		return strings.TrimSpace(lines[0])
	}
	var parts []string
	inActual, keep := true, false
	for _, l := range lines[1:] {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "\t") {
			// The matcher's "to have …" line: what was expected.
			inActual, keep = false, t != "to have errcode"
			if keep {
				parts = append(parts, t)
			}
			continue
		}
		switch {
		case inActual && (strings.HasPrefix(t, "endpoint:") || strings.HasPrefix(t, "fixture:")):
		case inActual || keep:
			parts = append(parts, t)
		}
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}
