package refsandbox

import "net/http"

// Seeding and reviews of the audit domain (control_seed.go, control_reviews.go).

func seedAudit(b *seedBatch, it seedItem) {
	b.fail(it, http.StatusNotImplemented, "", "not seedable yet")
}

func decideAuditReview(r *reviewCall) *controlError {
	return refuse(http.StatusNotImplemented, "kind", "not decidable yet")
}
