package refsandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/refsandbox/control"
)

// brandSeed and categorySeed are audits items; set overrides members.
func brandSeed(wording string, set map[string]any) map[string]any {
	a := map[string]any{"kind": "brand", "audit_req": map[string]any{"brand_info": map[string]any{"brand_wording": wording}}}
	for k, v := range set {
		a[k] = v
	}
	return a
}

func categorySeed(level1, level2, level3 any, set map[string]any) map[string]any {
	a := map[string]any{"kind": "category", "audit_req": map[string]any{"category_info": map[string]any{"level1": level1, "level2": level2, "level3": level3}}}
	for k, v := range set {
		a[k] = v
	}
	return a
}

// auditResult is audit/result's data for id.
func auditResultOf(t *testing.T, tg *target, tok, id string) map[string]any {
	t.Helper()
	resp := post(t, tg, tok, auditResPth, `{"audit_id":"`+id+`"}`)
	wantCode(t, resp, catalog.OK)
	wantShape(t, auditResPth, resp)
	data, _ := resp["data"].(map[string]any)
	return data
}

// brandIDs are the brand_ids get_brand_list answers.
func brandIDs(t *testing.T, tg *target, tok string) []string {
	t.Helper()
	var ids []string
	for _, b := range post(t, tg, tok, "/shop/account/get_brand_list", `{}`)["data"].([]any) {
		ids = append(ids, b.(map[string]any)["brand_id"].(json.Number).String())
	}
	return ids
}

// TestSeedAuditRoundTrip: audit/result answers what was seeded, an
// approved brand audit grants its brand (get_brand_list, spu/add), an
// approved category audit its category (get_category_list, spu/add).
func TestSeedAuditRoundTrip(t *testing.T) {
	tg := loopbackTarget(t)
	ctl, acct, tok := seedAccount(t, tg, "default")
	if err := ctl.Seed(context.Background(), acct.AppID, control.Seed{Audits: []any{
		brandSeed("甲", map[string]any{"audit_id": "HIDFUSHJRIYAAAAAAAA", "status": 1, "brand_id": "2200000077"}),
		brandSeed("乙", map[string]any{"audit_id": 42}),
		brandSeed("丙", map[string]any{"audit_id": "rejected", "status": 9, "reject_reason": "商标证书不清晰"}),
		categorySeed(nil, nil, 6201, map[string]any{"audit_id": "cat", "status": 1}),
		categorySeed(1003, 1301, "6301", map[string]any{"audit_id": "cat-rejected", "status": 9, "reject_reason": "资质过期"}),
	}}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]map[string]any{
		"HIDFUSHJRIYAAAAAAAA": {"status": json.Number("1"), "brand_id": json.Number("2200000077"), "reject_reason": ""},
		"42":                  {"status": json.Number("0"), "brand_id": json.Number("0"), "reject_reason": ""},
		"rejected":            {"status": json.Number("9"), "brand_id": json.Number("0"), "reject_reason": "商标证书不清晰"},
		"cat":                 {"status": json.Number("1"), "reject_reason": ""},
		"cat-rejected":        {"status": json.Number("9"), "reject_reason": "资质过期"},
	} {
		data := auditResultOf(t, tg, tok, id)
		for k, v := range want {
			if data[k] != v {
				t.Errorf("audit %s: %s = %v, want %v", id, k, data[k], v)
			}
		}
	}
	wantCode(t, post(t, tg, tok, auditResPth, `{"audit_id":42}`), catalog.OK) // a number finds its text
	if ids := brandIDs(t, tg, tok); !slices.Equal(ids, []string{"2200000077"}) {
		t.Errorf("get_brand_list answers %v, want the approved brand alone", ids)
	}
	var cats []int64
	for _, c := range post(t, tg, tok, "/shop/account/get_category_list", `{}`)["data"].([]any) {
		id, _ := c.(map[string]any)["third_cat_id"].(json.Number).Int64()
		cats = append(cats, id)
	}
	if !slices.Contains(cats, 6201) || slices.Contains(cats, 6301) {
		t.Errorf("get_category_list answers %v, want 6201 (approved) and not 6301 (rejected)", cats)
	}
	granted := spuBody("granted", set("brand_id", 2200000077), set("third_cat_id", 6201), set("qualification_pics", []any{"https://mmecimage.cn/p/q.jpg"}))
	wantCode(t, post(t, tg, tok, "/shop/spu/add", granted), catalog.OK)
	wantCode(t, post(t, tg, tok, "/shop/spu/add", spuBody("not-granted", set("third_cat_id", 6301), set("qualification_pics", []any{"https://mmecimage.cn/p/q.jpg"}))), catalog.ProductCategoryNeedsQualification)
	// A rejected brand may be submitted again; a pending one may not.
	wantCode(t, post(t, tg, tok, brandAudit, brandBody("丙")), catalog.OK)
	wantCode(t, post(t, tg, tok, brandAudit, brandBody("乙")), catalog.AuditUnderReview)
	wantCode(t, post(t, tg, tok, brandAudit, brandBody("甲")), catalog.AuditAlreadyApproved)
}

// TestSeedAuditRefusals: every refusal names its field and status, and a
// refused call adds nothing.
func TestSeedAuditRefusals(t *testing.T) {
	tg := loopbackTarget(t)
	ctl, acct, tok := seedAccount(t, tg, "default")
	ctx := context.Background()
	if err := ctl.Seed(ctx, acct.AppID, control.Seed{Audits: []any{
		brandSeed("pending", map[string]any{"audit_id": "p"}),
		brandSeed("approved", map[string]any{"audit_id": "a", "status": 1, "brand_id": 2200000050}),
		categorySeed(1002, 1201, 6201, map[string]any{"status": 1}),
		categorySeed(1003, 1301, 6301, nil),
	}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		item   map[string]any
		status int
		field  string
	}{
		{"no kind", map[string]any{"audit_req": map[string]any{}}, 400, "audits[1].kind"},
		{"an unknown kind", brandSeed("n", map[string]any{"kind": "shop"}), 400, "audits[1].kind"},
		{"a status not documented", brandSeed("n", map[string]any{"status": 2}), 400, "audits[1].status"},
		{"a status of the wrong type", brandSeed("n", map[string]any{"status": "1"}), 400, "audits[1].status"},
		{"rejected without a reason", brandSeed("n", map[string]any{"status": 9}), 400, "audits[1].reject_reason"},
		{"a reason while pending", brandSeed("n", map[string]any{"reject_reason": "r"}), 400, "audits[1].reject_reason"},
		{"no audit_req on a category audit", map[string]any{"kind": "category"}, 400, "audits[1].audit_req"},
		{"no brand_wording", map[string]any{"kind": "brand", "audit_req": map[string]any{"brand_info": map[string]any{}}}, 400, "audits[1].audit_req.brand_info.brand_wording"},
		{"a brand_id while pending", brandSeed("n", map[string]any{"brand_id": 2200000099}), 400, "audits[1].brand_id"},
		{"brand_id no brand", brandSeed("n", map[string]any{"status": 1, "brand_id": 2100000000}), 400, "audits[1].brand_id"},
		{"brand_id taken", brandSeed("n", map[string]any{"status": 1, "brand_id": 2200000050}), 409, "audits[1].brand_id"},
		{"brand_id taken in the call", brandSeed("n", map[string]any{"status": 1, "brand_id": 2200000060}), 409, "audits[1].brand_id"},
		{"audit_id taken", brandSeed("n", map[string]any{"audit_id": "p"}), 409, "audits[1].audit_id"},
		{"audit_id taken in the call", brandSeed("n", map[string]any{"audit_id": "good"}), 409, "audits[1].audit_id"},
		{"a brand pending already", brandSeed("pending", nil), 409, "audits[1].audit_req.brand_info.brand_wording"},
		{"a brand approved already", brandSeed("approved", map[string]any{"status": 9, "reject_reason": "r"}), 409, "audits[1].audit_req.brand_info.brand_wording"},
		{"a brand pending in the call", brandSeed("good", nil), 409, "audits[1].audit_req.brand_info.brand_wording"},
		{"no level3", categorySeed(1002, 1201, nil, nil), 400, "audits[1].audit_req.category_info.level3"},
		{"a category not in the tree", categorySeed(nil, nil, 999, nil), 404, "audits[1].audit_req.category_info.level3"},
		{"a level-2 category", categorySeed(nil, nil, 1201, nil), 400, "audits[1].audit_req.category_info.level3"},
		{"a wrong level1", categorySeed(1001, nil, 6202, nil), 400, "audits[1].audit_req.category_info.level1"},
		{"a wrong level2", categorySeed(1002, 1101, 6202, nil), 400, "audits[1].audit_req.category_info.level2"},
		{"a category needing no application", categorySeed(nil, nil, 6153, nil), 400, "audits[1].audit_req.category_info.level3"},
		{"a category granted", categorySeed(nil, nil, 6201, nil), 409, "audits[1].audit_req.category_info.level3"},
		{"a category pending", categorySeed(nil, nil, 6301, map[string]any{"status": 1}), 409, "audits[1].audit_req.category_info.level3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A good item first: the call is all or nothing.
			good := brandSeed("good", map[string]any{"audit_id": "good", "status": 1, "brand_id": 2200000060})
			wantRefusal(t, ctl.Seed(ctx, acct.AppID, control.Seed{Audits: []any{good, c.item}}), c.status, c.field)
			wantCode(t, post(t, tg, tok, auditResPth, `{"audit_id":"good"}`), catalog.AuditNotFound)
		})
	}
	if ids := brandIDs(t, tg, tok); !slices.Equal(ids, []string{"2200000050"}) {
		t.Errorf("after refused seeds get_brand_list answers %v", ids)
	}
}

// TestSeedAuditIDsSkipped: the audit ids and brand ids the sandbox mints
// after a seed skip the seeded ones.
func TestSeedAuditIDsSkipped(t *testing.T) {
	tg := loopbackTarget(t)
	ctl, acct, tok := seedAccount(t, tg, "reviews-approve")
	first := strconv.FormatUint(firstAuditID, 10)
	if err := ctl.Seed(context.Background(), acct.AppID, control.Seed{Audits: []any{
		brandSeed("minted", map[string]any{"status": 1}), // before the one that chooses: its ids skip those
		brandSeed("chosen", map[string]any{"audit_id": first, "status": 1, "brand_id": firstBrandID}),
	}}); err != nil {
		t.Fatal(err)
	}
	if data := auditResultOf(t, tg, tok, first); data["brand_id"] != json.Number(strconv.FormatUint(firstBrandID, 10)) {
		t.Errorf("the chosen audit answers %v", data)
	}
	resp := post(t, tg, tok, brandAudit, brandBody("新品牌"))
	wantCode(t, resp, catalog.OK)
	id, _ := resp["audit_id"].(string)
	seen := map[string]bool{first: true}
	ids := brandIDs(t, tg, tok)
	for _, b := range ids {
		if seen[b] {
			t.Errorf("brand_id %s is answered twice: %v", b, ids)
		}
		seen[b] = true
	}
	if len(ids) != 3 || id == first {
		t.Errorf("brands %v and the new audit_id %s: want three brands and a new id", ids, id)
	}
}

// TestAuditReviewCall: the review call approves a pending audit (which
// grants) or rejects it with its reason, and refuses an audit that is not
// pending (409), not there or of the other kind (404), or a call that names
// no audit (400).
func TestAuditReviewCall(t *testing.T) {
	tg := loopbackTarget(t)
	ctl, acct, tok := seedAccount(t, tg, "default")
	ctx := context.Background()
	brand := post(t, tg, tok, brandAudit, brandBody("待审品牌"))
	wantCode(t, brand, catalog.OK)
	brandID, _ := brand["audit_id"].(string)
	category := post(t, tg, tok, catAudit, catBody("1002", "1201", "6201", certURL))
	wantCode(t, category, catalog.OK)
	categoryID, _ := category["audit_id"].(string)

	if err := ctl.Decide(ctx, acct.AppID, control.Review{Kind: "brand", AuditID: brandID, Decision: "approve"}); err != nil {
		t.Fatal(err)
	}
	data := auditResultOf(t, tg, tok, brandID)
	if data["status"] != json.Number("1") || data["brand_id"] != json.Number(strconv.FormatUint(firstBrandID, 10)) {
		t.Errorf("approved brand: %v", data)
	}
	if ids := brandIDs(t, tg, tok); len(ids) != 1 {
		t.Errorf("get_brand_list answers %v after the approval", ids)
	}
	if err := ctl.Decide(ctx, acct.AppID, control.Review{Kind: "category", AuditID: json.Number(categoryID), Decision: "reject", Reason: "证书过期"}); err != nil {
		t.Fatal(err)
	}
	data = auditResultOf(t, tg, tok, categoryID)
	if data["status"] != json.Number("9") || data["reject_reason"] != "证书过期" {
		t.Errorf("rejected category: %v", data)
	}
	// Rejected, the category may be submitted again.
	wantCode(t, post(t, tg, tok, catAudit, catBody("1002", "1201", "6201", certURL)), catalog.OK)

	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "brand", AuditID: brandID, Decision: "approve"}), http.StatusConflict, "audit_id")
	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "brand", AuditID: "nobody", Decision: "approve"}), http.StatusNotFound, "audit_id")
	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "category", AuditID: brandID, Decision: "approve"}), http.StatusNotFound, "audit_id")
	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "brand", Decision: "approve"}), http.StatusBadRequest, "audit_id")
	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "brand", AuditID: brandID, OutProductID: "p", Decision: "approve"}), http.StatusBadRequest, "out_product_id")
}
