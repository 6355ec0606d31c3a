// Package htmlquery finds elements in a parsed page, for the tests that
// check the HTML reports by their structure rather than by their text.
package htmlquery

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// Walk visits n and every node under it in document order.
func Walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		Walk(c, fn)
	}
}

// Attr is the value of n's attribute key, and whether n has it.
func Attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// HasClass says whether class is one of n's classes.
func HasClass(n *html.Node, class string) bool {
	v, _ := Attr(n, "class")
	return slices.Contains(strings.Fields(v), class)
}

// FindAll returns the elements under n (n included) that match, in
// document order.
func FindAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	Walk(n, func(m *html.Node) {
		if m.Type == html.ElementNode && match(m) {
			out = append(out, m)
		}
	})
	return out
}

// ByClass matches the elements that have class among their classes.
func ByClass(class string) func(*html.Node) bool {
	return func(n *html.Node) bool { return HasClass(n, class) }
}

// ByID matches the element whose id is id.
func ByID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { v, _ := Attr(n, "id"); return v == id }
}

// Text is the text under n, as a browser's textContent gives it.
func Text(n *html.Node) string {
	var b strings.Builder
	Walk(n, func(m *html.Node) {
		if m.Type == html.TextNode {
			b.WriteString(m.Data)
		}
	})
	return b.String()
}

var cssURL = regexp.MustCompile(`(?i)url\s*\(|@import`)

// Outbound describes each element and attribute under n that would load
// something or lead outside the page: a self-contained report has none.
// Links within the page (href="#…") are allowed.
func Outbound(n *html.Node) []string {
	var found []string
	Walk(n, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		for _, a := range n.Attr {
			switch a.Key {
			case "href":
				if !strings.HasPrefix(a.Val, "#") {
					found = append(found, fmt.Sprintf("<%s href=%q>: only in-page links are allowed", n.Data, a.Val))
				}
			case "src", "srcset", "action", "formaction", "poster", "data", "background":
				found = append(found, fmt.Sprintf("<%s %s=%q>: the page loads nothing", n.Data, a.Key, a.Val))
			case "style":
				if cssURL.MatchString(a.Val) {
					found = append(found, fmt.Sprintf("<%s style=%q> loads a resource", n.Data, a.Val))
				}
			}
		}
		switch n.Data {
		case "link", "img", "iframe", "object", "embed", "video", "audio", "source", "base":
			found = append(found, fmt.Sprintf("<%s> element in a self-contained page", n.Data))
		case "style":
			if cssURL.MatchString(Text(n)) {
				found = append(found, "the stylesheet uses url() or @import")
			}
		}
	})
	return found
}
