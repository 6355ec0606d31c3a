package refsandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/refsandbox/control"
)

// seedTestAccount is an account minted for one seed test, with its
// control client and an access token.
type seedTestAccount struct {
	t   *testing.T
	tg  *target
	ctl *control.Client
	*control.Account
	tok string
}

func mintSeedTestAccount(t *testing.T, tg *target, profile string, openids ...string) *seedTestAccount {
	t.Helper()
	ctl := controlClient(tg)
	acct, err := ctl.Mint(context.Background(), control.MintOptions{Profile: profile, OpenIDs: openids})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ctl.AccessToken(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	return &seedTestAccount{t: t, tg: tg, ctl: ctl, Account: acct, tok: tok}
}

func (a *seedTestAccount) seed(s control.Seed) error {
	return a.ctl.Seed(context.Background(), a.AppID, s)
}

func (a *seedTestAccount) mustSeed(s control.Seed) {
	a.t.Helper()
	if err := a.seed(s); err != nil {
		a.t.Fatal(err)
	}
}

// call sends one request as the account and checks its errcode.
func (a *seedTestAccount) call(path, body string, want catalog.Code) map[string]any {
	a.t.Helper()
	resp := post(a.t, a.tg, a.tok, path, body)
	wantCode(a.t, resp, want)
	return resp
}

// seededCoupon is coupon/get's result for couponBody's coupon (type 102,
// one per user, valid 86400 s after receipt) in status, made two hours
// before the sandbox's clock and, unless editing, activated an hour
// before with 90 left and 10 received; edits apply by dotted path.
func seededCoupon(id string, status int, edits ...edit) map[string]any {
	var result map[string]any
	if err := json.Unmarshal([]byte(couponBody(id)), &result); err != nil {
		panic(err)
	}
	c := result["coupon"].(map[string]any)
	c["status"], c["create_time"], c["update_time"] = status, now0-7200, now0-3600
	if status == couponEditing {
		c["update_time"] = now0 - 7200
	} else {
		result["coupon_stock"] = map[string]any{"out_coupon_id": id, "stock_info": map[string]any{"issued_num": 90, "receive_num": 10},
			"create_time": now0 - 3600, "update_time": now0 - 1800}
	}
	for _, e := range edits {
		e(result)
	}
	return result
}

// seededGrant is an item of get_usercoupon_list: coupon couponID
// received by openid ten minutes before the sandbox's clock, status 100.
func seededGrant(id, openid, couponID string, edits ...edit) map[string]any {
	g := map[string]any{"out_user_coupon_id": id, "openid": openid, "out_coupon_id": couponID, "status": 100,
		"create_time": now0 - 600, "update_time": now0 - 600, "recv_time": now0 - 600}
	for _, e := range edits {
		e(g)
	}
	return g
}

// sameJSON compares two values as JSON, numbers by their text.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	if g, w := asJSON(t, got), asJSON(t, want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, jsonText(g), jsonText(w))
	}
}

// without is a copy of obj without keys.
func without(obj map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for k, v := range obj {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// TestSeedCouponsReadBack: seeded coupons and user coupons are what
// coupon/get, get_list and get_usercoupon_list answer, lists in time
// order; a grant's window left out is the coupon's valid_info read at
// its receipt.
func TestSeedCouponsReadBack(t *testing.T) {
	tg := loopbackTarget(t)
	a := mintSeedTestAccount(t, tg, "default", "OPENID", "openid2")
	void := seededCoupon("void", couponVoid, setAt("coupon.create_time", now0-10800))
	effective := seededCoupon("effective", couponEffective)
	editing := seededCoupon("editing", couponEditing)
	used := seededGrant("used", "OPENID", "effective", set("status", 102), set("ext_info", map[string]any{"use_time": now0 - 60}),
		set("start_time", now0-600), set("end_time", now0-600+86400))
	fresh := seededGrant("fresh", "openid2", "effective", del("update_time"))
	a.mustSeed(control.Seed{Coupons: []any{effective, editing, void}, UserCoupons: []any{used, fresh}})

	resp := a.call(cpGet, outCoupon("effective"), 0)
	wantShape(t, cpGet, resp)
	sameJSON(t, "coupon", without(at(t, resp, "result.coupon").(map[string]any), "appid"), effective["coupon"])
	sameJSON(t, "coupon_stock", at(t, resp, "result.coupon_stock"), effective["coupon_stock"])
	resp = a.call(cpGet, outCoupon("editing"), 0)
	sameJSON(t, "an editing coupon's stock", at(t, resp, "result.coupon_stock.stock_info"), map[string]any{"issued_num": 0, "receive_num": 0})

	list := a.call(cpList, `{"page_size":10}`, 0)
	var order []any
	for _, item := range at(t, list, "result_list").([]any) {
		order = append(order, at(t, item.(map[string]any), "coupon.out_coupon_id"))
	}
	sameJSON(t, "get_list's order (creation time)", order, []any{"void", "effective", "editing"})

	mine := a.call(cpUserList, `{"openid":"OPENID","page_size":10}`, 0)
	wantShape(t, cpUserList, mine)
	sameJSON(t, "a used user coupon", at(t, mine, "result_list.0"), without(used, "recv_time"))
	theirs := a.call(cpUserList, `{"openid":"openid2","page_size":10}`, 0)
	want := without(fresh, "recv_time")
	want["update_time"], want["start_time"], want["end_time"], want["ext_info"] = now0-600, now0-600, now0-600+86400, map[string]any{"use_time": 0}
	sameJSON(t, "a fresh user coupon", at(t, theirs, "result_list.0"), want)
}

// TestSeedCouponsPasteWhatTheAPIAnswers: what coupon/get and
// get_usercoupon_list answer on one account seeds another that answers
// the same.
func TestSeedCouponsPasteWhatTheAPIAnswers(t *testing.T) {
	tg := loopbackTarget(t)
	from := mintSeedTestAccount(t, tg, "default", "OPENID")
	from.call(cpAdd, couponBody("made"), 0)
	from.call(cpStatus, statusBody("made", couponEffective), 0)
	from.call(cpGrant, grantBody("OPENID", "made-1", "made", userCouponEffective), 0)
	result := at(t, from.call(cpGet, outCoupon("made"), 0), "result").(map[string]any)
	grant := at(t, from.call(cpUserList, `{"openid":"OPENID","page_size":10}`, 0), "result_list.0")

	to := mintSeedTestAccount(t, tg, "default", "OPENID")
	to.mustSeed(control.Seed{Coupons: []any{result}, UserCoupons: []any{grant}})
	again := at(t, to.call(cpGet, outCoupon("made"), 0), "result").(map[string]any)
	sameJSON(t, "coupon", without(again["coupon"].(map[string]any), "appid"), without(result["coupon"].(map[string]any), "appid"))
	sameJSON(t, "coupon_stock", again["coupon_stock"], result["coupon_stock"])
	sameJSON(t, "user coupon", at(t, to.call(cpUserList, `{"openid":"OPENID","page_size":10}`, 0), "result_list.0"), grant)
}

// TestSeededCouponsLiveOn: the API goes on from a seeded state: seeded
// ids stay taken (1090002, 1090004), seeded grants count against the
// per-user limit (1090009), and the status machines move on.
func TestSeededCouponsLiveOn(t *testing.T) {
	tg := loopbackTarget(t)
	a := mintSeedTestAccount(t, tg, "default", "OPENID", "openid2")
	a.mustSeed(control.Seed{
		Coupons:     []any{seededCoupon("effective", couponEffective), seededCoupon("editing", couponEditing)},
		UserCoupons: []any{seededGrant("held", "OPENID", "effective")},
	})
	a.call(cpAdd, couponBody("effective"), catalog.CouponAlreadyExists)
	a.call(cpGrant, grantBody("openid2", "held", "effective", userCouponEffective), catalog.UserCouponAlreadyExists)
	a.call(cpGrant, grantBody("OPENID", "second", "effective", userCouponEffective), catalog.CouponStockInsufficient)
	a.call(cpGrant, grantBody("openid2", "theirs", "effective", userCouponEffective), 0)
	if got := num(t, a.call(cpGet, outCoupon("effective"), 0), "result.coupon_stock.stock_info.issued_num"); got != "89" {
		t.Errorf("issued_num %s after a grant of the seeded 90, want 89", got)
	}
	a.call(cpStatus, statusBody("editing", couponEffective), 0)
	if got := num(t, a.call(cpGet, outCoupon("editing"), 0), "result.coupon_stock.stock_info.issued_num"); got != "100" {
		t.Errorf("activating a seeded coupon issued %s, want its total_num 100", got)
	}
	a.call(cpUserStatus, userStatusBody("OPENID", "held", "effective", userCouponUsed), 0)
	a.call(cpUserStatus, userStatusBody("OPENID", "held", "effective", userCouponVoided), catalog.UserCouponStatusInvalid)
}

// TestSeedingCouponsConfirmsNothing: an unconfirmed account holds the
// coupons seeded into it, and still answers 1090028 until confirm.
func TestSeedingCouponsConfirmsNothing(t *testing.T) {
	tg := loopbackTarget(t)
	a := mintSeedTestAccount(t, tg, "coupon-unconfirmed")
	a.mustSeed(control.Seed{Coupons: []any{seededCoupon("early", couponEffective)}})
	a.call(cpGet, outCoupon("early"), catalog.CouponNotConfirmed)
	a.call(cpConfirm, `{}`, 0)
	if got := num(t, a.call(cpGet, outCoupon("early"), 0), "result.coupon.status"); got != "2" {
		t.Errorf("status %s, want the seeded 2", got)
	}
}

// TestSeedCouponRefusals: each refusal names its field, with 400 for an
// item wrong in itself, 404 for an object that does not exist, 409 for a
// clash with what the account holds; nothing refused is added.
func TestSeedCouponRefusals(t *testing.T) {
	tg := loopbackTarget(t)
	a := mintSeedTestAccount(t, tg, "default", "OPENID", "openid2")
	a.mustSeed(control.Seed{
		Coupons:     []any{seededCoupon("held", couponEffective), seededCoupon("editing", couponEditing)},
		UserCoupons: []any{seededGrant("held-1", "OPENID", "held")},
	})
	coupons := func(items ...any) control.Seed { return control.Seed{Coupons: items} }
	grants := func(items ...any) control.Seed { return control.Seed{UserCoupons: items} }
	tomorrow := now0 + 86400
	for _, c := range []struct {
		name   string
		seed   control.Seed
		status int
		field  string
	}{
		{"no coupon", coupons(map[string]any{"coupon_stock": map[string]any{}}), 400, "coupons[0].coupon"},
		{"coupon not an object", coupons(map[string]any{"coupon": "c"}), 400, "coupons[0].coupon"},
		{"id taken", coupons(seededCoupon("held", couponEffective)), 409, "coupons[0].coupon.out_coupon_id"},
		{"id twice", coupons(seededCoupon("twice", 1), seededCoupon("twice", 1)), 409, "coupons[1].coupon.out_coupon_id"},
		{"no such status", coupons(seededCoupon("s6", 6)), 400, "coupons[0].coupon.status"},
		{"status as text", coupons(seededCoupon("s-text", 2, setAt("coupon.status", "2"))), 400, "coupons[0].coupon.status"},
		{"stock before activation", coupons(seededCoupon("s1", 1, set("coupon_stock", map[string]any{"stock_info": map[string]any{"issued_num": 5, "receive_num": 0}}))), 400, "coupons[0].coupon_stock"},
		{"no name", coupons(seededCoupon("nameless", 1, delAt("coupon.coupon_info.name"))), 400, "coupons[0].coupon.coupon_info.name"},
		{"amount-off without its amount", coupons(seededCoupon("no-fee", 1, delAt("coupon.coupon_info.discount_info.discount_fee"))), 400, "coupons[0].coupon.coupon_info.discount_info.discount_fee"},
		{"promote types differ", coupons(seededCoupon("promote", 1, setAt("coupon.promote_type", 2))), 400, "coupons[0].coupon"},
		{"made in the future", coupons(seededCoupon("future", 1, setAt("coupon.create_time", tomorrow))), 409, "coupons[0].coupon.create_time"},
		{"updated before made", coupons(seededCoupon("backwards", 1, setAt("coupon.update_time", now0-9000))), 400, "coupons[0].coupon.update_time"},
		{"expired before its end", coupons(seededCoupon("early", couponExpired, setAt("coupon.coupon_info.valid_info", map[string]any{"valid_type": 1, "start_time": now0 - 3600, "end_time": tomorrow}))), 409, "coupons[0].coupon.status"},
		{"no such product", coupons(seededCoupon("product", 1, setAt("coupon.type", 2), setAt("coupon.coupon_info.discount_info.discount_condition.out_product_ids", []any{"nowhere"}))), 404, "coupons[0].coupon.coupon_info.discount_info.discount_condition.out_product_ids[0]"},
		{"another coupon's stock", coupons(seededCoupon("stock-id", 2, setAt("coupon_stock.out_coupon_id", "held"))), 400, "coupons[0].coupon_stock.out_coupon_id"},
		{"negative stock", coupons(seededCoupon("minus", 2, setAt("coupon_stock.stock_info.issued_num", -1))), 400, "coupons[0].coupon_stock.stock_info.issued_num"},
		{"stock without stock_info", coupons(seededCoupon("bare", 2, delAt("coupon_stock.stock_info"))), 400, "coupons[0].coupon_stock.stock_info"},
		{"stock before its coupon", coupons(seededCoupon("stock-early", 2, setAt("coupon_stock.create_time", now0-9000))), 400, "coupons[0].coupon_stock.create_time"},

		{"no such coupon", grants(seededGrant("g", "OPENID", "nowhere")), 404, "user_coupons[0].out_coupon_id"},
		{"no such user", grants(seededGrant("g", "stranger", "held")), 404, "user_coupons[0].openid"},
		{"no such status", grants(seededGrant("g", "openid2", "held", set("status", 104))), 400, "user_coupons[0].status"},
		{"blank id", grants(seededGrant(" ", "openid2", "held")), 400, "user_coupons[0].out_user_coupon_id"},
		{"receipt as text", grants(seededGrant("g", "openid2", "held", set("recv_time", "yesterday"))), 400, "user_coupons[0].recv_time"},
		{"id taken", grants(seededGrant("held-1", "openid2", "held")), 409, "user_coupons[0].out_user_coupon_id"},
		{"id twice", grants(seededGrant("g", "openid2", "held"), seededGrant("g", "openid2", "held")), 409, "user_coupons[1].out_user_coupon_id"},
		{"a coupon never effective", grants(seededGrant("g", "openid2", "editing")), 409, "user_coupons[0].out_coupon_id"},
		{"a coupon of the call never effective", control.Seed{Coupons: []any{seededCoupon("new", 1)}, UserCoupons: []any{seededGrant("g", "openid2", "new")}}, 400, "user_coupons[0].out_coupon_id"},
		{"over the per-user limit", grants(seededGrant("g", "OPENID", "held")), 409, "user_coupons[0].openid"},
		{"used before received", grants(seededGrant("g", "openid2", "held", set("ext_info", map[string]any{"use_time": now0 - 700}))), 400, "user_coupons[0].ext_info.use_time"},
		{"used in the future", grants(seededGrant("g", "openid2", "held", set("ext_info", map[string]any{"use_time": tomorrow}))), 409, "user_coupons[0].ext_info.use_time"},
		{"window ends before it starts", grants(seededGrant("g", "openid2", "held", set("start_time", now0), set("end_time", now0-1))), 400, "user_coupons[0].end_time"},
	} {
		t.Run(c.name, func(t *testing.T) { wantRefusal(t, a.seed(c.seed), c.status, c.field) })
	}
	if got := num(t, a.call(cpList, `{"page_size":100}`, 0), "total_num"); got != "2" {
		t.Errorf("%s coupons after the refused seeds, want the 2 seeded first", got)
	}
	if got := num(t, a.call(cpUserList, `{"openid":"openid2","page_size":100}`, 0), "total_num"); got != "0" {
		t.Errorf("openid2 holds %s user coupons after the refused seeds, want 0", got)
	}
}

// TestSeedCouponsAllOrNothing: one bad item of any kind refuses the whole
// call, the good coupons and user coupons of it included.
func TestSeedCouponsAllOrNothing(t *testing.T) {
	tg := loopbackTarget(t)
	a := mintSeedTestAccount(t, tg, "default", "OPENID")
	err := a.seed(control.Seed{
		Coupons:     []any{seededCoupon("good", couponEffective)},
		UserCoupons: []any{seededGrant("good-1", "OPENID", "good")},
		Sharers:     []any{map[string]any{"openid": "stranger"}},
	})
	wantRefusal(t, err, http.StatusNotFound, "sharers[0].openid")
	a.call(cpGet, outCoupon("good"), catalog.CouponNotFound)
	if got := num(t, a.call(cpUserList, `{"openid":"OPENID","page_size":10}`, 0), "total_num"); got != "0" {
		t.Errorf("%s user coupons after a refused seed, want 0", got)
	}
}
