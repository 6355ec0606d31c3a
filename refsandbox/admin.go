package refsandbox

import "net/http"

// Admin paths live outside the vendor namespace (fake-gcs-server's
// /_internal/...), so the vendor's 40066 check never sees them and no
// vendor path can collide with them.
const (
	adminPrefix = "/_shopconform/"
	healthzPath = adminPrefix + "healthz"
	resetPath   = adminPrefix + "reset"
)

// admin answers outside the vendor envelope: these are for harness
// operators, who get ordinary HTTP statuses.
func (s *Sandbox) admin(c *call) reply {
	method := map[string]string{healthzPath: http.MethodGet, resetPath: http.MethodPost, accountsPath: http.MethodPost}
	want, ok := method[c.r.URL.Path]
	switch {
	case !ok:
		return bareReply(http.StatusNotFound, map[string]any{
			"error": "unknown admin path", "paths": []string{healthzPath, resetPath, accountsPath},
		})
	case c.r.Method != want:
		return bareReply(http.StatusMethodNotAllowed, map[string]any{"error": c.r.URL.Path + " wants " + want})
	case c.r.URL.Path == resetPath:
		s.store.reset()
		return bareReply(http.StatusOK, map[string]any{"status": "ok"})
	case c.r.URL.Path == accountsPath:
		return s.mintAccount(c) // admin_accounts.go
	}
	return bareReply(http.StatusOK, map[string]any{"status": "ok", "version": s.version})
}
