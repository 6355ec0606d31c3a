package apispec

import (
	"strings"

	"github.com/shopconform/shopconform/catalog"
)

// The universal codes: what the pipeline every /shop/ call goes through
// can answer besides the endpoint's own codes (§3.1, and
// refsandbox/README.md "Pipeline"). README.md "Codes every call can
// answer" says which apply where and why; the renderers and the fuzzer
// read them from here, so that the choice is made once.

// RouteCodes are answered before any endpoint is known: a path that is no
// endpoint, or an endpoint called with another method than POST. No
// operation of a documented path answers them to a POST.
func RouteCodes() []CodeUse {
	return []CodeUse{
		{Code: catalog.URLNotFound, When: "the path under /shop/ is none of the documented ones", Source: universalSource},
		{Code: catalog.RequirePOST, When: "a documented path is called with another method than POST", Source: universalSource},
	}
}

var universalSource = Source{Section: "§3.1", Evidence: Documented}

// UniversalCodes are the codes every call of ep can answer besides its
// own, in the order the pipeline checks them: the token, the body, the
// account's state, the quota and rate, the backend, and last (after the
// field rules) the content policy when ep has fields under it.
func UniversalCodes(ep *Endpoint) []CodeUse {
	out := []CodeUse{
		{Code: catalog.AccessTokenMissing, When: "the query has no access_token (nor authorizer_access_token)"},
		{Code: catalog.InvalidAccessToken, When: "the access_token is not shaped like a token"},
		{Code: catalog.InvalidCredential, When: "the access_token was never issued, or a newer one replaced it"},
		{Code: catalog.AccessTokenExpired, When: "the access_token has expired"},
	}
	if !ep.Multipart {
		out = append(out, CodeUse{Code: catalog.NotJSON, When: "the body is not one JSON object (empty, an array, comments, trailing commas, trailing data)"})
	}
	out = append(out,
		CodeUse{Code: catalog.ThirdPartyIPNotWhitelisted, When: "a third-party platform calls from an egress IP off its whitelist"},
		CodeUse{Code: catalog.ThirdPartyPermissionMissing, When: "the mini program has not granted the third-party platform this permission set"},
	)
	if !ep.PreOpen {
		out = append(out, CodeUse{Code: catalog.APIUnauthorized, When: "the transaction component is not opened yet"})
	}
	out = append(out,
		CodeUse{Code: catalog.DailyQuotaExceeded, When: "the daily call quota of this API is spent"},
		CodeUse{Code: catalog.RateLimited, When: "calls come faster than the rate limit"},
		CodeUse{Code: catalog.SystemBusy, When: "a transient backend failure (the reference sandbox: a magic value, refsandbox/README.md)"},
		CodeUse{Code: catalog.SystemError, When: "a backend failure (the reference sandbox: a magic value, refsandbox/README.md)"},
	)
	if len(ep.Content) > 0 {
		out = append(out, CodeUse{Code: catalog.ContentViolation, When: "after the field rules: a text of " + strings.Join(ep.Content, ", ") + " holds words the content policy forbids"})
	}
	for i := range out {
		out[i].Source = universalSource
	}
	return out
}
