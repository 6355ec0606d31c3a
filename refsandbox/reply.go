package refsandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/catalog"
)

// reply is what every stage and handler returns. Nothing but write turns it
// into bytes, so the envelope has exactly one shape (style rules 2 and 5).
type reply struct {
	code   catalog.Code
	detail string         // appended to the catalog text of an error
	data   map[string]any // extra top-level keys, written sorted after errcode/errmsg
	bare   bool           // data only, no errcode/errmsg: token success and admin answers
	status int            // HTTP status; 0 means 200, as the vendor answers errors with 200 too
}

func (rep reply) httpStatus() int {
	if rep.status == 0 {
		return http.StatusOK
	}
	return rep.status
}

// okReply is a success: errcode 0, errmsg "ok", plus data.
func okReply(data map[string]any) reply { return reply{code: catalog.OK, data: data} }

// errReply is the only way to build an error. Its errmsg is the catalog
// text, then ": detail" when given, then the request id.
func errReply(code catalog.Code, detail ...string) reply {
	return reply{code: code, detail: strings.Join(detail, ": ")}
}

// bareReply answers outside the vendor envelope: the token endpoints'
// success body (which has no errcode) and the admin paths.
func bareReply(status int, data map[string]any) reply {
	return reply{bare: true, status: status, data: data}
}

// pipelineCodes are the codes the generic stages can emit; New refuses to
// start when the catalog cannot name one, so no envelope carries a
// placeholder text.
func pipelineCodes() []catalog.Code {
	return []catalog.Code{
		catalog.SystemError, catalog.InvalidCredential, catalog.InvalidGrantType,
		catalog.InvalidAppID, catalog.InvalidAccessToken, catalog.InvalidAppSecret,
		catalog.AccessTokenMissing, catalog.AppIDMissing, catalog.AppSecretMissing,
		catalog.AccessTokenExpired, catalog.RequirePOST, catalog.DailyQuotaExceeded,
		catalog.NotJSON, catalog.ThirdPartyPermissionMissing, catalog.ThirdPartyIPNotWhitelisted,
		catalog.URLNotFound, catalog.APIUnauthorized, catalog.ContentViolation,
		catalog.RateLimited, catalog.OpenIDIllegal, catalog.OpenIDIllegalVariant,
		catalog.OpenIDMissing, catalog.PageSizeTooLarge, catalog.ParameterMissing,
		catalog.ParameterTooLong, catalog.StartAfterEnd, catalog.SystemBusy,
	}
}

func checkCatalog(c *catalog.Catalog) error {
	var missing []string
	for _, code := range pipelineCodes() {
		if _, ok := c.Lookup(code); !ok {
			missing = append(missing, fmt.Sprint(int(code)))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("refsandbox: catalog lacks codes the pipeline emits: %s", strings.Join(missing, ", "))
	}
	return nil
}

// write is the one adapter from reply to HTTP (fake-gcs-server's
// jsonToHTTPHandler). curl users get indented JSON, like stripe-mock.
func (s *Sandbox) write(w http.ResponseWriter, r *http.Request, rep reply) {
	body, err := s.encode(rep)
	if err != nil {
		rep = errReply(catalog.SystemError, "reply could not be encoded")
		body, _ = s.encode(rep) // code and text are plain values: cannot fail
	}
	if strings.HasPrefix(r.UserAgent(), "curl/") {
		var pretty bytes.Buffer
		if json.Indent(&pretty, body, "", "  ") == nil {
			body = append(pretty.Bytes(), '\n')
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Shopconform-Version", s.version)
	w.WriteHeader(rep.httpStatus())
	_, _ = w.Write(body)
}

// encode writes errcode and errmsg first (as the vendor does), then the
// data keys in sorted order.
func (s *Sandbox) encode(rep reply) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	sep := ""
	field := func(key string, v any) error {
		buf.WriteString(sep)
		sep = ","
		if err := appendJSON(&buf, key); err != nil {
			return err
		}
		buf.WriteByte(':')
		return appendJSON(&buf, v)
	}
	if !rep.bare {
		_ = field("errcode", int(rep.code))
		_ = field("errmsg", s.errmsg(rep))
	}
	keys := make([]string, 0, len(rep.data))
	for k := range rep.data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := field(k, rep.data[k]); err != nil {
			return nil, fmt.Errorf("reply key %q: %w", k, err)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// appendJSON encodes v without HTML escaping, so Chinese text and "<" in
// errmsg arrive as the vendor sends them.
func appendJSON(buf *bytes.Buffer, v any) error {
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
	return nil
}

// errmsg is "ok" on success; on error the catalog text, the detail and a
// fresh request id, in the vendor's "<text> rid: <hex>-<hex>-<hex>" form.
func (s *Sandbox) errmsg(rep reply) string {
	if rep.code == catalog.OK {
		return "ok"
	}
	msg := s.text(rep.code)
	if rep.detail != "" {
		msg += ": " + rep.detail
	}
	return msg + " rid: " + s.rid()
}

func (s *Sandbox) text(code catalog.Code) string {
	if e, ok := s.catalog.Lookup(code); ok && e.Text != "" {
		return e.Text
	}
	return fmt.Sprintf("errcode %d", int(code)) // a domain code the catalog does not know yet
}

// rid mimics the vendor's request id. A failing random source must not
// cost the caller the answer, so it degrades to zeros.
func (s *Sandbox) rid() string {
	h, err := s.random.hex(12)
	if err != nil {
		return "00000000-00000000-00000000"
	}
	return h[:8] + "-" + h[8:16] + "-" + h[16:]
}
