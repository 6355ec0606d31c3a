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
	if !json.Valid(data) {
		return nil, syntaxError(data)
	}
	// Valid JSON is one value between white space: the tree is read with
	// a plain scan. json.Decoder.Token would read it too, but allocates
	// for every token, and every run loads every case.
	p := &parser{data: data}
	return p.read()
}

// syntaxError says where data stops being one JSON value, as encoding/json
// words it: its scanner's offsets are exact within one value, while
// Token's are not.
func syntaxError(data []byte) *Error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var syn *json.SyntaxError
	switch err := dec.Decode(new(json.RawMessage)); {
	case errors.As(err, &syn):
		return &Error{Off: int(syn.Offset) - 1, Msg: "invalid JSON: " + syn.Error()}
	case err != nil: // io.EOF or io.ErrUnexpectedEOF
		return &Error{Off: len(data), Msg: "invalid JSON: unexpected end of input"}
	}
	off := int(dec.InputOffset())
	for off < len(data) && strings.IndexByte(" \t\r\n", data[off]) >= 0 {
		off++
	}
	return &Error{Off: off, Msg: "unexpected data after the top-level value"}
}

// parser reads a document json.Valid accepted, so it checks nothing but
// repeated keys.
type parser struct {
	data []byte
	off  int
}

// space moves off past white space and the ':' and ',' separators.
func (p *parser) space() {
	for p.off < len(p.data) {
		switch p.data[p.off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			p.off++
		default:
			return
		}
	}
}

// read reads the value at off.
func (p *parser) read() (*Node, error) {
	p.space()
	n := &Node{Off: p.off}
	switch c := p.data[p.off]; c {
	case '{', '[':
		n.Kind = Array
		if c == '{' {
			n.Kind = Object
		}
		p.off++
		var seen map[string]int
		for p.space(); p.data[p.off] != '}' && p.data[p.off] != ']'; p.space() {
			if n.Kind == Array {
				v, err := p.read()
				if err != nil {
					return nil, err
				}
				n.Items = append(n.Items, v)
				continue
			}
			m := Member{KeyOff: p.off}
			m.Key = p.str()
			if first, dup := seen[m.Key]; dup {
				line, col := LineCol(p.data, first)
				return nil, &Error{Off: m.KeyOff, Msg: fmt.Sprintf("duplicate key %q (first at %d:%d)", m.Key, line, col)}
			}
			if seen == nil {
				seen = map[string]int{}
			}
			seen[m.Key] = m.KeyOff
			v, err := p.read()
			if err != nil {
				return nil, err
			}
			m.Value = v
			n.Members = append(n.Members, m)
		}
		p.off++ // the closing delimiter
	case '"':
		n.Kind, n.Str = String, p.str()
	case 't':
		n.Kind, n.Bool = Bool, true
		p.off += len("true")
	case 'f':
		n.Kind = Bool
		p.off += len("false")
	case 'n':
		n.Kind = Null
		p.off += len("null")
	default:
		n.Kind = Number
		start := p.off
		for p.off < len(p.data) && strings.IndexByte("+-.0123456789eE", p.data[p.off]) >= 0 {
			p.off++
		}
		n.Num = json.Number(p.data[start:p.off])
	}
	n.End = p.off
	return n, nil
}

// str reads the string at off and moves off past it.
func (p *parser) str() string {
	start, escaped := p.off, false
	for p.off++; p.data[p.off] != '"'; p.off++ {
		if p.data[p.off] == '\\' {
			escaped = true
			p.off++
		}
	}
	p.off++
	if !escaped {
		return string(p.data[start+1 : p.off-1])
	}
	var s string
	_ = json.Unmarshal(p.data[start:p.off], &s) // valid: the document is
	return s
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
