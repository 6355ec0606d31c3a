package refsandbox

import "net/http"

// Seeding and reviews of the product domain (control_seed.go, control_reviews.go).

func seedProduct(b *seedBatch, it seedItem) {
	b.fail(it, http.StatusNotImplemented, "", "not seedable yet")
}

func decideProductReview(r *reviewCall) *controlError {
	return refuse(http.StatusNotImplemented, "kind", "not decidable yet")
}
