package refsandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopconform/shopconform/catalog"
)

// Field rules (style rule 3): the generic per-endpoint checks behind the
// universal codes 990001–990009 are declared in routes.go with the
// constructors below and compiled once, at New, into checks. Anything
// specific to a domain (state machines, cross-field rules, domain codes)
// is Go in that domain's handler instead.

type ruleKind int

const (
	ruleOpenID ruleKind = iota + 1
	ruleRequired
	ruleMaxLen
	rulePageSize
	ruleTimeOrder
)

func (k ruleKind) String() string {
	return [...]string{"?", "openid", "required", "maxLen", "pageSize", "timeOrder"}[max(0, min(int(k), 5))]
}

// timeLayout is how a time field is written (§1 "time formats").
type timeLayout int

const (
	datetime    timeLayout = iota + 1 // "2006-01-02 15:04:05", Asia/Shanghai
	unixSeconds                       // number of seconds
	unixMillis                        // number of milliseconds
)

// fieldRule is the declarative form; paths are dotted into the JSON object.
type fieldRule struct {
	kind       ruleKind
	paths      []string
	limit      int
	layout     timeLayout
	formatOnly bool // openid: stop at 990004/990002 and leave membership to the handler
}

// openid: missing or empty → 990004; not "o" + 27 of [A-Za-z0-9_-] → 990002;
// well-formed but not a test user of the caller's appid → 990001.
func openid(path string) fieldRule { return fieldRule{kind: ruleOpenID, paths: []string{path}} }

// openidFormat is openid without the membership check: missing → 990004,
// malformed → 990002, and a well-formed openid that is not a test user
// reaches the handler. order/get, order/pay and order/getpaymentparams
// answer that case with their own 1010014 (§3.3, D; issue-4 contract
// "Ids and openids").
func openidFormat(path string) fieldRule {
	return fieldRule{kind: ruleOpenID, paths: []string{path}, formatOnly: true}
}

// required: each path absent, null or "" → 990007.
func required(paths ...string) fieldRule { return fieldRule{kind: ruleRequired, paths: paths} }

// maxLen: a string longer than n characters (runes) → 990008.
func maxLen(path string, n int) fieldRule {
	return fieldRule{kind: ruleMaxLen, paths: []string{path}, limit: n}
}

// pageSize: a number greater than max → 990005.
func pageSize(path string, max int) fieldRule {
	return fieldRule{kind: rulePageSize, paths: []string{path}, limit: max}
}

// timeOrder: both times present and parseable and start after end → 990009.
// Unparseable values are left to the domain handler.
func timeOrder(start, end string, layout timeLayout) fieldRule {
	return fieldRule{kind: ruleTimeOrder, paths: []string{start, end}, layout: layout}
}

// rules keeps route lines short.
func rules(r ...fieldRule) []fieldRule { return r }

// check is a compiled rule. The openid set it reads never changes, so it
// runs without the account lock.
type check func(body map[string]any, acct *account) (reply, bool)

func compileRule(r fieldRule) (check, error) {
	paths := make([]fieldPath, len(r.paths))
	for i, p := range r.paths {
		var err error
		if paths[i], err = parsePath(p); err != nil {
			return nil, err
		}
	}
	switch {
	case len(paths) == 0:
		return nil, errors.New("no field paths")
	case (r.kind == ruleMaxLen || r.kind == rulePageSize) && r.limit <= 0:
		return nil, fmt.Errorf("limit must be > 0, got %d", r.limit)
	case r.kind == ruleTimeOrder && (len(paths) != 2 || r.layout < datetime || r.layout > unixMillis):
		return nil, errors.New("want a start path, an end path and a layout")
	}
	switch r.kind {
	case ruleOpenID:
		return checkOpenID(paths[0], r.formatOnly), nil
	case ruleRequired:
		return checkRequired(paths), nil
	case ruleMaxLen:
		return checkMaxLen(paths[0], r.limit), nil
	case rulePageSize:
		return checkPageSize(paths[0], r.limit), nil
	case ruleTimeOrder:
		return checkTimeOrder(paths[0], paths[1], r.layout), nil
	}
	return nil, fmt.Errorf("unknown rule kind %d", r.kind)
}

func checkOpenID(path fieldPath, formatOnly bool) check {
	return func(body map[string]any, acct *account) (reply, bool) {
		v, _ := path.lookup(body)
		s, isString := v.(string)
		switch {
		case v == nil || (isString && s == ""):
			return errReply(catalog.OpenIDMissing, path.String()), stop
		case !isString || !openIDRE.MatchString(s):
			return errReply(catalog.OpenIDIllegalVariant, path.String()+" is malformed"), stop
		case !formatOnly && !acct.openids[s]:
			return errReply(catalog.OpenIDIllegal, path.String()+" is not a user of this appid"), stop
		}
		return reply{}, cont
	}
}

func checkRequired(paths []fieldPath) check {
	return func(body map[string]any, _ *account) (reply, bool) {
		for _, p := range paths {
			if v, _ := p.lookup(body); v == nil || v == "" {
				return errReply(catalog.ParameterMissing, p.String()), stop
			}
		}
		return reply{}, cont
	}
}

func checkMaxLen(path fieldPath, n int) check {
	return func(body map[string]any, _ *account) (reply, bool) {
		v, _ := path.lookup(body)
		if s, ok := v.(string); ok && utf8.RuneCountInString(s) > n {
			return errReply(catalog.ParameterTooLong, fmt.Sprintf("%s is longer than %d characters", path, n)), stop
		}
		return reply{}, cont
	}
}

func checkPageSize(path fieldPath, limit int) check {
	return func(body map[string]any, _ *account) (reply, bool) {
		v, _ := path.lookup(body)
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err == nil && f > float64(limit) {
				return errReply(catalog.PageSizeTooLarge, fmt.Sprintf("%s is over %d", path, limit)), stop
			}
		}
		return reply{}, cont
	}
}

func checkTimeOrder(start, end fieldPath, layout timeLayout) check {
	return func(body map[string]any, _ *account) (reply, bool) {
		s, sok := parseTime(start, body, layout)
		e, eok := parseTime(end, body, layout)
		if sok && eok && s.After(e) {
			return errReply(catalog.StartAfterEnd, fmt.Sprintf("%s is after %s", start, end)), stop
		}
		return reply{}, cont
	}
}

func parseTime(path fieldPath, body map[string]any, layout timeLayout) (time.Time, bool) {
	v, _ := path.lookup(body)
	switch layout {
	case datetime:
		s, ok := v.(string)
		if !ok {
			return time.Time{}, false
		}
		t, err := time.ParseInLocation(time.DateTime, s, shanghai)
		return t, err == nil
	case unixSeconds, unixMillis:
		n, ok := v.(json.Number)
		if !ok {
			return time.Time{}, false
		}
		i, err := n.Int64()
		if layout == unixSeconds {
			return time.Unix(i, 0), err == nil
		}
		return time.UnixMilli(i), err == nil
	}
	return time.Time{}, false
}

// fieldPath is a dotted path into the JSON object, split once at New.
type fieldPath []string

func parsePath(s string) (fieldPath, error) {
	p := fieldPath(strings.Split(s, "."))
	for _, seg := range p {
		if seg == "" {
			return nil, fmt.Errorf("bad field path %q", s)
		}
	}
	return p, nil
}

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
