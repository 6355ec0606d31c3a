package refsandbox

import (
	_ "embed"
	"errors"
	"strings"

	"github.com/shopconform/shopconform/catalog"
)

// The real content-security model is not public (§3.1 87014 is NS); the
// sandbox approximates it with a fixed word list, applied to the text
// fields each route declares in routes.go.

//go:embed content-policy.txt
var contentPolicyText string

type contentPolicy struct {
	words []string // lowercased
}

func loadContentPolicy() (contentPolicy, error) {
	var p contentPolicy
	for line := range strings.Lines(contentPolicyText) {
		w := strings.TrimSpace(line)
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		p.words = append(p.words, strings.ToLower(w))
	}
	if len(p.words) == 0 {
		return p, errors.New("refsandbox: content-policy.txt lists no words")
	}
	return p, nil
}

// check answers 87014 when a declared text field contains a listed word.
// Fields that are absent or not strings are left to the domain handler.
func (p contentPolicy) check(fields []fieldPath, body map[string]any) (reply, bool) {
	for _, f := range fields {
		v, _ := f.lookup(body)
		text, ok := v.(string)
		if !ok {
			continue
		}
		lower := strings.ToLower(text)
		for _, w := range p.words {
			if strings.Contains(lower, w) {
				return errReply(catalog.ContentViolation, f.String()+" contains a prohibited word"), stop
			}
		}
	}
	return reply{}, cont
}
