package refsandbox

import "net/http"

// Seeding and reviews of the share domain (control_seed.go, control_reviews.go).

func seedSharer(b *seedBatch, it seedItem) {
	b.fail(it, http.StatusNotImplemented, "", "not seedable yet")
}
