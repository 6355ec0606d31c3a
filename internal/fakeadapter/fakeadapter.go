// Package fakeadapter is a tiny SDK adapter written in Go that speaks the
// certify protocol (certify/PROTOCOL.md) and misbehaves on request. Tests
// re-execute their own binary as the adapter process:
//
//	func TestMain(m *testing.M) {
//		if mode, ok := os.LookupEnv(fakeadapter.ModeEnv); ok {
//			os.Exit(fakeadapter.Main(mode, os.Stdin, os.Stdout, os.Stderr))
//		}
//		os.Exit(m.Run())
//	}
//
// and start it as `SHOPCONFORM_FAKE_ADAPTER=MODE /path/to/pkg.test`. It uses
// plain net/http and nothing of the harness, so that what is tested is
// the protocol and not shared code.
package fakeadapter

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ModeEnv selects the fake adapter and its behaviour: comma-separated
// words, "" or "ok" for a well-behaved one.
//
//	hang=ID     never answer case ID
//	crash=ID    exit 7 on case ID, after a line on stderr
//	garbage=ID  write a line that is not JSON for case ID
//	wrongid=ID  answer case ID under another id
//	fail=ID     answer case ID with an error: the SDK could not call
//	alter       hand the caller errcode+1, as a typed error
//	swallow     hand the caller errcode 0 whatever the answer, as success
//	lose        answer every call with an error: the caller got no errcode
//	stringcode  write the errcode as a JSON string ("45009")
//	drop        drop the alphabetically first field of every JSON body
//	dropfield=F drop field F of every JSON body that has it
//	remultipart build multipart bodies anew, as a typed SDK does: its own
//	            boundary, its own part order (files first, fields reversed)
//	typed       send only what a typed SDK can: POST with a JSON (or
//	            multipart) body; any other request is answered with an
//	            error, as an SDK method cannot be asked for it
//	quoteurl    when the answer is not JSON, quote the request's URL, cut
//	            short, in the error, as some HTTP clients do
//	logcase     write a line naming the case to stderr before each result
//	nohello     never answer the hello
//	badhello    answer the hello with a line that is not JSON
const ModeEnv = "SHOPCONFORM_FAKE_ADAPTER"

// StartsEnv, when set, names a file that gets one line per start: tests
// count restarts with it.
const StartsEnv = "SHOPCONFORM_FAKE_ADAPTER_STARTS"

// ChangedEnv, when set, names a file that gets a line "CASE FIELD" for
// every body field the adapter dropped: tests know which cases it changed.
const ChangedEnv = "SHOPCONFORM_FAKE_ADAPTER_CHANGED"

// Command is the certify --adapter command line that starts the running
// test binary as the fake adapter in mode, env (NAME=VALUE words, quoted
// as a command line quotes them) before it. A race-enabled binary sleeps
// a second at exit so that goroutines still running can be reported; the
// adapter exits only when its stdin ends, its work done, so GORACE skips
// that sleep, which would otherwise add a second to every certification.
func Command(mode string, env ...string) string {
	race := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	words := append([]string{"GORACE='" + race + "'", ModeEnv + "='" + mode + "'"}, env...)
	return strings.Join(append(words, "'"+os.Args[0]+"'"), " ")
}

type mode struct {
	hang, crash, garbage, wrongID, fail, dropField string
	alter, swallow, lose, stringCode, drop         bool
	remultipart, quoteURL, logCase, typed          bool
	noHello, badHello                              bool
}

func parseMode(s string) mode {
	var m mode
	for _, w := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(w), "=")
		switch k {
		case "hang":
			m.hang = v
		case "crash":
			m.crash = v
		case "garbage":
			m.garbage = v
		case "wrongid":
			m.wrongID = v
		case "fail":
			m.fail = v
		case "alter":
			m.alter = true
		case "swallow":
			m.swallow = true
		case "lose":
			m.lose = true
		case "stringcode":
			m.stringCode = true
		case "drop":
			m.drop = true
		case "dropfield":
			m.dropField = v
		case "remultipart":
			m.remultipart = true
		case "typed":
			m.typed = true
		case "quoteurl":
			m.quoteURL = true
		case "logcase":
			m.logCase = true
		case "nohello":
			m.noHello = true
		case "badhello":
			m.badHello = true
		}
	}
	return m
}

type call struct {
	Type        string  `json:"type"`
	Protocol    string  `json:"protocol"`
	ID          string  `json:"id"`
	BaseURL     string  `json:"base_url"`
	Token       string  `json:"token"`
	Method      string  `json:"method"`
	Endpoint    string  `json:"endpoint"`
	ContentType string  `json:"content_type"`
	Body        *string `json:"body"`
	BodyBase64  string  `json:"body_base64"`
}

// Main runs the fake adapter until stdin ends and returns its exit code.
func Main(modeText string, stdin io.Reader, stdout, stderr io.Writer) int {
	m := parseMode(modeText)
	if path := os.Getenv(StartsEnv); path != "" {
		if f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintln(f, "start")
			f.Close()
		}
	}
	out := json.NewEncoder(stdout)
	in := bufio.NewScanner(stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		var c call
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			fmt.Fprintf(stderr, "fake adapter: not JSON: %v\n", err)
			return 2
		}
		switch {
		case c.Type == "hello" && m.noHello:
			fmt.Fprintln(stderr, "fake adapter: not saying hello")
		case c.Type == "hello" && m.badHello:
			fmt.Fprintln(stdout, "Hello, world!")
		case c.Type == "hello":
			_ = out.Encode(map[string]string{"type": "hello", "sdk": "fake-go-adapter", "version": "1.2.3"})
		case c.ID == m.hang:
			fmt.Fprintf(stderr, "fake adapter: hanging on %s\n", c.ID)
			time.Sleep(time.Hour)
		case c.ID == m.crash:
			fmt.Fprintf(stderr, "fake adapter: crashing on %s\n", c.ID)
			return 7
		case c.ID == m.garbage:
			fmt.Fprintf(stdout, "calling %s now\n", c.Endpoint)
		case c.ID == m.fail:
			_ = out.Encode(map[string]any{"type": "result", "id": c.ID, "error": "no method for " + c.Endpoint})
		default:
			res := m.call(c)
			if c.ID == m.wrongID {
				res["id"] = c.ID + "-other"
			}
			if m.logCase {
				fmt.Fprintf(stderr, "fake adapter: the SDK is done with case %s\n", c.ID)
			}
			_ = out.Encode(res)
		}
	}
	return 0
}

// call sends the case's request as the baseline does (certify.NetHTTP)
// and reads errcode from the answer.
func (m mode) call(c call) map[string]any {
	res := map[string]any{"type": "result", "id": c.ID}
	body := []byte{}
	if c.Body != nil {
		body = []byte(*c.Body)
	} else if c.BodyBase64 != "" {
		body, _ = base64.StdEncoding.DecodeString(c.BodyBase64)
	}
	contentType := c.ContentType
	switch {
	case m.drop:
		body = m.dropFirst(c.ID, body, "")
	case m.dropField != "":
		body = m.dropFirst(c.ID, body, m.dropField)
	case m.remultipart:
		body, contentType = remultipart(body, contentType)
	}
	if m.typed && (c.Method != "" && c.Method != http.MethodPost || strings.HasPrefix(contentType, "application/json") && !json.Valid(body)) {
		res["error"] = "this SDK has no method that sends " + c.Method + " with this body"
		return res
	}
	u := c.BaseURL + c.Endpoint
	if c.Token != "" {
		u += "?access_token=" + url.QueryEscape(c.Token)
	}
	var rd io.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(c.Method, u, rd)
	if err != nil {
		res["error"] = err.Error()
		return res
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		res["error"] = err.Error()
		return res
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var env struct {
		Errcode     *int   `json:"errcode"`
		AccessToken string `json:"access_token"`
	}
	switch {
	case json.Unmarshal(raw, &env) != nil && m.quoteURL:
		res["error"] = fmt.Sprintf("HTTP %d for url %s…: %s", resp.StatusCode, u[:len(u)-6], raw)
	case json.Unmarshal(raw, &env) != nil:
		res["error"] = fmt.Sprintf("HTTP %d: the answer is not JSON: %s", resp.StatusCode, raw)
	case m.lose:
		res["error"] = "request failed"
	case env.Errcode != nil && m.alter:
		res["errcode"], res["via"], res["detail"] = *env.Errcode+1, "typed error", "altered on purpose"
	case m.swallow:
		res["errcode"], res["via"] = 0, "response field"
	case env.Errcode != nil && m.stringCode:
		res["errcode"], res["via"] = strconv.Itoa(*env.Errcode), "response field"
	case env.Errcode != nil:
		res["errcode"], res["via"] = *env.Errcode, "response field"
	case env.AccessToken != "":
		res["errcode"], res["via"] = 0, "response field"
	default:
		res["error"] = "the answer has no errcode"
	}
	return res
}

// dropFirst drops field (the alphabetically first one when field is "")
// from a JSON object body, and notes it in ChangedEnv's file.
func (m mode) dropFirst(id string, body []byte, field string) []byte {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil || len(obj) == 0 {
		return body
	}
	if field == "" {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		field = keys[0]
	}
	if _, ok := obj[field]; !ok {
		return body
	}
	delete(obj, field)
	if path := os.Getenv(ChangedEnv); path != "" {
		if f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintln(f, id, field)
			f.Close()
		}
	}
	out, _ := json.Marshal(obj)
	return out
}

// remultipart reads a multipart/form-data body and writes the same form
// anew with a random boundary, file parts first and fields in reverse
// order. Any other body is left alone.
func remultipart(body []byte, contentType string) ([]byte, string) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" {
		return body, contentType
	}
	type part struct {
		header textproto.MIMEHeader
		data   []byte
	}
	var files, fields []part
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return body, contentType
		}
		data, _ := io.ReadAll(p)
		if p.FileName() != "" {
			files = append(files, part{p.Header, data})
		} else {
			fields = append([]part{{p.Header, data}}, fields...)
		}
	}
	var out bytes.Buffer
	w := multipart.NewWriter(&out) // a random boundary
	for _, p := range append(files, fields...) {
		h := textproto.MIMEHeader{"Content-Disposition": p.header["Content-Disposition"]}
		if ct := p.header.Get("Content-Type"); ct != "" {
			h.Set("Content-Type", ct)
		}
		pw, _ := w.CreatePart(h)
		_, _ = pw.Write(p.data)
	}
	_ = w.Close()
	return out.Bytes(), w.FormDataContentType()
}
