package cassette

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/runner/redact"
)

func TestSecretsAreRedactedEverywhere(t *testing.T) {
	// A secret with characters that URL and JSON encodings change, a
	// token, and a secret too short for redact's encoded forms: each must
	// be gone from every place a cassette holds text.
	secret := "p@ss/w<o>rd+s&cret=0123456789"
	token := "ACCESS_TOKEN_abcdefghijklmnopqrstuvwxyz0123"
	short := "k3y!"
	v := Values{UID: "sc1-u", Run: "sc1", AppID: "wxappid00000001", Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Secrets: []string{secret, token, short}}
	basic := base64.StdEncoding.EncodeToString([]byte(v.AppID + ":" + secret))

	requests := []Request{
		NormalizeRequest("POST", "/cgi-bin/token?secret="+url.QueryEscape(secret), "application/json",
			[]byte(`{"appid":"wxappid00000001","secret":"`+strings.ReplaceAll(secret, "&", `\u0026`)+`",`+
				`"note":"was `+token+` then","`+token+`":1,"auth":"Basic `+basic+`","k":"`+short+`"}`), v),
		NormalizeRequest("POST", "/shop/x/"+token, "text/plain; t="+short,
			[]byte("grant_type=client_credential&secret="+url.QueryEscape(secret)+"&token="+token+"&s="+short), v),
		NormalizeRequest("POST", "/shop/img/upload", "multipart/form-data; boundary=b",
			[]byte("--b\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n"+token+"\r\n--b--\r\n\xff"), v),
	}
	responses := []Response{
		NormalizeResponse(200, []byte(`{"access_token":"`+token+`","expires_in":7200,"errmsg":"secret `+secret+` rid: 1-2-3"}`), v),
		NormalizeResponse(500, []byte("upstream said: "+token+" / "+base64.RawURLEncoding.EncodeToString([]byte(secret))), v),
	}
	c := &Cassette{Case: "access-ok-token", Domain: "access", RequestHash: "sha256:" + strings.Repeat("0", 64),
		Provenance: "sandbox:api.weixin.qq.com", RecordedAt: v.Now}
	for i, r := range requests {
		c.Interactions = append(c.Interactions, Interaction{Request: r, Response: responses[i%len(responses)]})
	}
	file, err := Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	leaks := func(where, text string) {
		t.Helper()
		for _, s := range []string{secret, token, short} {
			for _, form := range append([]string{s}, redact.Forms(s)...) {
				if strings.Contains(text, form) {
					t.Errorf("%s holds a secret as %q:\n%s", where, form, text)
				}
			}
		}
	}
	leaks("the cassette", string(file))
	if n := strings.Count(string(file), redacted); n < 12 {
		t.Errorf("the cassette masks %d secrets, want every one:\n%s", n, file)
	}
	// Replaying never restores them, whatever values the replay has.
	for _, r := range responses {
		for _, rv := range []Values{v, v1} {
			out := string(r.Bytes(rv))
			leaks("a replayed answer", out)
			if !strings.Contains(out, redacted) {
				t.Errorf("replayed answer lost its mask: %s", out)
			}
		}
	}
}
