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

// A secret inside longer base64 data (Basic auth's "appid:secret", a
// base64 body) is found whatever its offset and whatever follows it.
func TestSecretInsideLongerBase64IsMasked(t *testing.T) {
	secret := "0123456789abcdef0123456789abcdef" // a sandbox secret: 32 hex
	r := New(secret)
	for prefix := range 6 {
		for _, suffix := range []string{"", "x", "\"}", "&more=data"} {
			data := []byte(strings.Repeat("a", prefix) + secret + suffix)
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
				text := enc.EncodeToString(data)
				if !r.Contains("Authorization: Basic " + text) {
					t.Errorf("prefix %d, suffix %q: %s not found", prefix, suffix, text)
				}
			}
		}
	}
	if r.Contains(base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdeX"))) {
		t.Error("another secret's base64 matched")
	}
}

func TestMarkupAndJSONVariantsAreMasked(t *testing.T) {
	secret := `s3cr3t<&>"'quote"`
	r := New(secret)
	for _, form := range []string{
		`s3cr3t&lt;&amp;&gt;&#34;&#39;quote&#34;`, // html.EscapeString, encoding/xml
		`s3cr3t\u003c\u0026\u003e\"'quote\"`,      // encoding/json by default
		`s3cr3t<&>\"'quote\"`,                     // JSON without HTML escaping
		url.PathEscape(secret),
	} {
		if got := r.String("<" + form + ">"); got != "<"+Mask+">" {
			t.Errorf("%s → %s", form, got)
		}
	}
	if Forms("short") != nil {
		t.Error("a secret under the minimum has forms")
	}
}

// What is left of a token that an SDK's error message cut short is masked
// after a key that names a token or a secret, in a URL, JSON or prose;
// fewer than 8 characters of it, or a value that only resembles it, stay.
func TestACutTokenIsMaskedAfterItsKey(t *testing.T) {
	token := "84_Xy7QeRtUvWz-0123456789abcdefABCDEF"
	r := New(token)
	for _, tc := range []struct{ in, want string }{
		{"502 for url: http://127.0.0.1:1/shop/spu/get?access_token=" + token[:20] + "…",
			"502 for url: http://127.0.0.1:1/shop/spu/get?access_token=" + Mask},
		{"GET /x?a=1&access_token=" + token[:8] + "&b=2", "GET /x?a=1&access_token=" + Mask + "&b=2"},
		{`{"access_token": "` + token[:12] + `..."}`, `{"access_token": "` + Mask + `"}`},
		{"url=%2Fx%3Faccess_token%3D" + token[:10], "url=%2Fx%3Faccess_token%3D" + Mask},
		{"Token: " + token[:9], "Token: " + Mask},
		{"access_token=" + token[:7] + "…", "access_token=" + token[:7] + "…"},
		{"access_token=ACCESS_TOKEN", "access_token=ACCESS_TOKEN"},
		{"the text " + token[:20] + " without a key", "the text " + token[:20] + " without a key"},
	} {
		if got := r.String(tc.in); got != tc.want {
			t.Errorf("%q\n got %q\nwant %q", tc.in, got, tc.want)
		}
		if got := HoldsPrefix([]byte(tc.in), []string{token}); got != (tc.in != tc.want) {
			t.Errorf("HoldsPrefix(%q) = %v", tc.in, got)
		}
	}
}
