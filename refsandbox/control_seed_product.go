package refsandbox

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Seeding and reviews of the product domain (control_seed.go,
// control_reviews.go; refsandbox/README.md "Control API", "products").
//
// A seeded product is one item of "products" in the shape of spu/get's
// spu (§2.4). Its fields are its draft; a product a review ever approved
// (status not 0) has an online copy too, the same fields, so spu/get
// answers them with need_edit_spu 0 and 1 alike. The seed stands for
// what spu/add and the reviews would have left, so it is refused where
// they could not have left it: an id already taken, a (status,
// edit_status) pair or review times the product's status machine does
// not reach, a category the account's tree lacks, a category or brand
// the account was not granted (spu/add checks the grants before it saves
// any draft, so every draft the sandbox holds passed them).

// seedStatuses are the online statuses a seed may hold (§2.4): the later
// docs' 6, 14, 15 and 20 are not modelled.
var seedStatuses = []int64{statusInitial, statusListed, statusDelisted, statusViolated}

// productBatch is what the products of one seed call claim while the call
// is read: every id they choose or mint, with its owner
// ("products[1].skus[0]") for refusals, and their out_product_ids.
type productBatch struct {
	owner       map[uint64]string
	outIDs      map[string]string
	remint      map[uint64]func(uint64) // a minted id's holder, to give it another id
	next        uint64                  // the next id to mint, from the account's
	accountSKUs map[uint64]bool         // every sku_id the account holds, deleted products' too
}

func (b *seedBatch) productBatch() *productBatch {
	if b.productSeeds == nil {
		st := b.acct.product
		pb := &productBatch{owner: map[uint64]string{}, outIDs: map[string]string{}, remint: map[uint64]func(uint64){},
			next: st.nextID, accountSKUs: map[uint64]bool{}}
		for _, p := range st.byID {
			for _, copy := range []*spuData{&p.draft, p.online} {
				if copy != nil {
					for _, s := range copy.SKUs {
						pb.accountSKUs[s.SKUID] = true
					}
				}
			}
		}
		b.productSeeds = pb
		b.products = map[string]*product{}
		b.productIDs = map[uint64]*product{}
		// Before any product of the call is applied: the allocator moves
		// past what the call minted and skips what it chose.
		b.then(func() {
			st.nextID = max(st.nextID, pb.next)
			for id := range pb.owner {
				if id >= st.nextID {
					st.seeded[id] = true
				}
			}
		})
	}
	return b.productSeeds
}

// mint gives set the next id neither the account nor this call holds.
func (pb *productBatch) mint(st *productState, owner string, set func(uint64)) {
	for st.seeded[pb.next] || pb.owner[pb.next] != "" {
		pb.next++
	}
	id := pb.next
	pb.next++
	pb.owner[id], pb.remint[id] = owner, set
	set(id)
}

// claim takes a chosen id for owner. An id an earlier item of the call
// was minted is taken from it (it gets another: the kinds that refer to
// products are read after every product); one an earlier item chose is
// not, and claim answers that item.
func (pb *productBatch) claim(st *productState, id uint64, owner string) (clash string) {
	prev, set := pb.owner[id], pb.remint[id]
	switch {
	case prev == "":
	case set == nil:
		return prev
	default:
		delete(pb.remint, id)
		pb.owner[id] = owner
		pb.mint(st, prev, set)
		return ""
	}
	pb.owner[id] = owner
	return ""
}

// seedProduct reads one item of "products".
func seedProduct(b *seedBatch, it seedItem) {
	st := b.acct.product
	pb := b.productBatch()
	f := b.reader(it)
	p := &product{}

	p.outID = f.need("out_product_id")
	chosenID := f.id("product_id")
	switch {
	case p.outID == "":
	case utf8.RuneCountInString(p.outID) > 128:
		f.fail(http.StatusBadRequest, "out_product_id", "over 128 characters (spu/add answers 990008)")
	case st.byOut[p.outID] != nil:
		f.fail(http.StatusConflict, "out_product_id", "%q is taken by a product of the account (deleted ones keep theirs, §3.2 1000012)", p.outID)
	case pb.outIDs[p.outID] != "":
		f.fail(http.StatusConflict, "out_product_id", "%q is taken by %s of this call", p.outID, pb.outIDs[p.outID])
	default:
		pb.outIDs[p.outID] = it.at
		b.products[p.outID] = p
	}
	if chosenID != 0 {
		if st.byID[chosenID] != nil {
			f.fail(http.StatusConflict, "product_id", "%d is taken by a product of the account", chosenID)
		} else if clash := pb.claim(st, chosenID, it.at); clash != "" {
			f.fail(http.StatusConflict, "product_id", "%d is taken by %s of this call", chosenID, clash)
		}
	}

	p.draft = readSeedSPU(f, p.outID, pb)
	p.infoVersion = p.draft.InfoVersion
	readSeedStatus(f, p)
	readSeedReview(f, p)
	checkSeedCategory(f, p.draft, b.acct.audit, b.auditBatch())

	if id, err := strconv.ParseUint(p.review.auditID, 10, 64); err == nil {
		pb.claim(st, id, it.at+".audit_info.audit_id") // review ids come from the same allocator; a clash is harmless
	}
	if p.id = chosenID; p.id == 0 {
		pb.mint(st, it.at, func(id uint64) {
			delete(b.productIDs, p.id)
			p.id = id
			b.productIDs[id] = p
		})
	}
	b.productIDs[p.id] = p
	for i := range p.draft.SKUs {
		if p.draft.SKUs[i].SKUID == 0 {
			pb.mint(st, it.at+".skus["+strconv.Itoa(i)+"]", func(id uint64) { p.draft.SKUs[i].SKUID = id })
		}
	}
	if p.review.auditID == "" && !p.review.submitted.IsZero() {
		pb.mint(st, it.at+".audit_info.audit_id", func(id uint64) { p.review.auditID = strconv.FormatUint(id, 10) })
	}
	b.then(func() {
		if p.status != statusInitial {
			online := p.draft.clone()
			p.online = &online
		}
		st.add(p)
	})
}

// add files a product, keeping get_list's creation order.
func (st *productState) add(p *product) {
	st.byID[p.id] = p
	st.byOut[p.outID] = p
	i := len(st.list)
	for i > 0 && st.list[i-1].created.After(p.created) {
		i--
	}
	st.list = slices.Insert(st.list, i, p)
}

// readSeedSPU reads the draft's fields, each of the type spu/get answers
// it. Fields spu/add requires are not required here: what is left out
// answers empty, and brand_id 2100000000 ("no brand", §2.4).
func readSeedSPU(f seedReader, outID string, pb *productBatch) spuData {
	d := spuData{
		Title:             f.str("title"),
		Path:              f.str("path"),
		HeadImg:           f.strs("head_img"),
		QualificationPics: f.strs("qualification_pics"),
		InfoVersion:       f.text("info_version"),
		BrandID:           noBrandID,
		SKUs:              []sku{},
		DescInfo:          descInfo{Imgs: []string{}},
	}
	if desc, ok := f.object("desc_info"); ok {
		d.DescInfo = descInfo{Desc: desc.str("desc"), Imgs: desc.strs("imgs")}
	}
	if n, ok := f.integer("third_cat_id"); ok {
		d.ThirdCatID = n
	}
	if id := f.id("brand_id"); id != 0 {
		d.BrandID = id
	}
	for _, s := range f.objects("skus") {
		if s.obj != nil { // an item that is no object is refused, and no sku
			d.SKUs = append(d.SKUs, readSeedSKU(s, outID, d.SKUs, pb))
		}
	}
	return d
}

// readSeedSKU reads skus[i]: out_sku_id is its key (orders and update
// name an sku by it), so it is required and not repeated; sku_id is
// chosen, or minted once the item is read.
func readSeedSKU(s seedReader, outID string, before []sku, pb *productBatch) sku {
	st := s.b.acct.product
	k := sku{
		OutProductID: s.str("out_product_id"),
		OutSKUID:     s.need("out_sku_id"),
		ThumbImg:     s.str("thumb_img"),
		SKUCode:      s.str("sku_code"),
		Barcode:      s.str("barcode"),
		SKUAttrs:     []skuAttr{},
	}
	if k.OutProductID == "" {
		k.OutProductID = outID
	}
	if k.OutSKUID != "" && slices.ContainsFunc(before, func(o sku) bool { return o.OutSKUID == k.OutSKUID }) {
		s.fail(http.StatusBadRequest, "out_sku_id", "%q is listed twice (spu/add answers 1000014)", k.OutSKUID)
	}
	for _, key := range []string{"sale_price", "market_price", "stock_num"} {
		n, ok := s.integer(key)
		if ok && n < 0 {
			s.fail(http.StatusBadRequest, key, "is %d, below 0", n)
		}
		switch key {
		case "sale_price":
			k.SalePrice = n
		case "market_price":
			k.MarketPrice = n
		default:
			k.StockNum = n
		}
	}
	for _, a := range s.objects("sku_attrs") {
		k.SKUAttrs = append(k.SKUAttrs, skuAttr{a.str("attr_key"), a.str("attr_value")})
	}
	id := s.id("sku_id")
	switch {
	case id == 0:
	case pb.accountSKUs[id]:
		s.fail(http.StatusConflict, "sku_id", "%d is taken by an sku of the account", id)
	default:
		if clash := pb.claim(st, id, s.where()); clash != "" {
			s.fail(http.StatusConflict, "sku_id", "%d is taken by %s of this call", id, clash)
		}
	}
	k.SKUID = id
	return k
}

// readSeedStatus reads status and edit_status and refuses a pair the
// product's status machine does not reach (§2.4, refsandbox/README.md
// "Model"): status 0 is a product no review approved yet, and the first
// approval lists it, so edit_status 4 never comes with status 0; edit_status
// 0 never outlives spu/add's submission. Left out, status is 0 and
// edit_status 2 (spu/add's product, under review), or 4 when status is
// not 0 (approved).
func readSeedStatus(f seedReader, p *product) {
	status, _ := f.integer("status")
	if !slices.Contains(seedStatuses, status) {
		f.fail(http.StatusBadRequest, "status", "%d is not a status the sandbox models: 0 initial, 5 listed, 11 delisted by the merchant, 13 delisted for a violation", status)
	}
	edit, ok := f.integer("edit_status")
	switch {
	case !ok && status == statusInitial:
		edit = editUnderReview
	case !ok:
		edit = editApproved
	case edit < editEditing || edit > editApproved:
		f.fail(http.StatusBadRequest, "edit_status", "%d is not 1 editing, 2 under review, 3 rejected or 4 approved", edit)
	case edit == editApproved && status == statusInitial:
		f.fail(http.StatusBadRequest, "edit_status", "4 (approved) with status 0: the first approval lists a product (status 5)")
	}
	p.status, p.editStatus = int(status), int(edit)
}

// readSeedReview reads the times and audit_info and refuses what the
// status machine does not reach: a review under way (edit_status 2) has
// no audit_time and no reject_reason, an approved one no reject_reason,
// a rejected one (3) has its reason; times come in their order (created,
// submitted, reviewed) and none is after the account's clock. Left out,
// create_time is the account's now, a product ever submitted was
// submitted when it was created and reviewed when it was submitted, and
// update_time is the latest of them.
func readSeedReview(f seedReader, p *product) {
	ai, _ := f.object("audit_info")
	p.review = reviewInfo{auditID: ai.text("audit_id"), rejectReason: ai.str("reject_reason")}
	// A product's times are wrong in themselves when after the account's
	// clock: 400 (refsandbox/README.md, "products").
	past := func(r seedReader, key string) time.Time {
		_, t := r.datetime(key)
		r.happened(http.StatusBadRequest, key, t)
		return t
	}
	p.created = past(f, "create_time")
	p.updated = past(f, "update_time")
	p.review.submitted = past(ai, "submit_time")
	p.review.reviewed = past(ai, "audit_time")

	switch {
	case p.editStatus == editUnderReview && !p.review.reviewed.IsZero():
		ai.fail(http.StatusBadRequest, "audit_time", "a review under way (edit_status 2) has no audit_time yet")
	case p.editStatus == editRejected && p.review.rejectReason == "":
		ai.fail(http.StatusBadRequest, "reject_reason", "missing: a rejected draft (edit_status 3) carries the reason")
	}
	if (p.editStatus == editUnderReview || p.editStatus == editApproved) && p.review.rejectReason != "" {
		ai.fail(http.StatusBadRequest, "reject_reason", "only a rejected draft (edit_status 3) has one")
	}

	if p.created.IsZero() {
		p.created = f.b.now
	}
	submitted := p.editStatus != editEditing || p.status != statusInitial
	reviewed := p.editStatus == editRejected || p.editStatus == editApproved || p.status != statusInitial && p.editStatus != editUnderReview
	if p.review.submitted.IsZero() && (submitted || !p.review.reviewed.IsZero()) {
		p.review.submitted = p.created
	}
	if p.review.reviewed.IsZero() && reviewed {
		p.review.reviewed = p.review.submitted
	}
	if p.updated.IsZero() {
		p.updated = latest(p.created, p.review.submitted, p.review.reviewed)
	}
	inOrder := func(m seedReader, field string, t, after time.Time, what string) {
		if !t.IsZero() && t.Before(after) {
			m.fail(http.StatusBadRequest, field, "%s is before %s (%s)", chinaTime(t), what, chinaTime(after))
		}
	}
	inOrder(f, "update_time", p.updated, p.created, "create_time")
	inOrder(ai, "submit_time", p.review.submitted, p.created, "create_time")
	inOrder(ai, "audit_time", p.review.reviewed, p.review.submitted, "submit_time")
}

func latest(times ...time.Time) time.Time {
	var t time.Time
	for _, x := range times {
		if x.After(t) {
			t = x
		}
	}
	return t
}

// checkSeedCategory judges the draft's category and brand as spu/add
// does before it saves a draft (§3.2): third_cat_id in the account's tree
// (1000009: 404) and level 3 (1000007: 400), qualification_pics when the
// category's product_qualification_type is 1 (1000008: 400), the
// category granted when its qualification_type is 1 (1000005: 404) and
// any brand but 2100000000 granted (1000006: 404): by the account, or by
// an approved audit of the same call (audits are read before products).
func checkSeedCategory(f seedReader, d spuData, audits *auditState, seeds *auditBatch) {
	if d.ThirdCatID != 0 {
		cat, err := audits.tree.lookup(d.ThirdCatID)
		switch {
		case errors.Is(err, errCategoryUnknown):
			f.fail(http.StatusNotFound, "third_cat_id", "%d is not in the account's category tree (set it with the categories call)", d.ThirdCatID)
		case err != nil:
			f.fail(http.StatusBadRequest, "third_cat_id", "%d is not a level-3 category", d.ThirdCatID)
		case cat.ProductQualificationType == qualificationMandatory && len(d.QualificationPics) == 0:
			f.fail(http.StatusBadRequest, "qualification_pics", "category %d needs them (%s)", d.ThirdCatID, cat.ProductQualification)
		case cat.QualificationType == qualificationMandatory && !audits.categoryGranted(d.ThirdCatID) && !seeds.grantsCategory[d.ThirdCatID]:
			f.fail(http.StatusNotFound, "third_cat_id", "category %d needs an approved category audit (seed one)", d.ThirdCatID)
		}
	}
	if d.BrandID != noBrandID && !audits.brandGranted(d.BrandID) && !seeds.grantsBrand[d.BrandID] {
		f.fail(http.StatusNotFound, "brand_id", "%d is not a brand granted to the account (seed an approved brand audit with this brand_id, or send 2100000000)", d.BrandID)
	}
}

// decideProductReview decides a draft under review (edit_status 2),
// named by product_id or out_product_id: approval puts it online as an
// approval on reviews-approve does, rejection sets edit_status 3 with the
// reason. Either stamps audit_time with the account's clock.
func decideProductReview(r *reviewCall) *controlError {
	if r.req.AuditID != nil {
		return refuse(http.StatusBadRequest, "audit_id", "a product review is named by product_id or out_product_id")
	}
	var ref idPair
	field := "out_product_id"
	if r.req.ProductID != nil {
		id, ok := asUint(r.req.ProductID)
		if !ok {
			return refuse(http.StatusBadRequest, "product_id", "want a uint64, or its decimal text")
		}
		ref.id, ref.hasID = id, id != 0
	}
	if ref.outID = r.req.OutProductID; ref.outID == "" {
		field = "product_id"
	}
	if !ref.hasID && ref.outID == "" {
		return refuse(http.StatusBadRequest, "product_id", "name the product: product_id or out_product_id")
	}
	p, err := r.acct.product.resolve(ref)
	switch {
	case err != nil:
		return refuse(http.StatusNotFound, field, "no such product (or product_id and out_product_id name different ones)")
	case p.editStatus != editUnderReview:
		return refuse(http.StatusConflict, field, "product %q has edit_status %d; only a draft under review (2) is decided", p.outID, p.editStatus)
	}
	if r.approve {
		p.approve(r.now)
	} else {
		p.reject(r.now, r.req.Reason)
	}
	return nil
}
