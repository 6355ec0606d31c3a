package refsandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/refsandbox/control"
)

// seedAccount mints an account whose clock starts at 2022-01-13 10:00:00
// and returns the control client, the account and its token.
func seedAccount(t *testing.T, tg *target, profile string) (*control.Client, *control.Account, string) {
	t.Helper()
	ctx := context.Background()
	ctl := controlClient(tg)
	acct, err := ctl.Mint(ctx, control.MintOptions{Profile: profile, Clock: "2022-01-13 10:00:00"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ctl.AccessToken(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	return ctl, acct, tok
}

// nut is a product of the built-in tree (6153 needs no qualification),
// with its fields overridden by set.
func nut(out string, set map[string]any) map[string]any {
	p := map[string]any{
		"out_product_id": out, "title": "坚果礼盒", "path": "pages/p?id=" + out,
		"head_img": []any{"https://mmecimage.cn/p/h.jpg"}, "third_cat_id": 6153, "brand_id": 2100000000,
		"skus": []any{map[string]any{"out_product_id": out, "out_sku_id": out + "-1", "thumb_img": "https://mmecimage.cn/p/t.jpg",
			"sale_price": 1300, "market_price": 1500, "stock_num": 100}},
	}
	for k, v := range set {
		p[k] = v
	}
	return p
}

// wantSeeded checks that every member seeded is what got answers:
// objects member by member (the answer may hold more), arrays item by
// item.
func wantSeeded(t *testing.T, what string, seeded map[string]any, got any) {
	t.Helper()
	var walk func(path string, want, got any)
	walk = func(path string, want, got any) {
		switch w := want.(type) {
		case map[string]any:
			g, _ := got.(map[string]any)
			for k, v := range w {
				walk(path+"."+k, v, g[k])
			}
		case []any:
			g, _ := got.([]any)
			if len(g) != len(w) {
				t.Errorf("%s%s has %d items, want %d as seeded", what, path, len(g), len(w))
				return
			}
			for i := range w {
				walk(path+"."+strconv.Itoa(i), w[i], g[i])
			}
		default:
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%s%s = %v, want %v as seeded", what, path, got, want)
			}
		}
	}
	walk("", asJSON(t, seeded), got)
}

// TestSeedProductRoundTrip: spu/get (online copy and draft) and
// spu/get_list answer what was seeded, ids, times and review included.
func TestSeedProductRoundTrip(t *testing.T) {
	tg := loopbackTarget(t)
	ctl, acct, tok := seedAccount(t, tg, "default")
	listed := nut("listed", map[string]any{
		"product_id": "324545", "info_version": "7",
		"qualification_pics": []any{"https://mmecimage.cn/p/q.jpg"},
		"desc_info":          map[string]any{"desc": "好吃", "imgs": []any{"https://mmecimage.cn/p/d.jpg"}},
		"status":             11, "edit_status": 2,
		"audit_info":  map[string]any{"audit_id": "77", "submit_time": "2021-06-02 09:00:00", "audit_time": "", "reject_reason": ""},
		"create_time": "2021-06-01 08:00:00", "update_time": "2021-06-02 09:00:00",
	})
	listed["skus"] = []any{map[string]any{"sku_id": 1024, "out_product_id": "listed", "out_sku_id": "a", "thumb_img": "https://mmecimage.cn/p/t.jpg",
		"sale_price": 1300, "market_price": 1500, "stock_num": 0, "sku_code": "A1", "barcode": "69",
		"sku_attrs": []any{map[string]any{"attr_key": "口味", "attr_value": "原味"}}}}
	rejected := nut("rejected", map[string]any{"status": 0, "edit_status": 3, "audit_info": map[string]any{"reject_reason": "图片模糊"}})
	if err := ctl.Seed(context.Background(), acct.AppID, control.Seed{Products: []any{listed, rejected}}); err != nil {
		t.Fatal(err)
	}
	listed["product_id"] = 324545 // the answer's type: the seed took its text (§1)
	for _, draft := range []string{"0", "1"} {
		resp := post(t, tg, tok, "/shop/spu/get", `{"product_id":324545,"need_edit_spu":`+draft+`}`)
		wantCode(t, resp, catalog.OK)
		wantShape(t, "/shop/spu/get", resp)
		wantSeeded(t, "need_edit_spu "+draft, listed, resp["spu"])
	}
	// Never approved: no online copy (1000003), the draft as seeded, with
	// the times filled in from the account's clock.
	wantCode(t, post(t, tg, tok, "/shop/spu/get", `{"out_product_id":"rejected"}`), catalog.ProductNeverApproved)
	resp := post(t, tg, tok, "/shop/spu/get", `{"out_product_id":"rejected","need_edit_spu":1}`)
	wantSeeded(t, "rejected", rejected, resp["spu"])
	for path, want := range map[string]string{"spu.create_time": "2022-01-13 10:00:00", "spu.audit_info.submit_time": "2022-01-13 10:00:00",
		"spu.audit_info.audit_time": "2022-01-13 10:00:00", "spu.update_time": "2022-01-13 10:00:00"} {
		if got := at(t, resp, path); got != want {
			t.Errorf("%s = %v, want %s", path, got, want)
		}
	}
	if id, _ := at(t, resp, "spu.product_id").(json.Number); id.String() != strconv.FormatUint(firstProductID, 10) {
		t.Errorf("the first minted product_id is %s, want %d", id, firstProductID)
	}
	// get_list keeps the creation order: the older seeded product first.
	list := post(t, tg, tok, "/shop/spu/get_list", `{"page":1,"page_size":10,"need_edit_spu":1}`)
	wantShape(t, "/shop/spu/get_list", list)
	spus, _ := list["spus"].([]any)
	if len(spus) != 2 {
		t.Fatalf("get_list answers %d products, want 2", len(spus))
	}
	wantSeeded(t, "get_list", listed, spus[0])
	wantSeeded(t, "get_list", rejected, spus[1])
}

// TestSeedProductRefusals: every refusal names its field and status, and
// a refused call adds nothing.
func TestSeedProductRefusals(t *testing.T) {
	tg := loopbackTarget(t)
	ctl, acct, tok := seedAccount(t, tg, "default")
	ctx := context.Background()
	if err := ctl.Seed(ctx, acct.AppID, control.Seed{Products: []any{nut("old", map[string]any{"product_id": 5,
		"skus": []any{map[string]any{"sku_id": 6, "out_sku_id": "s"}}})}}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, post(t, tg, tok, "/shop/spu/add", spuBody("added")), catalog.OK)
	sku := func(set map[string]any) []any {
		s := map[string]any{"out_sku_id": "x"}
		for k, v := range set {
			s[k] = v
		}
		return []any{s}
	}
	for _, c := range []struct {
		name   string
		items  []any
		status int
		field  string
	}{
		{"no out_product_id", []any{map[string]any{"title": "t"}}, 400, "products[0].out_product_id"},
		{"out_product_id taken", []any{nut("old", nil)}, 409, "products[0].out_product_id"},
		{"out_product_id of spu/add taken", []any{nut("added", nil)}, 409, "products[0].out_product_id"},
		{"out_product_id twice", []any{nut("n", nil), nut("n", nil)}, 409, "products[1].out_product_id"},
		{"product_id taken", []any{nut("n", map[string]any{"product_id": 5})}, 409, "products[0].product_id"},
		{"product_id twice", []any{nut("n", map[string]any{"product_id": 8}), nut("m", map[string]any{"product_id": "8"})}, 409, "products[1].product_id"},
		{"product_id of the wrong type", []any{nut("n", map[string]any{"product_id": -1})}, 400, "products[0].product_id"},
		{"sku_id taken", []any{nut("n", map[string]any{"skus": sku(map[string]any{"sku_id": 6})})}, 409, "products[0].skus[0].sku_id"},
		{"out_sku_id twice", []any{nut("n", map[string]any{"skus": []any{map[string]any{"out_sku_id": "a"}, map[string]any{"out_sku_id": "a"}}})}, 400, "products[0].skus[1].out_sku_id"},
		{"no out_sku_id", []any{nut("n", map[string]any{"skus": []any{map[string]any{"sale_price": 1}}})}, 400, "products[0].skus[0].out_sku_id"},
		{"a price of the wrong type", []any{nut("n", map[string]any{"skus": sku(map[string]any{"sale_price": "1"})})}, 400, "products[0].skus[0].sale_price"},
		{"a stock below 0", []any{nut("n", map[string]any{"skus": sku(map[string]any{"stock_num": -1})})}, 400, "products[0].skus[0].stock_num"},
		{"an sku not an object", []any{nut("n", map[string]any{"skus": []any{"x"}})}, 400, "products[0].skus[0]"},
		{"title of the wrong type", []any{nut("n", map[string]any{"title": 12})}, 400, "products[0].title"},
		{"head_img of the wrong type", []any{nut("n", map[string]any{"head_img": "https://mmecimage.cn/p/h.jpg"})}, 400, "products[0].head_img"},
		{"a status not modelled", []any{nut("n", map[string]any{"status": 6})}, 400, "products[0].status"},
		{"approved, never listed", []any{nut("n", map[string]any{"status": 0, "edit_status": 4})}, 400, "products[0].edit_status"},
		{"edit_status 0", []any{nut("n", map[string]any{"edit_status": 0})}, 400, "products[0].edit_status"},
		{"rejected without a reason", []any{nut("n", map[string]any{"edit_status": 3})}, 400, "products[0].audit_info.reject_reason"},
		{"a reason while under review", []any{nut("n", map[string]any{"edit_status": 2, "audit_info": map[string]any{"reject_reason": "r"}})}, 400, "products[0].audit_info.reject_reason"},
		{"reviewed while under review", []any{nut("n", map[string]any{"edit_status": 2, "audit_info": map[string]any{"audit_time": "2022-01-13 09:00:00"}})}, 400, "products[0].audit_info.audit_time"},
		{"a time that does not parse", []any{nut("n", map[string]any{"create_time": "2022-01-13"})}, 400, "products[0].create_time"},
		{"a time after the account's clock", []any{nut("n", map[string]any{"create_time": "2022-01-13 10:00:01"})}, 400, "products[0].create_time"},
		{"submitted before created", []any{nut("n", map[string]any{"create_time": "2022-01-02 00:00:00", "audit_info": map[string]any{"submit_time": "2022-01-01 00:00:00"}})}, 400, "products[0].audit_info.submit_time"},
		{"updated before created", []any{nut("n", map[string]any{"create_time": "2022-01-02 00:00:00", "update_time": "2022-01-01 00:00:00"})}, 400, "products[0].update_time"},
		{"a category not in the tree", []any{nut("n", map[string]any{"third_cat_id": 999})}, 404, "products[0].third_cat_id"},
		{"a level-1 category", []any{nut("n", map[string]any{"third_cat_id": 1001})}, 400, "products[0].third_cat_id"},
		{"a category needing pictures", []any{nut("n", map[string]any{"third_cat_id": 6402})}, 400, "products[0].qualification_pics"},
		{"a category not granted", []any{nut("n", map[string]any{"third_cat_id": 6201, "qualification_pics": []any{"https://mmecimage.cn/p/q.jpg"}})}, 404, "products[0].third_cat_id"},
		{"a brand not granted", []any{nut("n", map[string]any{"brand_id": 2200000001})}, 404, "products[0].brand_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A good item first: the call is all or nothing.
			items := append([]any{nut("good", nil)}, c.items...)
			field := c.field
			if n := len("products["); len(field) > n {
				i, _ := strconv.Atoi(field[n : n+1])
				field = "products[" + strconv.Itoa(i+1) + field[n+1:]
			}
			wantRefusal(t, ctl.Seed(ctx, acct.AppID, control.Seed{Products: items}), c.status, field)
			wantCode(t, post(t, tg, tok, "/shop/spu/get", `{"out_product_id":"good","need_edit_spu":1}`), catalog.ProductNotFound)
		})
	}
	// Nothing refused moved the allocator: "old" minted its review id,
	// "added" three ids, and the next is the fifth.
	resp := post(t, tg, tok, "/shop/spu/add", spuBody("after"))
	if id := num(t, resp, "data.product_id"); id != strconv.FormatUint(firstProductID+4, 10) {
		t.Errorf("spu/add after refused seeds minted %s, want %d", id, firstProductID+4)
	}
}

// TestSeedProductIDsSkipped: ids the sandbox mints after a seed (products,
// skus, reviews) never take a seeded one, and a seed's own minted ids skip
// those it chose.
func TestSeedProductIDsSkipped(t *testing.T) {
	tg := loopbackTarget(t)
	ctl, acct, tok := seedAccount(t, tg, "default")
	first := firstProductID
	chosen := map[string]bool{}
	for _, id := range []uint64{first, first + 1, first + 3} {
		chosen[strconv.FormatUint(id, 10)] = true
	}
	// The item that mints comes first: the ids it was given are taken
	// back when the next item chooses them.
	if err := ctl.Seed(context.Background(), acct.AppID, control.Seed{Products: []any{
		nut("minted", nil),
		nut("chosen", map[string]any{"product_id": strconv.FormatUint(first, 10),
			"skus": []any{map[string]any{"sku_id": first + 1, "out_sku_id": "a"}}, "audit_info": map[string]any{"audit_id": strconv.FormatUint(first+3, 10)}}),
	}}); err != nil {
		t.Fatal(err)
	}
	got := post(t, tg, tok, "/shop/spu/get", `{"out_product_id":"chosen","need_edit_spu":1}`)
	if id := num(t, got, "spu.product_id"); id != strconv.FormatUint(first, 10) {
		t.Errorf("chosen product_id answers %s", id)
	}
	ids := func(resp map[string]any, paths ...string) {
		t.Helper()
		for _, p := range paths {
			id := num(t, resp, p)
			if chosen[id] {
				t.Errorf("%s = %s, a seeded id", p, id)
			}
			chosen[id] = true
		}
	}
	minted := post(t, tg, tok, "/shop/spu/get", `{"out_product_id":"minted","need_edit_spu":1}`)
	ids(minted, "spu.product_id", "spu.skus.0.sku_id")
	if id := at(t, minted, "spu.audit_info.audit_id").(string); chosen[id] {
		t.Errorf("the minted review id %s is taken", id)
	}
	for _, out := range []string{"a1", "a2", "a3"} {
		resp := post(t, tg, tok, "/shop/spu/add", spuBody(out))
		wantCode(t, resp, catalog.OK)
		ids(resp, "data.product_id", "data.skus.0.sku_id")
		got := post(t, tg, tok, "/shop/spu/get", `{"out_product_id":"`+out+`","need_edit_spu":1}`)
		if id := at(t, got, "spu.audit_info.audit_id").(string); chosen[id] {
			t.Errorf("review id %s of %s is taken", id, out)
		} else {
			chosen[id] = true
		}
	}
}

// TestProductReviewCall: the review call approves or rejects a draft
// under review, stamps audit_time with the account's clock, and refuses
// what is not under review (409), what does not exist (404) and a call
// that names no product (400).
func TestProductReviewCall(t *testing.T) {
	tg := loopbackTarget(t)
	ctl, acct, tok := seedAccount(t, tg, "default")
	ctx := context.Background()
	if err := ctl.Seed(ctx, acct.AppID, control.Seed{Products: []any{nut("seeded", map[string]any{"product_id": 324545})}}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, post(t, tg, tok, "/shop/spu/add", spuBody("added")), catalog.OK)
	if err := ctl.AdvanceClock(ctx, acct.AppID, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := ctl.Decide(ctx, acct.AppID, control.Review{Kind: "product", ProductID: 324545, Decision: "approve"}); err != nil {
		t.Fatal(err)
	}
	resp := post(t, tg, tok, "/shop/spu/get", `{"out_product_id":"seeded"}`)
	wantCode(t, resp, catalog.OK)
	for path, want := range map[string]any{"spu.status": json.Number("5"), "spu.edit_status": json.Number("4"), "spu.audit_info.audit_time": "2022-01-13 11:00:00"} {
		if got := at(t, resp, path); got != want {
			t.Errorf("approved: %s = %v, want %v", path, got, want)
		}
	}
	if err := ctl.Decide(ctx, acct.AppID, control.Review{Kind: "product", OutProductID: "added", Decision: "reject", Reason: "标题违规"}); err != nil {
		t.Fatal(err)
	}
	resp = post(t, tg, tok, "/shop/spu/get", `{"out_product_id":"added","need_edit_spu":1}`)
	for path, want := range map[string]any{"spu.status": json.Number("0"), "spu.edit_status": json.Number("3"),
		"spu.audit_info.reject_reason": "标题违规", "spu.audit_info.audit_time": "2022-01-13 11:00:00"} {
		if got := at(t, resp, path); got != want {
			t.Errorf("rejected: %s = %v, want %v", path, got, want)
		}
	}
	// A rejected draft is corrected and resubmitted: the reason goes.
	wantCode(t, post(t, tg, tok, "/shop/spu/update", spuBody("added")), catalog.OK)
	resp = post(t, tg, tok, "/shop/spu/get", `{"out_product_id":"added","need_edit_spu":1}`)
	if got := at(t, resp, "spu.audit_info.reject_reason"); got != "" {
		t.Errorf("resubmitted: reject_reason %v", got)
	}

	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "product", OutProductID: "seeded", Decision: "approve"}), http.StatusConflict, "out_product_id")
	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "product", OutProductID: "nobody", Decision: "approve"}), http.StatusNotFound, "out_product_id")
	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "product", ProductID: 1, Decision: "approve"}), http.StatusNotFound, "product_id")
	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "product", ProductID: 324545, OutProductID: "added", Decision: "approve"}), http.StatusNotFound, "out_product_id")
	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "product", Decision: "approve"}), http.StatusBadRequest, "product_id")
	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "product", ProductID: "x", Decision: "approve"}), http.StatusBadRequest, "product_id")
	wantRefusal(t, ctl.Decide(ctx, acct.AppID, control.Review{Kind: "product", AuditID: "1", OutProductID: "added", Decision: "approve"}), http.StatusBadRequest, "audit_id")
}

// TestSeedProductWithGrants: a product may carry a brand and a category
// the account was granted by seeded audits.
func TestSeedProductWithGrants(t *testing.T) {
	tg := loopbackTarget(t)
	ctl, acct, tok := seedAccount(t, tg, "default")
	ctx := context.Background()
	if err := ctl.Seed(ctx, acct.AppID, control.Seed{Audits: []any{
		map[string]any{"kind": "brand", "status": 1, "brand_id": 2200000077, "audit_req": map[string]any{"brand_info": map[string]any{"brand_wording": "甲"}}},
		map[string]any{"kind": "category", "status": 1, "audit_req": map[string]any{"category_info": map[string]any{"level1": 1002, "level2": 1201, "level3": 6201}}},
	}}); err != nil {
		t.Fatal(err)
	}
	item := nut("branded", map[string]any{"brand_id": 2200000077, "third_cat_id": 6201, "qualification_pics": []any{"https://mmecimage.cn/p/q.jpg"}, "status": 5})
	if err := ctl.Seed(ctx, acct.AppID, control.Seed{Products: []any{item}}); err != nil {
		t.Fatal(err)
	}
	resp := post(t, tg, tok, "/shop/spu/get", `{"out_product_id":"branded"}`)
	wantCode(t, resp, catalog.OK)
	wantSeeded(t, "branded", item, resp["spu"])
	if got := at(t, resp, "spu.edit_status"); got != json.Number("4") {
		t.Errorf("status 5 without edit_status reads edit_status %v, want 4", got)
	}
}
