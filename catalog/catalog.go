// Package catalog is the single source of truth for every errcode the
// harness knows: the codes of the vendor's error-code page, verbatim, plus
// the platform codes that page omits but every /shop/ call can return.
package catalog

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
