package refsandbox

import (
	"fmt"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/jsonvalue"
)

// Coupon domain (api-reference §2.8 /shop/coupon/*, §3.7 codes 1090xxx;
// refsandbox/README.md "Coupons").
//
// An account has coupons keyed by out_coupon_id and user coupons (coupons
// granted to one user) keyed by out_user_coupon_id. Nothing works until
// the account's coupon capability is confirmed (1090028): confirm pushes
// to the merchant's message-push URL and judges the answer
// (coupon_confirm.go). Every field rule, the domain's own codes for
// missing objects, ids and openids included, is the spec's
// (apispec/data/coupon.json); the handlers read validated values and keep
// the rules about state.
//
// Files: coupon.go (profile, state, codes, views), coupon_checks.go (the
// spec's named rules and the 1090028 precondition), coupon_body.go (the
// add/update body as stored), coupon_add.go (add, update, get,
// get_list), coupon_status.go (update_status, update_coupon_stock),
// coupon_user.go (the four user-coupon APIs), coupon_confirm.go (confirm
// and the push), coupon_products.go (what coupons read from the product
// world).

// Coupon status (DOC:coupon/update_coupon_status; 5 "deleted" comes from
// the standard component's status enum, I).
const (
	couponEditing   = 1 // initial; the only status update accepts
	couponEffective = 2 // activating creates the stock
	couponExpired   = 3
	couponVoid      = 4
	couponDeleted   = 5
)

// couponMoves is the status machine (refsandbox/README.md "Coupons"):
// 1 → 2 one-way, 2 → 3 or 4, and 5 from 1, 3 and 4. Anything else,
// a value outside 1–5 included, is 1090010 (§3.7, I).
var couponMoves = map[int64][]int64{
	couponEditing:   {couponEffective, couponDeleted},
	couponEffective: {couponExpired, couponVoid},
	couponExpired:   {couponDeleted},
	couponVoid:      {couponDeleted},
}

// User-coupon status (DOC:coupon/add_usercoupon "枚举-status").
const (
	userCouponEffective = 100 // a grant's only status
	userCouponExpired   = 101
	userCouponUsed      = 102
	userCouponVoided    = 103
)

// userCouponMoves: 100 → 101, 102 or 103; every other move, a value
// outside 100–103 included, is illegal (§3.7 1090044 "e.g. 102 → 100", I).
var userCouponMoves = map[int64][]int64{
	userCouponEffective: {userCouponExpired, userCouponUsed, userCouponVoided},
}

// couponProfile is the coupon domain's fixed account state
// (Profile.Coupon, JSON "coupon").
type couponProfile struct {
	// Confirmed false starts the account with its coupon capability
	// unconfirmed: every coupon API but confirm is 1090028 until confirm
	// succeeds (the nine coupon-* profiles). Default true.
	Confirmed *bool `json:"confirmed,omitempty"`
	// PushPath is the path of the account's message-push URL on the
	// merchant simulator (Options.MerchantURL + PushPath); "" means the
	// merchant has message push disabled (1090019).
	PushPath string `json:"push_path,omitempty"`
}

var pushPathRE = regexp.MustCompile(`^/[A-Za-z0-9._~/-]*$`)

// validate is called by Profile.validate: a push path that is no URL
// path would otherwise fail only when confirm is called.
func (p couponProfile) validate() error {
	if p.PushPath != "" && !pushPathRE.MatchString(p.PushPath) {
		return fmt.Errorf("coupon.push_path: want a URL path such as /push/correct, got %q", p.PushPath)
	}
	return nil
}

// couponState is one account's coupons and user coupons; guarded by
// account.mu, but for confirmed, which the 1090028 gate reads before the
// handler takes the lock (coupon_checks.go).
type couponState struct {
	confirmed atomic.Bool
	pushPath  string

	byOut map[string]*coupon
	list  []*coupon // creation order, for get_list

	users     map[string]*userCoupon // by out_user_coupon_id, unique per account (§3.7 1090004)
	userOrder []*userCoupon          // grant order, for get_usercoupon_list
}

func newCouponState(p couponProfile) *couponState {
	st := &couponState{
		pushPath: p.PushPath,
		byOut:    map[string]*coupon{},
		users:    map[string]*userCoupon{},
	}
	st.confirmed.Store(*orDefault(p.Confirmed, true))
	return st
}

// coupon is one coupon: what add or update sent, its status and its stock.
type coupon struct {
	couponSpec
	status  int64
	created time.Time
	updated time.Time
	stock   *couponStock // nil until activated (§3.7 1090005)
}

// couponStock is DOC:coupon/update_coupon_stock's stock_info: issued_num
// is what remains, receive_num what was handed out.
type couponStock struct {
	issued   int64
	received int64
	created  time.Time
	updated  time.Time
}

// userCoupon is one coupon granted to one user; times are unix seconds.
type userCoupon struct {
	outID    string
	openid   string
	couponID string
	status   int64
	recv     int64 // recv_time: when the user received it
	useTime  int64 // ext_info.use_time: when it was redeemed; 0 until then
	start    int64 // its validity window, from the coupon's valid_info at the grant
	end      int64
	created  time.Time
	updated  time.Time
}

// Sentinels of the coupon handlers' state rules, each with its §3.7 code;
// the field codes are the spec's.
var (
	errCouponNotFound         = codeErr(catalog.CouponNotFound, "coupon not found")                                     // 1090001 D text
	errCouponExists           = codeErr(catalog.CouponAlreadyExists, "coupon exists")                                   // 1090002 D text
	errUserCouponNotFound     = codeErr(catalog.UserCouponNotFound, "user coupon not found")                            // 1090003 D text
	errUserCouponExists       = codeErr(catalog.UserCouponAlreadyExists, "user coupon exists")                          // 1090004 D text / I
	errStockNotFound          = codeErr(catalog.CouponStockNotFound, "coupon stock not found")                          // 1090005 D
	errStockExists            = codeErr(catalog.CouponStockAlreadyExists, "coupon stock exists")                        // 1090006 I (NS: magic value)
	errCouponNotEditing       = codeErr(catalog.CouponNotEditing, "coupon not in editing")                              // 1090008 I
	errStockInsufficient      = codeErr(catalog.CouponStockInsufficient, "coupon stock insufficient")                   // 1090009 I
	errCouponMoveRefused      = codeErr(catalog.CouponStatusChangeFailed, "coupon status change refused")               // 1090010 I
	errCouponProductUnusable  = codeErr(catalog.CouponProductUnavailable, "coupon product not usable")                  // 1090012 I
	errCouponCreateFailed     = codeErr(catalog.CouponCreateFailed, "coupon creation failed")                           // 1090013 I (NS: magic value)
	errCouponExpireFailed     = codeErr(catalog.CouponExpireFailed, "coupon expiry failed")                             // 1090014 I (NS: magic value)
	errCouponNotExpired       = codeErr(catalog.CouponNotExpired, "coupon not expired")                                 // 1090015 I
	errCouponVoidFailed       = codeErr(catalog.CouponVoidFailed, "coupon voiding failed")                              // 1090016 I (NS: magic value)
	errCouponDeleteFailed     = codeErr(catalog.CouponDeleteFailed, "coupon deletion failed")                           // 1090017 I (NS: magic value)
	errCouponEffective        = codeErr(catalog.CouponNotEditableOnceEffective, "coupon effective")                     // 1090018 D text
	errPushDisabled           = codeErr(catalog.CouponCallbackFailed, "message push disabled")                          // 1090019 D text / I (profile coupon-push-off)
	errPushFieldMissing       = codeErr(catalog.CouponCallbackCheckFailed, "push answer lacks a field")                 // 1090020 D; which field is I
	errPushRequestID          = codeErr(catalog.CouponCallbackCheckFailed2, "push answer has another request_id")       // 1090021 D code / I distinction
	errPushRetCode            = codeErr(catalog.CouponCallbackCheckFailed3, "push answer has ret_code != 0")            // 1090022 I
	errPushNotJSON            = codeErr(catalog.CouponCallbackReplyInvalid, "push answer is not JSON")                  // 1090023 I
	errActivityTooHot         = codeErr(catalog.CouponActivityTooHot, "activity too hot")                               // 1090025 I (NS: magic value)
	errPushUnreachable        = codeErr(catalog.CouponCallbackSystemFailed, "merchant unreachable")                     // 1090032 I (profile coupon-merchant-down)
	errPushHTTPStatus         = codeErr(catalog.CouponCallbackLogicFailed, "merchant answered an HTTP error")           // 1090033 D
	errPushFixedValues        = codeErr(catalog.CouponConfirmCallbackCheckFailed, "push answer has wrong fixed values") // 1090040 I
	errUserCouponStatusFailed = codeErr(catalog.UserCouponStatusUpdateFailed, "user coupon status update failed")       // 1090041 I (NS: magic value)
	errCouponNotEffective     = codeErr(catalog.CouponStatusInvalid, "coupon not effective")                            // 1090043 I
	errUserCouponStatus       = codeErr(catalog.UserCouponStatusInvalid, "user coupon status wrong")                    // 1090044 I
	errUserCouponUpdateFailed = codeErr(catalog.UserCouponUpdateFailed, "user coupon update failed")                    // 1090045 I (NS: magic value)
)

// find is the existence check (§3.7 1090001) of an out_coupon_id.
func (st *couponState) find(outID string) (*coupon, error) {
	c := st.byOut[outID]
	if c == nil {
		return nil, failf(errCouponNotFound, "no coupon %q", outID)
	}
	return c, nil
}

// Views. Coupon times are unix seconds (§1 "coupon times"). Each view
// copies what it shows: the reply is encoded after the account lock is
// released.

func (c *coupon) view(appid string) map[string]any {
	return map[string]any{
		"out_coupon_id": c.outID,
		"appid":         appid,
		"type":          c.typ,
		"promote_type":  c.promoteType,
		"coupon_info":   jsonvalue.Clone(c.info),
		"status":        c.status,
		"create_time":   c.created.Unix(),
		"update_time":   c.updated.Unix(),
	}
}

// stockView is coupon_stock; before activation there is no stock, and
// it answers zeros rather than leaving the documented object out.
func (c *coupon) stockView() map[string]any {
	s := couponStock{}
	created, updated := int64(0), int64(0)
	if c.stock != nil {
		s = *c.stock
		created, updated = s.created.Unix(), s.updated.Unix()
	}
	return map[string]any{
		"out_coupon_id": c.outID,
		"stock_info":    map[string]any{"issued_num": s.issued, "receive_num": s.received},
		"create_time":   created,
		"update_time":   updated,
	}
}

func (u *userCoupon) view() map[string]any {
	return map[string]any{
		"out_user_coupon_id": u.outID,
		"openid":             u.openid,
		"out_coupon_id":      u.couponID,
		"status":             u.status,
		"create_time":        u.created.Unix(),
		"update_time":        u.updated.Unix(),
		"start_time":         u.start,
		"end_time":           u.end,
		"ext_info":           map[string]any{"use_time": u.useTime},
	}
}

// couponPaging is offset and page_size of the two list APIs, validated by
// the spec (page_size an integer 1–100 or 1–200, offset an integer ≥ 0,
// 0 when left out).
func couponPaging(body map[string]any) (offset, size int64) {
	size, _ = asInt(body["page_size"])
	offset, _ = asInt(body["offset"])
	return offset, size
}

// couponPage is one page of items from offset (order_list.go's cut).
func couponPage[T any](items []T, offset, size int64) []T {
	return cut(items[min(int64(len(items)), offset):], paging{page: 1, size: size})
}
