// Package jsonpos reads JSON strictly and keeps the byte offset of every
// value, so that every problem found, in the syntax or in the content, can
// name its line and column. encoding/json alone positions syntax errors
// only, and accepts duplicate keys, trailing data and invalid UTF-8.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind is the JSON type of a Node.
type Kind int

// The JSON types.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// String names the kind for messages, with its article: "a string".
func (k Kind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// Node is one JSON value; its text is data[Off:End].
type Node struct {
	Kind     Kind
	Off, End int
	Members  []Member // Object, in document order
	Items    []*Node  // Array
	Str      string   // String
	Num      json.Number
	Bool     bool
}

// Member is one key of an object with its value.
type Member struct {
	Key    string
	KeyOff int
	Value  *Node
}

// Error is one problem at a byte offset of the document. Parse sets Off
// and Msg only; DecodeStrict also says which value is at fault, for
// callers that word their findings their own way.
type Error struct {
	Off int    // the value at fault, or the key of an unknown field
	Msg string // what is wrong

	Path string // the field, from the decoded value: "rate.burst", "openids[1]"
}

func (e *Error) Error() string { return e.Msg }

// Parse reads exactly one JSON value. Besides what encoding/json rejects
// (comments, trailing commas), it rejects invalid UTF-8, duplicate object
// keys and anything after the value. The error is always an *Error.
func Parse(data []byte) (*Node, error) {
	for off := 0; off < len(data); {
		r, size := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && size == 1 {
			return nil, &Error{Off: off, Msg: "invalid UTF-8"}
		}
		off += size
	}
	// Syntax first, in one pass of the scanner: its offsets are exact
	// within one value, while Token's are not.
	dec := json.NewDecoder(bytes.NewReader(data))
	var syn *json.SyntaxError
	switch err := dec.Decode(new(json.RawMessage)); {
	case errors.As(err, &syn):
		return nil, &Error{Off: int(syn.Offset) - 1, Msg: "invalid JSON: " + syn.Error()}
	case err != nil: // io.EOF or io.ErrUnexpectedEOF
		return nil, &Error{Off: len(data), Msg: "invalid JSON: unexpected end of input"}
	}
	p := &parser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	if off := p.skip(int(dec.InputOffset()), " \t\r\n"); off < len(data) {
		return nil, &Error{Off: off, Msg: "unexpected data after the top-level value"}
	}
	p.dec.UseNumber()
	return p.read()
}

type parser struct {
	data []byte
	dec  *json.Decoder
}

// skip moves off the bytes in set from off on.
func (p *parser) skip(off int, set string) int {
	for off < len(p.data) && strings.IndexByte(set, p.data[off]) >= 0 {
		off++
	}
	return off
}

// next is where the next token starts: the decoder's offset skips neither
// white space nor the ':' and ',' separators.
func (p *parser) next() int { return p.skip(int(p.dec.InputOffset()), " \t\r\n:,") }

// read reads the next value. The syntax is known to be valid, so the
// decoder cannot fail; a repeated key is the only problem left.
func (p *parser) read() (*Node, error) {
	n := &Node{Off: p.next()}
	tok, _ := p.dec.Token()
	switch t := tok.(type) {
	case string:
		n.Kind, n.Str = String, t
	case json.Number:
		n.Kind, n.Num = Number, t
	case bool:
		n.Kind, n.Bool = Bool, t
	case json.Delim: // '{' or '['
		n.Kind = Array
		if t == '{' {
			n.Kind = Object
		}
		seen := map[string]int{}
		for p.dec.More() {
			var m Member
			if n.Kind == Object {
				m.KeyOff = p.next()
				key, _ := p.dec.Token()
				m.Key = key.(string)
				if first, dup := seen[m.Key]; dup {
					line, col := LineCol(p.data, first)
					return nil, &Error{Off: m.KeyOff, Msg: fmt.Sprintf("duplicate key %q (first at %d:%d)", m.Key, line, col)}
				}
				seen[m.Key] = m.KeyOff
			}
			v, err := p.read()
			if err != nil {
				return nil, err
			}
			if n.Kind == Object {
				m.Value = v
				n.Members = append(n.Members, m)
			} else {
				n.Items = append(n.Items, v)
			}
		}
		p.dec.Token() // the closing delimiter
	}
	n.End = int(p.dec.InputOffset())
	return n, nil
}

// Member returns the value of key, or nil when n is not an object or has
// no such key.
func (n *Node) Member(key string) *Node {
	for _, m := range n.Members {
		if m.Key == key {
			return m.Value
		}
	}
	return nil
}

// Plain converts the tree to the values encoding/json produces with
// UseNumber: map[string]any, []any, string, json.Number, bool, nil.
func (n *Node) Plain() any {
	switch n.Kind {
	case Object:
		m := make(map[string]any, len(n.Members))
		for _, mem := range n.Members {
			m[mem.Key] = mem.Value.Plain()
		}
		return m
	case Array:
		s := make([]any, len(n.Items))
		for i, it := range n.Items {
			s[i] = it.Plain()
		}
		return s
	case String:
		return n.Str
	case Number:
		return n.Num
	case Bool:
		return n.Bool
	default:
		return nil
	}
}

// LineCol turns a byte offset into a 1-based line and a 1-based column
// counted in characters, as editors show them.
func LineCol(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(data[start:off])
}
