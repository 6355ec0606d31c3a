package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/refsandbox/control"
)

// The seed's success path pastes what the sandbox's own read endpoints
// answered on one account into another, as a test would paste what it
// read from a real sandbox. The objects are made through the API with
// miniature requests written from api-reference.md (§2.3 to §2.9), never
// read from fixtures/.

// world is one object of each seed kind, as the read endpoints answered
// it on the account appid of users openids. Its product p1 and its brand
// audit are under review.
type world struct {
	appid   string
	openids []string
	items   map[string]any // by seed kind
	auditID any
}

// makeWorld builds one object of each kind through the API on a fresh
// account of the sharers-accept profile (so a bound sharer is listed).
func (s *liveSandbox) makeWorld(t *testing.T) world {
	t.Helper()
	acct := s.mint(t, control.MintOptions{Profile: "sharers-accept"})
	tok, err := s.ctl.AccessToken(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	me := acct.OpenIDs[0]
	w := world{appid: acct.AppID, openids: acct.OpenIDs, items: map[string]any{}}
	call := func(path, body string) map[string]any { return s.api(t, tok, path, body) }

	call("/shop/spu/add", `{"out_product_id":"p1","title":"坚果礼盒","path":"pages/product/product?id=p1",
		"head_img":["https://mmecimage.cn/p/shopconform/head.jpg"],"third_cat_id":6153,"brand_id":2100000000,
		"skus":[{"out_product_id":"p1","out_sku_id":"p1-sku1","thumb_img":"https://mmecimage.cn/p/shopconform/thumb.jpg",
		"sale_price":1300,"market_price":1500,"stock_num":100,"sku_attrs":[{"attr_key":"颜色","attr_value":"红"}]}],
		"desc_info":{"desc":"好吃的坚果","imgs":[]}}`)
	w.items["products"] = call("/shop/spu/get", `{"out_product_id":"p1","need_edit_spu":1}`)["spu"]

	brand := call("/shop/audit/audit_brand", `{"audit_req":{"license":["https://mmecimage.cn/p/shopconform/licence.jpg"],
		"brand_info":{"brand_audit_type":1,"trademark_type":"29","brand_management_type":1,"commodity_origin_type":1,
		"brand_wording":"品牌甲","trademark_registration_certificate":["https://mmecimage.cn/p/shopconform/tm.jpg"]},"scene_group_list":[]}}`)
	w.auditID = brand["audit_id"]
	audit := call("/shop/audit/result", jsonText(t, map[string]any{"audit_id": w.auditID}))["data"].(map[string]any)
	audit["kind"], audit["audit_id"] = "brand", w.auditID
	w.items["audits"] = audit

	created := liveNow.Format("2006-01-02 15:04:05")
	call("/shop/order/add", jsonText(t, map[string]any{
		"create_time": created, "out_order_id": "o1", "openid": me, "path": "pages/order/detail?id=o1",
		"fund_type": 0, "expire_time": liveNow.Unix() + 3600,
		"order_detail": map[string]any{
			"product_infos": []any{map[string]any{
				"out_product_id": "never-uploaded", "out_sku_id": "sku-1", "product_cnt": 1, "sale_price": 100, "sku_real_price": 100,
				"title": "坚果礼盒", "path": "pages/product/detail?id=1", "head_img": "https://mmecimage.cn/p/shopconform/head.jpg",
			}},
			"pay_info":   map[string]any{"pay_method_type": 0, "prepay_id": "wx201410272009395522657a690389285100", "prepay_time": created},
			"price_info": map[string]any{"order_price": 100, "freight": 0},
		},
		"delivery_detail": map[string]any{"delivery_type": 1},
		"address_info": map[string]any{"receiver_name": "张三", "detailed_address": "北京市朝阳区一号", "tel_number": "13800000000",
			"province": "北京市", "city": "北京市", "town": "朝阳区"},
	}))
	call("/shop/order/pay", jsonText(t, map[string]any{"openid": me, "out_order_id": "o1", "action_type": 1,
		"transaction_id": "4200001234202405011234567890", "pay_time": liveNow.Add(5 * 60e9).Format("2006-01-02 15:04:05")}))
	w.items["orders"] = call("/shop/order/get", jsonText(t, map[string]any{"openid": me, "out_order_id": "o1"}))["order"]

	call("/shop/ecaftersale/add", jsonText(t, map[string]any{
		"openid": me, "out_order_id": "o1", "out_aftersale_id": "as1", "type": 1, "orderamt": 100, "refund_reason": "不想要了", "refund_reason_type": 2,
		"product_info": map[string]any{"out_product_id": "never-uploaded", "out_sku_id": "sku-1", "product_cnt": 1},
	}))
	w.items["aftersales"] = call("/shop/ecaftersale/get", `{"out_aftersale_id":"as1"}`)["after_sales_order"]

	now := liveNow.Unix()
	call("/shop/coupon/add", jsonText(t, map[string]any{"coupon": map[string]any{
		"out_coupon_id": "c1", "type": 102, "promote_type": 1,
		"coupon_info": map[string]any{
			"name":          "满100减10",
			"promote_info":  map[string]any{"promote_type": 1},
			"discount_info": map[string]any{"discount_condition": map[string]any{"product_price": 10000}, "discount_fee": 1000},
			"receive_info":  map[string]any{"start_time": now, "end_time": now + 2592000, "limit_num_one_person": 1, "total_num": 100},
			"valid_info":    map[string]any{"valid_type": 3, "valid_second": 86400},
		},
	}}))
	call("/shop/coupon/update_status", `{"out_coupon_id":"c1","status":2}`)
	w.items["coupons"] = call("/shop/coupon/get", `{"out_coupon_id":"c1"}`)["result"]
	call("/shop/coupon/add_user_coupon", jsonText(t, map[string]any{"openid": me, "recv_time": now,
		"user_coupon": map[string]any{"out_user_coupon_id": "uc1", "out_coupon_id": "c1", "status": 100}}))
	w.items["user_coupons"] = first(t, call("/shop/coupon/get_usercoupon_list", jsonText(t, map[string]any{"openid": me, "page_size": 10})), "result_list")

	call("/shop/sharer/bind", jsonText(t, map[string]any{"openids": []string{me}}))
	sharer := first(t, call("/shop/sharer/get_sharer_list", `{"page":1,"page_size":10}`), "sharers").(map[string]any)
	sharer["bind_status"] = call("/shop/sharer/search_sharer", jsonText(t, map[string]any{"openid": me}))["bind_status"]
	w.items["sharers"] = sharer
	return w
}

// api calls a /shop/ endpoint and wants errcode 0. Numbers stay as
// their text, so uint64 ids survive the paste.
func (s *liveSandbox) api(t *testing.T, tok, path, body string) map[string]any {
	t.Helper()
	resp, err := s.http.Post(s.url+path+"?access_token="+url.QueryEscape(tok), "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("%s: %v: %s", path, err, raw)
	}
	if out["errcode"] != json.Number("0") {
		t.Fatalf("%s %s: %s", path, body, raw)
	}
	return out
}

func first(t *testing.T, resp map[string]any, list string) any {
	t.Helper()
	items, _ := resp[list].([]any)
	if len(items) == 0 {
		t.Fatalf("%s is empty: %v", list, resp)
	}
	return items[0]
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestControlSeedAgainstTheDocument: the seed's refusals the core makes;
// then, for each kind the sandbox can seed, a paste of what the read
// endpoints answered (a success), the same paste again (409: the ids are
// taken), and for a kind that refers to another, the reference alone
// (404).
func TestControlSeedAgainstTheDocument(t *testing.T) {
	s := newLiveSandbox(t)
	ctx := context.Background()
	acct := s.mint(t, control.MintOptions{})
	seed := s.path(acct.AppID, "seed")

	s.refused(t, s.ctl.Do(ctx, http.MethodPost, seed, map[string]any{"widgets": []any{}}, nil), http.StatusBadRequest, "widgets", false)
	s.refused(t, s.ctl.Do(ctx, http.MethodPost, seed, map[string]any{"products": map[string]any{}}, nil), http.StatusBadRequest, "products", false)
	s.refused(t, s.ctl.Do(ctx, http.MethodPost, seed, map[string]any{"products": []any{"x"}}, nil), http.StatusBadRequest, "products[0]", false)
	s.refused(t, s.ctl.Do(ctx, http.MethodPost, s.path("wxnobody", "seed"), map[string]any{}, nil), http.StatusNotFound, "", true)
	s.send(t, http.MethodPost, seed, `{"products": [`, s.ctl.Token)
	s.want(t, http.StatusBadRequest, false)
	if err := s.ctl.Seed(ctx, acct.AppID, control.Seed{}); err != nil {
		t.Fatal(err)
	}
	s.want(t, http.StatusOK, true)

	w := s.makeWorld(t)
	for _, tc := range []struct {
		kinds []string // the kinds of the paste, those it refers to first
		// dangling is the kind whose paste alone refers to an object that
		// does not exist; "" when it refers to none.
		dangling string
	}{
		{kinds: []string{"products"}},
		{kinds: []string{"audits"}},
		{kinds: []string{"orders"}},
		{kinds: []string{"orders", "aftersales"}, dangling: "aftersales"},
		{kinds: []string{"coupons"}},
		{kinds: []string{"coupons", "user_coupons"}, dangling: "user_coupons"},
		{kinds: []string{"sharers"}},
	} {
		kind := tc.kinds[len(tc.kinds)-1]
		t.Run(kind, func(t *testing.T) {
			body := map[string]any{}
			for _, k := range tc.kinds {
				body[k] = []any{w.items[k]}
			}
			// What a read endpoint answers is a seed item of the document,
			// whether or not the sandbox can seed it yet.
			s.documentAccepts(t, http.MethodPost, s.path(w.appid, "seed"), jsonText(t, body))
			for _, k := range tc.kinds {
				s.skipUnlessSeedable(t, k)
			}
			target := s.mint(t, control.MintOptions{OpenIDs: w.openids})
			var answer struct {
				Added map[string]int `json:"added"`
			}
			if err := s.ctl.Do(ctx, http.MethodPost, s.path(target.AppID, "seed"), body, &answer); err != nil {
				t.Fatalf("pasting what the read endpoints answered: %v\n%s", err, jsonText(t, body))
			}
			s.want(t, http.StatusOK, true)
			for _, k := range tc.kinds {
				if answer.Added[k] != 1 {
					t.Errorf("added %v, want one of %s", answer.Added, k)
				}
			}

			err := s.ctl.Do(ctx, http.MethodPost, s.path(target.AppID, "seed"), body, nil)
			s.refusedIn(t, err, http.StatusConflict, tc.kinds)

			if tc.dangling != "" {
				alone := s.mint(t, control.MintOptions{OpenIDs: w.openids})
				err := s.ctl.Do(ctx, http.MethodPost, s.path(alone.AppID, "seed"), map[string]any{tc.dangling: []any{w.items[tc.dangling]}}, nil)
				s.refusedIn(t, err, http.StatusNotFound, []string{tc.dangling})
			}
		})
	}
}

// documentAccepts checks a request against the document alone.
func (s *liveSandbox) documentAccepts(t *testing.T, method, path, body string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.ctl.Token)
	if fs := s.doc.v.request(req); fs != nil {
		t.Errorf("%s %s: the document refuses %.300s:\n%s", method, path, body, fs)
	}
}

// skipUnlessSeedable skips the test when the sandbox cannot seed kind
// yet (HTTP 501), asking with an empty item on an account of its own.
func (s *liveSandbox) skipUnlessSeedable(t *testing.T, kind string) {
	t.Helper()
	probe := s.mint(t, control.MintOptions{})
	_ = s.ctl.Do(context.Background(), http.MethodPost, s.path(probe.AppID, "seed"), map[string]any{kind: []any{map[string]any{}}}, nil)
	ex := s.doc.take(t)
	if ex.status == notSeedable {
		t.Skipf("the sandbox cannot seed %s yet: HTTP 501 %s", kind, ex.body)
	}
	if ex.answer != nil {
		t.Errorf("seeding an empty %s item: the answer HTTP %d %s is not what the document describes:\n%s", kind, ex.status, ex.body, ex.answer)
	}
}

// refusedIn checks a refusal of status whose field is in one of kinds'
// items, and the last call (a request the document accepts).
func (s *liveSandbox) refusedIn(t *testing.T, err error, status int, kinds []string) {
	t.Helper()
	var ce *control.Error
	if !errors.As(err, &ce) {
		t.Errorf("want HTTP %d, got %v", status, err)
	} else if !hasPrefixIn(ce.Field, kinds) {
		t.Errorf("HTTP %d names %q (%s), want a field of %v", ce.Status, ce.Field, ce.Message, kinds)
	}
	s.want(t, status, true)
}

func hasPrefixIn(field string, kinds []string) bool {
	for _, k := range kinds {
		if strings.HasPrefix(field, k+"[") {
			return true
		}
	}
	return false
}

// TestControlReviewsAgainstTheDocument: the review's refusals the core
// makes; then, where the sandbox can decide them, a product draft's and a
// brand audit's review (a success), the same decision again (409: no
// longer under review), and a review of nothing (404).
func TestControlReviewsAgainstTheDocument(t *testing.T) {
	s := newLiveSandbox(t)
	ctx := context.Background()
	acct := s.mint(t, control.MintOptions{})
	reviews := s.path(acct.AppID, "reviews")
	s.refused(t, s.ctl.Decide(ctx, acct.AppID, control.Review{Kind: "widget", OutProductID: "p1", Decision: "approve"}), http.StatusBadRequest, "kind", false)
	s.refused(t, s.ctl.Decide(ctx, acct.AppID, control.Review{Kind: "product", OutProductID: "p1", Decision: "maybe"}), http.StatusBadRequest, "decision", false)
	s.refused(t, s.ctl.Decide(ctx, acct.AppID, control.Review{Kind: "product", OutProductID: "p1", Decision: "reject"}), http.StatusBadRequest, "reason", false)
	s.refused(t, s.ctl.Do(ctx, http.MethodPost, reviews, map[string]any{"kind": "product", "decision": "approve", "verdict": 1}, nil), http.StatusBadRequest, "verdict", false)
	s.refused(t, s.ctl.Decide(ctx, "wxnobody", control.Review{Kind: "product", OutProductID: "p1", Decision: "approve"}), http.StatusNotFound, "", true)

	w := s.makeWorld(t)
	for _, tc := range []struct {
		name             string
		pending, nothing control.Review
	}{
		{"product", control.Review{Kind: "product", OutProductID: "p1", Decision: "approve"},
			control.Review{Kind: "product", OutProductID: "no-such-product", Decision: "approve"}},
		{"brand", control.Review{Kind: "brand", AuditID: w.auditID, Decision: "reject", Reason: "商标证书不清晰"},
			control.Review{Kind: "brand", AuditID: "no-such-audit", Decision: "approve"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.ctl.Decide(ctx, w.appid, tc.pending)
			if ex := s.doc.last; ex != nil && ex.status == notSeedable {
				t.Skipf("the sandbox cannot decide a %s review yet: HTTP 501 %s", tc.name, ex.body)
			}
			if err != nil {
				t.Fatalf("deciding a pending review: %v", err)
			}
			s.want(t, http.StatusOK, true)
			// Which field these name is the decision's own rule.
			s.refusedAs(t, s.ctl.Decide(ctx, w.appid, tc.pending), http.StatusConflict)
			s.refusedAs(t, s.ctl.Decide(ctx, w.appid, tc.nothing), http.StatusNotFound)
		})
	}
}
