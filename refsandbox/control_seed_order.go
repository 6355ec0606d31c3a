package refsandbox

import "net/http"

// Seeding and reviews of the order domain (control_seed.go, control_reviews.go).

func seedOrder(b *seedBatch, it seedItem) {
	b.fail(it, http.StatusNotImplemented, "", "not seedable yet")
}

func seedAftersale(b *seedBatch, it seedItem) {
	b.fail(it, http.StatusNotImplemented, "", "not seedable yet")
}
