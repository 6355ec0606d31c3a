package refsandbox

import (
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

func init() {
	productExampleNeeds["category 7448 under 7419 and 7439 in the account's category tree, with a qualification to apply for"] = need{
		setup: func(t *testing.T, tg *target, _ string) {
			addCategories(t, tg, "default", category{FirstCatID: 7419, FirstCatName: "医药健康", SecondCatID: 7439, SecondCatName: "保健器械",
				ThirdCatID: 7448, ThirdCatName: "血压计", Qualification: "医疗器械经营备案凭证", QualificationType: qualificationMandatory})
		}}
	productExampleNeeds["audit HIDFUSHJRIYAAAAAAAA of this account"] = need{setup: func(t *testing.T, tg *target, _ string) {
		acct := accountFor(t, tg, "default")
		acct.mu.Lock()
		defer acct.mu.Unlock()
		a := &audit{id: "HIDFUSHJRIYAAAAAAAA", brand: true, wording: "示例品牌"}
		acct.audit.byID[a.id] = a
		acct.audit.list = append(acct.audit.list, a)
	}}
	productExampleNeeds["profile miniapp-certified: a brand submitted on the MP side"] = need{profile: "miniapp-certified"}
}

func TestAuditExamples(t *testing.T) { runExamples(t, catalog.Audit) }

// TestAuditAnswerShapes: every success answer of the audit domain's
// endpoints has its documented shape, approved audits included.
func TestAuditAnswerShapes(t *testing.T) {
	sb, clock := newSandbox(t, nil)
	tg := &target{name: "in-process", sb: sb, clock: clock, client: sb.Client(), base: "http://sandbox.invalid"}
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, profile := range []string{"default", "reviews-approve", "miniapp-certified"} {
		tok := token(t, tg, profile)
		brand := post(t, tg, tok, brandAudit, brandBody("形状品牌"))
		category := post(t, tg, tok, catAudit, catBody("1003", "1301", "6301", certURL))
		for _, c := range []struct {
			path string
			resp map[string]any
		}{
			{brandAudit, brand},
			{catAudit, category},
			{auditResPth, post(t, tg, tok, auditResPth, `{"audit_id":"`+brand["audit_id"].(string)+`"}`)},
			{auditResPth, post(t, tg, tok, auditResPth, `{"audit_id":`+category["audit_id"].(string)+`}`)},
			{"/shop/cat/get", post(t, tg, tok, "/shop/cat/get", `{}`)},
		} {
			ep, _ := spec.Endpoint(c.path)
			wantCode(t, c.resp, 0)
			for _, problem := range validate.Response(ep, c.resp) {
				t.Errorf("%s on %s: %s", c.path, profile, problem)
			}
		}
	}
	tok := token(t, tg, "miniapp-certified")
	ep, _ := spec.Endpoint("/shop/audit/get_miniapp_certificate")
	for _, rt := range []string{"1", "2"} {
		resp := post(t, tg, tok, ep.Path, `{"req_type":`+rt+`}`)
		wantCode(t, resp, 0)
		for _, problem := range validate.Response(ep, resp) {
			t.Errorf("get_miniapp_certificate %s: %s", rt, problem)
		}
	}
}
