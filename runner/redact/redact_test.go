package redact

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

func TestEveryEncodingIsMasked(t *testing.T) {
	secret := "s3cr3t/with+symbols=and\"quote"
	r := New(secret, "short")
	for _, form := range []string{
		secret,
		url.QueryEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.RawURLEncoding.EncodeToString([]byte(secret)),
		`s3cr3t/with+symbols=and\"quote`,
	} {
		got := r.String("before " + form + " after")
		if got != "before "+Mask+" after" {
			t.Errorf("%q → %q", form, got)
		}
	}
	if got := r.String("a short string"); got != "a short string" {
		t.Errorf("secrets under %d characters are ignored, got %q", minSecret, got)
	}
	r.Add("token-issued-later")
	if !r.Contains("x token-issued-later y") || strings.Contains(r.String("token-issued-later"), "token") {
		t.Error("a secret added later is not masked")
	}
}
