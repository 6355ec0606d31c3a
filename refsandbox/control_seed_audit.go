package refsandbox

import (
	"errors"
	"net/http"
)

// Seeding and reviews of the audit domain (control_seed.go,
// control_reviews.go; refsandbox/README.md "Control API", "audits").
//
// A seeded audit is one item of "audits": {kind, audit_id, status,
// reject_reason, brand_id, audit_req}, audit_id and status as
// audit/result answers them (§2.3) and audit_req as audit_brand or
// audit_category took it, of which the sandbox keeps brand_info's
// brand_wording and category_info's levels. An approved audit grants its
// brand or category, as an approval does: get_brand_list and
// get_category_list answer it, and spu/add accepts it (1000005, 1000006).
// A seed is refused where audit_brand and audit_category could not have
// left the account: an id already taken, a status or reason the review
// does not reach, a category the tree lacks or that needs no
// application, a brand or category that already has a pending or
// approved audit (a later submission would have been 1050009, 1050010 or
// 1050003).

// auditBatch is what the audits of one seed call claim while it is read:
// the ids and brand ids they choose, the brand wordings and categories of
// their pending or approved audits, each with its owner ("audits[1]")
// for refusals. Ids left out are minted when the call is applied, past
// every id the call chose: nothing reads an audit's ids before then.
type auditBatch struct {
	owner    map[string]string
	brands   map[uint64]string
	wordings map[string]string
	level3   map[int64]string
	// What the approved audits of this call will grant, for the products
	// read after them.
	grantsBrand    map[uint64]bool
	grantsCategory map[int64]bool
}

func (b *seedBatch) auditBatch() *auditBatch {
	if b.auditSeeds == nil {
		b.auditSeeds = &auditBatch{owner: map[string]string{}, brands: map[uint64]string{}, wordings: map[string]string{}, level3: map[int64]string{},
			grantsBrand: map[uint64]bool{}, grantsCategory: map[int64]bool{}}
	}
	return b.auditSeeds
}

// seedAudit reads one item of "audits".
func seedAudit(b *seedBatch, it seedItem) {
	st := b.acct.audit
	ab := b.auditBatch()
	f := b.reader(it)
	a := &audit{}

	switch kind := f.need("kind"); kind {
	case "brand":
		a.brand = true
	case "category":
	case "": // refused by need
		return
	default:
		f.fail(http.StatusBadRequest, "kind", "%q is not brand or category", kind)
		return
	}
	status, _ := f.integer("status")
	switch status {
	case auditPending, auditApproved, auditRejected:
	default:
		f.fail(http.StatusBadRequest, "status", "%d is not 0 under review, 1 approved or 9 rejected", status)
	}
	a.status = int(status)
	a.rejectReason = f.str("reject_reason")
	switch {
	case a.status == auditRejected && a.rejectReason == "":
		f.fail(http.StatusBadRequest, "reject_reason", "missing: a rejected audit (status 9) carries the reason")
	case a.status != auditRejected && a.rejectReason != "":
		f.fail(http.StatusBadRequest, "reject_reason", "only a rejected audit (status 9) has one")
	}

	// audit/result answers no audit_req: a brand audit may do without
	// one (its brand then has no wording), a category audit cannot, since
	// its level3 is the category it grants.
	req, ok := f.object("audit_req")
	if !ok && !f.has("audit_req") && !a.brand {
		f.fail(http.StatusBadRequest, "audit_req", "missing: the audit_req audit_category took (its category_info.level3 is the category granted)")
	}
	if a.brand {
		seedBrandAudit(f, req, a, ab)
	} else {
		seedCategoryAudit(req, a, ab)
	}

	switch a.id = f.text("audit_id"); {
	case a.id == "":
	case st.byID[a.id] != nil:
		f.fail(http.StatusConflict, "audit_id", "%q is taken by an audit of the account", a.id)
	case ab.owner[a.id] != "":
		f.fail(http.StatusConflict, "audit_id", "%q is taken by %s of this call", a.id, ab.owner[a.id])
	default:
		ab.owner[a.id] = it.at
	}
	b.then(func() {
		if a.id == "" {
			a.id = st.mintID(func(id string) bool { return ab.owner[id] != "" })
		}
		if a.brand && a.status == auditApproved && a.brandID == 0 {
			a.brandID = st.mintBrandID(func(id uint64) bool { return ab.brands[id] != "" })
		}
		st.byID[a.id] = a
		st.list = append(st.list, a)
		if a.status == auditApproved {
			st.grant(a)
		}
	})
}

// seedBrandAudit reads a brand audit's wording and brand_id: a brand
// whose latest audit is pending or approved takes no later one (1050009,
// 1050010); only an approved brand audit has a brand_id, chosen or
// minted, which no other brand of the account has.
func seedBrandAudit(f, req seedReader, a *audit, ab *auditBatch) {
	st := f.b.acct.audit
	info, hasInfo := req.object("brand_info")
	if hasInfo || req.has("brand_info") {
		a.wording = info.need("brand_wording")
	}
	if a.wording != "" {
		prev := st.latest(func(x *audit) bool { return x.brand && x.wording == a.wording })
		switch {
		case prev != nil && prev.status != auditRejected:
			info.fail(http.StatusConflict, "brand_wording", "%q has audit %s with status %d: audit_brand would refuse another (1050009, 1050010)", a.wording, prev.id, prev.status)
		case ab.wordings[a.wording] != "":
			info.fail(http.StatusConflict, "brand_wording", "%q has a pending or approved audit in %s of this call", a.wording, ab.wordings[a.wording])
		case a.status != auditRejected:
			ab.wordings[a.wording] = f.it.at
		}
	}
	id := f.id("brand_id")
	switch {
	case id == 0: // minted when an approved audit is applied
	case a.status != auditApproved:
		f.fail(http.StatusBadRequest, "brand_id", "only an approved brand audit (status 1) has one")
	case id == noBrandID:
		f.fail(http.StatusBadRequest, "brand_id", "2100000000 means no brand (§2.4)")
	case st.brandGranted(id):
		f.fail(http.StatusConflict, "brand_id", "%d is taken by a brand of the account", id)
	case ab.brands[id] != "":
		f.fail(http.StatusConflict, "brand_id", "%d is taken by %s of this call", id, ab.brands[id])
	default:
		ab.brands[id] = f.it.at
		ab.grantsBrand[id] = a.status == auditApproved
		a.brandID = id
	}
}

// seedCategoryAudit reads a category audit's levels, judged as
// audit_category judges them (§3.5): level3 in the account's tree
// (1000009: 404) and level 3 (1000007: 400), level1 and level2, when
// given, its parents (1050004: 400), a category that needs an
// application (1050011: 400), and none granted (1050003) or pending
// (1050009) already: 409.
func seedCategoryAudit(req seedReader, a *audit, ab *auditBatch) {
	st := req.b.acct.audit
	info, _ := req.object("category_info")
	level1, level2, level3 := info.id("level1"), info.id("level2"), info.id("level3")
	if level3 == 0 {
		if !info.has("level3") {
			info.fail(http.StatusBadRequest, "level3", "missing: the level-3 category applied for")
		}
		return
	}
	a.level3 = int64(level3)
	cat, err := st.tree.lookup(a.level3)
	switch {
	case errors.Is(err, errCategoryUnknown):
		info.fail(http.StatusNotFound, "level3", "%d is not in the account's category tree (set it with the categories call)", level3)
		return
	case err != nil:
		info.fail(http.StatusBadRequest, "level3", "%d is not a level-3 category", level3)
		return
	case level1 != 0 && int64(level1) != cat.FirstCatID:
		info.fail(http.StatusBadRequest, "level1", "category %d is under %d, not %d", level3, cat.FirstCatID, level1)
	case level2 != 0 && int64(level2) != cat.SecondCatID:
		info.fail(http.StatusBadRequest, "level2", "category %d is under %d, not %d", level3, cat.SecondCatID, level2)
	case cat.QualificationType == qualificationNone:
		info.fail(http.StatusBadRequest, "level3", "category %d needs no application (audit_category answers 1050011)", level3)
	}
	prev := st.latest(func(x *audit) bool { return !x.brand && x.level3 == a.level3 && x.status == auditPending })
	switch {
	case st.categoryGranted(a.level3):
		info.fail(http.StatusConflict, "level3", "category %d is granted already: audit_category would refuse another (1050003)", level3)
	case prev != nil:
		info.fail(http.StatusConflict, "level3", "category %d has audit %s pending: audit_category would refuse another (1050009)", level3, prev.id)
	case ab.level3[a.level3] != "":
		info.fail(http.StatusConflict, "level3", "category %d has a pending or approved audit in %s of this call", level3, ab.level3[a.level3])
	case a.status != auditRejected:
		ab.level3[a.level3] = req.it.at
		ab.grantsCategory[a.level3] = a.status == auditApproved
	}
}

// decideAuditReview decides a pending brand or category audit (status
// 0) by its audit_id: approval grants its brand (with a new brand_id) or
// category, rejection sets status 9 with the reason.
func decideAuditReview(r *reviewCall) *controlError {
	switch {
	case r.req.ProductID != nil:
		return refuse(http.StatusBadRequest, "product_id", "a %s review is named by audit_id", r.req.Kind)
	case r.req.OutProductID != "":
		return refuse(http.StatusBadRequest, "out_product_id", "a %s review is named by audit_id", r.req.Kind)
	}
	id, ok := asText(r.req.AuditID)
	if !ok {
		return refuse(http.StatusBadRequest, "audit_id", "want the audit_id audit_%s answered", r.req.Kind)
	}
	st := r.acct.audit
	a := st.byID[id]
	switch {
	case a == nil:
		return refuse(http.StatusNotFound, "audit_id", "no audit %q", id)
	case a.brand != (r.req.Kind == "brand"):
		return refuse(http.StatusNotFound, "audit_id", "audit %q is not a %s audit", id, r.req.Kind)
	case a.status != auditPending:
		return refuse(http.StatusConflict, "audit_id", "audit %q has status %d; only a pending one (0) is decided", id, a.status)
	}
	if r.approve {
		st.grant(a)
	} else {
		a.status, a.rejectReason = auditRejected, r.req.Reason
	}
	return nil
}
