package junit

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/shopconform/shopconform/runner/results"
)

// systemOut is what a reader needs to see why a case did not pass and to
// try again, as plain text: every request the case sent and its answer
// (secrets were masked when the transcript was recorded), then the
// case's notes, a curl line and the command that runs the case alone.
func systemOut(c results.Case) string {
	var b strings.Builder
	if len(c.Transcript) == 0 {
		b.WriteString("no request recorded\n")
	}
	for i, ex := range c.Transcript {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "== %s: %s %s\n", ex.Step, ex.Method, ex.Endpoint)
		if ex.RequestBody != "" {
			fmt.Fprintf(&b, "request (%s):\n%s\n", cmp.Or(ex.RequestContentType, "no content type"), strings.TrimRight(ex.RequestBody, "\n"))
		}
		if ex.Status != 0 {
			fmt.Fprintf(&b, "answer: HTTP %d\n", ex.Status)
			if ex.ResponseBody != "" {
				b.WriteString(strings.TrimRight(ex.ResponseBody, "\n") + "\n")
			}
		}
		switch {
		case ex.Error != "":
			fmt.Fprintf(&b, "error: %s\n", ex.Error)
		case ex.Status == 0:
			b.WriteString("no answer\n")
		}
	}
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "\nnote: %s\n", n)
	}
	for _, f := range c.Findings {
		fmt.Fprintf(&b, "\nfinding: %s\n", f)
	}
	if c.Curl != "" {
		fmt.Fprintf(&b, "\nreproduce with curl:\n%s\n", c.Curl)
	}
	if c.Rerun != "" {
		fmt.Fprintf(&b, "\nrun this case alone:\n%s\n", c.Rerun)
	}
	return b.String()
}
