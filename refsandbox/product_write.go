package refsandbox

import (
	"slices"
	"strconv"
	"time"
)

// The product writes: spu/add, spu/update (both save the draft and submit
// it for review) and spu/update_without_audit (patches approved SKUs).
// Their checks run in the order of api-reference §7: the spec's id
// presence and field rules (apispec/data/product.json) → the category in
// the account's tree → existence → the product's state → the account's
// grants → the review rate → the review push.

// spuInput is a valid add or update body.
type spuInput struct {
	data       spuData
	category   *category
	hasVersion bool
}

// readSPU reads an add or update body the spec has checked: the required
// fields (1000014), the sku list (1000020), each sku's fields (1000014),
// stock on add (1000015) and the optional fields (1000014), each of its
// documented type, range and format.
func readSPU(body map[string]any) spuInput {
	var in spuInput
	d := &in.data
	d.Title, _ = asString(body["title"])
	d.Path, _ = asString(body["path"])
	d.HeadImg = stringsOf(body["head_img"])
	d.ThirdCatID, _ = asInt(body["third_cat_id"])
	d.BrandID, _ = asUint(body["brand_id"])
	d.SKUs = []sku{}
	for _, it := range itemsOf(body["skus"]) {
		d.SKUs = append(d.SKUs, readSKU(it))
	}
	d.QualificationPics = stringsOf(body["qualification_pics"])
	desc, _ := asObject(body["desc_info"])
	d.DescInfo.Desc, _ = asString(desc["desc"])
	d.DescInfo.Imgs = stringsOf(desc["imgs"])
	d.InfoVersion, in.hasVersion = asText(body["info_version"])
	return in
}

func readSKU(v any) sku {
	obj, _ := asObject(v)
	text := func(key string) string { s, _ := asString(obj[key]); return s }
	number := func(key string) int64 { n, _ := asInt(obj[key]); return n }
	s := sku{
		OutProductID: text("out_product_id"),
		OutSKUID:     text("out_sku_id"),
		ThumbImg:     text("thumb_img"),
		SalePrice:    number("sale_price"),
		MarketPrice:  number("market_price"),
		StockNum:     number("stock_num"),
		SKUCode:      text("sku_code"),
		Barcode:      text("barcode"),
		SKUAttrs:     []skuAttr{},
	}
	for _, it := range itemsOf(obj["sku_attrs"]) {
		attr, _ := asObject(it)
		key, _ := asString(attr["attr_key"])
		val, _ := asString(attr["attr_value"])
		s.SKUAttrs = append(s.SKUAttrs, skuAttr{key, val})
	}
	return s
}

// itemsOf is an array's items; absent is none.
func itemsOf(v any) []any {
	items, _ := v.([]any)
	return items
}

// stringsOf is an array of strings; absent is empty, never nil, so that
// it answers as [] rather than null.
func stringsOf(v any) []string {
	list, _ := asStrings(v)
	if list == nil {
		return []string{}
	}
	return list
}

// checkCategory judges third_cat_id against the account's category tree,
// after every field rule (§3.2): it exists (1000009, D), it is level 3
// (1000007, D text) and, when its product_qualification_type is 1, the
// body carries qualification_pics (1000008, D text, I).
func (in *spuInput) checkCategory(tree *categoryTree) error {
	id := in.data.ThirdCatID
	cat, err := tree.lookup(id)
	switch {
	case err != nil:
		return failf(err, "third_cat_id %d", id)
	case cat.ProductQualificationType == qualificationMandatory && len(in.data.QualificationPics) == 0:
		return failf(errQualificationPicsMissing, "category %d needs qualification_pics (%s)", id, cat.ProductQualification)
	}
	in.category = cat
	return nil
}

// checkGrants is the account state add and update depend on: a category
// whose qualification_type is 1 needs an approved category audit (§3.2
// 1000005, D text / I), and any brand but 2100000000 an approved brand
// audit (§3.2 1000006, D text / I).
func checkGrants(in spuInput, audits *auditState) error {
	if c := in.category; c.QualificationType == qualificationMandatory && !audits.categoryGranted(c.ThirdCatID) {
		return failf(errCategoryNeedsQualification, "category %d needs an approved audit_category (%s)", c.ThirdCatID, c.Qualification)
	}
	if b := in.data.BrandID; b != noBrandID && !audits.brandGranted(b) {
		return failf(errBrandUnauthorized, "brand_id %d is not granted; submit audit_brand first", b)
	}
	return nil
}

// checkVersion is 1000013 (§3.2, I; refsandbox/README.md): an
// info_version lower than the stored one is stale. It runs right after existence, before the
// product's review state: a stale request is refused whatever the product
// is doing.
func (p *product) checkVersion(v string) error {
	if v == "" || p.infoVersion == "" || !versionLess(v, p.infoVersion) {
		return nil
	}
	return failf(errProductConflict, "info_version %q is older than the stored %q", v, p.infoVersion)
}

// versionLess compares as integers when both are, else as strings
// (refsandbox/README.md).
func versionLess(a, b string) bool {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}

// spuAdd answers /shop/spu/add once the spec's rules passed: the
// category (checkCategory) → out_product_id taken (1000012, deleted
// products included) → checkGrants → save → submit.
func spuAdd(req *request) (map[string]any, error) {
	st := req.acct.product
	outID, _ := asString(req.body["out_product_id"])
	in := readSPU(req.body)
	err := in.checkCategory(req.acct.audit.tree)
	if err == nil && st.byOut[outID] != nil { // §3.2 1000012 D
		err = failf(errProductExists, "out_product_id %q is taken (deleted products keep theirs); use update", outID)
	}
	if err == nil {
		err = checkGrants(in, req.acct.audit)
	}
	if err != nil {
		return nil, err
	}
	p := st.create(outID, req.now)
	st.saveDraft(p, in, req.now)
	err = st.submit(p, req.now)
	return map[string]any{"data": map[string]any{
		"product_id":     p.id,
		"out_product_id": p.outID,
		"create_time":    chinaTime(p.created),
		"skus":           skuIDs(p.draft.SKUs),
	}}, err
}

// spuUpdate answers /shop/spu/update once the spec's rules passed: the
// category (checkCategory) → existence (1000011) → checkVersion (1000013)
// → not under review (1000002, §3.2 D) → checkGrants → save → submit.
func spuUpdate(req *request) (map[string]any, error) {
	st := req.acct.product
	in := readSPU(req.body)
	err := in.checkCategory(req.acct.audit.tree)
	var p *product
	if err == nil {
		p, err = st.resolve(productRef(req.body))
	}
	if err == nil {
		err = p.checkVersion(in.data.InfoVersion)
	}
	if err == nil && p.editStatus == editUnderReview {
		err = failf(errProductUnderReview, "withdraw the review with del_audit first")
	}
	if err == nil {
		err = checkGrants(in, req.acct.audit)
	}
	if err != nil {
		return nil, err
	}
	st.saveDraft(p, in, req.now)
	err = st.submit(p, req.now)
	return map[string]any{"data": map[string]any{
		"product_id":     p.id,
		"out_product_id": p.outID,
		"update_time":    chinaTime(p.updated),
		"skus":           skuIDs(p.draft.SKUs),
	}}, err
}

func (st *productState) create(outID string, now time.Time) *product {
	p := &product{id: st.newID(), outID: outID, created: now, status: statusInitial}
	st.byID[p.id] = p
	st.byOut[outID] = p
	st.list = append(st.list, p)
	return p
}

// saveDraft writes the draft, not yet submitted. SKUs keep their sku_id
// by out_sku_id; new ones get a fresh id.
func (st *productState) saveDraft(p *product, in spuInput, now time.Time) {
	d := in.data
	st.assignSKUIDs(p, d.SKUs)
	if in.hasVersion {
		p.infoVersion = d.InfoVersion
	} else {
		d.InfoVersion = p.infoVersion
	}
	p.draft = d
	p.editStatus = editEditing
	p.updated = now
}

func (st *productState) assignSKUIDs(p *product, skus []sku) {
	known := map[string]uint64{}
	for _, copy := range []*spuData{&p.draft, p.online} {
		if copy != nil {
			for _, s := range copy.SKUs {
				known[s.OutSKUID] = s.SKUID
			}
		}
	}
	for i := range skus {
		id, ok := known[skus[i].OutSKUID]
		if !ok {
			id = st.newID()
			known[skus[i].OutSKUID] = id
		}
		skus[i].SKUID = id
	}
}

// submit sends the saved draft for review. Its three failures are
// submission failures, so each leaves the draft saved and not submitted
// (edit_status 1), as §3.2 says of 1000017 ("call update again to
// resubmit"); spu/update resubmits.
func (st *productState) submit(p *product, now time.Time) error {
	p.submissions = slices.DeleteFunc(p.submissions, func(t time.Time) bool { return now.Sub(t) >= time.Hour })
	switch {
	case !st.depositPaid: // §3.2 1000021 D text; NS → profile deposit-unpaid
		return failf(errDepositUnpaid, "the mini program's deposit (保证金) is not paid")
	case len(p.submissions) >= st.reviewLimit: // §3.2 1000019 D text; NS → profile review-limit-1
		return failf(errReviewRateLimited, "%d submissions of this product in the last hour (limit %d); retry after an hour", len(p.submissions), st.reviewLimit)
	case p.draft.Title == magicReviewPushFailed: // §3.2 1000017 I; NS → magic value
		return failf(errReviewPushFailed, "magic value %s: the draft is saved; call update to resubmit", magicReviewPushFailed)
	}
	p.submissions = append(p.submissions, now)
	p.editStatus = editUnderReview
	p.review = reviewInfo{auditID: strconv.FormatUint(st.newID(), 10), submitted: now}
	if st.approve {
		p.approve(now)
	}
	return nil
}

// approve is a review's approval (at once on profile reviews-approve, or
// by the control API's review call): the draft becomes the online copy,
// and the first approval lists the product.
func (p *product) approve(now time.Time) {
	online := p.draft.clone()
	p.online = &online
	p.editStatus = editApproved
	p.review.reviewed = now
	if p.status == statusInitial {
		p.status = statusListed
	}
}

// reject is a review's rejection (only the control API's review call
// rejects): the draft stays as it is, edit_status 3 with the reason
// (§2.4 audit_info.reject_reason); the online copy, if any, is untouched.
func (p *product) reject(now time.Time, reason string) {
	p.editStatus = editRejected
	p.review.reviewed = now
	p.review.rejectReason = reason
}

// skuPatch is one item of update_without_audit's skus[]: out_sku_id names
// an approved SKU, the rest (all optional) overwrite its values.
type skuPatch struct {
	outSKUID                         string
	salePrice, marketPrice, stockNum *int64
	skuCode, barcode                 *string
}

// patchInput is a valid update_without_audit body (§2.4: path O; skus[]
// O {out_sku_id R, sale_price, market_price, stock_num, sku_code,
// barcode}; info_version as on update).
type patchInput struct {
	path    string
	skus    []skuPatch
	version string
}

// readPatch reads an update_without_audit body the spec has checked
// (types and ranges, every item's out_sku_id, no out_sku_id twice: 1000014).
func readPatch(body map[string]any) patchInput {
	var in patchInput
	in.path, _ = asString(body["path"])
	in.version, _ = asText(body["info_version"])
	for _, it := range itemsOf(body["skus"]) {
		obj, _ := asObject(it)
		number := func(key string) *int64 {
			n, ok := asInt(obj[key])
			if !ok {
				return nil
			}
			return &n
		}
		text := func(key string) *string {
			s, ok := asString(obj[key])
			if !ok {
				return nil
			}
			return &s
		}
		out, _ := asString(obj["out_sku_id"])
		in.skus = append(in.skus, skuPatch{
			outSKUID:    out,
			salePrice:   number("sale_price"),
			marketPrice: number("market_price"),
			stockNum:    number("stock_num"),
			skuCode:     text("sku_code"),
			barcode:     text("barcode"),
		})
	}
	return in
}

// spuUpdateWithoutAudit answers /shop/spu/update_without_audit once the
// spec's rules passed: existence (1000011) → checkVersion (1000013) → an
// approved version exists (1000003, §3.2 I) → every out_sku_id is in it
// (1000004, §3.2 D text) → patch. It needs no review, so no submission
// rule applies. The answer carries the real ids and time, not the zeros
// one live answer showed (§6.2 item 8).
func spuUpdateWithoutAudit(req *request) (map[string]any, error) {
	in := readPatch(req.body)
	p, err := req.acct.product.resolve(productRef(req.body))
	if err == nil {
		err = p.checkVersion(in.version)
	}
	if err == nil && p.online == nil {
		err = failf(errProductNeverApproved, "only approved SKUs can be updated without review")
	}
	for _, s := range in.skus {
		if err == nil && !slices.ContainsFunc(p.online.SKUs, func(o sku) bool { return o.OutSKUID == s.outSKUID }) {
			err = failf(errNewSKU, "out_sku_id %q is not approved; add it with spu/update", s.outSKUID)
		}
	}
	if err != nil {
		return nil, err
	}
	p.patch(in, req.now)
	return map[string]any{"data": map[string]any{
		"product_id":     p.id,
		"out_product_id": p.outID,
		"update_time":    chinaTime(p.updated),
	}}, nil
}

// patch applies to the online copy and to the draft alike, so that a
// later approval of the draft does not bring the old prices back.
func (p *product) patch(in patchInput, now time.Time) {
	for _, d := range []*spuData{p.online, &p.draft} {
		if in.path != "" {
			d.Path = in.path
		}
		if in.version != "" {
			d.InfoVersion = in.version
		}
		for _, s := range in.skus {
			if i := slices.IndexFunc(d.SKUs, func(o sku) bool { return o.OutSKUID == s.outSKUID }); i >= 0 {
				s.applyTo(&d.SKUs[i])
			}
		}
	}
	if in.version != "" {
		p.infoVersion = in.version
	}
	p.updated = now
}

func (s skuPatch) applyTo(o *sku) {
	set := func(dst *int64, v *int64) {
		if v != nil {
			*dst = *v
		}
	}
	set(&o.SalePrice, s.salePrice)
	set(&o.MarketPrice, s.marketPrice)
	set(&o.StockNum, s.stockNum)
	if s.skuCode != nil {
		o.SKUCode = *s.skuCode
	}
	if s.barcode != nil {
		o.Barcode = *s.barcode
	}
}
