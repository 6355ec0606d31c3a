package refsandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/refsandbox/control"
)

// wantRefusal checks that a control call was refused with status, naming
// field (when given).
func wantRefusal(t *testing.T, err error, status int, field string) {
	t.Helper()
	var ce *control.Error
	switch {
	case !errors.As(err, &ce):
		t.Errorf("want HTTP %d, got %v", status, err)
	case ce.Status != status || field != "" && ce.Field != field:
		t.Errorf("HTTP %d naming %q (%s), want %d naming %q", ce.Status, ce.Field, ce.Message, status, field)
	}
}

// TestControlNeedsItsToken: every control call without the token, or
// with another, is 401; the vendor's paths never reach the control API.
func TestControlNeedsItsToken(t *testing.T) {
	tg := loopbackTarget(t)
	ctx := context.Background()
	for _, tok := range []string{"", "not-the-token"} {
		c := controlClient(tg)
		c.Token = tok
		_, err := c.Mint(ctx, control.MintOptions{})
		wantRefusal(t, err, http.StatusUnauthorized, "")
	}
	for _, p := range []string{"/shop/_shopconform/v1/accounts", "/shop/../_shopconform/v1/accounts", "/cgi-bin/_shopconform/v1/accounts"} {
		resp, raw := do(t, tg, http.MethodPost, p, "", "application/json", `{}`)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), `"errcode":40066`) {
			t.Errorf("%s: HTTP %d %s, want the vendor's 40066", p, resp.StatusCode, raw)
		}
	}
}

// TestMintWithChosenOpenIDs: a minted account has the users it was asked
// for, whatever their shape, and the API answers them as users.
func TestMintWithChosenOpenIDs(t *testing.T) {
	tg := loopbackTarget(t)
	tok, users := freshAccount(t, tg, "default", "OPENID", "openid1")
	if strings.Join(users, ",") != "OPENID,openid1" {
		t.Fatalf("users %v", users)
	}
	wantCode(t, post(t, tg, tok, "/shop/sharer/search_sharer", `{"openid":"OPENID"}`), catalog.OK)
	wantCode(t, post(t, tg, tok, "/shop/sharer/search_sharer", `{"openid":"OPENID2"}`), catalog.OpenIDIllegalVariant)

	ctx := context.Background()
	c := controlClient(tg)
	_, err := c.Mint(ctx, control.MintOptions{Profile: "no-such-profile"})
	wantRefusal(t, err, http.StatusNotFound, "profile")
	_, err = c.Mint(ctx, control.MintOptions{OpenIDs: []string{"a", " "}})
	wantRefusal(t, err, http.StatusBadRequest, "openids[1]")
	_, err = c.Mint(ctx, control.MintOptions{OpenIDs: []string{"a", "a"}})
	wantRefusal(t, err, http.StatusBadRequest, "openids[1]")
	err = c.Do(ctx, http.MethodPost, control.Prefix+"accounts", map[string]any{"profil": "default"}, nil)
	wantRefusal(t, err, http.StatusBadRequest, "profil")
}

// TestAccountClock: an account's clock starts where minting says, moves
// only forward, and is the time the rules read (an order's expire_time
// window here); the sandbox's own clock and other accounts are untouched.
func TestAccountClock(t *testing.T) {
	tg := loopbackTarget(t)
	ctx := context.Background()
	c := controlClient(tg)
	acct, err := c.Mint(ctx, control.MintOptions{Clock: "2022-01-13 10:00:00"})
	if err != nil {
		t.Fatal(err)
	}
	if acct.Clock.Now != "2022-01-13 10:00:00" {
		t.Errorf("clock %s", acct.Clock.Now)
	}
	tok, err := c.AccessToken(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	in2022 := time.Date(2022, 1, 13, 11, 0, 0, 0, shanghai).Unix()
	order := newOrder(acct.OpenIDs[0], "dated", setAt("expire_time", in2022))
	wantCode(t, post(t, tg, tok, orderAddPath, order), catalog.OK)
	wantCode(t, post(t, tg, token(t, tg, "default"), orderAddPath, newOrder(accountOf(t, tg, "default").OpenIDs[0], "dated", setAt("expire_time", in2022))), catalog.ParameterMissing)

	// An hour on, the order has timed out (181).
	if err := c.AdvanceClock(ctx, acct.AppID, 61*time.Minute); err != nil {
		t.Fatal(err)
	}
	resp := post(t, tg, tok, "/shop/order/get", ids(acct.OpenIDs[0], "dated"))
	if status := num(t, resp, "order.status"); status != "181" {
		t.Errorf("after the hour the order is %s, want 181", status)
	}
	err = c.SetClock(ctx, acct.AppID, time.Date(2022, 1, 13, 9, 0, 0, 0, shanghai))
	wantRefusal(t, err, http.StatusConflict, "set_unix")
	err = c.Do(ctx, http.MethodPost, control.Prefix+"accounts/"+acct.AppID+"/clock", map[string]string{"advance": "-1h"}, nil)
	wantRefusal(t, err, http.StatusBadRequest, "advance")
	err = c.Do(ctx, http.MethodPost, control.Prefix+"accounts/"+acct.AppID+"/clock", map[string]string{"set": "2030-01-01", "advance": "1h"}, nil)
	wantRefusal(t, err, http.StatusBadRequest, "")
	_, err = c.Mint(ctx, control.MintOptions{Clock: "yesterday"})
	wantRefusal(t, err, http.StatusBadRequest, "clock")
}

// TestCategoriesAreRefusedWithTheirField: a tree that is not one names
// the category and field at fault, and nothing changes.
func TestCategoriesAreRefusedWithTheirField(t *testing.T) {
	tg := loopbackTarget(t)
	ctx := context.Background()
	c := controlClient(tg)
	appid := accountOf(t, tg, "default").AppID
	good := map[string]any{"first_cat_id": 1, "first_cat_name": "a", "second_cat_id": 2, "second_cat_name": "b", "third_cat_id": 3, "third_cat_name": "c",
		"qualification": "", "qualification_type": 0, "product_qualification": "", "product_qualification_type": 0}
	bad := map[string]any{"first_cat_id": 1, "first_cat_name": "a", "second_cat_id": 2, "second_cat_name": "b", "third_cat_id": "3", "third_cat_name": "c"}
	wantRefusal(t, c.SetCategories(ctx, appid, []any{good, bad}), http.StatusBadRequest, "third_cat_list[1].third_cat_id")
	wantRefusal(t, c.SetCategories(ctx, appid, nil), http.StatusBadRequest, "third_cat_list")
	tok := token(t, tg, "default")
	if n := len(post(t, tg, tok, "/shop/cat/get", `{}`)["third_cat_list"].([]any)); n == 1 {
		t.Error("a refused tree was applied")
	}
	if err := c.SetCategories(ctx, appid, []any{good}); err != nil {
		t.Fatal(err)
	}
	if n := len(post(t, tg, tok, "/shop/cat/get", `{}`)["third_cat_list"].([]any)); n != 1 {
		t.Errorf("cat/get lists %d categories after the replacement, want 1", n)
	}
}

// TestSeedRefusesUnknownKinds: a seed names only known kinds, each an
// array.
func TestSeedRefusesUnknownKinds(t *testing.T) {
	tg := loopbackTarget(t)
	ctx := context.Background()
	c := controlClient(tg)
	path := control.Prefix + "accounts/" + accountOf(t, tg, "default").AppID + "/seed"
	wantRefusal(t, c.Do(ctx, http.MethodPost, path, map[string]any{"widgets": []any{}}, nil), http.StatusBadRequest, "widgets")
	wantRefusal(t, c.Do(ctx, http.MethodPost, path, map[string]any{"products": map[string]any{}}, nil), http.StatusBadRequest, "products")
	wantRefusal(t, c.Do(ctx, http.MethodPost, path, map[string]any{"products": []any{"x"}}, nil), http.StatusBadRequest, "products[0]")
	wantRefusal(t, c.Do(ctx, http.MethodPost, control.Prefix+"accounts/wxnobody/seed", map[string]any{}, nil), http.StatusNotFound, "")
}

// TestControlCallsTouchOneAccount: every control call on one account
// leaves another account exactly as it was: what the API reads back, its
// clock and its category tree.
func TestControlCallsTouchOneAccount(t *testing.T) {
	tg := loopbackTarget(t)
	ctx := context.Background()
	c := controlClient(tg)
	mint := func() (*control.Account, string) {
		a, err := c.Mint(ctx, control.MintOptions{Profile: "reviews-approve"})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := c.AccessToken(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return a, tok
	}
	target, _ := mint()
	other, otherTok := mint()
	wantCode(t, post(t, tg, otherTok, "/shop/spu/add", spuBody("theirs")), catalog.OK)
	snapshot := func() string {
		var b strings.Builder
		for _, r := range []struct{ path, body string }{
			{"/shop/cat/get", `{}`}, {"/shop/spu/get_list", `{"page":1,"page_size":100}`},
			{"/shop/order/get_list", `{"page":1,"page_size":100,"sort_order":1}`},
			{"/shop/account/get_brand_list", `{}`}, {"/shop/sharer/get_sharer_list", `{"page":1,"page_size":100}`},
		} {
			b.WriteString(jsonOf(post(t, tg, otherTok, r.path, r.body)))
		}
		a, err := c.Account(ctx, other.AppID)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(jsonOf(a))
		return b.String()
	}
	before := snapshot()

	cats := post(t, tg, otherTok, "/shop/cat/get", `{}`)["third_cat_list"].([]any)
	for _, call := range []func() error{
		func() error { return c.AdvanceClock(ctx, target.AppID, 48*time.Hour) },
		func() error { return c.SetCategories(ctx, target.AppID, cats[:1]) },
		func() error {
			return c.Seed(ctx, target.AppID, control.Seed{Sharers: []any{map[string]any{"openid": target.OpenIDs[0], "bind_status": 1}}})
		},
		func() error {
			return c.Seed(ctx, target.AppID, control.Seed{Audits: []any{map[string]any{"kind": "brand", "status": 0, "audit_id": "a1",
				"audit_req": map[string]any{"brand_info": map[string]any{"brand_wording": "theirs"}}}}})
		},
		func() error {
			return c.Decide(ctx, target.AppID, control.Review{Kind: "brand", AuditID: "a1", Decision: "approve"})
		},
		func() error { return c.Reset(ctx, target.AppID) },
	} {
		if err := call(); err != nil {
			t.Fatal(err)
		}
	}
	if after := snapshot(); after != before {
		t.Errorf("calls on %s changed %s:\nbefore %s\nafter  %s", target.AppID, other.AppID, before, after)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
