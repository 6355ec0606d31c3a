package cassette

import (
	"strings"
	"unicode/utf8"
)

// Raw bodies are stored as text, but they are bytes: a multipart upload
// carries a PNG, and a JSON string can only hold valid UTF-8 (encoding/json
// would turn every stray byte into U+FFFD, so a replay could not send the
// same bytes back and two different images could compare equal). So the
// text is escaped losslessly:
//
//   - a byte that is not part of valid UTF-8 is written \xNN (two lower-case
//     hex digits);
//   - a backslash that would otherwise read as such an escape (it is
//     followed by x and two hex digits) is written \x5c;
//   - everything else is kept as it is.
//
// Text bodies (the 47001 cases' broken JSON, form bodies, the text parts of
// a multipart body) therefore read exactly as sent, and only binary bytes
// look escaped.

const hexDigits = "0123456789abcdef"

// escapeRaw renders bytes as valid UTF-8 text that unescapeRaw turns back
// into the same bytes.
func escapeRaw(b []byte) string {
	var s strings.Builder
	s.Grow(len(b))
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			s.WriteString(`\x`)
			s.WriteByte(hexDigits[b[i]>>4])
			s.WriteByte(hexDigits[b[i]&0xf])
		case b[i] == '\\' && isEscape(b[i:]):
			s.WriteString(`\x5c`)
		default:
			s.Write(b[i : i+size])
		}
		i += size
	}
	return s.String()
}

// unescapeRaw undoes escapeRaw. A backslash that does not start \xNN is
// itself: text written by hand stays readable.
func unescapeRaw(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && isEscape(s[i:]) {
			out = append(out, unhex(s[i+2])<<4|unhex(s[i+3]))
			i += 3
			continue
		}
		out = append(out, s[i])
	}
	return out
}

// isEscape reports whether b starts with \x and two hex digits.
func isEscape[T string | []byte](b T) bool {
	return len(b) >= 4 && b[0] == '\\' && b[1] == 'x' && isHex(b[2]) && isHex(b[3])
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
