package refsandbox

// What the coupon world reads from the product world (§3.7 1090012 "a
// product in the coupon is not in a usable status", I; refsandbox/README.md:
// an out_product_id that is not an approved, listed product of the
// account). Read-only: coupons never change a product. The caller holds
// account.mu, as every handler does.

// usableForCoupon: the product exists, is not deleted, a review approved
// a version of it (it has an online copy) and it is listed (status 5).
// On reviews-approve a product is all of these as soon as spu/add
// answers; elsewhere reviews stay pending, so no product qualifies.
func (st *productState) usableForCoupon(outID string) bool {
	p := st.byOut[outID]
	return p != nil && !p.deleted && p.online != nil && p.status == statusListed
}
