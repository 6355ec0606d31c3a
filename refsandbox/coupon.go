package refsandbox

// Coupon domain (api-reference §2.8 /shop/coupon/*, §3.7 codes 1090xxx).
// Its user APIs answer a bad openid with the domain's own 1090039, so
// openid checks are written here rather than declared as generic rules.

// couponProfile is the coupon domain's fixed account state
// (Profile.Coupon, JSON "coupon").
type couponProfile struct{}

// couponState is one account's coupons and user coupons; guarded by
// account.mu.
type couponState struct{}

func newCouponState(couponProfile) *couponState { return &couponState{} }
