package cassette

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopconform/shopconform/internal/jsonpos"
	"github.com/shopconform/shopconform/runner/redact"
)

// Values are one case run's run-scoped values, which cassettes hold as
// placeholders so that two runs of an unchanged case record identical
// cassettes and a replay can fill in its own.
type Values struct {
	UID, Run, AppID string
	OpenIDs         []string
	Now             time.Time // the case's clock at its start: every {{now…}} of its requests derives from it
	Secrets         []string  // app secrets and tokens: replaced by "[REDACTED]", never stored
}

// redacted is what a secret becomes (the report redactor's mask); it is
// never turned back.
const redacted = redact.Mask

// timeWindow is how far from the case's start a number or a datetime may
// be and still be read as a time: wide enough for every offset a case uses
// (validity periods, "a year from now"), narrow enough that prices, counts
// and ids (the reference sandbox's start at 2^53+1) are never taken for
// one. Seconds (about 1.8e9) and milliseconds (about 1.8e12) are three
// orders of magnitude apart, so the two windows cannot overlap.
const timeWindow = 400 * 24 * time.Hour

// responseTimeStep is what a response's time offsets are rounded to. A
// request's times derive from the case's clock exactly (its templates add
// whole seconds to v.Now), so their offsets are exact. A response's come
// from the server's clock, read some seconds after the case started (given
// steps, network, skew): exact offsets would change on every live
// re-recording ({{now+3}}, then {{now+5}}) and make the re-recorded
// cassette drift for nothing. To the nearest minute they stay put unless a
// time happens to sit near a half-minute boundary. A replay therefore
// answers times up to 30 s off what was recorded, which no case can tell
// from a server's own clock.
const responseTimeStep = 60

// datetimeLayout and shanghai are the API's "yyyy-MM-dd HH:mm:ss" strings,
// in China time, as fixtures' {{datetime}} renders them.
const datetimeLayout = "2006-01-02 15:04:05"

var shanghai = time.FixedZone("CST", 8*3600)

// ridSuffix is the per-call request id the API appends to errmsg
// ("… rid: 6a1b2c3d-…"). It differs on every call, so a cassette that kept
// it would change on every re-recording.
var ridSuffix = regexp.MustCompile(`\s*rid:\s*[0-9A-Za-z-]+\s*$`)

// integerRe is a JSON number that is an integer as written: 1.7e9 and
// 1767323105.0 are not taken for times, so they render back as written.
var integerRe = regexp.MustCompile(`^-?[0-9]+$`)

// NormalizeRequest records one request a case sent. path loses its query
// (where the access token travels) and, when it is a whole URL, its scheme
// and host. A body that parses as JSON becomes Body, with run-scoped
// values and times as placeholders and times' offsets exact; any other
// body becomes RawBody (see rawtext.go). Content type and path get the
// same string replacements as the body.
func NormalizeRequest(method, path, contentType string, body []byte, v Values) Request {
	return NewNormalizer(v).Request(method, path, contentType, body)
}

// NormalizeResponse records one answer. As NormalizeRequest, and besides:
// errmsg loses its " rid: …" suffix (at any depth: batch answers nest
// them), and times' offsets are rounded to the minute (responseTimeStep).
func NormalizeResponse(status int, body []byte, v Values) Response {
	return NewNormalizer(v).Response(status, body)
}

// Normalizer applies one case run's values to all its requests and
// answers. Building it sorts every form of every secret, which costs more
// than normalising a request: a replay or a recording builds one per case.
type Normalizer struct {
	req, resp *normalizer
}

// NewNormalizer prepares the replacements of v.
func NewNormalizer(v Values) *Normalizer {
	rep := newTextReplacer(v)
	return &Normalizer{req: &normalizer{rep: rep, now: v.Now, step: 1}, resp: &normalizer{rep: rep, now: v.Now, step: responseTimeStep}}
}

// Request is NormalizeRequest with the prepared values.
func (nz *Normalizer) Request(method, path, contentType string, body []byte) Request {
	n := nz.req
	req := Request{
		Method:      strings.ToUpper(strings.TrimSpace(method)),
		Path:        n.text(pathOnly(path)),
		ContentType: n.text(strings.TrimSpace(contentType)),
	}
	req.Body, req.RawBody = n.body(body, false)
	return req
}

// Response is NormalizeResponse with the prepared values.
func (nz *Normalizer) Response(status int, body []byte) Response {
	n := nz.resp
	resp := Response{Status: status}
	resp.Body, resp.RawBody = n.body(body, true)
	return resp
}

// pathOnly drops the query and fragment, and the scheme and host of a
// whole URL, so that neither the token nor the target's address is stored.
func pathOnly(p string) string {
	p = strings.TrimSpace(p)
	if strings.Contains(p, "://") {
		if u, err := url.Parse(p); err == nil {
			return u.Path
		}
	}
	p, _, _ = strings.Cut(p, "?")
	p, _, _ = strings.Cut(p, "#")
	return p
}

// normalizer applies the rules for one run's values in one direction.
type normalizer struct {
	rep  *textReplacer
	now  time.Time
	step int64 // seconds offsets are rounded to: 1 for requests
}

// replacement is one value that text loses.
type replacement struct {
	old, new string
	secret   bool
}

// replacer replaces every run-scoped value by its placeholder and every
// secret by redacted, longest first: the uid holds the run prefix, and a
// value inside a longer one must not cut it up. At equal length a secret
// wins, so that a secret equal to another value is never stored. Secrets
// are masked in every form they travel in (URL-encoded in a form body,
// base64, escaped), as the report redactor does; forms shorter than
// redact's minimum are masked plain only.
func replacer(v Values) *strings.Replacer {
	var own []replacement
	add := func(old, new string) {
		if old != "" {
			own = append(own, replacement{old, new, false})
		}
	}
	add(v.UID, "{{uid}}")
	add(v.Run, "{{run}}")
	add(v.AppID, "{{appid}}")
	for i, o := range v.OpenIDs {
		add(o, fmt.Sprintf("{{openid.%d}}", i))
	}
	slices.SortStableFunc(own, byPrecedence)
	secrets := secretReplacements(v.Secrets)
	// strings.Replacer tries its pairs in argument order at each position,
	// so the merged order decides which of two overlapping values wins.
	pairs := make([]string, 0, 2*(len(secrets)+len(own)))
	for len(secrets) > 0 || len(own) > 0 {
		var r replacement
		if len(own) == 0 || len(secrets) > 0 && byPrecedence(secrets[0], own[0]) <= 0 {
			r, secrets = secrets[0], secrets[1:]
		} else {
			r, own = own[0], own[1:]
		}
		pairs = append(pairs, r.old, r.new)
	}
	return strings.NewReplacer(pairs...)
}

// byPrecedence puts longer values first and, at equal length, secrets.
func byPrecedence(a, b replacement) int {
	if c := cmp.Compare(len(b.old), len(a.old)); c != 0 {
		return c
	}
	switch {
	case a.secret && !b.secret:
		return -1
	case b.secret && !a.secret:
		return 1
	}
	return 0
}

// secretMemo keeps the sorted forms of the last secrets seen. A run's
// secrets rarely change from one case to the next, and building and
// sorting hundreds of forms per case was most of a replay's time.
var secretMemo struct {
	sync.Mutex
	key  string
	reps []replacement
	rep  *strings.Replacer // the secrets alone
}

func secretReplacements(secrets []string) []replacement {
	reps, _ := memoSecrets(secrets)
	return reps
}

// memoSecrets returns the sorted forms of secrets and a replacer of them
// alone, built once for as long as the secrets stay the same.
func memoSecrets(secrets []string) ([]replacement, *strings.Replacer) {
	if len(secrets) == 0 {
		return nil, noSecrets // never evict the memo for a run's secretless values
	}
	key := strings.Join(secrets, "\x00")
	secretMemo.Lock()
	defer secretMemo.Unlock()
	if secretMemo.reps != nil && secretMemo.key == key {
		return secretMemo.reps, secretMemo.rep
	}
	var reps []replacement
	for _, s := range secrets {
		if s == "" {
			continue
		}
		reps = append(reps, replacement{s, redacted, true})
		for _, f := range redact.Forms(s) {
			if f != "" {
				reps = append(reps, replacement{f, redacted, true})
			}
		}
	}
	slices.SortStableFunc(reps, byPrecedence)
	pairs := make([]string, 0, 2*len(reps))
	for _, r := range reps {
		pairs = append(pairs, r.old, r.new)
	}
	secretMemo.key, secretMemo.reps, secretMemo.rep = key, reps, strings.NewReplacer(pairs...)
	return reps, secretMemo.rep
}

var noSecrets = strings.NewReplacer()

// textReplacer gives replacer(v)'s result without building it for every
// case: building a strings.Replacer over hundreds of secret forms cost more
// than replaying the case. A text that holds no secret can only meet the
// case's own few values, in the same order, so their small replacer
// suffices; the full one is built the first time a text holds a secret.
type textReplacer struct {
	secrets, own *strings.Replacer
	merged       func() *strings.Replacer
}

func newTextReplacer(v Values) *textReplacer {
	_, secrets := memoSecrets(v.Secrets)
	return &textReplacer{
		secrets: secrets,
		own:     replacer(Values{UID: v.UID, Run: v.Run, AppID: v.AppID, OpenIDs: v.OpenIDs}),
		merged:  sync.OnceValue(func() *strings.Replacer { return replacer(v) }),
	}
}

func (t *textReplacer) Replace(s string) string {
	if t.secrets.Replace(s) == s {
		return t.own.Replace(s)
	}
	return t.merged().Replace(s)
}

// text replaces values inside a string.
func (n *normalizer) text(s string) string { return n.rep.Replace(s) }

// body normalises a request or response body into a JSON value or text.
// A body that jsonpos refuses (invalid JSON, a repeated key, invalid
// UTF-8, trailing data) stays text, so that nothing the target or the
// client sent is lost in a map. A bare null stays text too: as a JSON
// value it would be indistinguishable from no body.
func (n *normalizer) body(b []byte, response bool) (any, string) {
	if len(b) == 0 {
		return nil, ""
	}
	if root, err := jsonpos.Parse(b); err == nil && root.Kind != jsonpos.Null {
		return n.value(root.Plain(), "", response), ""
	}
	return nil, escapeRaw([]byte(n.text(string(b))))
}

// value normalises a decoded JSON value; key is the member it is the value
// of, "" for array items and the top level.
func (n *normalizer) value(x any, key string, response bool) any {
	switch x := x.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[n.text(k)] = n.value(item, k, response)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = n.value(item, "", response)
		}
		return out
	case string:
		if response && key == "errmsg" {
			x = ridSuffix.ReplaceAllString(x, "")
		}
		if p, ok := n.datetime(x); ok {
			return p
		}
		return n.text(x)
	case json.Number:
		if p, ok := n.number(x); ok {
			return p
		}
		return x
	default: // bool, nil
		return x
	}
}

// number turns an integer near the case's start, in unix seconds or
// milliseconds, into {{now±K}} or {{now_ms±K}}.
func (n *normalizer) number(x json.Number) (string, bool) {
	if n.now.IsZero() || !integerRe.MatchString(string(x)) {
		return "", false
	}
	i, err := strconv.ParseInt(string(x), 10, 64)
	if err != nil { // beyond int64: an id, not a time
		return "", false
	}
	w := int64(timeWindow / time.Second)
	// Compare with the bounds before subtracting: i may be near the int64
	// limits, the bounds never are.
	if s := n.now.Unix(); i >= s-w && i <= s+w {
		return offsetPlaceholder("now", roundTo(i-s, n.step)), true
	}
	if ms := n.now.UnixMilli(); i >= ms-w*1000 && i <= ms+w*1000 {
		return offsetPlaceholder("now_ms", roundTo(i-ms, n.step*1000)), true
	}
	return "", false
}

// datetime turns a string that is exactly a China-time datetime near the
// case's start into {{datetime±K}}.
func (n *normalizer) datetime(s string) (string, bool) {
	if n.now.IsZero() || len(s) != len(datetimeLayout) {
		return "", false
	}
	t, err := time.ParseInLocation(datetimeLayout, s, shanghai)
	if err != nil || t.Format(datetimeLayout) != s {
		return "", false
	}
	d := t.Unix() - n.now.Unix()
	if w := int64(timeWindow / time.Second); d < -w || d > w {
		return "", false
	}
	return offsetPlaceholder("datetime", roundTo(d, n.step)), true
}

// offsetPlaceholder spells an offset as the case format does: {{now}},
// {{now+60}}, {{now-60}}.
func offsetPlaceholder(name string, k int64) string {
	switch {
	case k > 0:
		return fmt.Sprintf("{{%s+%d}}", name, k)
	case k < 0:
		return fmt.Sprintf("{{%s-%d}}", name, -k)
	default:
		return "{{" + name + "}}"
	}
}

// roundTo rounds d to the nearest multiple of step, halves away from zero
// so that the rounding is the same on both sides of the case's start.
func roundTo(d, step int64) int64 {
	if step <= 1 {
		return d
	}
	q, r := d/step, d%step // Go truncates: r has d's sign
	switch {
	case 2*r >= step:
		q++
	case 2*r <= -step:
		q--
	}
	return q * step
}
