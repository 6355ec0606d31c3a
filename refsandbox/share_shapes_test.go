package refsandbox

import "testing"

// TestShareResponseShapes: the success answers of the share endpoints in
// the states that fill them (bound, inviting and refused sharers, a page
// of sharers) have the documented shape (§2.9).
func TestShareResponseShapes(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "sharers-accept")
		u := accountOf(t, tg, "sharers-accept").OpenIDs
		stranger := accountOf(t, tg, "default").OpenID
		for _, c := range []struct{ path, body string }{
			{bindPath, openids(u[0], u[1], stranger)},
			{bindPath, openids(u[0])},
			{searchPath, who(u[0])},
			{searchPath, who(u[2])},
			{sharerListPath, `{"page":1,"page_size":1}`},
			{sharerListPath, `{"page":9,"page_size":100}`},
			{summaryPath, who(u[0])},
			{liveOrdersPath, who(u[0], `"live_export_id":"L1"`, `"page":1`, `"page_size":100`)},
			{liveSummaryPath, who(u[0], `"page":2`, `"page_size":20`)},
			{shareModePath, `{"share_mode":0}`},
			{promotersPath, `{"page":1,"page_size":20}`},
			{unbindPath, openids(u[1], u[2], stranger)},
		} {
			resp := post(t, tg, tok, c.path, c.body)
			wantCode(t, resp, 0)
			wantShape(t, c.path, resp)
		}
	})
}
