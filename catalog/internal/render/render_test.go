package render_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/catalog/internal/render"
)

func TestCodesGoIsUpToDate(t *testing.T) {
	want, err := render.Render(catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../codes.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("catalog/codes.go is stale: run go generate ./catalog")
	}
}

func TestRenderShape(t *testing.T) {
	c, err := catalog.Load([]byte(`{"entries": [
{"code": 0, "name": "OK", "domain": "universal", "text": "ok", "meaning": "success", "evidence": "documented", "endpoints": [], "live_sandbox": {"triggerable": true}, "platform": true},
{"code": 1310002, "name": "SharerOpenIDMissing", "domain": "share", "text": "Request missing openid", "meaning": "request lacks openid(s)", "evidence": "inferred", "endpoints": [], "live_sandbox": {"triggerable": true}}
]}`))
	if err != nil {
		t.Fatal(err)
	}
	src, err := render.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	want := render.Header + `

package catalog

// The errcodes of data/catalog.json, one constant per entry. Edit the data
// and run go generate ./catalog; never edit this file.
const (
	// Domain universal.

	// success (platform code, not on the vendor page)
	OK Code = 0

	// Domain share.

	// request lacks openid(s) (inferred)
	SharerOpenIDMissing Code = 1310002
)
`
	if string(src) != want {
		t.Errorf("Render =\n%s\nwant\n%s", src, want)
	}
	if !strings.HasPrefix(string(src), "// Code generated ") || !strings.Contains(string(src), " DO NOT EDIT.\n") {
		t.Error("the header does not follow the generated-code convention")
	}
}
