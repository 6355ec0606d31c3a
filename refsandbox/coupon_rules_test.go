package refsandbox

import (
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// TestCouponFieldRules: the spec's rules of the coupon bodies
// (apispec/data/coupon.json), one kind at a time, each with the request
// it refuses and one it lets through.
func TestCouponFieldRules(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		me := accountOf(t, tg, "default").OpenIDs[0]
		other := accountOf(t, tg, "default").OpenIDs[1]
		info := "coupon.coupon_info."
		for _, tc := range []struct {
			name, profile string
			steps         []step
		}{
			{"a required object's members are required (receive_info {})", "default", []step{
				{cpAdd, couponBody("r1", setAt(info+"receive_info", map[string]any{})), catalog.CouponReceiveInfoMissing},
				{cpAdd, couponBody("r1", delAt(info+"receive_info.limit_num_one_person")), catalog.CouponReceiveInfoMissing},
				{cpAdd, couponBody("r1", setAt(info+"receive_info.total_num", "100")), catalog.CouponReceiveInfoMissing},
				{cpAdd, couponBody("r1"), 0}}},
			{"ranges: total_num ≥ 0, limit_num_one_person ≥ 1, discount_num 1000–10000, discount_fee ≥ 1", "default", []step{
				{cpAdd, couponBody("r2", setAt(info+"receive_info.total_num", -5)), catalog.ParameterMissing},
				{cpAdd, couponBody("r2", perUser(0)), catalog.ParameterMissing},
				{cpAdd, couponBody("r2", setAt("coupon.type", 103), setAt(info+"discount_info.discount_num", 5)), catalog.ParameterMissing},
				{cpAdd, couponBody("r2", setAt("coupon.type", 103), setAt(info+"discount_info.discount_num", 10001)), catalog.ParameterMissing},
				{cpAdd, couponBody("r2", setAt(info+"discount_info.discount_num", 5)), catalog.ParameterMissing}, // checked when sent, whatever the type
				{cpAdd, couponBody("r2", setAt(info+"discount_info.discount_fee", 0)), catalog.ParameterMissing},
				{cpAdd, couponBody("r2", setAt(info+"discount_info.discount_condition.product_price", -1)), catalog.ParameterMissing},
				{cpAdd, couponBody("r2", setAt(info+"receive_info.total_num", 0)), 0},
				{cpAdd, couponBody("r2b", setAt("coupon.type", 103), setAt(info+"discount_info.discount_num", 9800)), 0}}},
			{"ordered: the receipt window starts before it ends (990009)", "default", []step{
				{cpAdd, couponBody("r3", setAt(info+"receive_info.start_time", now0+2592001)), catalog.StartAfterEnd},
				{cpAdd, couponBody("r3", setAt(info+"receive_info.start_time", now0+2592000)), 0}}},
			{"valid_info: its times are ordered, its numbers at least 1", "default", []step{
				{cpAdd, couponBody("r4", setAt(info+"valid_info", map[string]any{"valid_type": 3, "valid_second": 0})), catalog.CouponExpiryTypeInvalid},
				{cpAdd, couponBody("r4", setAt(info+"valid_info", map[string]any{"valid_type": 1, "start_time": -1, "end_time": now0})), catalog.CouponExpiryTypeInvalid},
				{cpAdd, couponBody("r4", setAt(info+"valid_info", map[string]any{"valid_type": 1, "start_time": now0, "end_time": now0})), 0}}},
			{"conditional: the discount fields a type needs (1090054)", "reviews-approve", []step{
				{add, spuBody("r5-p"), 0},
				{cpAdd, couponBody("r5", setAt("coupon.type", 101)), catalog.CouponTypeInvalid},
				{cpAdd, couponBody("r5", setAt("coupon.type", 104), delAt(info+"discount_info.discount_fee")), catalog.CouponTypeInvalid},
				{cpAdd, couponBody("r5", forProducts("r5-p"), setAt("coupon.type", 5)), catalog.CouponTypeInvalid},
				{cpAdd, couponBody("r5", forProducts("r5-p"), setAt("coupon.type", 6)), catalog.CouponTypeInvalid},
				{cpAdd, couponBody("r5", forProducts("r5-p"), setAt("coupon.type", 5),
					setAt(info+"discount_info.discount_condition.tradein_info", map[string]any{"out_product_id": "r5-p", "price": 0})), catalog.ParameterMissing},
				{cpAdd, couponBody("r5", forProducts("r5-p"), setAt("coupon.type", 5),
					setAt(info+"discount_info.discount_condition.tradein_info", map[string]any{"out_product_id": "r5-p", "price": 990})), 0},
				{cpAdd, couponBody("r5b", forProducts("r5-p"), setAt("coupon.type", 6),
					setAt(info+"discount_info.discount_condition.buyget_info", map[string]any{"buy_out_product_id": "r5-p", "buy_product_cnt": 2, "get_out_product_id": "r5-p", "get_product_cnt": 1})), 0},
				{cpAdd, couponBody("r5c", setAt("coupon.type", 101), setAt(info+"discount_info.discount_num", 9000)), 0}}},
			{"enum: promote_type 1–4 at both levels (1090053)", "default", []step{
				{cpAdd, couponBody("r6", setAt("coupon.promote_type", 99), setAt(info+"promote_info.promote_type", 99)), catalog.CouponPromoteTypeMismatch},
				{cpAdd, couponBody("r6", setAt("coupon.promote_type", 2), setAt(info+"promote_info.promote_type", 2)), 0}}},
			{"conditional: Channels' finder only for promote_type 4", "default", []step{
				{cpAdd, couponBody("r7", setAt(info+"promote_info.finder", map[string]any{})), 0},
				{cpAdd, couponBody("r7b", setAt(info+"promote_info.finder", "x")), catalog.CouponChannelsInfoInvalid}}},
			{"array items: out_product_ids at most 128", "reviews-approve", []step{
				{cpAdd, couponBody("r8", forProducts(make([]string, 129)...)), catalog.ParameterMissing},
				{cpAdd, couponBody("r8", forProducts("a", "")), catalog.CouponProductsMissing}}},
			{"the user's limit: limit_num_one_person grants of one coupon to one user (1090009)", "default", then(
				granted(me, "r9-1", "r9"), effective("r9b", perUser(2)), []step{
					{cpGrant, grantBody(me, "r9-2", "r9", 100), catalog.CouponStockInsufficient},
					{cpGrant, grantBody(other, "r9-2", "r9", 100), 0},
					{cpGrant, grantBody(me, "r9b-1", "r9b", 100), 0},
					{cpGrant, grantBody(me, "r9b-2", "r9b", 100), 0},
					{cpGrant, grantBody(me, "r9b-3", "r9b", 100), catalog.CouponStockInsufficient}})},
			{"required: update_user_coupon's recv_time (§2.8 R)", "default", then(granted(me, "r10-1", "r10"), []step{
				{cpRedeem, `{"openid":"` + me + `","user_coupon":{"out_user_coupon_id":"r10-1","out_coupon_id":"r10"}}`, catalog.ParameterMissing},
				{cpRedeem, `{"openid":"` + me + `","user_coupon":{"out_user_coupon_id":"r10-1","out_coupon_id":"r10"},"recv_time":-1}`, catalog.ParameterMissing},
				{cpRedeem, `{"openid":"` + me + `","user_coupon":{"out_user_coupon_id":"r10-1","out_coupon_id":"r10"},"recv_time":` + itoa(int(now0)) + `}`, 0}})},
			{"check: use_time not before recv_time (1090052)", "default", then(granted(me, "r11-1", "r11"), []step{
				{cpRedeem, redeemBody(me, "r11-1", "r11", now0-1), catalog.UserCouponRedemptionInvalid},
				{cpRedeem, redeemBody(me, "r11-1", "r11", now0), 0}})},
			{"enum: a grant's user_coupon.status is one of 100–103 (1090044)", "default", []step{
				{cpGrant, grantBody(me, "r12-1", "r12-none", 99), catalog.UserCouponStatusInvalid},
				{cpGrant, grantBody(me, "r12-1", "r12-none", 103), catalog.CouponNotFound}}},
			{"paging: integers, page_size ≥ 1, offset ≥ 0", "default", []step{
				{cpList, `{"page_size":"10"}`, catalog.ParameterMissing},
				{cpList, `{"page_size":10.5}`, catalog.ParameterMissing},
				{cpList, `{"page_size":10,"offset":"1"}`, catalog.ParameterMissing},
				{cpUserList, `{"openid":"` + me + `","page_size":0}`, catalog.ParameterMissing},
				{cpUserList, `{"openid":"` + me + `","page_size":10,"offset":-1}`, catalog.ParameterMissing},
				{cpUserList, `{"openid":"` + me + `","page_size":200,"offset":0}`, 0}}},
			{"check: coupon.status must not be sent (1090034), an empty one is not sent", "default", []step{
				{cpAdd, couponBody("r14", setAt("coupon.status", 0)), catalog.CouponStatusNotSettable},
				{cpAdd, couponBody("r14", setAt("coupon.status", "")), 0}}},
		} {
			t.Run(tc.name, func(t *testing.T) { run(t, tg, tc.profile, tc.steps...) })
		}
	})
}

// TestCouponResponseShapes: every success answer of the eleven coupon
// endpoints has the shape the spec documents (validate.Response).
func TestCouponResponseShapes(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		calls := then([]step{{cpConfirm, `{}`, 0}}, granted(me, "shape-u", "shape"), []step{
			{cpAdd, couponBody("shape-editing"), 0},
			{cpUpdate, couponBody("shape-editing", named("满200减20")), 0},
			{cpGet, outCoupon("shape"), 0},
			{cpGet, outCoupon("shape-editing"), 0},
			{cpList, `{"page_size":10}`, 0},
			{cpStock, stockBody("shape", 10, 1), 0},
			{cpUserList, `{"openid":"` + me + `","page_size":10}`, 0},
			{cpRedeem, redeemBody(me, "shape-u", "shape", now0), 0},
			{cpUserStatus, userStatusBody(me, "shape-u", "shape", 102), 0},
			{cpStatus, statusBody("shape-editing", 5), 0},
		})
		seen := map[string]bool{}
		for _, s := range calls {
			resp := post(t, tg, tok, s.path, s.body)
			wantCode(t, resp, 0)
			ep, ok := spec.Endpoint(s.path)
			if !ok {
				t.Fatalf("%s is not in the spec", s.path)
			}
			for _, p := range validate.Response(ep, resp) {
				t.Errorf("%s %s: %s", s.path, s.body, p)
			}
			seen[s.path] = true
		}
		if len(seen) != 11 {
			t.Errorf("%d coupon endpoints answered, want 11: %v", len(seen), seen)
		}
	})
}
