package cassette

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

func TestRawTextEscapes(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain text, 国, \r\n and \x00", "plain text, 国, \r\n and \x00"},
		{`{"a":"\n\\"}`, `{"a":"\n\\"}`}, // backslashes that are not \xNN stay
		{"\x89PNG\xff", `\x89PNG\xff`},
		{`\x41`, `\x5cx41`}, // a literal escape is escaped
		{`\X4f`, `\X4f`},    // only \x reads as an escape
		{`\x4`, `\x4`},
		{"\\\xff", `\\xff`},
		{"\xe4\xb8", `\xe4\xb8`}, // a cut-off character
	} {
		got := escapeRaw([]byte(tt.in))
		if got != tt.want {
			t.Errorf("escapeRaw(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back := unescapeRaw(got); string(back) != tt.in {
			t.Errorf("unescapeRaw(%q) = %q, want %q", got, back, tt.in)
		}
	}
	// Hand-written text reads as itself, and upper-case escapes are bytes.
	if got := unescapeRaw(`a\x4Fb\`); string(got) != `aOb\` {
		t.Errorf("unescapeRaw = %q", got)
	}
}

// FuzzRawText checks that any bytes survive the escape, as valid UTF-8.
func FuzzRawText(f *testing.F) {
	for _, s := range []string{"", `\`, `\x`, `\x5c`, "\\\\x41", "\x89PNG\r\n\x1a\n", "\\x4\xff", "国\xe5"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := escapeRaw(b)
		if !utf8.ValidString(s) {
			t.Fatalf("escapeRaw(%q) = %q is not valid UTF-8", b, s)
		}
		if back := unescapeRaw(s); !bytes.Equal(back, b) {
			t.Fatalf("escapeRaw(%q) = %q came back as %q", b, s, back)
		}
		if utf8.Valid(b) && !bytes.Contains(b, []byte(`\x`)) && s != string(b) {
			t.Fatalf("text %q was changed to %q", b, s)
		}
	})
}
