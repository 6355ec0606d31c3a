package cassette

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/jsonpos"
)

// fileCassette is a Cassette as it is read: recorded_at stays text so that
// its form can be checked (jsonpos.DecodeStrict does not call
// time.Time's UnmarshalJSON).
type fileCassette struct {
	Case         string        `json:"case"`
	Domain       string        `json:"domain"`
	RequestHash  string        `json:"request_hash"`
	Provenance   string        `json:"provenance"`
	RecordedAt   string        `json:"recorded_at"`
	Interactions []Interaction `json:"interactions"`
}

var (
	caseIDRe      = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	requestHashRe = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	methodRe      = regexp.MustCompile(`^[A-Z]+$`)
)

// Decode reads a cassette strictly, like every data file of the project: invalid JSON, a
// repeated key, an unknown field, a wrong type, a missing field and a value
// outside its form are errors, every one of them, each as
// "file:line:col: what is wrong", joined with errors.Join in reading
// order. A cassette is compared byte for byte after re-recording, so a
// hand edit that Encode would not write back (a misspelt field, a local
// time) is refused rather than silently dropped.
func Decode(data []byte, file string) (*Cassette, error) {
	root, err := jsonpos.Parse(data)
	if err != nil {
		e := err.(*jsonpos.Error) // Parse's errors always are
		return nil, fmt.Errorf("%s: %s", position(data, file, e.Off), e.Msg)
	}
	var fc fileCassette
	errs := jsonpos.DecodeStrict(data, root, &fc)
	if root.Kind == jsonpos.Object {
		// A value of the wrong type was reported at its offset and left
		// zero; checking its form too would report it twice.
		typed := map[int]bool{}
		for _, e := range errs {
			typed[e.Off] = true
		}
		for _, e := range check(root, &fc) {
			if !typed[e.Off] {
				errs = append(errs, e)
			}
		}
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b *jsonpos.Error) int { return cmp.Compare(a.Off, b.Off) })
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = fmt.Errorf("%s: %s", position(data, file, e.Off), e.Msg)
		}
		return nil, errors.Join(out...)
	}
	at, _ := time.Parse(recordedAtLayout, fc.RecordedAt) // checked
	return &Cassette{
		Case:         fc.Case,
		Domain:       fc.Domain,
		RequestHash:  fc.RequestHash,
		Provenance:   fc.Provenance,
		RecordedAt:   at.UTC(),
		Interactions: fc.Interactions,
	}, nil
}

func position(data []byte, file string, off int) string {
	line, col := jsonpos.LineCol(data, off)
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

// check finds what the types alone do not: missing fields and values
// outside their form. Wrong types were reported by DecodeStrict; a field
// that had one is skipped here rather than reported twice.
func check(root *jsonpos.Node, fc *fileCassette) []*jsonpos.Error {
	var errs []*jsonpos.Error
	bad := func(n *jsonpos.Node, format string, args ...any) {
		errs = append(errs, &jsonpos.Error{Off: n.Off, Msg: fmt.Sprintf(format, args...)})
	}
	// field returns the member of obj that must be there with kind, or nil
	// after reporting it missing (a wrong kind was reported already).
	field := func(obj *jsonpos.Node, path, key string, kind jsonpos.Kind) *jsonpos.Node {
		n := obj.Member(key)
		if n == nil {
			bad(obj, "missing field %q", join(path, key))
			return nil
		}
		if n.Kind != kind {
			return nil
		}
		return n
	}
	if n := field(root, "", "case", jsonpos.String); n != nil && !caseIDRe.MatchString(fc.Case) {
		bad(n, `field "case" must be a case id (lower-case letters, digits and -), got %q`, fc.Case)
	}
	if n := field(root, "", "domain", jsonpos.String); n != nil {
		if _, ok := catalog.ParseDomain(fc.Domain); !ok {
			bad(n, `field "domain" must be one of %s, got %q`, domains(), fc.Domain)
		}
	}
	if n := field(root, "", "request_hash", jsonpos.String); n != nil && !requestHashRe.MatchString(fc.RequestHash) {
		bad(n, `field "request_hash" must be "sha256:" and 64 lower-case hex digits, got %q`, fc.RequestHash)
	}
	if n := field(root, "", "provenance", jsonpos.String); n != nil && !validProvenance(fc.Provenance) {
		bad(n, `field "provenance" must be "reference", "sandbox:<host>" or "documented", got %q`, fc.Provenance)
	}
	if n := field(root, "", "recorded_at", jsonpos.String); n != nil {
		if t, err := time.Parse(recordedAtLayout, fc.RecordedAt); err != nil || t.Format(recordedAtLayout) != fc.RecordedAt {
			bad(n, `field "recorded_at" must be a UTC time to the second, like "2026-01-02T03:04:05Z", got %q`, fc.RecordedAt)
		}
	}
	list := field(root, "", "interactions", jsonpos.Array)
	if list == nil {
		return errs
	}
	for i, it := range list.Items {
		path := fmt.Sprintf("interactions[%d]", i)
		if it.Kind != jsonpos.Object {
			continue
		}
		in := fc.Interactions[i]
		if req := field(it, path, "request", jsonpos.Object); req != nil {
			p := path + ".request"
			if n := field(req, p, "method", jsonpos.String); n != nil && !methodRe.MatchString(in.Request.Method) {
				bad(n, "field %q must be an HTTP method in capitals, got %q", p+".method", in.Request.Method)
			}
			if n := field(req, p, "path", jsonpos.String); n != nil && (!strings.HasPrefix(in.Request.Path, "/") || strings.ContainsAny(in.Request.Path, "?#")) {
				bad(n, "field %q must be a path starting with / and without a query, got %q", p+".path", in.Request.Path)
			}
			if in.Request.Body != nil && in.Request.RawBody != "" {
				bad(req, "%s has both body and raw_body; a request has at most one", p)
			}
		}
		if resp := field(it, path, "response", jsonpos.Object); resp != nil {
			p := path + ".response"
			if n := field(resp, p, "status", jsonpos.Number); n != nil && (in.Response.Status < 100 || in.Response.Status > 599) {
				bad(n, "field %q must be an HTTP status (100-599), got %d", p+".status", in.Response.Status)
			}
			if in.Response.Body != nil && in.Response.RawBody != "" {
				bad(resp, "%s has both body and raw_body; a response has at most one", p)
			}
		}
	}
	return errs
}

func validProvenance(p string) bool {
	if p == "reference" || p == "documented" {
		return true
	}
	host, ok := strings.CutPrefix(p, "sandbox:")
	return ok && host != "" && !strings.ContainsAny(host, " \t\r\n/")
}

func domains() string {
	var names []string
	for _, d := range catalog.Domains() {
		names = append(names, string(d))
	}
	return strings.Join(names, ", ")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
