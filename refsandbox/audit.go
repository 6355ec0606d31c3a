package refsandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// Audit domain (api-reference §2.3 /shop/audit/*, §3.5 codes 1050xxx).
//
// Brand and category audits are reviewed by people, so, as with
// products, the outcome is account state (refsandbox/README.md "Model"):
// audit.reviews_approve approves each audit at once and grants its brand
// or category; otherwise audits stay pending (status 0) until the control
// API's review call decides them (control_seed_audit.go). The
// grants are what spu/add and spu/update check (1000005, 1000006) and
// what /shop/account/get_*_list answer. The account's category tree lives
// here too: both audits and products are judged against it.
//
// The request fields are the spec's (apispec/data/audit.json): a handler
// sees only bodies its validator let through.

// Audit status values (§2.3 audit/result data.status).
const (
	auditPending  = 0
	auditApproved = 1
	auditRejected = 9 // only the control API's review call rejects
)

const (
	// firstAuditID: audit ids are decimal strings, so a client that sends
	// one back as a number (the doc table's type, §6.2 item 4) finds it too.
	firstAuditID uint64 = 1<<53 + 1
	// firstBrandID is above the int32 range that WXJ's Integer brand_id
	// can hold (§6.2 item 6), and far from 2100000000 ("no brand").
	firstBrandID uint64 = 2200000001
)

// auditProfile is the audit domain's fixed account state (Profile.Audit,
// JSON "audit").
type auditProfile struct {
	// ReviewsApprove approves every brand and category audit at once
	// (profile reviews-approve).
	ReviewsApprove bool `json:"reviews_approve,omitempty"`
	// MiniappCertificate is what the mini program submitted on the MP
	// side before (profile miniapp-certified); nil answers 1050006.
	MiniappCertificate *miniappCertificate `json:"miniapp_certificate,omitempty"`
}

// miniappCertificate is the success body of get_miniapp_certificate
// (§2.3), also the shape a profile declares it in.
type miniappCertificate struct {
	BrandInfo        *certBrand     `json:"brand_info,omitempty"`
	CategoryInfoList []certCategory `json:"category_info_list,omitempty"`
}

type certBrand struct {
	BrandWording                     string   `json:"brand_wording"`
	SaleAuthorization                []string `json:"sale_authorization"`
	TrademarkRegistrationCertificate []string `json:"trademark_registration_certificate"`
}

type certCategory struct {
	FirstCategoryID    int64    `json:"first_category_id"`
	FirstCategoryName  string   `json:"first_category_name"`
	SecondCategoryID   int64    `json:"second_category_id"`
	SecondCategoryName string   `json:"second_category_name"`
	CertificateURL     []string `json:"certificate_url"`
}

// auditState is one account's brand and category audits and what they
// granted; guarded by account.mu.
type auditState struct {
	approve bool
	cert    *miniappCertificate
	tree    *categoryTree // replaced, never changed in place

	byID        map[string]*audit
	list        []*audit // submission order
	brands      []grantedBrand
	categories  map[int64]bool // level-3 ids granted by an approved audit
	nextID      uint64
	nextBrandID uint64
}

func newAuditState(p auditProfile) *auditState {
	return &auditState{
		approve:     p.ReviewsApprove,
		cert:        p.MiniappCertificate,
		tree:        loadedCategories(),
		byID:        map[string]*audit{},
		categories:  map[int64]bool{},
		nextID:      firstAuditID,
		nextBrandID: firstBrandID,
	}
}

// audit is one brand audit (wording set) or category audit (level3 set).
type audit struct {
	id           string
	brand        bool
	wording      string
	level3       int64
	status       int
	brandID      uint64 // once a brand audit is approved
	rejectReason string // status 9 only
}

// grantedBrand is an item of /shop/account/get_brand_list (§2.2).
type grantedBrand struct {
	BrandID      uint64 `json:"brand_id"`
	BrandWording string `json:"brand_wording"`
}

func (st *auditState) categoryGranted(level3 int64) bool { return st.categories[level3] }

func (st *auditState) brandGranted(id uint64) bool {
	return slices.ContainsFunc(st.brands, func(b grantedBrand) bool { return b.BrandID == id })
}

// Sentinels of the audit layer, each naming its code.
var (
	errAuditCategoryApproved = codeErr(catalog.AuditCategoryAlreadyApproved, "category already approved")      // §3.5 1050003 D
	errAuditCategoryRequired = codeErr(catalog.AuditCategoryRequired, "category required")                     // §3.5 1050004 D text, I
	errAuditNotFound         = codeErr(catalog.AuditNotFound, "audit not found")                               // §3.5 1050005 D text, I endpoint
	errNoMiniappCertificate  = codeErr(catalog.AuditNoMiniProgramCertificate, "no mini program qualification") // §3.5 1050006 D
	errAuditUnderReview      = codeErr(catalog.AuditUnderReview, "audit under review")                         // §3.5 1050009 D
	errAuditApproved         = codeErr(catalog.AuditAlreadyApproved, "audit already approved")                 // §3.5 1050010 I
	errAuditNotRequired      = codeErr(catalog.AuditNotRequired, "no application needed")                      // §3.5 1050011 D
)

// submit records a new audit; under reviews_approve it is approved and
// grants at once.
func (st *auditState) submit(a *audit) string {
	a.id = st.mintID(nil)
	st.byID[a.id] = a
	st.list = append(st.list, a)
	if st.approve {
		st.grant(a)
	}
	return a.id
}

// mintID is the next audit id no audit of the account has, nor taken
// says is claimed (a seed's chosen ids).
func (st *auditState) mintID(taken func(string) bool) string {
	for {
		id := strconv.FormatUint(st.nextID, 10)
		st.nextID++
		if st.byID[id] == nil && (taken == nil || !taken(id)) {
			return id
		}
	}
}

// mintBrandID is the next brand_id no brand of the account has, nor
// taken says is claimed.
func (st *auditState) mintBrandID(taken func(uint64) bool) uint64 {
	for {
		id := st.nextBrandID
		st.nextBrandID++
		if !st.brandGranted(id) && (taken == nil || !taken(id)) {
			return id
		}
	}
}

// grant approves an audit: a brand audit gets a brand_id (a new one
// unless a seed chose it) and grants it, a category audit grants its
// level-3 category.
func (st *auditState) grant(a *audit) {
	a.status = auditApproved
	if !a.brand {
		st.categories[a.level3] = true
		return
	}
	if a.brandID == 0 {
		a.brandID = st.mintBrandID(nil)
	}
	st.brands = append(st.brands, grantedBrand{a.brandID, a.wording})
}

// latest is the newest audit that matches, or nil.
func (st *auditState) latest(match func(*audit) bool) *audit {
	for i := len(st.list) - 1; i >= 0; i-- {
		if match(st.list[i]) {
			return st.list[i]
		}
	}
	return nil
}

// auditBrand answers /shop/audit/audit_brand. The spec has answered
// every field rule (990007) and the content policy (87014); the handler
// judges the account's state: the same brand_wording approved (1050010,
// §3.5 I) or pending (1050009, §3.5 D).
func auditBrand(req *request) (map[string]any, error) {
	st := req.acct.audit
	ar, _ := asObject(req.body["audit_req"])
	bi, _ := asObject(ar["brand_info"])
	wording, _ := asString(bi["brand_wording"])
	prev := st.latest(func(a *audit) bool { return a.brand && a.wording == wording })
	switch {
	case prev != nil && prev.status == auditApproved:
		return nil, failf(errAuditApproved, "brand %q is approved (brand_id %d)", wording, prev.brandID)
	case prev != nil && prev.status == auditPending:
		return nil, failf(errAuditUnderReview, "brand %q: audit %s is pending", wording, prev.id)
	}
	id := st.submit(&audit{brand: true, wording: wording})
	return map[string]any{"audit_id": id}, nil
}

// auditCategory answers /shop/audit/audit_category: the category against
// the account's tree (categoryOf) → the same level3 approved (1050003,
// §3.5 D) or pending (1050009, §3.5 D).
func auditCategory(req *request) (map[string]any, error) {
	st := req.acct.audit
	cat, err := st.categoryOf(req.body)
	if err != nil {
		return nil, err
	}
	prev := st.latest(func(a *audit) bool { return !a.brand && a.level3 == cat.ThirdCatID })
	switch {
	case st.categoryGranted(cat.ThirdCatID):
		return nil, failf(errAuditCategoryApproved, "category %d is approved", cat.ThirdCatID)
	case prev != nil && prev.status == auditPending:
		return nil, failf(errAuditUnderReview, "category %d: audit %s is pending", cat.ThirdCatID, prev.id)
	}
	id := st.submit(&audit{level3: cat.ThirdCatID})
	return map[string]any{"audit_id": id}, nil
}

// categoryOf judges audit_req.category_info, whose fields the spec has
// checked (present, ids of at most 10 digits: 1050004), against the
// account's tree, in order: level3 exists (1000009, §3.2 D) and is level 3
// (1000007, §3.2) → level1 and level2 are its parents (1050004: the
// category is not given correctly; the docs have no finer code) → it
// needs an application at all (1050011, §3.5 D: qualification_type 0) →
// a mandatory qualification carries a certificate (1050004, §3.5).
func (st *auditState) categoryOf(body map[string]any) (*category, error) {
	ar, _ := asObject(body["audit_req"])
	info, _ := asObject(ar["category_info"])
	var level [3]int64
	for i, key := range []string{"level1", "level2", "level3"} {
		id, _ := asUint(info[key])
		level[i] = int64(id) // at most 10 digits: the spec's category_levels_fit
	}
	cat, err := st.tree.lookup(level[2])
	switch {
	case err != nil:
		return nil, failf(err, "level3 %d", level[2])
	case cat.FirstCatID != level[0] || cat.SecondCatID != level[1]:
		return nil, failf(errAuditCategoryRequired, "level3 %d belongs to %d/%d, not %d/%d", level[2], cat.FirstCatID, cat.SecondCatID, level[0], level[1])
	case cat.QualificationType == qualificationNone:
		return nil, failf(errAuditNotRequired, "category %d needs no qualification", cat.ThirdCatID)
	}
	if certs, _ := info["certificate"].([]any); cat.QualificationType == qualificationMandatory && len(certs) == 0 {
		return nil, failf(errAuditCategoryRequired, "category %d needs a certificate (%s)", cat.ThirdCatID, cat.Qualification)
	}
	return cat, nil
}

// auditResult answers /shop/audit/result (§2.3). audit_id is a string in
// the examples and SDKs and a number in the table (§6.2 item 4): the spec
// takes both, and it is read as text. Unknown → 1050005 (§3.5 D text, I
// endpoint).
func auditResult(req *request) (map[string]any, error) {
	id, _ := asText(req.body["audit_id"])
	a := req.acct.audit.byID[id]
	if a == nil {
		return nil, failf(errAuditNotFound, "audit_id %v", req.body["audit_id"])
	}
	data := map[string]any{"status": a.status, "reject_reason": a.rejectReason}
	if a.brand {
		data["brand_id"] = a.brandID // 0 until approved
	}
	return map[string]any{"data": data}, nil
}

// auditMiniappCertificate answers /shop/audit/get_miniapp_certificate
// (§2.3): req_type 1 (category) or 2 (brand), which the spec has checked.
// Nothing stored for that type → 1050006 (§3.5 D). The answer carries
// both brand_info and category_info_list whatever req_type asked: the
// docs' response table lists both, and live answers mix them (§6.2
// item 5).
func auditMiniappCertificate(req *request) (map[string]any, error) {
	t, _ := asInt(req.body["req_type"])
	c := req.acct.audit.cert
	if c == nil || (t == 1 && len(c.CategoryInfoList) == 0) || (t == 2 && c.BrandInfo == nil) {
		return nil, failf(errNoMiniappCertificate, "req_type %d", t)
	}
	brand := certBrand{SaleAuthorization: []string{}, TrademarkRegistrationCertificate: []string{}}
	if c.BrandInfo != nil {
		brand = *c.BrandInfo
	}
	list := c.CategoryInfoList
	if list == nil {
		list = []certCategory{}
	}
	return map[string]any{"brand_info": brand, "category_info_list": list}, nil
}

// auditChecks are this domain's named rules of the spec.
var auditChecks = map[string]validate.Check{
	"brand_license_images": brandLicenseImages,
	"category_levels_fit":  categoryLevelsFit,
}

// brandLicenseImages: audit_brand's license is one image or a non-empty
// array of them (§6.2 item 3: the table and the maintainer say an array,
// SKIT sends a string; both are accepted). An image is a URL or a
// media_id, as the spec's media format reads them.
func brandLicenseImages(obj map[string]any, _ validate.Env) (string, bool) {
	switch l := obj["license"].(type) {
	case string:
		return "license is not an image URL or media_id", isMedia(l)
	case []any:
		if len(l) == 0 {
			return "license is an empty array", false
		}
		for i, it := range l {
			if s, ok := it.(string); !ok || !isMedia(s) {
				return fmt.Sprintf("license[%d] is not an image URL or media_id", i), false
			}
		}
		return "", true
	}
	return "license is neither an image nor an array of images", false
}

// isMedia reads an image reference exactly as the spec's media format
// does: the validator of a one-field request, compiled once.
var isMedia = func() func(string) bool {
	one := &apispec.Field{Name: "image", Type: apispec.String, Format: apispec.Media}
	root := &apispec.Field{Type: apispec.Object, Fields: []*apispec.Field{one}, Order: []apispec.Entry{{Field: one}}}
	v, _ := validate.Compile(&apispec.Endpoint{Path: "license", Request: root}, nil) // no named checks: no error
	return func(s string) bool { return v.Request(map[string]any{"image": s}, nil) == nil }
}()

// categoryLevelsFit: each of level1–level3 is at most 10 digits (§2.3
// "ints (≤10 chars)"; the table types them uint32 and "character type",
// so a number or its text). The spec's id type has read them already.
func categoryLevelsFit(obj map[string]any, _ validate.Env) (string, bool) {
	for _, key := range []string{"level1", "level2", "level3"} {
		var text string
		switch v := obj[key].(type) {
		case json.Number:
			text = v.String()
		case string:
			text = v
		}
		if len(text) > 10 {
			return fmt.Sprintf("%s %s is longer than 10 digits", key, text), false
		}
	}
	return "", true
}
