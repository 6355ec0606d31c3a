package refsandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// call is one request on its way through the pipeline; each stage fills
// in what the later ones need.
type call struct {
	r       *http.Request
	now     time.Time // read once, so every stage agrees on the time
	route   *route
	acct    *account
	profile string // for the log line
	body    map[string]any
}

// A stage either lets the call continue or stops it with a reply.
type stage func(*call) (reply, bool)

const (
	stop = true
	cont = false
)

func (s *Sandbox) serve(w http.ResponseWriter, r *http.Request) {
	c := &call{r: r, now: s.clock.Now()}
	rep := s.dispatch(c)
	s.write(w, r, rep)
	// Only the path: the query carries the access token.
	s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "profile", c.profile,
		"errcode", int(rep.code), "status", rep.httpStatus())
}

// dispatch separates the three namespaces: admin paths (never seen by the
// vendor's 40066 check), the token endpoints, and the vendor API.
func (s *Sandbox) dispatch(c *call) reply {
	switch p := c.r.URL.Path; {
	case strings.HasPrefix(p, adminPrefix):
		return s.admin(c)
	case p == classicTokenPath || p == stableTokenPath:
		return s.tokenEndpoint(c)
	}
	return s.vendor(c)
}

// vendor runs a vendor API call through the documented precedence. The
// order of this list is the contract (api-reference §7);
// pipeline_test.go pins each adjacent pair.
func (s *Sandbox) vendor(c *call) reply {
	stages := []stage{
		s.routeStage,   // 40066 unknown path, 43002 not POST
		s.tokenStage,   // 41001 missing, 40014 malformed, 40001 unknown, 42001 expired
		s.jsonStage,    // 47001 body is not a JSON object
		s.accountStage, // 61004, 61007 (profile), 48001 (onboarding state)
		s.quotaStage,   // 45009 daily quota of this API
		s.rateStage,    // 300000 token bucket
		s.magicStage,   // 990010, -1 for the magic values
		s.fieldStage,   // the spec's field rules: 990001–990009 and the domains' field codes
		s.contentStage, // 87014 prohibited words
	}
	for _, st := range stages {
		if rep, done := st(c); done {
			return rep
		}
	}
	return s.handlerStage(c)
}

// routeStage answers 40066 before anything else, so an unknown path is
// 40066 even without a token (§3.1).
func (s *Sandbox) routeStage(c *call) (reply, bool) {
	rt, ok := s.routes[c.r.URL.Path]
	if !ok {
		return errReply(catalog.URLNotFound), stop
	}
	if c.r.Method != http.MethodPost { // §1: POST for every /shop/ endpoint
		return errReply(catalog.RequirePOST), stop
	}
	c.route = rt
	return reply{}, cont
}

// jsonStage decodes the body (§1 "strict JSON"). A multipart route's form
// is read into its fields instead (readForm), for the same validator.
func (s *Sandbox) jsonStage(c *call) (reply, bool) {
	if c.route.spec.Multipart {
		c.body = readForm(c.r, c.route.spec.Request)
		return reply{}, cont
	}
	body, err := readJSONObject(c.r.Body)
	if err != nil {
		return errReply(catalog.NotJSON, err.Error()), stop
	}
	c.body = body
	return reply{}, cont
}

// accountStage applies the account's state: third-party checks first
// (the call never reaches the mini program's own permissions), then
// whether the component is open, which follows the onboarding state
// (48001 until register/apply, README "Onboarding and sharers"; §3.1
// 48001 "before the component is opened", D). /shop/register/* must work before opening,
// since they are how an account opens it.
func (s *Sandbox) accountStage(c *call) (reply, bool) {
	p := c.acct.profile
	if tp := p.ThirdParty; tp != nil {
		if !tp.EgressIPWhitelisted {
			return errReply(catalog.ThirdPartyIPNotWhitelisted), stop
		}
		if !tp.PermissionSetGranted {
			return errReply(catalog.ThirdPartyPermissionMissing), stop
		}
	}
	if !c.route.spec.PreOpen && !c.acct.componentOpen() {
		return errReply(catalog.APIUnauthorized, "the transaction component is not opened"), stop
	}
	return reply{}, cont
}

func (s *Sandbox) quotaStage(c *call) (reply, bool) {
	if !c.acct.takeQuota(c.route.spec.Path, c.now) {
		return errReply(catalog.DailyQuotaExceeded), stop
	}
	return reply{}, cont
}

func (s *Sandbox) rateStage(c *call) (reply, bool) {
	if !c.acct.takeRate(c.now) {
		return errReply(catalog.RateLimited), stop
	}
	return reply{}, cont
}

func (s *Sandbox) magicStage(c *call) (reply, bool) {
	if m, ok := findMagic(c.body); ok {
		return errReply(m.code, "magic value "+m.value), stop
	}
	return reply{}, cont
}

// fieldStage is the spec's validator: every field rule of the endpoint,
// in the spec's order (apispec/README.md).
func (s *Sandbox) fieldStage(c *call) (reply, bool) {
	if pre := c.route.precondition; pre != nil {
		if err := pre(c.acct); err != nil {
			return replyOf(nil, err), stop
		}
	}
	if c.body == nil {
		return reply{}, cont
	}
	if v := c.route.validator.Request(c.body, c); v != nil {
		return errReply(v.Code, v.Detail), stop
	}
	return reply{}, cont
}

func (s *Sandbox) contentStage(c *call) (reply, bool) {
	return s.content.check(c.route.content, c.body)
}

// handlerStage calls the domain handler with the account locked, so a
// handler reads and writes its domain state without further locking.
func (s *Sandbox) handlerStage(c *call) reply {
	c.acct.mu.Lock()
	defer c.acct.mu.Unlock()
	return replyOf(c.route.handler(&request{
		acct:     c.acct,
		profile:  c.acct.profile,
		body:     c.body,
		http:     c.r,
		now:      c.now,
		random:   s.random,
		merchant: s.merchant,
	}))
}

// maxBodyBytes bounds what the sandbox reads; the largest documented body
// (an image upload) is 2 MB.
const maxBodyBytes = 8 << 20

// readJSONObject accepts exactly one JSON object: an empty body, an array,
// comments, trailing commas or trailing data are all "not JSON" (47001).
func readJSONObject(r io.Reader) (map[string]any, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBodyBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading the body: %v", err)
	case len(data) > maxBodyBytes:
		return nil, fmt.Errorf("body larger than %d bytes", maxBodyBytes)
	case len(bytes.TrimSpace(data)) == 0:
		return nil, errors.New("empty body")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // 64-bit ids must survive (§1)
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("body is not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("body is JSON but not an object")
	}
	return obj, nil
}
