package htmlquery

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestOutboundNamesWhatLeavesThePage(t *testing.T) {
	for _, tt := range []struct {
		page string
		want string // "" for a self-contained page
	}{
		{`<p id="x"><a href="#x">in-page</a></p>`, ""},
		{`<a href="https://example.com/">away</a>`, `<a href="https://example.com/">: only in-page links are allowed`},
		{`<img src="x.png">`, `<img src="x.png">: the page loads nothing`},
		{`<div style="background: url(x.png)"></div>`, `<div style="background: url(x.png)"> loads a resource`},
		{`<iframe></iframe>`, `<iframe> element in a self-contained page`},
		{`<style>@import "x.css";</style>`, `the stylesheet uses url() or @import`},
	} {
		doc, err := html.Parse(strings.NewReader(tt.page))
		if err != nil {
			t.Fatal(err)
		}
		got := Outbound(doc)
		if tt.want == "" && len(got) != 0 || tt.want != "" && !slices.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.page, got, tt.want)
		}
	}
}
