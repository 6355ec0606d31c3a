package catalog

import (
	"cmp"
	"go/token"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/internal/jsonpos"
)

// check applies the rules that concern one entry alone. Each rule looks only
// at fields that were given with a usable value; absent or mistyped fields
// were already reported while reading.
func (d *draft) check() {
	e := &d.e
	if d.ok("name") {
		switch {
		case !token.IsIdentifier(e.Name) || !token.IsExported(e.Name):
			d.addf(d.pos("name"), "name %q is not an exported Go identifier (it becomes a constant in codes.go)", e.Name)
		case slices.Contains(reservedNames(), e.Name):
			d.addf(d.pos("name"), "name %q collides with an identifier of package catalog", e.Name)
		}
	}
	if d.ok("domain") {
		if _, ok := ParseDomain(string(e.Domain)); !ok {
			d.addf(d.pos("domain"), "unknown domain %q (allowed: %s)", e.Domain, domainList())
		}
	}
	if d.ok("text") && !e.Platform && strings.TrimSpace(e.Text) == "" {
		d.addf(d.pos("text"), "text is empty; only platform entries may lack the vendor page's text")
	}
	if d.ok("meaning") && strings.TrimSpace(e.Meaning) == "" {
		d.addf(d.pos("meaning"), "meaning is empty")
	}
	for _, f := range []struct{ field, value string }{
		{"text", e.Text}, {"meaning", e.Meaning}, {"live_sandbox.note", e.Live.Note},
	} {
		// Meanings become comments in codes.go and texts are matched against
		// single lines of the vendor page.
		if d.ok(f.field) && strings.ContainsAny(f.value, "\r\n") {
			d.addf(d.pos(f.field), "%s must be a single line", f.field)
		}
	}
	if d.ok("evidence") && e.Evidence != Documented && e.Evidence != Inferred {
		d.addf(d.pos("evidence"), "evidence %q is not one of %q, %q", e.Evidence, Documented, Inferred)
	}
	if eps := d.node("endpoints"); eps != nil {
		var seen []string
		for _, it := range eps.Items {
			switch p := it.Str; {
			case it.Kind != jsonpos.String: // a type error, already reported
			case !strings.HasPrefix(p, "/shop/") && !strings.HasPrefix(p, "/cgi-bin/"):
				d.addf(it.Off, "endpoint %q must be a full path starting /shop/ or /cgi-bin/", p)
			case strings.ContainsAny(p, " \t\r\n?#"):
				d.addf(it.Off, "endpoint %q must be a bare path (no spaces, query or fragment)", p)
			case slices.Contains(seen, p):
				d.addf(it.Off, "endpoint %q repeated", p)
			default:
				seen = append(seen, p)
			}
		}
	}
	if d.ok("live_sandbox.triggerable") && !e.Live.Triggerable && strings.TrimSpace(e.Live.Note) == "" {
		d.addf(d.pos("live_sandbox"), "live_sandbox.triggerable is false but no note says why (e.g. \"needs quota exhaustion\")")
	}
	// An unknown domain is reported on its own; do not pile onto it.
	if d.ok("platform") && e.Platform && e.Domain != Universal && domainRank(e.Domain) >= 0 {
		d.addf(d.pos("platform"), "platform entry must be in domain %q, not %q", Universal, e.Domain)
	}
}

// crossCheck applies the per-entry rules and then those that span entries:
// codes and names are keys (the runner looks codes up, codes.go declares
// names) and the order is fixed so that diffs of the data stay readable.
func (l *loader) crossCheck(drafts []*draft) {
	codes := map[Code]*draft{}
	names := map[string]*draft{}
	var prev *draft
	for _, d := range drafts {
		d.check()
		if d.ok("code") {
			if first, dup := codes[d.e.Code]; dup {
				d.addf(d.pos("code"), "code already used by the entry at %s", l.at(first.n.Off))
			} else {
				codes[d.e.Code] = d
			}
		}
		if d.ok("name") {
			if first, dup := names[d.e.Name]; dup {
				d.addf(d.pos("name"), "name %q already used by the entry at %s", d.e.Name, l.at(first.n.Off))
			} else {
				names[d.e.Name] = d
			}
		}
		if !d.ok("code") || !d.ok("domain") || domainRank(d.e.Domain) < 0 {
			continue
		}
		if prev != nil && prev.e.Code != d.e.Code && compareDrafts(prev, d) > 0 {
			d.addf(d.n.Off, "out of order: must come before code %d (%s) at %s; keep domain order (%s), then code ascending",
				prev.e.Code, prev.e.Domain, l.at(prev.n.Off), domainList())
		}
		prev = d
	}
}

func compareDrafts(a, b *draft) int {
	return cmp.Or(cmp.Compare(domainRank(a.e.Domain), domainRank(b.e.Domain)), cmp.Compare(a.e.Code, b.e.Code))
}

func domainRank(d Domain) int { return slices.Index(Domains(), d) }

func domainList() string {
	names := make([]string, 0, len(Domains()))
	for _, d := range Domains() {
		names = append(names, string(d))
	}
	return strings.Join(names, ", ")
}
