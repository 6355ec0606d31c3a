package refsandbox

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// The product writes: spu/add, spu/update (both save the draft and submit
// it for review) and spu/update_without_audit (patches approved SKUs).
// Their checks run in the order of api-reference §7 and the issue-3
// contract: id presence → field validation → existence → the product's
// state → the account's state → the review rate → the review push.

// spuInput is a validated add or update body.
type spuInput struct {
	data       spuData
	category   *category
	hasVersion bool
}

// parseSPU is the field validation of add and update, in the order of the
// §2.4 table: top-level required fields (1000014), the sku list (1000020),
// each sku's required fields (1000014), stock on add (1000015), the
// optional fields (1000014), then the category: it exists (1000009), is
// level 3 (1000007) and, when its product_qualification_type is 1, the
// body carries qualification_pics (1000008). The category's checks are
// static data, so they are field validation; the account's grants come
// later (checkGrants).
func parseSPU(body map[string]any, add bool) (spuInput, error) {
	var in spuInput
	d := &in.data
	r := &fieldReader{obj: body, kind: errProductFieldMissing} // §3.2 1000014 D text, I
	d.Title = r.str("title")
	d.Path = r.str("path")
	d.HeadImg = r.strs("head_img")
	d.ThirdCatID = r.integer("third_cat_id")
	d.BrandID = r.id("brand_id")
	if r.err != nil {
		return in, r.err
	}
	var err error
	if d.SKUs, err = parseSKUs(body["skus"], add); err != nil {
		return in, err
	}
	d.QualificationPics = r.optStrs("qualification_pics")
	d.DescInfo = parseDesc(r)
	d.InfoVersion, in.hasVersion = asText(body["info_version"])
	if !in.hasVersion && !absent(body["info_version"]) {
		r.fail("info_version", "must be a string")
	}
	if r.err != nil {
		return in, r.err
	}
	if in.category, err = loadedCategories().lookup(d.ThirdCatID); err != nil { // §3.2 1000009 D, 1000007 D text
		return in, failf(err, "third_cat_id %d", d.ThirdCatID)
	}
	hasPics := slices.ContainsFunc(d.QualificationPics, func(p string) bool { return p != "" })
	if in.category.ProductQualificationType == qualificationMandatory && !hasPics { // §3.2 1000008 D text, I
		return in, failf(errQualificationPicsMissing, "category %d needs qualification_pics (%s)", d.ThirdCatID, in.category.ProductQualification)
	}
	return in, nil
}

// parseSKUs reads skus[]: absent, not an array or empty is 1000020 (§3.2,
// D: "skus": [], missing, or an object). Each sku's required fields come
// first for every sku, then stock 0 on add (§3.2 1000015 D text), so a
// missing field wins over a zero stock.
func parseSKUs(v any, add bool) ([]sku, error) {
	items, ok := v.([]any)
	if !ok || len(items) == 0 {
		return nil, failf(errSKUListEmpty, "skus must be a non-empty array")
	}
	out := make([]sku, len(items))
	for i, it := range items {
		obj, ok := asObject(it)
		if !ok {
			return nil, failf(errProductFieldMissing, "skus[%d] is not an object", i)
		}
		r := &fieldReader{obj: obj, prefix: fmt.Sprintf("skus[%d].", i), kind: errProductFieldMissing}
		out[i] = sku{
			OutProductID: r.str("out_product_id"),
			OutSKUID:     r.str("out_sku_id"),
			ThumbImg:     r.str("thumb_img"),
			SalePrice:    r.count("sale_price"),
			MarketPrice:  r.count("market_price"),
			StockNum:     r.count("stock_num"),
			SKUCode:      r.optStr("sku_code"),
			Barcode:      r.optStr("barcode"),
			SKUAttrs:     parseAttrs(r),
		}
		if r.err != nil {
			return nil, r.err
		}
	}
	for i, s := range out {
		if add && s.StockNum == 0 {
			return nil, failf(errSKUStockZero, "skus[%d].stock_num is 0", i)
		}
	}
	return out, nil
}

// parseAttrs reads sku_attrs[]: optional (a maintainer allows omitting it
// for single-spec goods, §2.4), but each item needs both strings.
func parseAttrs(r *fieldReader) []skuAttr {
	v := r.obj["sku_attrs"]
	if v == nil {
		return []skuAttr{}
	}
	items, ok := v.([]any)
	if !ok {
		r.fail("sku_attrs", "must be an array")
		return []skuAttr{}
	}
	out := make([]skuAttr, 0, len(items))
	for i, it := range items {
		obj, _ := asObject(it)
		key, kok := asString(obj["attr_key"])
		val, vok := asString(obj["attr_value"])
		if !kok || !vok {
			r.fail(fmt.Sprintf("sku_attrs[%d]", i), "needs attr_key and attr_value strings")
		}
		out = append(out, skuAttr{key, val})
	}
	return out
}

// parseDesc reads the optional desc_info {desc, imgs}.
func parseDesc(r *fieldReader) descInfo {
	sub := &fieldReader{obj: r.optObject("desc_info"), prefix: "desc_info.", kind: r.kind}
	d := descInfo{Desc: sub.optStr("desc"), Imgs: sub.optStrs("imgs")}
	if r.err == nil {
		r.err = sub.err
	}
	return d
}

// checkGrants is the account state add and update depend on: a category
// whose qualification_type is 1 needs an approved category audit (§3.2
// 1000005, D text / I; contract "Built-in category tree"), and any brand
// but 2100000000 an approved brand audit (§3.2 1000006, D text / I;
// contract "Brands").
func checkGrants(in spuInput, audits *auditState) error {
	if c := in.category; c.QualificationType == qualificationMandatory && !audits.categoryGranted(c.ThirdCatID) {
		return failf(errCategoryNeedsQualification, "category %d needs an approved audit_category (%s)", c.ThirdCatID, c.Qualification)
	}
	if b := in.data.BrandID; b != noBrandID && !audits.brandGranted(b) {
		return failf(errBrandUnauthorized, "brand_id %d is not granted; submit audit_brand first", b)
	}
	return nil
}

// checkVersion is the contract's 1000013 (§3.2, I): an info_version lower
// than the stored one is stale. It runs right after existence, before the
// product's review state: a stale request is refused whatever the product
// is doing.
func (p *product) checkVersion(v string) error {
	if v == "" || p.infoVersion == "" || !versionLess(v, p.infoVersion) {
		return nil
	}
	return failf(errProductConflict, "info_version %q is older than the stored %q", v, p.infoVersion)
}

// versionLess compares as integers when both are, else as strings
// (contract "Product data").
func versionLess(a, b string) bool {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}

// spuAdd answers /shop/spu/add: out_product_id (1000001) → parseSPU →
// existence (1000012, deleted products included) → checkGrants → save →
// submit.
func spuAdd(req *request) (map[string]any, error) {
	st := req.acct.product
	outID, ok := asString(req.body["out_product_id"])
	if !ok { // §3.2 1000001 D
		return nil, failf(errProductIDMissing, "out_product_id")
	}
	in, err := parseSPU(req.body, true)
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

// spuUpdate answers /shop/spu/update: id pair (1000001) → parseSPU →
// existence (1000011) → checkVersion (1000013) → not under review
// (1000002, §3.2 D) → checkGrants → save → submit.
func spuUpdate(req *request) (map[string]any, error) {
	st := req.acct.product
	ref, err := readRef(req.body)
	var in spuInput
	if err == nil {
		in, err = parseSPU(req.body, false)
	}
	var p *product
	if err == nil {
		p, err = st.resolve(ref)
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
// (edit_status 1), as the contract says of 1000017; spu/update resubmits.
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

// approve is the review policy of profile reviews-approve: the draft
// becomes the online copy, and the first approval lists the product.
func (p *product) approve(now time.Time) {
	online := p.draft.clone()
	p.online = &online
	p.editStatus = editApproved
	p.review.reviewed = now
	if p.status == statusInitial {
		p.status = statusListed
	}
}

// skuPatch is one item of update_without_audit's skus[]: out_sku_id names
// an approved SKU, the rest (all optional) overwrite its values.
type skuPatch struct {
	outSKUID                         string
	salePrice, marketPrice, stockNum *int64
	skuCode, barcode                 *string
}

// patchInput is a validated update_without_audit body (§2.4: path O;
// skus[] O {out_sku_id R, sale_price, market_price, stock_num, sku_code,
// barcode}; info_version per the contract).
type patchInput struct {
	path    string
	skus    []skuPatch
	version string
}

// parsePatch is update_without_audit's field validation; every problem is
// 1000014 (§3.2 D text, I): a present field of the wrong type, or an item
// without out_sku_id.
func parsePatch(body map[string]any) (patchInput, error) {
	r := &fieldReader{obj: body, kind: errProductFieldMissing}
	in := patchInput{path: r.optStr("path")}
	in.version, _ = asText(body["info_version"])
	if in.version == "" && !absent(body["info_version"]) {
		r.fail("info_version", "must be a string")
	}
	items, ok := body["skus"].([]any)
	if !ok && body["skus"] != nil {
		r.fail("skus", "must be an array")
	}
	for i, it := range items {
		obj, _ := asObject(it)
		sr := &fieldReader{obj: obj, prefix: fmt.Sprintf("skus[%d].", i), kind: errProductFieldMissing}
		in.skus = append(in.skus, skuPatch{
			outSKUID:    sr.str("out_sku_id"),
			salePrice:   sr.optCount("sale_price"),
			marketPrice: sr.optCount("market_price"),
			stockNum:    sr.optCount("stock_num"),
			skuCode:     optString(sr, "sku_code"),
			barcode:     optString(sr, "barcode"),
		})
		if r.err == nil {
			r.err = sr.err
		}
	}
	return in, r.err
}

func optString(r *fieldReader, key string) *string {
	if r.obj[key] == nil {
		return nil
	}
	s := r.optStr(key)
	return &s
}

// spuUpdateWithoutAudit answers /shop/spu/update_without_audit: id pair
// (1000001) → parsePatch → existence (1000011) → checkVersion (1000013) →
// an approved version exists (1000003, §3.2 I) → every out_sku_id is in
// it (1000004, §3.2 D text) → patch. It needs no review, so no submission
// rule applies. The answer carries the real ids and time, not the zeros
// one live answer showed (§6.2 item 8).
func spuUpdateWithoutAudit(req *request) (map[string]any, error) {
	ref, err := readRef(req.body)
	var in patchInput
	if err == nil {
		in, err = parsePatch(req.body)
	}
	var p *product
	if err == nil {
		p, err = req.acct.product.resolve(ref)
	}
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
