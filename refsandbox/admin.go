package refsandbox

import (
	"net/http"
	"strings"

	"github.com/shopconform/shopconform/internal/version"
)

// Admin paths live outside the vendor namespace (fake-gcs-server's
// /_internal/...), so the vendor's 40066 check never sees them and no
// vendor path can collide with them: the health check, which anyone may
// read, and the control API under /_shopconform/v1/ (control.go), which
// needs the control token.
const (
	adminPrefix = "/_shopconform/"
	healthzPath = adminPrefix + "healthz"
)

// admin answers outside the vendor envelope: these are for harness
// operators and tests, who get ordinary HTTP statuses.
func (s *Sandbox) admin(c *call) reply {
	switch p := c.r.URL.Path; {
	case strings.HasPrefix(p, controlPrefix):
		return s.control(c)
	case p != healthzPath:
		return bareReply(http.StatusNotFound, map[string]any{
			"error": "unknown admin path", "paths": []string{healthzPath, controlPrefix + "…"},
		})
	case c.r.Method != http.MethodGet:
		return bareReply(http.StatusMethodNotAllowed, map[string]any{"error": healthzPath + " wants GET"})
	}
	// The release says which behaviour the sandbox has; the version names
	// the build (internal/version).
	return bareReply(http.StatusOK, map[string]any{"status": "ok", "version": s.version, "release": version.Release})
}
