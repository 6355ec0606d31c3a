package refsandbox

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// Product domain (api-reference §2.4 SPU, §3.2 codes 1000xxx).
//
// A product has a draft, which add and update write and submit for
// review, and an online copy, which only an approved review produces
// (§2.4 "Model"). Reviews are done by people, so their outcome is account
// state: a profile either approves every submission at once
// (product.reviews_approve) or leaves it under review until the control
// API's review call decides it (refsandbox/README.md "Model"). This file holds the state, the id pair, the views
// and the handlers that only read or move a product's status;
// product_write.go holds add, update and update_without_audit, and
// product_list.go get_list.

// Draft edit_status and online status values (§2.4).
const (
	editEditing     = 1 // saved, not submitted (also after del_audit)
	editUnderReview = 2
	editRejected    = 3 // only the control API's review call rejects
	editApproved    = 4

	statusInitial  = 0
	statusListed   = 5
	statusDelisted = 11 // by the merchant
	statusViolated = 13 // delisted by the platform for a violation: only a seed sets it
)

const (
	noBrandID                 = 2100000000 // §2.4 "2100000000 = no brand": always allowed
	defaultReviewLimitPerHour = 20         // the sandbox's (refsandbox/README.md); §3.2 1000019 documents only "an hourly cap"
	// firstProductID is above 2^53 so that a client holding ids in a
	// float64 breaks visibly (§1, §7: keep 64-bit ids exact).
	firstProductID uint64 = 1<<53 + 1
)

// productProfile is the product domain's fixed account state
// (Profile.Product, JSON "product").
type productProfile struct {
	// ReviewsApprove approves every submission at once (profile
	// reviews-approve); otherwise submissions stay under review.
	ReviewsApprove bool `json:"reviews_approve,omitempty"`
	// DepositPaid false refuses every review submission with 1000021
	// (profile deposit-unpaid). Default true.
	DepositPaid *bool `json:"deposit_paid,omitempty"`
	// ReviewLimitPerHour caps review submissions per product in any
	// rolling hour; the next one is 1000019 (profile review-limit-1).
	// Default 20.
	ReviewLimitPerHour *uint `json:"review_limit_per_hour,omitempty"`
}

// productState is one account's products; guarded by account.mu.
type productState struct {
	approve     bool
	depositPaid bool
	reviewLimit int

	byID   map[uint64]*product
	byOut  map[string]*product // deleted ones too: an out_product_id is never reusable (§3.2 1000012)
	list   []*product          // creation order, for get_list
	nextID uint64              // products, skus and review ids share it
	seeded map[uint64]bool     // ids at or above nextID that a seed chose: newID skips them
}

func newProductState(p productProfile) *productState {
	return &productState{
		approve:     p.ReviewsApprove,
		depositPaid: *orDefault(p.DepositPaid, true),
		reviewLimit: int(*orDefault(p.ReviewLimitPerHour, defaultReviewLimitPerHour)),
		byID:        map[uint64]*product{},
		byOut:       map[string]*product{},
		nextID:      firstProductID,
		seeded:      map[uint64]bool{},
	}
}

// newID mints the next id no product, sku or review of the account has,
// seeded ones included (refsandbox/README.md "Control API").
func (st *productState) newID() uint64 {
	for st.seeded[st.nextID] {
		delete(st.seeded, st.nextID)
		st.nextID++
	}
	id := st.nextID
	st.nextID++
	return id
}

// product is one SPU with its two copies.
type product struct {
	id          uint64
	outID       string
	draft       spuData
	online      *spuData // nil until a review approved a draft
	editStatus  int
	status      int
	deleted     bool
	infoVersion string // the newest one the merchant sent (1000013 for an older one)
	created     time.Time
	updated     time.Time
	review      reviewInfo
	submissions []time.Time // review submissions of the last hour (1000019)
}

// reviewInfo is the latest review of the draft (§2.4 spu.audit_info).
type reviewInfo struct {
	auditID      string
	submitted    time.Time
	reviewed     time.Time
	rejectReason string // edit_status 3 only
}

// spuData is one copy of a product: the fields add and update carry.
type spuData struct {
	Title             string   `json:"title"`
	Path              string   `json:"path"`
	HeadImg           []string `json:"head_img"`
	QualificationPics []string `json:"qualification_pics"`
	DescInfo          descInfo `json:"desc_info"`
	ThirdCatID        int64    `json:"third_cat_id"`
	BrandID           uint64   `json:"brand_id"`
	InfoVersion       string   `json:"info_version"`
	SKUs              []sku    `json:"skus"`
}

type descInfo struct {
	Desc string   `json:"desc"`
	Imgs []string `json:"imgs"`
}

type sku struct {
	SKUID        uint64    `json:"sku_id"`
	OutProductID string    `json:"out_product_id"`
	OutSKUID     string    `json:"out_sku_id"`
	ThumbImg     string    `json:"thumb_img"`
	SalePrice    int64     `json:"sale_price"`
	MarketPrice  int64     `json:"market_price"`
	StockNum     int64     `json:"stock_num"`
	SKUCode      string    `json:"sku_code"`
	Barcode      string    `json:"barcode"`
	SKUAttrs     []skuAttr `json:"sku_attrs"`
}

type skuAttr struct {
	Key   string `json:"attr_key"`
	Value string `json:"attr_value"`
}

// clone copies the slices too, so the online copy never aliases the draft.
func (d spuData) clone() spuData {
	c := d
	c.HeadImg = slices.Clone(d.HeadImg)
	c.QualificationPics = slices.Clone(d.QualificationPics)
	c.DescInfo.Imgs = slices.Clone(d.DescInfo.Imgs)
	c.SKUs = make([]sku, len(d.SKUs))
	for i, s := range d.SKUs {
		s.SKUAttrs = slices.Clone(s.SKUAttrs)
		c.SKUs[i] = s
	}
	return c
}

// Sentinels of the product layer, each naming its §3.2 code. The field
// codes (1000001, 1000014, 1000015, 1000020) are the spec's
// (apispec/data/product.json): a handler sees only valid bodies.
var (
	errProductUnderReview         = codeErr(catalog.ProductUnderReview, "product under review")                           // 1000002 D code, I endpoint set
	errProductNeverApproved       = codeErr(catalog.ProductNeverApproved, "product never approved")                       // 1000003 I
	errNewSKU                     = codeErr(catalog.ProductNewSKUNeedsReview, "sku not in the approved version")          // 1000004 D text
	errCategoryNeedsQualification = codeErr(catalog.ProductCategoryNeedsQualification, "category needs a qualification")  // 1000005 D text, I fixture
	errBrandUnauthorized          = codeErr(catalog.ProductBrandUnauthorized, "brand not granted")                        // 1000006 D text, I
	errQualificationPicsMissing   = codeErr(catalog.ProductQualificationPicsMissing, "qualification pictures missing")    // 1000008 D text, I
	errProductNotFound            = codeErr(catalog.ProductNotFound, "product not found")                                 // 1000011 D
	errProductExists              = codeErr(catalog.ProductAlreadyExists, "product exists")                               // 1000012 D
	errProductConflict            = codeErr(catalog.ProductUpdateConflict, "update conflict")                             // 1000013 I
	errProductNotUnderReview      = codeErr(catalog.ProductNotUnderReview, "product not under review")                    // 1000016 D text, I endpoint
	errReviewPushFailed           = codeErr(catalog.ProductSubmitReviewFailed, "review push failed")                      // 1000017 I (NS: magic value)
	errReviewRateLimited          = codeErr(catalog.ProductReviewRateLimited, "review submissions over the hourly limit") // 1000019 D text (NS: profile)
	errDepositUnpaid              = codeErr(catalog.ProductDepositInsufficient, "deposit unpaid")                         // 1000021 D text (NS: profile)
)

// productRef reads the id pair the spec has checked: at least one id is
// supplied (1000001, §3.2 "spu/* with neither id"), product_id is a uint64
// and out_product_id a string. An id of 0 is not supplied (§1).
func productRef(body map[string]any) idPair {
	var ref idPair
	if id, ok := asUint(body["product_id"]); ok && id != 0 {
		ref.id, ref.hasID = id, true
	}
	ref.outID, _ = asString(body["out_product_id"])
	return ref
}

// resolve is the existence check (§3.2 1000011). Both ids given must name
// the same product; deleted products do not exist.
func (st *productState) resolve(ref idPair) (*product, error) {
	var p *product
	if ref.hasID {
		p = st.byID[ref.id]
	}
	if ref.outID != "" {
		q := st.byOut[ref.outID]
		if ref.hasID && p != q {
			return nil, failf(errProductNotFound, "product_id and out_product_id name different products")
		}
		p = q
	}
	if p == nil || p.deleted {
		return nil, failf(errProductNotFound, "no such product")
	}
	return p, nil
}

// find is the existence check of the handlers with nothing else to read.
func (st *productState) find(body map[string]any) (*product, error) {
	return st.resolve(productRef(body))
}

// copyFor is the copy spu/get shows: the draft (need_edit_spu 1) or the
// online copy, which a never-approved product lacks (§3.2 1000003 I).
func (p *product) copyFor(draft bool) (*spuData, error) {
	if draft {
		return &p.draft, nil
	}
	if p.online == nil {
		return nil, failf(errProductNeverApproved, "no approved version; read the draft with need_edit_spu 1")
	}
	return p.online, nil
}

// chinaTime is the §1 "yyyy-MM-dd HH:mm:ss" in China time; "" for never.
func chinaTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(shanghai).Format(time.DateTime)
}

// spuView is the §2.4 spu/get "spu" object: one copy's fields plus the
// product's own.
type spuView struct {
	ProductID    uint64 `json:"product_id"`
	OutProductID string `json:"out_product_id"`
	spuData
	Status     int           `json:"status"`
	EditStatus int           `json:"edit_status"`
	AuditInfo  auditInfoView `json:"audit_info"`
	CreateTime string        `json:"create_time"`
	UpdateTime string        `json:"update_time"`
}

type auditInfoView struct {
	AuditID      string `json:"audit_id"`
	SubmitTime   string `json:"submit_time"`
	AuditTime    string `json:"audit_time"`
	RejectReason string `json:"reject_reason"`
}

// view copies what it shows: the reply is encoded after the account lock
// is released, so it must not share slices with the state.
func (p *product) view(d *spuData) spuView {
	return spuView{
		ProductID:    p.id,
		OutProductID: p.outID,
		spuData:      d.clone(),
		Status:       p.status,
		EditStatus:   p.editStatus,
		AuditInfo: auditInfoView{
			AuditID:      p.review.auditID,
			SubmitTime:   chinaTime(p.review.submitted),
			AuditTime:    chinaTime(p.review.reviewed),
			RejectReason: p.review.rejectReason,
		},
		CreateTime: chinaTime(p.created),
		UpdateTime: chinaTime(p.updated),
	}
}

// skuIDs is the add/update answer's skus[]{sku_id, out_sku_id}.
func skuIDs(skus []sku) []map[string]any {
	out := make([]map[string]any, len(skus))
	for i, s := range skus {
		out[i] = map[string]any{"sku_id": s.SKUID, "out_sku_id": s.OutSKUID}
	}
	return out
}

// spuGet answers /shop/spu/get: id presence → existence → the online copy
// exists (unless need_edit_spu is 1).
func spuGet(req *request) (map[string]any, error) {
	p, err := req.acct.product.find(req.body)
	if err != nil {
		return nil, err
	}
	d, err := p.copyFor(wantsDraft(req.body))
	if err != nil {
		return nil, err
	}
	return map[string]any{"spu": p.view(d)}, nil
}

// wantsDraft reads need_edit_spu, 0 or 1 by the spec: 1 is the draft, 0
// or absent the online copy (§2.4 "0 online (default) / 1 draft").
func wantsDraft(body map[string]any) bool {
	n, ok := asInt(body["need_edit_spu"])
	return ok && n == 1
}

// spuDel answers /shop/spu/del: a logical, irreversible delete. A draft
// under review must be withdrawn first (§3.2 1000002 lists spu/del, I).
func spuDel(req *request) (map[string]any, error) {
	p, err := req.acct.product.find(req.body)
	if err == nil && p.editStatus == editUnderReview {
		err = failf(errProductUnderReview, "withdraw the review with del_audit first")
	}
	if err != nil {
		return nil, err
	}
	p.deleted = true
	p.updated = req.now
	return nil, nil
}

// spuDelAudit answers /shop/spu/del_audit: withdraw a draft under review,
// edit_status 2 → 1 (§2.4); anything else is 1000016 (§3.2, D text, I).
func spuDelAudit(req *request) (map[string]any, error) {
	p, err := req.acct.product.find(req.body)
	if err == nil && p.editStatus != editUnderReview {
		err = failf(errProductNotUnderReview, "edit_status is %d", p.editStatus)
	}
	if err != nil {
		return nil, err
	}
	p.editStatus = editEditing
	p.updated = req.now
	return nil, nil
}

// spuListing answers /shop/spu/listing: only an approved version can be
// listed (§3.2 1000003 lists listing, I), and not while a new draft is
// under review (§3.2 1000002 lists listing, I). Listing a listed product
// is a no-op: no code is documented for it.
func spuListing(req *request) (map[string]any, error) {
	p, err := req.acct.product.find(req.body)
	switch {
	case err != nil:
	case p.online == nil:
		err = failf(errProductNeverApproved, "nothing approved to list")
	case p.editStatus == editUnderReview:
		err = failf(errProductUnderReview, "a new version is under review")
	}
	if err != nil {
		return nil, err
	}
	p.status = statusListed
	p.updated = req.now
	return nil, nil
}

// spuDelisting answers /shop/spu/delisting: a listed product becomes
// "delisted by the merchant" (11); any other status stays as it is, since
// no code is documented for delisting what is not listed.
func spuDelisting(req *request) (map[string]any, error) {
	p, err := req.acct.product.find(req.body)
	if err != nil {
		return nil, err
	}
	if p.status == statusListed {
		p.status = statusDelisted
		p.updated = req.now
	}
	return nil, nil
}

// productChecks are this domain's named rules of the spec.
var productChecks = map[string]validate.Check{
	"spu_stock_not_zero": spuStockNotZero,
}

// spuStockNotZero: no sku of a new product has stock 0 (§3.2 1000015, D
// text). The spec runs it after every sku's fields, so a missing field
// wins over a zero stock.
func spuStockNotZero(obj map[string]any, _ validate.Env) (string, bool) {
	skus, _ := obj["skus"].([]any)
	for i, it := range skus {
		sku, _ := asObject(it)
		if n, _ := asInt(sku["stock_num"]); n == 0 {
			return fmt.Sprintf("skus[%d].stock_num is 0", i), false
		}
	}
	return "", true
}
