package refsandbox

import (
	"fmt"
	"strings"
)

// endpoint is one line of the route table in routes.go.
type endpoint struct {
	path    string
	flags   routeFlag
	rules   []fieldRule // run in declaration order: openid rules first (§7)
	text    []string    // text fields under the content policy (87014)
	handler handlerFunc
}

type routeFlag uint8

const (
	multipart routeFlag = 1 << iota // body is multipart/form-data: the JSON stage is skipped (§1)
	preOpen                         // callable before the component is opened: no 48001
)

// compiledRoute is an endpoint with its rules turned into checks.
type compiledRoute struct {
	endpoint
	checks  []check
	content []fieldPath // compiled text
}

// compileRoutes builds every route's checks before the first request, so
// a mistake in the table stops New instead of one call (stripe-mock's
// initializeRouter).
func (s *Sandbox) compileRoutes(table []endpoint) (map[string]*compiledRoute, error) {
	routes := make(map[string]*compiledRoute, len(table))
	for _, ep := range table {
		if _, dup := routes[ep.path]; dup {
			return nil, fmt.Errorf("refsandbox: route %s is declared twice", ep.path)
		}
		rt, err := compileRoute(ep)
		if err != nil {
			return nil, fmt.Errorf("refsandbox: route %s: %w", ep.path, err)
		}
		routes[ep.path] = rt
	}
	return routes, nil
}

func compileRoute(ep endpoint) (*compiledRoute, error) {
	switch {
	case !strings.HasPrefix(ep.path, "/shop/"):
		return nil, fmt.Errorf("not under /shop/")
	case ep.handler == nil:
		return nil, fmt.Errorf("no handler")
	case ep.flags&multipart != 0 && (len(ep.rules) > 0 || len(ep.text) > 0):
		return nil, fmt.Errorf("a multipart route has no JSON body for field rules")
	}
	rt := &compiledRoute{endpoint: ep}
	for i, r := range ep.rules {
		chk, err := compileRule(r)
		if err != nil {
			return nil, fmt.Errorf("rule %d (%s): %w", i+1, r.kind, err)
		}
		rt.checks = append(rt.checks, chk)
	}
	for _, t := range ep.text {
		p, err := parsePath(t)
		if err != nil {
			return nil, fmt.Errorf("content field: %w", err)
		}
		rt.content = append(rt.content, p)
	}
	return rt, nil
}
