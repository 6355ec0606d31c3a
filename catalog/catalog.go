// Package catalog is the single source of truth for every errcode the
// harness knows: the codes of the vendor's error-code page, verbatim, plus
// the platform codes that page omits but every /shop/ call can return.
//
// The data lives in data/catalog.json; codes.go is generated from it so that
// code names codes through constants and a renamed or dropped entry breaks
// the build instead of a fixture.
package catalog

//go:generate go run ./internal/gen

import (
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"slices"
	"strconv"
	"sync"
)

// Code is a WeChat errcode. Name codes through the constants in codes.go,
// never as bare integers.
type Code int

// Domain is one API domain; each has its own suite and fixtures folder.
type Domain string

// The eight domains, in the order suites and reports list them.
const (
	Universal Domain = "universal"
	Product   Domain = "product"
	Order     Domain = "order"
	Access    Domain = "access"
	Audit     Domain = "audit"
	Upload    Domain = "upload"
	Coupon    Domain = "coupon"
	Share     Domain = "share"
)

// Domains lists every domain in report order.
func Domains() []Domain {
	return []Domain{Universal, Product, Order, Access, Audit, Upload, Coupon, Share}
}

// ParseDomain accepts exactly the spelling used in data, fixtures and flags,
// so that a typo is an error rather than a silently empty domain.
func ParseDomain(s string) (Domain, bool) {
	for _, d := range Domains() {
		if string(d) == s {
			return d, true
		}
	}
	return "", false
}

// Evidence says how far a code's meaning and trigger can be trusted:
// api-reference.md marks each row D (seen in a source) or I (inferred).
type Evidence string

// The evidence levels of api-reference.md §3.
const (
	Documented Evidence = "documented"
	Inferred   Evidence = "inferred"
)

// Liveness says whether a plain sandbox account can provoke the code; when
// it cannot, Note says what it would take, so a skip can say why.
type Liveness struct {
	Triggerable bool   `json:"triggerable"`
	Note        string `json:"note,omitempty"`
}

// Entry is one errcode. Text is the vendor page's wording, kept verbatim
// because it is the contract as published; Meaning is what the code really
// means, corrected from the Chinese original, and is what people read.
type Entry struct {
	Code      Code     `json:"code"`
	Name      string   `json:"name"`
	Domain    Domain   `json:"domain"`
	Text      string   `json:"text"`
	Meaning   string   `json:"meaning"`
	Evidence  Evidence `json:"evidence"`
	Endpoints []string `json:"endpoints"`
	Live      Liveness `json:"live_sandbox"`
	// Platform marks codes the vendor page omits (token, method, success).
	Platform bool `json:"platform,omitempty"`
}

func (e Entry) clone() Entry {
	e.Endpoints = slices.Clone(e.Endpoints)
	return e
}

// Catalog is an immutable, validated set of entries; every accessor hands
// out copies so no caller can change what another one sees.
type Catalog struct {
	entries []Entry
	byCode  map[Code]int
	hash    string
}

//go:embed data/catalog.json
var catalogJSON []byte

//go:embed data/vendor-page.txt
var vendorPage string

// defaultCatalog parses the embedded data once per process; sync.OnceValue
// also replays the panic to every caller, so a broken build fails loudly
// everywhere instead of handing out a nil catalog.
var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, err := Load(catalogJSON)
	if err != nil {
		panic("catalog: the embedded data/catalog.json is invalid (go test ./catalog shows every finding):\n" + err.Error())
	}
	return c
})

// Default returns the catalog embedded in the binary. It panics if that
// data is invalid; the package's tests load it, so a release never does.
func Default() *Catalog { return defaultCatalog() }

// VendorPage returns the embedded verbatim copy of the vendor's error-code
// page, the document the catalog's texts are checked against.
func VendorPage() string { return vendorPage }

func newCatalog(data []byte, entries []Entry) *Catalog {
	sum := sha256.Sum256(data)
	c := &Catalog{
		entries: entries,
		byCode:  make(map[Code]int, len(entries)),
		hash:    "sha256:" + hex.EncodeToString(sum[:]),
	}
	for i, e := range entries {
		c.byCode[e.Code] = i
	}
	return c
}

// Lookup returns the entry for code.
func (c *Catalog) Lookup(code Code) (Entry, bool) {
	i, ok := c.byCode[code]
	if !ok {
		return Entry{}, false
	}
	return c.entries[i].clone(), true
}

// Has reports whether code is in the catalog.
func (c *Catalog) Has(code Code) bool {
	_, ok := c.byCode[code]
	return ok
}

// Entries returns every entry in file order: domain order, then code.
func (c *Catalog) Entries() []Entry {
	out := make([]Entry, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.clone()
	}
	return out
}

// InDomain returns the entries of one domain, code ascending.
func (c *Catalog) InDomain(d Domain) []Entry {
	var out []Entry
	for _, e := range c.entries {
		if e.Domain == d {
			out = append(out, e.clone())
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(a.Code, b.Code) })
	return out
}

// Hash identifies the exact data loaded, so a report can say which catalog
// it was judged against.
func (c *Catalog) Hash() string { return c.hash }

// Describe renders a code for messages: "40066 (API URL does not exist
// (usually wrong))". An unknown code is still printed, so a message about an
// undocumented answer stays readable.
func (c *Catalog) Describe(code Code) string {
	e, ok := c.Lookup(code)
	if !ok {
		return strconv.Itoa(int(code)) + " (not in the catalog)"
	}
	return strconv.Itoa(int(code)) + " (" + e.Meaning + ")"
}
