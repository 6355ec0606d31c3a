package refsandbox

import (
	"net/http"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// handlerFunc is a domain handler: it sees a call that passed every
// generic stage and returns its data or an error that names its code
// (replyOf); it never touches the
// http.ResponseWriter: one adapter (reply.go) writes every answer.
type handlerFunc func(req *request) (map[string]any, error)

// request is what a domain handler gets.
type request struct {
	acct     *account        // the caller's partition; acct.mu is held for the whole call
	profile  *Profile        // resolved (no nil pointers), read-only
	body     map[string]any  // numbers are json.Number; a multipart form's fields are strings and validate.FileParts
	http     *http.Request   // the raw request (its context, for calls a handler makes)
	now      time.Time       // the clock reading every stage of this call used
	random   *lockedReader   // for ids the handler mints
	merchant *merchantCaller // coupon/confirm's way to the merchant simulator
}

// unmodelled stands in for every endpoint whose domain behaviour is not
// written yet: the route exists (no 40066) and every generic stage
// applies, but a call that gets this far says so instead of pretending.
func unmodelled(*request) (map[string]any, error) {
	return nil, codeFail(catalog.SystemError, "not modelled by the reference sandbox yet")
}
