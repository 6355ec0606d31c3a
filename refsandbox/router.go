package refsandbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
)

// route is one endpoint: its spec, the validator compiled from it, the
// text fields under the content policy, and the handler of its state
// rules.
type route struct {
	spec         *apispec.Endpoint
	precondition precondition // nil for most routes
	validator    *validate.Validator
	content      []fieldPath
	handler      handlerFunc
}

// precondition is account state checked before the field rules; it
// answers an error that names its code, or nil.
type precondition func(*account) error

// compileRoutes builds every route before the first request, so that a
// spec endpoint without a handler, a handler without a spec endpoint or a
// named check the sandbox lacks stops New instead of one call
// (stripe-mock's initializeRouter).
func compileRoutes(spec *apispec.Spec, handlers map[string]handlerFunc, gates map[string]precondition, checks map[string]validate.Check) (map[string]*route, error) {
	routes := make(map[string]*route, len(spec.Endpoints))
	var problems []string
	for _, ep := range spec.Endpoints {
		h := handlers[ep.Path]
		if h == nil {
			problems = append(problems, ep.Path+" is in the spec but has no handler in routes.go")
			continue
		}
		v, err := validate.Compile(ep, checks)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		rt := &route{spec: ep, precondition: gates[ep.Path], validator: v, handler: h}
		for _, t := range ep.Content {
			rt.content = append(rt.content, fieldPath(strings.Split(t, ".")))
		}
		routes[ep.Path] = rt
	}
	for path := range handlers {
		if _, ok := spec.Endpoint(path); !ok {
			problems = append(problems, path+" has a handler in routes.go but is not in the spec")
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("refsandbox: routes: %s", strings.Join(problems, "; "))
	}
	return routes, nil
}

// fieldPath is a dotted path into the JSON body, split once at New.
type fieldPath []string

// lookup walks objects only; a path through an array or a scalar is absent.
func (p fieldPath) lookup(body map[string]any) (any, bool) {
	var v any = body
	for _, seg := range p {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[seg]; !ok {
			return nil, false
		}
	}
	return v, true
}

func (p fieldPath) String() string { return strings.Join(p, ".") }

// A call is what the validator judges a request against: the account's
// users and the call's clock reading (validate.Env).
func (c *call) Now() time.Time { return c.now }

// IsUser reads the account's test users, which never change after the
// account is made, so it needs no lock.
func (c *call) IsUser(openid string) bool { return c.acct.openids[openid] }
