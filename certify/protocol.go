package certify

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// Protocol names the adapter protocol (PROTOCOL.md) the harness speaks.
const Protocol = "shopconform.certify/v1"

// Message types of the protocol.
const (
	msgHello  = "hello"
	msgCall   = "call"
	msgResult = "result"
)

// helloMsg is the handshake, both ways: the harness sends Protocol, the
// adapter answers SDK and Version (and may echo Protocol).
type helloMsg struct {
	Type     string `json:"type"`
	Protocol string `json:"protocol,omitempty"`
	SDK      string `json:"sdk,omitempty"`
	Version  string `json:"version,omitempty"`
}

// callMsg asks the adapter to make its SDK send one case's request to
// BaseURL, the harness's loopback server for the process.
type callMsg struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	BaseURL     string `json:"base_url"`
	Token       string `json:"token"`
	Method      string `json:"method"`
	Endpoint    string `json:"endpoint"`
	ContentType string `json:"content_type"`
	// Body is the body as text; BodyBase64 replaces it when the body is
	// not valid UTF-8 (an image upload), which a JSON string cannot carry
	// byte for byte.
	Body       *string `json:"body,omitempty"`
	BodyBase64 string  `json:"body_base64,omitempty"`
}

func newCall(id, baseURL string, env Env, req Request) callMsg {
	m := callMsg{Type: msgCall, ID: id, BaseURL: baseURL, Token: env.Token, Method: req.Method,
		Endpoint: req.Endpoint, ContentType: req.ContentType}
	if m.Method == "" {
		m.Method = "POST"
	}
	if utf8.Valid(req.Body) {
		body := string(req.Body)
		m.Body = &body
	} else {
		m.BodyBase64 = base64.StdEncoding.EncodeToString(req.Body)
	}
	return m
}

// resultMsg is the adapter's answer to a call: Errcode and Via as the
// SDK's caller saw them, or Error when the SDK could not make the call.
type resultMsg struct {
	Type    string
	ID      string
	Errcode *int
	Via     string
	Detail  string
	Error   string
}

// errNotObject is a line that is not a JSON object: not a message at all.
var errNotObject = errors.New("not a JSON object")

// decodeResult reads a result line field by field, so that a field of the
// wrong type is named. err (the line is no JSON object, or its type or id
// is not a string) means the adapter and the harness are out of step;
// bad (errcode, via, detail or error of the wrong type) is a mistake in
// this one result, which the process survives.
func decodeResult(data []byte) (res resultMsg, bad, err error) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil || fields == nil {
		return res, nil, errNotObject
	}
	if err := stringField(fields, "type", &res.Type); err != nil {
		return res, nil, err
	}
	if err := stringField(fields, "id", &res.ID); err != nil {
		return res, nil, err
	}
	if raw, ok := fields["errcode"]; ok && string(raw) != "null" {
		if !integer.Match(raw) {
			return res, fmt.Errorf("errcode must be a JSON integer, got %s", describeJSON(raw)), nil
		}
		n, err := strconv.Atoi(string(raw))
		if err != nil {
			return res, fmt.Errorf("errcode %s is out of range", raw), nil
		}
		res.Errcode = &n
	}
	for _, f := range []struct {
		name string
		to   *string
	}{{"via", &res.Via}, {"detail", &res.Detail}, {"error", &res.Error}} {
		if err := stringField(fields, f.name, f.to); err != nil {
			return res, err, nil
		}
	}
	return res, nil, nil
}

// integer is a JSON number written as an integer: 45009, not 45009.0 or
// 4.5009e4.
var integer = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// stringField reads an optional string field; null counts as absent.
func stringField(fields map[string]json.RawMessage, name string, to *string) error {
	raw, ok := fields[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	if json.Unmarshal(raw, to) != nil {
		return fmt.Errorf("%s must be a JSON string, got %s", name, describeJSON(raw))
	}
	return nil
}

// describeJSON names a JSON value's type and shows it, briefly.
func describeJSON(raw json.RawMessage) string {
	kind := "number"
	switch raw[0] {
	case '"':
		kind = "string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		kind = "boolean"
	}
	shown := string(raw)
	if r := []rune(shown); len(r) > 40 {
		shown = string(r[:40]) + "…"
	}
	return kind + " " + shown
}

// encodeLine renders one message as one line: encoding/json never writes
// a raw newline inside a value, so the newline ends the message.
func encodeLine(v any) []byte {
	b, _ := json.Marshal(v) // our own message types always marshal
	return append(b, '\n')
}
