package refsandbox

import (
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
)

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
