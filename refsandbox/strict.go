package refsandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Strict reading of data files (style rule 15a): unknown fields and syntax
// errors are refused with filename:line:col, so a typo in a profile never
// silently becomes a default.

// position formats a byte offset of data as filename:line:col (1-based,
// columns in bytes).
func position(filename string, data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("%s:%d:%d", filename, line, col)
}

// syntaxCheck reports the first syntax error of data. It uses Unmarshal
// because a streaming Decoder's SyntaxError offsets are not reliable after
// the first value.
func syntaxCheck(data []byte, filename string) error {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s: %v", position(filename, data, se.Offset-1), se)
	}
	return nil // type errors cannot happen when decoding into any
}

// decodeStrict decodes one syntactically valid JSON value into v, refusing
// unknown fields. base is the value's offset in data, for the position.
func decodeStrict(data []byte, base int64, raw []byte, v any, filename string) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// Offset is the end of the bad value; its key is easier to spot.
		off := te.Offset - 1
		if i := strings.LastIndexByte(te.Field, '.'); te.Field != "" {
			off = keyOffset(raw, te.Field[i+1:])
		}
		return fmt.Errorf("%s: %s: want %s, got %s", position(filename, data, base+off), te.Field, te.Type, te.Value)
	}
	// encoding/json reports an unknown field by name only; find the key.
	if name, ok := unknownFieldName(err); ok {
		return fmt.Errorf("%s: unknown field %q", position(filename, data, base+keyOffset(raw, name)), name)
	}
	return fmt.Errorf("%s: %v", position(filename, data, base), err)
}

func unknownFieldName(err error) (string, bool) {
	const prefix = "json: unknown field "
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		return "", false
	}
	name, uerr := strconv.Unquote(strings.TrimPrefix(msg, prefix))
	return name, uerr == nil
}

// keyOffset returns the offset of the first object key called name in raw
// (0 when absent). The first such key is the culprit unless the same name
// is also legal at an earlier place, which no profile field allows today.
func keyOffset(raw []byte, name string) int64 {
	dec := json.NewDecoder(bytes.NewReader(raw))
	type frame struct{ object, wantKey bool }
	var stack []frame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return 0
		}
		top := len(stack) - 1
		switch tok {
		case json.Delim('{'), json.Delim('['):
			stack = append(stack, frame{object: tok == json.Delim('{'), wantKey: true})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
			valueDone()
			continue
		}
		if top >= 0 && stack[top].object && stack[top].wantKey {
			if tok == name {
				return before + int64(len(raw[before:])-len(bytes.TrimLeft(raw[before:], " \t\r\n,")))
			}
			stack[top].wantKey = false
			continue
		}
		valueDone()
	}
}
