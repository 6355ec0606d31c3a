package certify

import (
	"encoding/base64"
	"encoding/json"
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
	Type    string `json:"type"`
	ID      string `json:"id"`
	Errcode *int   `json:"errcode"`
	Via     string `json:"via"`
	Detail  string `json:"detail"`
	Error   string `json:"error"`
}

// encodeLine renders one message as one line: encoding/json never writes
// a raw newline inside a value, so the newline ends the message.
func encodeLine(v any) []byte {
	b, _ := json.Marshal(v) // our own message types always marshal
	return append(b, '\n')
}
