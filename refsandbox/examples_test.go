package refsandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/refsandbox/control"
)

// TestVendorExamples sends every example of the spec (requests of the
// shape the vendor's pages print) to an account made for it, with what it
// presupposes set up by the control API alone: its setup's calls, over
// HTTP, as any test of a client would make them. Each answers 0 (and the
// answer has its documented shape), unless it breaks its own page: then
// it must not.
func TestVendorExamples(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	tg := loopbackTarget(t)
	n := 0
	for _, ep := range spec.Endpoints {
		for i, ex := range ep.Examples {
			n++
			t.Run(strings.TrimPrefix(ep.Path, "/shop/")+"#"+itoa(i), func(t *testing.T) {
				if len(ex.Needs) > 0 && len(ex.Setup) == 0 {
					t.Fatalf("needs %q but its setup is empty (%s:%d)", ex.Needs, ex.Pos.File, ex.Pos.Line)
				}
				tok := setUpExample(t, tg, ex)
				resp := sendExample(t, tg, tok, ep, ex)
				switch got := errcode(t, resp); {
				case ex.Breaks != "" && got == catalog.OK:
					t.Errorf("answers 0, though it breaks its page: %s", ex.Breaks)
				case ex.Breaks == "" && got != catalog.OK:
					t.Errorf("errcode %d (%v), want 0; needs %q", got, resp["errmsg"], ex.Needs)
				case got == catalog.OK:
					wantShape(t, ep.Path, resp)
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("the spec has no examples")
	}
}

// controlPaths are where an example's setup calls go.
var controlCallPaths = map[string]struct{ method, action string }{
	"seed": {http.MethodPost, "seed"}, "clock": {http.MethodPost, "clock"}, "categories": {http.MethodPut, "categories"},
	"review": {http.MethodPost, "reviews"}, "reset": {http.MethodPost, "reset"},
}

// setUpExample mints the example's account (its "account" call, or the
// default profile), makes the rest of its setup calls, and returns the
// account's access token.
func setUpExample(t *testing.T, tg *target, ex apispec.Example) string {
	t.Helper()
	ctx := context.Background()
	ctl := controlClient(tg)
	var opts control.MintOptions
	calls := ex.Setup
	if len(calls) > 0 && calls[0].Call == "account" {
		if err := json.Unmarshal(calls[0].Body, &opts); err != nil {
			t.Fatalf("account call: %v", err)
		}
		calls = calls[1:]
	}
	acct, err := ctl.Mint(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range calls {
		p := controlCallPaths[c.Call]
		if err := ctl.Do(ctx, p.method, control.Prefix+"accounts/"+acct.AppID+"/"+p.action, c.Body, nil); err != nil {
			t.Fatalf("setup call %s %s: %v", c.Call, c.Body, err)
		}
	}
	tok, err := ctl.AccessToken(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// sendExample posts the example's body as JSON, or, on a multipart
// route, as a form: a string member is a field, an object
// {filename, content_type} a file part holding a tiny image of that type.
func sendExample(t *testing.T, tg *target, tok string, ep *apispec.Endpoint, ex apispec.Example) map[string]any {
	t.Helper()
	if !ep.Multipart {
		return post(t, tg, tok, ep.Path, string(ex.Body))
	}
	var form map[string]any
	if err := json.Unmarshal(ex.Body, &form); err != nil {
		t.Fatal(err)
	}
	var parts []part
	for name, v := range form {
		switch x := v.(type) {
		case string:
			parts = append(parts, field(name, x))
		case map[string]any:
			data := tinyPNG
			if x["content_type"] == "image/jpeg" {
				data = tinyJPEG
			}
			filename, _ := x["filename"].(string)
			parts = append(parts, part{name: name, filename: filename, data: data})
		default:
			t.Fatalf("form member %s is %T, neither a field nor a file", name, v)
		}
	}
	return upload(t, tg, tok, parts...)
}

// tinyJPEG starts as a JPEG does, which is all a sniffer reads.
var tinyJPEG = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9")
