package refsandbox

import "testing"

// TestAccessResponseShapes: register/check's answer has the documented
// shape (§2.1) while applying, connected, and with a scene applied for.
func TestAccessResponseShapes(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok, _ := freshAccount(t, tg, "onboarding")
		for _, c := range []struct{ path, body string }{
			{applyPath, `{}`}, {checkPath, `{}`},
		} {
			resp := post(t, tg, tok, c.path, c.body)
			wantCode(t, resp, 0)
			wantShape(t, c.path, resp)
		}
		tok, _ = freshAccount(t, tg, "default")
		for _, c := range []struct{ path, body string }{
			{checkPath, `{}`}, {scenePath, scene(1)}, {checkPath, `{}`},
		} {
			resp := post(t, tg, tok, c.path, c.body)
			wantCode(t, resp, 0)
			wantShape(t, c.path, resp)
		}
	})
}
