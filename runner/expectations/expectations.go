// Package expectations reads an expectations file: the known, reasoned
// deviations of a target (a case that fails on it for a reason someone
// has written down, until a date) and applies it to a run's cases. A
// case that matches an entry and has its outcome keeps that outcome but
// no longer fails the run; an entry a case breaks (the deviation went
// away, changed, or its date passed) does. The file format is in the
// README, "Expectations (known deviations)".
//
// The file is read strictly, like the fixtures: every problem is named
// with its file:line:col, and all of them are reported at once.
package expectations

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/shopconform/shopconform/runner/results"
)

// dateLayout is how expires is written: a calendar day, read as UTC.
const dateLayout = "2006-01-02"

// File is a parsed expectations file.
type File struct {
	// Name is the file as given, used in messages and in reports.
	Name    string
	Entries []Entry
}

// Entry is one known deviation.
type Entry struct {
	// Line and Col are where the entry starts in the file.
	Line, Col int
	// Case is a shell pattern (path.Match) on the case id.
	Case string
	// Target is "reference", "replay", "sandbox" or "sdk:NAME" (NAME as
	// the SDK's adapter names it, exactly); "" matches any target.
	Target string
	// Outcome is what the case is expected to do: fail, error,
	// inconclusive or skipped.
	Outcome results.Outcome
	Reason  string
	// Link is an absolute http(s) URL, or "".
	Link string
	// Expires is the last day the entry holds, at 00:00 UTC.
	Expires time.Time
}

// Outcomes an entry may expect: every outcome but pass.
var allowedOutcomes = []results.Outcome{results.Fail, results.Error, results.Inconclusive, results.Skipped}

// Targets an entry may name, besides sdk:NAME.
var allowedTargets = []string{"reference", "sandbox", "replay"}

var (
	keys     = []string{"case", "target", "outcome", "reason", "link", "expires"}
	required = []string{"case", "outcome", "reason", "expires"}
)

// Load reads and parses the expectations file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("expectations file: %w", err)
	}
	return Parse(path, data)
}

// Parse reads an expectations file; name is how messages call it. The
// error, when there is one, holds one line per problem, each starting
// "name:line:col: ". An empty list ([]) is a valid file with no entries.
func Parse(name string, data []byte) (*File, error) {
	p := &parser{name: name}
	root := p.document(data)
	if root == nil {
		return nil, p.err()
	}
	f := &File{Name: name, Entries: []Entry{}}
	for i, n := range root.Content {
		if e, ok := p.entry(i+1, n); ok {
			f.Entries = append(f.Entries, e)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return f, nil
}

type parser struct {
	name     string
	problems []error
}

func (p *parser) addf(n *yaml.Node, format string, args ...any) {
	p.problems = append(p.problems, fmt.Errorf("%s:%d:%d: %s", p.name, n.Line, n.Column, fmt.Sprintf(format, args...)))
}

func (p *parser) err() error { return errors.Join(p.problems...) }

// document answers the file's list of entries, or nil after a problem.
func (p *parser) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		// The YAML parser knows the line of a syntax error, not its column.
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if line, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(line, "line ") {
			p.problems = append(p.problems, fmt.Errorf("%s:%s: not valid YAML: %s", p.name, strings.TrimPrefix(line, "line "), rest))
			return nil
		}
		if err.Error() == "EOF" {
			p.problems = append(p.problems, fmt.Errorf("%s:1:1: the file is empty: it must be a list of entries (- case: …); write [] for none", p.name))
			return nil
		}
		p.problems = append(p.problems, fmt.Errorf("%s: not valid YAML: %s", p.name, msg))
		return nil
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		p.addf(&more, "a second YAML document: the file must hold one list of entries")
		return nil
	}
	if len(doc.Content) == 0 {
		p.problems = append(p.problems, fmt.Errorf("%s:1:1: the file is empty: it must be a list of entries (- case: …); write [] for none", p.name))
		return nil
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.SequenceNode {
		p.addf(root, "the file must be a list of entries (- case: …), not %s", kind(root))
		return nil
	}
	return root
}

// entry reads the index-th entry (1-based, as messages count).
func (p *parser) entry(index int, n *yaml.Node) (Entry, bool) {
	n = deref(n)
	e := Entry{Line: n.Line, Col: n.Column}
	if n.Kind != yaml.MappingNode {
		p.addf(n, "entry %d must be a mapping with %s (and optionally target, link), not %s", index, strings.Join(required, ", "), kind(n))
		return e, false
	}
	before := len(p.problems)
	values := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		switch {
		case k.Kind != yaml.ScalarNode || !slices.Contains(keys, k.Value):
			p.addf(k, "entry %d: unknown key %q (allowed: %s)", index, k.Value, strings.Join(keys, ", "))
		case values[k.Value] != nil:
			p.addf(k, "entry %d: %s is given twice", index, k.Value)
		default:
			values[k.Value] = v
		}
	}
	for _, key := range required {
		if values[key] == nil {
			p.addf(n, "entry %d is missing %s (required: %s)", index, key, strings.Join(required, ", "))
		}
	}
	text := func(key string) (string, *yaml.Node) {
		v := values[key]
		if v == nil {
			return "", nil
		}
		// A date is a timestamp to YAML; everything else must be text, so
		// that "reason: yes" or "case: 40066" is a mistake caught here.
		if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" && !(key == "expires" && v.ShortTag() == "!!timestamp") {
			p.addf(v, "entry %d: %s must be a text, not %s", index, key, kind(v))
			return "", nil
		}
		return v.Value, v
	}

	if s, v := text("case"); v != nil {
		if _, err := path.Match(s, ""); err != nil || strings.TrimSpace(s) == "" {
			p.addf(v, "entry %d: case %q is not a valid pattern on case ids (a shell pattern: * any text, ? one character, [a-z] a class)", index, s)
		}
		e.Case = s
	}
	if s, v := text("target"); v != nil {
		// An SDK is named as its adapter's hello names it, blanks and all
		// ("node built-in fetch"); a blank at either end is a typo
		// ("sdk: go") that would never match.
		name, isSDK := strings.CutPrefix(s, "sdk:")
		if !slices.Contains(allowedTargets, s) && !(isSDK && name != "" && strings.TrimSpace(name) == name) {
			p.addf(v, "entry %d: target %q is not one of %s, sdk:NAME (or leave it out for any target)", index, s, strings.Join(allowedTargets, ", "))
		}
		e.Target = s
	}
	if s, v := text("outcome"); v != nil {
		if !slices.Contains(allowedOutcomes, results.Outcome(s)) {
			p.addf(v, "entry %d: outcome %q is not one of %s", index, s, joinOutcomes(allowedOutcomes))
		}
		e.Outcome = results.Outcome(s)
	}
	if s, v := text("reason"); v != nil {
		if strings.TrimSpace(s) == "" {
			p.addf(v, "entry %d: reason is blank: say why the case deviates", index)
		}
		e.Reason = strings.TrimSpace(s)
	}
	if s, v := text("link"); v != nil {
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.addf(v, "entry %d: link %q is not an absolute http(s) URL", index, s)
		}
		e.Link = s
	}
	if s, v := text("expires"); v != nil {
		d, err := time.Parse(dateLayout, s)
		if err != nil {
			p.addf(v, "entry %d: expires %q is not a date: write the last day the entry holds as YYYY-MM-DD", index, s)
		}
		e.Expires = d
	}
	return e, len(p.problems) == before
}

// deref follows an alias (*name) to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// kind names a node's type for messages.
func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	switch n.ShortTag() {
	case "!!null":
		return "empty"
	case "!!int", "!!float":
		return "a number (" + n.Value + ")"
	case "!!bool":
		return "a boolean (" + n.Value + ")"
	case "!!timestamp":
		return "a date (" + n.Value + ")"
	}
	return fmt.Sprintf("a text (%q)", n.Value)
}

func joinOutcomes(os []results.Outcome) string {
	var s []string
	for _, o := range os {
		s = append(s, string(o))
	}
	return strings.Join(s, ", ")
}
