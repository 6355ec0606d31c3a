package refsandbox

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/shopconform/shopconform/internal/jsonpos"
)

// The control API: what a test needs to set up the state its own calls
// presuppose, the way Stripe's test helpers and test clocks do, outside
// the vendor's namespace (so no /shop/ or /cgi-bin/ path can reach it).
// Every call but minting touches one account only, named in its path, so
// test processes that share one sandbox never interfere. Calls need the
// control token (Options.ControlToken; `serve` writes it into its
// accounts file) as "Authorization: Bearer <token>".
//
//	POST /_shopconform/v1/accounts                        mint an account of a profile, with chosen openids
//	GET  /_shopconform/v1/accounts/{appid}                its profile, openids and clock
//	POST /_shopconform/v1/accounts/{appid}/reset          back to the profile's initial state
//	POST /_shopconform/v1/accounts/{appid}/clock          set or advance its clock
//	PUT  /_shopconform/v1/accounts/{appid}/categories     replace its category tree
//	POST /_shopconform/v1/accounts/{appid}/seed           add objects with chosen ids and states, all or nothing
//	POST /_shopconform/v1/accounts/{appid}/reviews        decide a pending product, brand or category review
const (
	controlPrefix   = adminPrefix + "v1/"
	controlAccounts = controlPrefix + "accounts"
)

// controlReply is a control call's answer: a status and a JSON body. A
// refusal names the field at fault, so a test's author can fix the call.
func controlReply(status int, data map[string]any) reply { return bareReply(status, data) }

// controlError is a refused control call.
type controlError struct {
	status int
	field  string // "orders[0].status"; empty when the call as a whole is wrong
	msg    string
}

func (e *controlError) Error() string {
	if e.field == "" {
		return e.msg
	}
	return e.field + ": " + e.msg
}

func refuse(status int, field, format string, args ...any) *controlError {
	return &controlError{status: status, field: field, msg: fmt.Sprintf(format, args...)}
}

// controlErrorReply answers a refusal: {"error": "field: what is wrong",
// "field": "..."}; several problems of one call are all listed.
func controlErrorReply(errs ...*controlError) reply {
	status := errs[0].status
	var msgs, fields []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
		if e.field != "" {
			fields = append(fields, e.field)
		}
	}
	data := map[string]any{"error": strings.Join(msgs, "; ")}
	if len(fields) > 0 {
		data["field"] = fields[0]
		data["fields"] = fields
	}
	if len(errs) > 1 {
		data["errors"] = msgs
	}
	return controlReply(status, data)
}

// controlAction is one control call on one account.
type controlAction struct {
	method string
	handle func(s *Sandbox, c *call, a *account, body *jsonpos.Node, raw []byte) reply
}

// accountActions are the calls under /_shopconform/v1/accounts/{appid}/.
func accountActions() map[string]controlAction {
	return map[string]controlAction{
		"":           {http.MethodGet, (*Sandbox).describeAccount},
		"reset":      {http.MethodPost, (*Sandbox).resetAccount},
		"clock":      {http.MethodPost, (*Sandbox).setClock},
		"categories": {http.MethodPut, (*Sandbox).replaceCategories},
		"seed":       {http.MethodPost, (*Sandbox).seed},
		"reviews":    {http.MethodPost, (*Sandbox).decideReview},
	}
}

// control answers a call under /_shopconform/v1/.
func (s *Sandbox) control(c *call) reply {
	if !s.authorised(c.r) {
		return controlReply(http.StatusUnauthorized, map[string]any{
			"error": `the control API needs "Authorization: Bearer <control token>"; shopconform serve writes the token into its accounts file ("control.token")`,
		})
	}
	rest := strings.TrimPrefix(c.r.URL.Path, controlPrefix)
	if rest == "accounts" {
		if c.r.Method != http.MethodPost {
			return controlReply(http.StatusMethodNotAllowed, map[string]any{"error": controlAccounts + " wants POST"})
		}
		body, raw, err := readControlBody(c.r)
		if err != nil {
			return controlErrorReply(err)
		}
		return s.mintAccount(body, raw)
	}
	appid, action, _ := strings.Cut(strings.TrimPrefix(rest, "accounts/"), "/")
	act, known := accountActions()[action]
	switch {
	case !strings.HasPrefix(rest, "accounts/") || !known:
		return controlReply(http.StatusNotFound, map[string]any{"error": "unknown control path " + c.r.URL.Path, "paths": controlPaths()})
	case c.r.Method != act.method:
		return controlReply(http.StatusMethodNotAllowed, map[string]any{"error": c.r.URL.Path + " wants " + act.method})
	}
	a, ok := s.store.account(appid)
	if !ok {
		return controlErrorReply(refuse(http.StatusNotFound, "", "no account with appid %q", appid))
	}
	var body *jsonpos.Node
	var raw []byte
	if act.method != http.MethodGet {
		var err *controlError
		if body, raw, err = readControlBody(c.r); err != nil {
			return controlErrorReply(err)
		}
	}
	return act.handle(s, c, a, body, raw)
}

func controlPaths() []string {
	out := []string{"POST " + controlAccounts}
	for name, act := range accountActions() {
		out = append(out, act.method+" "+controlAccounts+"/{appid}/"+name)
	}
	slices.Sort(out[1:])
	return out
}

// authorised compares the bearer token in constant time.
func (s *Sandbox) authorised(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(tok), []byte(s.controlToken)) == 1
}

// readControlBody reads one JSON object strictly, keeping positions so
// that a refusal can point into it.
func readControlBody(r *http.Request) (*jsonpos.Node, []byte, *controlError) {
	raw, err := readBody(r.Body)
	if err != nil {
		return nil, nil, refuse(http.StatusBadRequest, "", "%v", err)
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		raw = []byte("{}")
	}
	root, err := jsonpos.Parse(raw)
	if err != nil {
		var pe *jsonpos.Error
		errors.As(err, &pe)
		line, col := jsonpos.LineCol(raw, pe.Off)
		return nil, nil, refuse(http.StatusBadRequest, "", "the body is not JSON (line %d, column %d: %s)", line, col, pe.Msg)
	}
	if root.Kind != jsonpos.Object {
		return nil, nil, refuse(http.StatusBadRequest, "", "the body must be a JSON object")
	}
	return root, raw, nil
}

// readBody reads a control call's body under the sandbox's cap.
func readBody(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBodyBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading the body: %v", err)
	case len(data) > maxBodyBytes:
		return nil, fmt.Errorf("body larger than %d bytes", maxBodyBytes)
	}
	return data, nil
}

// decodeControl decodes body strictly into v: an unknown field or a value
// of the wrong type is refused, naming the field.
func decodeControl(raw []byte, body *jsonpos.Node, v any) *controlError {
	if errs := jsonpos.DecodeStrict(raw, body, v); len(errs) > 0 {
		return refuse(http.StatusBadRequest, errs[0].Path, "%s", errs[0].Msg)
	}
	return nil
}

// describeAccount answers what a test needs to call as the account.
func (s *Sandbox) describeAccount(_ *call, a *account, _ *jsonpos.Node, _ []byte) reply {
	return controlReply(http.StatusOK, accountJSON(a, s.clock.Now()))
}

func accountJSON(a *account, base time.Time) map[string]any {
	now := a.clock.now(base)
	return map[string]any{
		"profile": a.profile.Name, "appid": a.profile.AppID, "secret": a.profile.Secret,
		"openids": a.profile.OpenIDs,
		"clock":   map[string]any{"now": now.In(shanghai).Format(time.DateTime), "unix": now.Unix()},
	}
}
