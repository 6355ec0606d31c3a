// Package redact removes secrets (app secrets, access tokens) from any text
// before it reaches a report, a log or a failure message.
package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Mask replaces every secret.
const Mask = "[REDACTED]"

// minSecret keeps short, common strings from being treated as secrets.
const minSecret = 8

// Redactor knows the secrets of a run, including the tokens issued during
// it, and removes them in every encoding they may travel in.
type Redactor struct {
	mu       sync.RWMutex
	forms    map[string]bool
	secrets  []string
	replacer *strings.Replacer
}

// New returns a redactor for the given secrets.
func New(secrets ...string) *Redactor {
	r := &Redactor{forms: map[string]bool{}}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add learns one more secret in every form Forms lists.
func (r *Redactor) Add(secret string) {
	forms := Forms(secret)
	if len(forms) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.forms[secret] {
		r.secrets = append(r.secrets, secret)
	}
	for _, f := range forms {
		if !r.forms[f] {
			r.forms[f] = true
			r.replacer = nil // rebuilt on next use, only when something is new
		}
	}
}

// Forms lists what secret looks like in every encoding it may travel in:
// plain, URL-encoded (query and path), base64 (standard and URL
// alphabets, padded or not, whole or inside a longer base64 text),
// JSON-escaped (with and without HTML escaping) and XML/HTML-escaped.
// A secret shorter than 8 characters has no forms: it is too likely to
// occur by chance. Tools that search for secrets without a Redactor (the
// run's secret gate) use it to size their window.
func Forms(secret string) []string {
	if len(secret) < minSecret {
		return nil
	}
	var xmlEscaped bytes.Buffer
	_ = xml.EscapeText(&xmlEscaped, []byte(secret)) // a bytes.Buffer never fails
	forms := []string{
		secret,
		url.QueryEscape(secret),
		url.PathEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.RawStdEncoding.EncodeToString([]byte(secret)),
		base64.URLEncoding.EncodeToString([]byte(secret)),
		base64.RawURLEncoding.EncodeToString([]byte(secret)),
		jsonEscaped(secret, true),
		jsonEscaped(secret, false),
		html.EscapeString(secret),
		xmlEscaped.String(),
	}
	forms = append(forms, embeddedBase64(secret)...)
	return forms
}

// jsonEscaped is secret as it appears inside a JSON string. Go escapes
// <, > and & by default; other encoders (and Go with SetEscapeHTML(false))
// do not, so both are forms.
func jsonEscaped(secret string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(secret) // a string always encodes
	// Cut the quotes by position: trimming every '"' would also eat an
	// escaped quote at the secret's end.
	quoted := strings.TrimSuffix(b.String(), "\n")
	return quoted[1 : len(quoted)-1]
}

// embeddedBase64 is what stays the same of secret's base64 when the
// secret sits inside longer data that is base64-encoded as a whole, as
// "appid:secret" in a Basic authorization header or a token inside a
// base64 body. Such a secret starts at any of three offsets within a
// 3-byte group, and the characters at its edges also carry bits of its
// neighbours; the characters made only of the secret's own bits are the
// same whatever surrounds it. They are computed for each offset k: of
// the k+len(secret) bytes, the characters from bit 8k (rounded up to a
// whole character) to the secret's last whole character.
func embeddedBase64(secret string) []string {
	var out []string
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for k := range 3 {
			data := make([]byte, k+len(secret))
			copy(data[k:], secret)
			s := enc.EncodeToString(data)
			from, to := (8*k+5)/6, 8*len(data)/6
			out = append(out, s[from:to])
		}
	}
	return out
}

// String returns s with every known secret masked, and what is left of
// one that was cut short after a token or secret key (prefix.go).
func (r *Redactor) String(s string) string {
	if s == "" {
		return s
	}
	s = r.rep().Replace(s)
	r.mu.RLock()
	secrets := r.secrets
	r.mu.RUnlock()
	return maskPrefixes(s, secrets)
}

// Contains reports whether s holds any known secret.
func (r *Redactor) Contains(s string) bool { return r.String(s) != s }

func (r *Redactor) rep() *strings.Replacer {
	r.mu.RLock()
	rep := r.replacer
	r.mu.RUnlock()
	if rep != nil {
		return rep
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// Longest first, so that a secret's encoding is masked whole rather
	// than around a shorter form inside it.
	forms := make([]string, 0, len(r.forms))
	for f := range r.forms {
		forms = append(forms, f)
	}
	sort.Slice(forms, func(i, j int) bool {
		return len(forms[i]) > len(forms[j]) || len(forms[i]) == len(forms[j]) && forms[i] < forms[j]
	})
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Mask)
	}
	r.replacer = strings.NewReplacer(pairs...)
	return r.replacer
}
