package refsandbox

import "net/http"

// Seeding and reviews of the coupon domain (control_seed.go, control_reviews.go).

func seedCoupon(b *seedBatch, it seedItem) {
	b.fail(it, http.StatusNotImplemented, "", "not seedable yet")
}

func seedUserCoupon(b *seedBatch, it seedItem) {
	b.fail(it, http.StatusNotImplemented, "", "not seedable yet")
}
