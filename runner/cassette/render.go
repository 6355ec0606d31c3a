package cassette

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// placeholderRe is a {{placeholder}}, as fixtures' templates spell it.
var placeholderRe = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

var (
	offsetRe = regexp.MustCompile(`^(now|now_ms|datetime)(?:([+-])([0-9]+))?$`)
	openidRe = regexp.MustCompile(`^openid(?:\.([0-9]+))?$`)
)

// Bytes renders a recorded response body for this run's values
// (placeholders expanded, numbers staying numbers). A string that is
// exactly {{now±K}} or {{now_ms±K}} becomes a JSON number and one that is
// exactly another placeholder becomes its string; a placeholder among
// other text is spliced in as text, as fixtures' templates do. "[REDACTED]"
// stays: secrets are never restored. A placeholder this run cannot fill
// (an {{openid.N}} beyond v.OpenIDs, a name Normalize never writes) is
// left as it is, so that a replay shows it rather than inventing a value.
// JSON comes out compact, keys sorted, without HTML escaping and without
// a trailing newline; no body gives nil.
func (r Response) Bytes(v Values) []byte {
	switch {
	case r.Body != nil:
		b, err := marshal(expand(r.Body, v))
		if err != nil {
			// Only a Body built by hand with a value JSON cannot hold
			// (a NaN, a channel) gets here; its text says what it was.
			return fmt.Appendf(nil, "%v", r.Body)
		}
		return b
	case r.RawBody != "":
		// Unescape first: an expanded value could hold a \xNN of its own.
		return []byte(expandText(string(unescapeRaw(r.RawBody)), v))
	default:
		return nil
	}
}

// expand fills the placeholders of a recorded JSON value.
func expand(x any, v Values) any {
	switch x := x.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[expandText(k, v)] = expand(item, v)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = expand(item, v)
		}
		return out
	case string:
		if m := placeholderRe.FindStringSubmatchIndex(x); m != nil && m[0] == 0 && m[1] == len(x) {
			if val, ok := resolve(x[m[2]:m[3]], v); ok {
				return val
			}
		}
		return expandText(x, v)
	default:
		return x
	}
}

// expandText splices every placeholder it can fill into s as text.
func expandText(s string, v Values) string {
	return placeholderRe.ReplaceAllStringFunc(s, func(p string) string {
		val, ok := resolve(p[2:len(p)-2], v)
		if !ok {
			return p
		}
		if n, isNum := val.(json.Number); isNum {
			return n.String()
		}
		return val.(string)
	})
}

// resolve gives a placeholder's value: a json.Number for now and now_ms, a
// string otherwise; false for a placeholder this run cannot fill.
func resolve(name string, v Values) (any, bool) {
	switch name {
	case "uid":
		return v.UID, true
	case "run":
		return v.Run, true
	case "appid":
		return v.AppID, true
	}
	if m := openidRe.FindStringSubmatch(name); m != nil {
		i, err := strconv.Atoi(m[1])
		if m[1] == "" {
			i, err = 0, nil // {{openid}} is the first, as in fixtures
		}
		if err != nil || i >= len(v.OpenIDs) {
			return nil, false
		}
		return v.OpenIDs[i], true
	}
	m := offsetRe.FindStringSubmatch(name)
	if m == nil {
		return nil, false
	}
	k, err := strconv.ParseInt(m[3], 10, 64)
	if m[3] == "" {
		k, err = 0, nil
	}
	if err != nil {
		return nil, false
	}
	if m[2] == "-" {
		k = -k
	}
	switch m[1] {
	case "now":
		return json.Number(strconv.FormatInt(v.Now.Unix()+k, 10)), true
	case "now_ms":
		return json.Number(strconv.FormatInt(v.Now.UnixMilli()+k, 10)), true
	default: // datetime
		return v.Now.Add(time.Duration(k) * time.Second).In(shanghai).Format(datetimeLayout), true
	}
}
