package refsandbox

import (
	"net/http"
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// TestEveryRouteAnswersEmptyBodies: every endpoint of the spec, sent an
// empty body with a valid token, answers a code of the API — never -1,
// which would be a bug of the sandbox, never an HTTP error — on an
// account that is open and on one that is not.
func TestEveryRouteAnswersEmptyBodies(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	forEachTarget(t, func(t *testing.T, tg *target) {
		for _, profile := range []string{"default", "onboarding", "coupon-unconfirmed"} {
			tok := token(t, tg, profile)
			for _, ep := range spec.Endpoints {
				contentType, body := "application/json", "{}"
				if ep.Multipart {
					contentType, body = "multipart/form-data; boundary=x", "--x--\r\n"
				}
				status, resp := send(t, tg, http.MethodPost, ep.Path, tok, contentType, body)
				if status != http.StatusOK || errcode(t, resp) == catalog.SystemError {
					t.Errorf("%s %s {}: HTTP %d %v", profile, ep.Path, status, resp)
				}
			}
		}
	})
}
