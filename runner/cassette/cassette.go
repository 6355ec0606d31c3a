// Package cassette turns what a target answered into "cassettes" that a
// replay can serve back, and compares what a replay sends with what was
// recorded. It is pure: no HTTP and no gock; the runner wires those.
//
// A cassette holds one case's interactions with every run-scoped value
// (uid, run prefix, appid, openids, times) replaced by the placeholders the
// case format uses (fixtures/README.md), so that two runs of an unchanged
// case record identical files and a replay fills in its own values.
// Secrets are replaced by "[REDACTED]" and never come back. The rules are
// in normalize.go; rendering a recorded answer for a replay is in render.go.
package cassette

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Cassette is what one case exchanged with a target.
type Cassette struct {
	Case         string        `json:"case"`         // the case id
	Domain       string        `json:"domain"`       // its domain folder
	RequestHash  string        `json:"request_hash"` // the case's request definition hash ("sha256:…"), computed by the fixtures package: a changed case makes its cassette stale
	Provenance   string        `json:"provenance"`   // "reference", "sandbox:<host>" or "documented": who answered
	RecordedAt   time.Time     `json:"recorded_at"`  // UTC, second precision
	Interactions []Interaction `json:"interactions"` // every request the case sent, in order: given steps, its own, cleanup
}

// Interaction is one request and the answer to it.
type Interaction struct {
	Request  Request  `json:"request"`
	Response Response `json:"response"`
}

// Request is a normalised request (NormalizeRequest). At most one of Body
// and RawBody is set; neither means the request had no body.
type Request struct {
	Method      string `json:"method"`
	Path        string `json:"path"` // without the query: the token is never recorded
	ContentType string `json:"content_type,omitempty"`
	Body        any    `json:"body,omitempty"`     // normalised JSON value when the body parses as JSON
	RawBody     string `json:"raw_body,omitempty"` // normalised text otherwise (non-JSON bodies, multipart); see rawtext.go
}

// Response is a normalised answer (NormalizeResponse). At most one of Body
// and RawBody is set.
type Response struct {
	Status  int    `json:"status"`
	Body    any    `json:"body,omitempty"`     // normalised JSON; errmsg without its " rid: …" suffix
	RawBody string `json:"raw_body,omitempty"` // normalised text when the answer is not JSON
}

// recordedAtLayout is the only form recorded_at takes in a file: UTC to
// the second, which is what Encode writes, so that a decoded cassette
// re-encodes to the same bytes.
const recordedAtLayout = "2006-01-02T15:04:05Z"

// Encode renders a cassette deterministically: object keys sorted at every
// level (the cassette's own fields too, so the file reads the same however
// the struct is laid out), 2-space indent, a trailing newline, and no HTML
// escaping (bodies hold "<" and "&" as sent). recorded_at is written in UTC
// to the second, and a nil Interactions as []. Re-encoding a decoded
// cassette gives the same bytes, which is what lets `git diff` on recorded
// cassettes be a drift alarm.
func Encode(c *Cassette) ([]byte, error) {
	cc := *c
	cc.RecordedAt = c.RecordedAt.UTC().Truncate(time.Second)
	if cc.Interactions == nil {
		cc.Interactions = []Interaction{}
	}
	// encoding/json writes struct fields in declaration order and map keys
	// sorted: going through a generic value sorts both. UseNumber keeps
	// 64-bit ids exact on the way.
	flat, err := marshal(&cc)
	if err != nil {
		return nil, fmt.Errorf("encoding cassette %s: %w", c.Case, err)
	}
	dec := json.NewDecoder(bytes.NewReader(flat))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("encoding cassette %s: %w", c.Case, err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generic); err != nil { // Encode adds the trailing newline
		return nil, fmt.Errorf("encoding cassette %s: %w", c.Case, err)
	}
	return out.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping and without the newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// SameRecording reports whether a and b record the same thing, ignoring
// RecordedAt: `record` keeps the old timestamp when nothing else changed,
// so that an unchanged target re-records byte-identical files. Equality is
// that of the encoded files, so it agrees exactly with what would be
// written (json.Number "1.0" and "1" differ, as they would in the file).
func SameRecording(a, b *Cassette) bool {
	if a == nil || b == nil {
		return a == b
	}
	aa, bb := *a, *b
	aa.RecordedAt, bb.RecordedAt = time.Time{}, time.Time{}
	ea, errA := Encode(&aa)
	eb, errB := Encode(&bb)
	return errA == nil && errB == nil && bytes.Equal(ea, eb)
}
