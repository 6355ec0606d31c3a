package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// A token does not always travel whole: an SDK that shortens its error
// messages ("… for url: http://host/shop/spu/get?access_token=5_abcdEFGH…")
// leaves the start of the token, which matches none of Forms. What is
// left after a key that names a token or a secret is masked (and refused
// by the secret gate) when it begins with at least minSecret characters of
// a known secret.

// keyed finds a value given to a key that names a token or a secret:
// access_token=V (also URL-encoded, access_token%3DV), "access_token":"V",
// secret: V. The value runs to the next delimiter of a URL, JSON or a
// sentence; the mask's brackets end it too, so a masked value is not read
// again.
var keyed = regexp.MustCompile(`(?i)(?:token|secret)(?:=|%3d|["']?\s*:\s*["']?)([^\s"'&,;<>\\\[\](){}|]+)`)

// prefixSpans are the spans of text (start, end) holding such a value.
func prefixSpans[T string | []byte](text T, secrets []string) [][2]int {
	if len(secrets) == 0 || !mentionsKey(text) {
		return nil
	}
	var spans [][2]int
	var ms [][]int
	switch t := any(text).(type) {
	case string:
		ms = keyed.FindAllStringSubmatchIndex(t, -1)
	case []byte:
		ms = keyed.FindAllSubmatchIndex(t, -1)
	}
	for _, m := range ms {
		if startsLikeOne(string(text[m[2]:m[3]]), secrets) {
			spans = append(spans, [2]int{m[2], m[3]})
		}
	}
	return spans
}

// mentionsKey is a cheap test before the regular expression, without
// copying the text: most text names no token at all.
func mentionsKey[T string | []byte](text T) bool {
	for i := 0; i < len(text); i++ {
		switch text[i] | 0x20 { // ASCII lower case
		case 't':
			if i+5 <= len(text) && strings.EqualFold(string(text[i:i+5]), "token") {
				return true
			}
		case 's':
			if i+6 <= len(text) && strings.EqualFold(string(text[i:i+6]), "secret") {
				return true
			}
		}
	}
	return false
}

// startsLikeOne reports whether value (or its URL-decoded form) begins
// with at least minSecret characters of one of secrets.
func startsLikeOne(value string, secrets []string) bool {
	values := []string{value}
	if strings.Contains(value, "%") {
		if v, err := url.QueryUnescape(value); err == nil {
			values = append(values, v)
		}
	}
	for _, s := range secrets {
		if len(s) < minSecret {
			continue
		}
		for _, v := range values {
			if commonPrefix(v, s) >= minSecret {
				return true
			}
		}
	}
	return false
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// maskPrefixes masks every such value in text.
func maskPrefixes(text string, secrets []string) string {
	spans := prefixSpans(text, secrets)
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(text[last:sp[0]])
		b.WriteString(Mask)
		last = sp[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// HoldsPrefix reports whether text holds, after a key that names a token
// or a secret, a value that begins with at least 8 characters of one of
// secrets: what is left of a secret that was cut short.
func HoldsPrefix(text []byte, secrets []string) bool {
	return len(prefixSpans(text, secrets)) > 0
}
