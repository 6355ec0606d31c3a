package catalog_test

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// The vendor page lists 146 rows; the 990001/990002 row holds two codes.
const vendorPageCodes = 147

func TestCatalogMatchesVendorPage(t *testing.T) {
	page, err := catalog.ParseVendorPage(catalog.VendorPage())
	if err != nil {
		t.Fatalf("the embedded vendor page does not parse:\n%v", err)
	}
	if len(page) != vendorPageCodes {
		t.Errorf("the vendor page yields %d codes, want %d", len(page), vendorPageCodes)
	}
	onPage := map[catalog.Code]catalog.PageCode{}
	for _, pc := range page {
		onPage[pc.Code] = pc
	}
	inCatalog := map[catalog.Code]catalog.Entry{}
	for _, e := range catalog.Default().Entries() {
		if e.Platform {
			if pc, ok := onPage[e.Code]; ok {
				t.Errorf("code %d is marked platform but the vendor page lists it (%s %q)", e.Code, pc.Domain, pc.Text)
			}
			continue
		}
		inCatalog[e.Code] = e
	}
	for _, pc := range page {
		e, ok := inCatalog[pc.Code]
		switch {
		case !ok:
			t.Errorf("code %d (%s %q) is on the vendor page but not in the catalog", pc.Code, pc.Domain, pc.Text)
		case e.Domain != pc.Domain || e.Text != pc.Text:
			t.Errorf("code %d: page has %s %q, catalog has %s %q", pc.Code, pc.Domain, pc.Text, e.Domain, e.Text)
		}
	}
	for code, e := range inCatalog {
		if _, ok := onPage[code]; !ok {
			t.Errorf("code %d (%s %q) is in the catalog as a vendor code but not on the vendor page", code, e.Domain, e.Text)
		}
	}
}

func TestDefaultHasPlatformCodes(t *testing.T) {
	tests := []struct {
		code catalog.Code
		name string
		text string
	}{
		{catalog.OK, "OK", "ok"},
		{catalog.SystemError, "SystemError", "system error"},
		{catalog.InvalidCredential, "InvalidCredential", "invalid credential, access_token is invalid or not latest"},
		{catalog.InvalidGrantType, "InvalidGrantType", "invalid grant_type"},
		{catalog.InvalidAppID, "InvalidAppID", "invalid appid"},
		{catalog.InvalidAccessToken, "InvalidAccessToken", "invalid access_token"},
		{catalog.InvalidAppSecret, "InvalidAppSecret", "invalid appsecret"},
		{catalog.AccessTokenMissing, "AccessTokenMissing", "access_token missing"},
		{catalog.AppIDMissing, "AppIDMissing", "appid missing"},
		{catalog.AppSecretMissing, "AppSecretMissing", "appsecret missing"},
		{catalog.AccessTokenExpired, "AccessTokenExpired", "access_token expired"},
		{catalog.RequirePOST, "RequirePOST", "require POST method"},
	}
	c := catalog.Default()
	platform := 0
	for _, e := range c.Entries() {
		if e.Platform {
			platform++
		}
	}
	if platform != len(tests) {
		t.Errorf("the catalog has %d platform entries, want %d", platform, len(tests))
	}
	for _, tt := range tests {
		e, ok := c.Lookup(tt.code)
		if !ok {
			t.Errorf("platform code %d (%s) is missing", tt.code, tt.name)
			continue
		}
		if e.Name != tt.name || e.Text != tt.text || !e.Platform || e.Domain != catalog.Universal || e.Evidence != catalog.Documented {
			t.Errorf("code %d = {name %q, text %q, platform %v, domain %s, evidence %s}, want {%q, %q, true, universal, documented}",
				tt.code, e.Name, e.Text, e.Platform, e.Domain, e.Evidence, tt.name, tt.text)
		}
	}
}

// TestNamesOtherPackagesUse pins the constants that handlers, matchers and
// the runner name; renaming one in the data must fail here, not downstream.
func TestNamesOtherPackagesUse(t *testing.T) {
	tests := []struct {
		got  catalog.Code
		name string
		want catalog.Code
	}{
		{catalog.DailyQuotaExceeded, "DailyQuotaExceeded", 45009},
		{catalog.NotJSON, "NotJSON", 47001},
		{catalog.ThirdPartyPermissionMissing, "ThirdPartyPermissionMissing", 61007},
		{catalog.ThirdPartyIPNotWhitelisted, "ThirdPartyIPNotWhitelisted", 61004},
		{catalog.URLNotFound, "URLNotFound", 40066},
		{catalog.APIUnauthorized, "APIUnauthorized", 48001},
		{catalog.ContentViolation, "ContentViolation", 87014},
		{catalog.RateLimited, "RateLimited", 300000},
		{catalog.OpenIDIllegal, "OpenIDIllegal", 990001},
		{catalog.OpenIDIllegalVariant, "OpenIDIllegalVariant", 990002},
		{catalog.OpenIDMissing, "OpenIDMissing", 990004},
		{catalog.PageSizeTooLarge, "PageSizeTooLarge", 990005},
		{catalog.ParameterMissing, "ParameterMissing", 990007},
		{catalog.ParameterTooLong, "ParameterTooLong", 990008},
		{catalog.StartAfterEnd, "StartAfterEnd", 990009},
		{catalog.SystemBusy, "SystemBusy", 990010},
		{catalog.ProductOutProductIDMissing, "ProductOutProductIDMissing", 1000001},
		{catalog.ProductNotFound, "ProductNotFound", 1000011},
		{catalog.OrderStatusFlowError, "OrderStatusFlowError", 1000000},
		{catalog.OrderNotFound, "OrderNotFound", 1010011},
		{catalog.AfterSaleNotFound, "AfterSaleNotFound", 1020003},
		{catalog.AccessNotConnected, "AccessNotConnected", 1040003},
		{catalog.AuditNotFound, "AuditNotFound", 1050005},
		{catalog.UploadFileEmpty, "UploadFileEmpty", 1070001},
		{catalog.CouponNotFound, "CouponNotFound", 1090001},
		{catalog.CouponCallbackCheckFailed, "CouponCallbackCheckFailed", 1090020},
		{catalog.CouponCallbackCheckFailed2, "CouponCallbackCheckFailed2", 1090021},
		{catalog.CouponCallbackCheckFailed3, "CouponCallbackCheckFailed3", 1090022},
		{catalog.SharerBindLimitReached, "SharerBindLimitReached", 1310001},
	}
	c := catalog.Default()
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %d, want %d", tt.name, tt.got, tt.want)
		}
		if e, ok := c.Lookup(tt.want); !ok || e.Name != tt.name {
			t.Errorf("Lookup(%d).Name = %q (found %v), want %q", tt.want, e.Name, ok, tt.name)
		}
	}
}

func TestDefaultAccessors(t *testing.T) {
	c := catalog.Default()
	if c != catalog.Default() {
		t.Error("Default() parses the embedded data more than once")
	}

	data, err := os.ReadFile("data/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if want := "sha256:" + hex.EncodeToString(sum[:]); c.Hash() != want {
		t.Errorf("Hash() = %s, want %s", c.Hash(), want)
	}

	all := c.Entries()
	if want := vendorPageCodes + 12; len(all) != want {
		t.Errorf("Entries() has %d entries, want %d", len(all), want)
	}
	total := 0
	for _, d := range catalog.Domains() {
		in := c.InDomain(d)
		if len(in) == 0 {
			t.Errorf("InDomain(%s) is empty", d)
		}
		total += len(in)
		if !slices.IsSortedFunc(in, func(a, b catalog.Entry) int { return cmp.Compare(a.Code, b.Code) }) {
			t.Errorf("InDomain(%s) is not in code order", d)
		}
		for _, e := range in {
			if e.Domain != d {
				t.Errorf("InDomain(%s) returned code %d of domain %s", d, e.Code, e.Domain)
			}
		}
	}
	if total != len(all) {
		t.Errorf("the domains hold %d entries in all, Entries() %d", total, len(all))
	}

	// Callers get copies: changing one must not change the catalog.
	all[0].Name = "Changed"
	e, _ := c.Lookup(catalog.ProductNotFound)
	e.Endpoints[0] = "/shop/changed"
	if c.Entries()[0].Name == "Changed" {
		t.Error("Entries() shares its entries with the catalog")
	}
	if again, _ := c.Lookup(catalog.ProductNotFound); again.Endpoints[0] == "/shop/changed" {
		t.Error("Lookup() shares its endpoint slice with the catalog")
	}

	if !c.Has(catalog.OK) || c.Has(12345) {
		t.Errorf("Has(OK) = %v, Has(12345) = %v; want true, false", c.Has(catalog.OK), c.Has(12345))
	}
	if _, ok := c.Lookup(12345); ok {
		t.Error("Lookup(12345) found an entry")
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		code catalog.Code
		want string
	}{
		{catalog.URLNotFound, "40066 (API URL does not exist (usually wrong))"},
		{catalog.ProductNotFound, "1000011 (product id does not exist (商品id不存在); the English page mistranslates it)"},
		{catalog.SystemError, "-1 (system error; retry later (also a catch-all, e.g. a missing refund on v1 aftersale/add))"},
		{12345, "12345 (not in the catalog)"},
	}
	for _, tt := range tests {
		if got := catalog.Default().Describe(tt.code); got != tt.want {
			t.Errorf("Describe(%d) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestParseDomain(t *testing.T) {
	tests := []struct {
		in   string
		want catalog.Domain
		ok   bool
	}{
		{"universal", catalog.Universal, true},
		{"share", catalog.Share, true},
		{"audit", catalog.Audit, true},
		{"Product", "", false},
		{" order", "", false},
		{"aftersale", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := catalog.ParseDomain(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseDomain(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestEndpointsAreDocumented catches a mistyped path in the data, which
// Load cannot: the list is api-reference.md §1.1 and §2 (with its errata).
func TestEndpointsAreDocumented(t *testing.T) {
	known := map[string]bool{}
	for _, p := range []string{
		"/cgi-bin/token", "/cgi-bin/stable_token",
		"register/apply", "register/check", "register/finish_access_info", "register/apply_scene",
		"account/get_category_list", "account/get_brand_list", "account/update_info", "account/get_info",
		"cat/get", "img/upload", "audit/audit_brand", "audit/audit_category", "audit/result", "audit/get_miniapp_certificate",
		"spu/add", "spu/del", "spu/del_audit", "spu/get", "spu/get_list", "spu/update", "spu/update_without_audit", "spu/listing", "spu/delisting",
		"scene/check", "order/add", "order/pay", "order/get", "order/get_list", "order/get_list_by_finder", "order/get_list_by_sharer",
		"order/getpaymentparams", "order/close",
		"delivery/get_company_list", "delivery/send", "delivery/recieve", "delivery/update",
		"aftersale/add", "aftersale/get", "aftersale/update", "aftersale/list", "aftersale/update_deadline",
		"ecaftersale/add", "ecaftersale/update", "ecaftersale/cancel", "ecaftersale/uploadreturninfo", "ecaftersale/acceptrefund",
		"ecaftersale/acceptreturn", "ecaftersale/reject", "ecaftersale/upload_certificates", "ecaftersale/get", "ecaftersale/get_list",
		"ecaftersale/merchanttest", "ecaftersale/merchantupdate",
		"coupon/confirm", "coupon/add", "coupon/get", "coupon/get_list", "coupon/update", "coupon/update_status", "coupon/update_coupon_stock",
		"coupon/add_user_coupon", "coupon/get_usercoupon_list", "coupon/update_user_coupon", "coupon/update_usercoupon_status",
		"sharer/bind", "sharer/unbind", "sharer/search_sharer", "sharer/get_sharer_list", "sharer/get_sharer_data_summary",
		"sharer/get_sharer_live_order_list", "sharer/get_sharer_live_summary_list", "sharer/set_share_mode", "promoter/list",
	} {
		if !strings.HasPrefix(p, "/") {
			p = "/shop/" + p
		}
		known[p] = true
	}
	for _, e := range catalog.Default().Entries() {
		for _, p := range e.Endpoints {
			if !known[p] {
				t.Errorf("code %d: endpoint %q is not in api-reference.md §2", e.Code, p)
			}
		}
	}
}
