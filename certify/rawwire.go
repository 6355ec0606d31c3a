package certify

import (
	"encoding/json"
	"strings"

	"github.com/shopconform/shopconform/fixtures"
)

// rawWireWhy says why a typed SDK cannot send the case's own request, or
// "" when it can. A typed SDK has one method per endpoint, which sends
// POST (every endpoint of the API is POST only, apispec/api-reference.md
// §1), and it serialises a value of its request type, which is JSON (or
// a multipart form for the image upload). A case that sends another
// method, or a body that is not JSON at all, probes the API's own checks
// of the wire (43002, 47001); only an SDK's raw HTTP layer could send it.
// The certificate gives such cases the verdict raw-wire: a typed SDK that
// cannot send them is not at fault.
func rawWireWhy(c *fixtures.Case) string {
	req := c.Request
	if m := strings.ToUpper(req.Method); m != "" && m != "POST" {
		return "the case sends " + m + " to a POST-only endpoint, which a typed SDK's method cannot send"
	}
	if req.RawBody != nil {
		// Templates in a raw body only fill in values; whether it is JSON
		// does not depend on them.
		text, err := req.RawBody.Text(&fixtures.Env{Steps: map[string]any{}})
		if err == nil && !json.Valid([]byte(text)) {
			return "the case's body is not JSON, which a typed SDK that serialises its request cannot send"
		}
	}
	return ""
}
