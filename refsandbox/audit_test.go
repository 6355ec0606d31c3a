package refsandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// Audit bodies from §2.3 (license an array, per the table and the
// maintainer, §6.2 item 3).
const (
	brandAuditBody = `{"audit_req":{"license":["https://mmecimage.cn/p/shopconform/licence.jpg"],"brand_info":{"brand_audit_type":1,
		"trademark_type":"29","brand_management_type":1,"commodity_origin_type":1,"brand_wording":"%s",
		"trademark_registration_certificate":["https://mmecimage.cn/p/shopconform/tm.jpg"]},"scene_group_list":[]}}`
	certURL = `["https://mmecimage.cn/p/shopconform/cert.jpg"]`
)

func brandBody(wording string) string { return fmt.Sprintf(brandAuditBody, wording) }

// catBody is an audit_category body; certificate is JSON or "" for none.
func catBody(l1, l2, l3, certificate string) string {
	info := `"level1":` + l1 + `,"level2":` + l2 + `,"level3":` + l3
	if certificate != "" {
		info += `,"certificate":` + certificate
	}
	return `{"audit_req":{"license":["https://mmecimage.cn/p/shopconform/licence.jpg"],"category_info":{` + info + `},"scene_group_list":[]}}`
}

func TestAuditCodes(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		for _, tc := range []struct {
			name, profile string
			steps         []step
		}{
			{"990007 brand without brand_info", "default", []step{{brandAudit, `{"audit_req":{"license":[]}}`, catalog.ParameterMissing},
				{brandAudit, `{}`, catalog.ParameterMissing}, {brandAudit, `{"audit_req":{"brand_info":{"brand_wording":7}}}`, catalog.ParameterMissing},
				{brandAudit, `{"audit_req":{"license":7,"brand_info":{"brand_wording":"x"}}}`, catalog.ParameterMissing}}},
			{"license as a string too (§6.2 item 3)", "default", []step{{brandAudit, `{"audit_req":{"license":"https://mmecimage.cn/p/l.jpg","brand_info":{"brand_wording":"单串"}}}`, 0}}},
			{"1050009 brand pending", "default", []step{{brandAudit, brandBody("品牌甲"), 0}, {brandAudit, brandBody("品牌甲"), catalog.AuditUnderReview}, {brandAudit, brandBody("品牌乙"), 0}}},
			{"1050010 brand approved", "reviews-approve", []step{{brandAudit, brandBody("品牌甲"), 0}, {brandAudit, brandBody("品牌甲"), catalog.AuditAlreadyApproved}}},
			{"1050004 category missing", "default", []step{{catAudit, `{}`, catalog.AuditCategoryRequired}, {catAudit, `{"audit_req":{"license":[]}}`, catalog.AuditCategoryRequired},
				{catAudit, `{"audit_req":{"category_info":{"level1":1002,"level2":1201}}}`, catalog.AuditCategoryRequired},
				{catAudit, catBody("1002", "1201", "true", certURL), catalog.AuditCategoryRequired}}},
			{"1050004 certificate of a mandatory category", "default", []step{{catAudit, catBody("1002", "1201", "6201", ""), catalog.AuditCategoryRequired},
				{catAudit, catBody("1002", "1201", "6201", "[]"), catalog.AuditCategoryRequired}}},
			{"1050004 levels that are not level3's parents", "default", []step{{catAudit, catBody("1003", "1201", "6201", certURL), catalog.AuditCategoryRequired}}},
			{"1000009 unknown level3 (§3.2 COMM)", "default", []step{{catAudit, catBody("1002", "1201", "999999", certURL), catalog.ProductCategoryNotFound}}},
			{"1000007 level3 of a higher level (refsandbox/README.md)", "default", []step{{catAudit, catBody("1002", "1201", "1201", certURL), catalog.ProductCategoryNotLevel3}}},
			{"1050011 category needs no application", "default", []step{{catAudit, catBody("1001", "1101", "6153", certURL), catalog.AuditNotRequired}}},
			{"optional qualification without a certificate", "default", []step{{catAudit, catBody(`"1002"`, `"1201"`, `"6202"`, ""), 0}}},
			{"1050009 category pending", "default", []step{{catAudit, catBody("1003", "1301", "6301", certURL), 0}, {catAudit, catBody("1003", "1301", "6301", certURL), catalog.AuditUnderReview}}},
			{"1050003 category approved (§2.3 DOC)", "reviews-approve", []step{{catAudit, catBody("1002", "1201", "6201", certURL), 0},
				{catAudit, catBody("1002", "1201", "6201", certURL), catalog.AuditCategoryAlreadyApproved}}},
			{"1050005 unknown audit", "default", []step{{auditResPth, `{"audit_id":"RQAAAPX1nuJsAAAAFTrfXW"}`, catalog.AuditNotFound},
				{auditResPth, `{"audit_id":12}`, catalog.AuditNotFound}, {auditResPth, `{"audit_id":{"a":1}}`, catalog.ParameterMissing}, {auditResPth, `{}`, catalog.ParameterMissing}}},
			{"1050006 nothing on the MP side", "default", []step{{"/shop/audit/get_miniapp_certificate", `{"req_type":1}`, catalog.AuditNoMiniProgramCertificate},
				{"/shop/audit/get_miniapp_certificate", `{"req_type":2}`, catalog.AuditNoMiniProgramCertificate}}},
			{"get_miniapp_certificate req_type", "miniapp-certified", []step{{"/shop/audit/get_miniapp_certificate", `{}`, catalog.ParameterMissing},
				{"/shop/audit/get_miniapp_certificate", `{"req_type":3}`, catalog.ParameterMissing}, {"/shop/audit/get_miniapp_certificate", `{"req_type":"1"}`, catalog.ParameterMissing}}},
		} {
			t.Run(tc.name, func(t *testing.T) { run(t, tg, tc.profile, tc.steps...) })
		}
	})
}

// TestAuditFlows: pending audits on default; approved ones on
// reviews-approve grant a brand and a category that spu/add then accepts.
func TestAuditFlows(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		resp := post(t, tg, tok, brandAudit, brandBody("待审品牌"))
		wantCode(t, resp, 0)
		id := resp["audit_id"].(string)
		resp = post(t, tg, tok, auditResPth, `{"audit_id":"`+id+`"}`)
		wantCode(t, resp, 0)
		wantFields(t, resp, "data.status", "data.brand_id", "data.reject_reason")
		if num(t, resp, "data.status") != "0" {
			t.Errorf("pending audit = %v", resp["data"])
		}
		// §6.2 item 4: the table types audit_id as a number.
		wantCode(t, post(t, tg, tok, auditResPth, `{"audit_id":`+id+`}`), 0)

		tok = token(t, tg, "reviews-approve")
		resp = post(t, tg, tok, brandAudit, brandBody("新品牌"))
		resp = post(t, tg, tok, auditResPth, `{"audit_id":"`+resp["audit_id"].(string)+`"}`)
		brandID := num(t, resp, "data.brand_id")
		if num(t, resp, "data.status") != "1" || brandID == "0" {
			t.Fatalf("approved brand audit = %v", resp["data"])
		}
		resp = post(t, tg, tok, "/shop/account/get_brand_list", `{}`)
		if num(t, resp, "data.0.brand_id") != brandID || at(t, resp, "data.0.brand_wording") != "新品牌" {
			t.Errorf("get_brand_list = %v", resp)
		}
		wantCode(t, post(t, tg, tok, add, spuBody("branded", set("brand_id", json.Number(brandID)))), 0)

		resp = post(t, tg, tok, catAudit, catBody("1003", "1301", "6301", certURL))
		resp = post(t, tg, tok, auditResPth, `{"audit_id":"`+resp["audit_id"].(string)+`"}`)
		if num(t, resp, "data.status") != "1" || at(t, resp, "data.brand_id") != nil {
			t.Errorf("approved category audit = %v", resp["data"])
		}
		pics := set("qualification_pics", []string{"https://mmecimage.cn/p/shopconform/q.jpg"})
		wantCode(t, post(t, tg, tok, add, spuBody("milk", set("third_cat_id", 6301), pics)), 0)
		resp = post(t, tg, tok, "/shop/account/get_category_list", `{}`)
		if len(resp["data"].([]any)) != 6 {
			t.Errorf("get_category_list after the grant = %v", resp["data"])
		}
	})
}

func TestMiniappCertificate(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "miniapp-certified")
		for _, rt := range []string{"1", "2"} {
			resp := post(t, tg, tok, "/shop/audit/get_miniapp_certificate", `{"req_type":`+rt+`}`)
			wantCode(t, resp, 0)
			wantFields(t, resp, "brand_info.brand_wording", "brand_info.sale_authorization", "brand_info.trademark_registration_certificate",
				"category_info_list.0.first_category_id", "category_info_list.0.first_category_name", "category_info_list.0.second_category_id",
				"category_info_list.0.second_category_name", "category_info_list.0.certificate_url")
		}
	})
}

// TestAuditFieldRules: the spec's field rules of the audit endpoints
// (apispec/data/audit.json), one request per rule kind.
func TestAuditFieldRules(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		brand := func(extra string) string {
			return `{"audit_req":{"license":["https://mmecimage.cn/p/l.jpg"],"brand_info":{"brand_wording":"规则品牌"` + extra + `}}}`
		}
		elevenCerts := `["https://a.cn/1.jpg","https://a.cn/2.jpg","https://a.cn/3.jpg","https://a.cn/4.jpg","https://a.cn/5.jpg","https://a.cn/6.jpg",` +
			`"https://a.cn/7.jpg","https://a.cn/8.jpg","https://a.cn/9.jpg","https://a.cn/10.jpg","https://a.cn/11.jpg"]`
		const generic, required = catalog.ParameterMissing, catalog.AuditCategoryRequired
		for _, tc := range []struct {
			name, path, body string
			want             catalog.Code
		}{
			{"range: trademark class 99", brandAudit, brand(`,"trademark_type":"99"`), generic},
			{"range: trademark class 0", brandAudit, brand(`,"trademark_type":"0"`), generic},
			{"format: a trademark class that is no number", brandAudit, brand(`,"trademark_type":"二十九"`), generic},
			{"type: a trademark class as a number", brandAudit, brand(`,"trademark_type":29`), generic},
			{"format: a date in another shape", brandAudit, brand(`,"trademark_application_time":"2020/03/25"`), generic},
			{"format: an image that is neither a URL nor a media_id", brandAudit, brand(`,"sale_authorization":["not an image"]`), generic},
			{"format: a license string that is no image", brandAudit, `{"audit_req":{"license":"short","brand_info":{"brand_wording":"规则品牌"}}}`, generic},
			{"format: a license item that is no image", brandAudit, `{"audit_req":{"license":["a b"],"brand_info":{"brand_wording":"规则品牌"}}}`, generic},
			{"enum: scene group 2", brandAudit, `{"audit_req":{"license":["https://mmecimage.cn/p/l.jpg"],"brand_info":{"brand_wording":"规则品牌"},"scene_group_list":[2]}}`, generic},
			{"blank: a brand_wording of spaces", brandAudit, brand(`,"brand_wording":"  "`), generic},
			{"a media_id license", brandAudit, `{"audit_req":{"license":"wxashop_RQAAAPX1nuJsAAAAFTrfXW","brand_info":{"brand_wording":"媒体品牌"}}}`, 0},
			{"many: eleven certificates", catAudit, catBody("1002", "1201", "6202", elevenCerts), generic},
			{"length: a level of eleven digits", catAudit, catBody(`"10020000000"`, "1201", "6202", certURL), required},
			{"format: a certificate that is no image", catAudit, catBody("1002", "1201", "6202", `["a b"]`), required},
			{"required: license", catAudit, `{"audit_req":{"category_info":{"level1":1002,"level2":1201,"level3":6202}}}`, generic},
			{"enum: scene group 2", catAudit, `{"audit_req":{"license":["https://mmecimage.cn/p/l.jpg"],"category_info":{"level1":1002,"level2":1201,"level3":6202},"scene_group_list":[2]}}`, generic},
			{"type: audit_id an array", auditResPth, `{"audit_id":["1"]}`, generic},
			{"blank: audit_id of spaces", auditResPth, `{"audit_id":" "}`, generic},
		} {
			t.Run(tc.name, func(t *testing.T) { run(t, tg, "default", step{tc.path, tc.body, tc.want}) })
		}
	})
}

// TestCategoryTreePerAccount: the category tree is account state; one
// account's tree leaves the others' alone.
func TestCategoryTreePerAccount(t *testing.T) {
	sb, clock := newSandbox(t, nil)
	tg := &target{name: "in-process", sb: sb, clock: clock, client: sb.Client(), base: "http://sandbox.invalid"}
	cats := post(t, tg, token(t, tg, "default"), "/shop/cat/get", `{}`)["third_cat_list"].([]any)
	cats = append(cats, map[string]any{"first_cat_id": 9001, "first_cat_name": "f", "second_cat_id": 9002, "second_cat_name": "s",
		"third_cat_id": 9003, "third_cat_name": "t", "qualification": "", "qualification_type": 0, "product_qualification": "", "product_qualification_type": 0})
	if err := controlClient(tg).SetCategories(context.Background(), accountOf(t, tg, "default").AppID, cats); err != nil {
		t.Fatal(err)
	}
	for profile, want := range map[string]struct {
		cats int
		add  catalog.Code
	}{"default": {8, 0}, "reviews-approve": {7, catalog.ProductCategoryNotFound}} {
		tok := token(t, tg, profile)
		if n := len(post(t, tg, tok, "/shop/cat/get", `{}`)["third_cat_list"].([]any)); n != want.cats {
			t.Errorf("%s: cat/get lists %d categories, want %d", profile, n, want.cats)
		}
		wantCode(t, post(t, tg, tok, add, spuBody("tree", set("third_cat_id", 9003))), want.add)
	}
}
