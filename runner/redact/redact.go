// Package redact removes secrets (app secrets, access tokens) from any text
// before it reaches a report, a log or a failure message.
package redact

import (
	"encoding/base64"
	"encoding/json"
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

// Add learns one more secret: plain, URL-encoded, base64 (standard and URL
// alphabets, padded or not) and JSON-escaped.
func (r *Redactor) Add(secret string) {
	if len(secret) < minSecret {
		return
	}
	jsonEscaped, _ := json.Marshal(secret)
	forms := []string{
		secret,
		url.QueryEscape(secret),
		url.PathEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.RawStdEncoding.EncodeToString([]byte(secret)),
		base64.URLEncoding.EncodeToString([]byte(secret)),
		base64.RawURLEncoding.EncodeToString([]byte(secret)),
		strings.Trim(string(jsonEscaped), `"`),
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range forms {
		r.forms[f] = true
	}
	r.replacer = nil
}

// String returns s with every known secret masked.
func (r *Redactor) String(s string) string {
	if s == "" {
		return s
	}
	return r.rep().Replace(s)
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
