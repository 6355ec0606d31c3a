package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/shopconform/shopconform/fixtures"
)

// wireRequest is one request exactly as it goes out.
type wireRequest struct {
	Method      string
	Endpoint    string
	ContentType string
	Body        []byte
	Token       string // empty: no access_token parameter
}

// answer is a target's reply. Only the envelope is decoded up front: most
// cases never read another field, and decoding the whole body into maps is
// most of the runner's own cost.
type answer struct {
	Status  int
	Raw     []byte
	Errcode *int
	Errmsg  string // without the " rid: …" suffix
	decoded map[string]any
	// wire is what the target answered when an SDK reports Errcode: the
	// environment is judged by the target's answer, not by the SDK's.
	wire *int
}

// envelope is the part of every answer the runner always reads.
type envelope struct {
	Errcode     *json.Number `json:"errcode"`
	Errmsg      *string      `json:"errmsg"`
	AccessToken *string      `json:"access_token"`
}

// Decoded is the whole answer as generic JSON, decoded on first use.
func (a *answer) Decoded() map[string]any {
	if a.decoded == nil {
		dec := json.NewDecoder(bytes.NewReader(a.Raw))
		dec.UseNumber()
		if dec.Decode(&a.decoded) != nil || a.decoded == nil {
			a.decoded = map[string]any{}
		}
	}
	return a.decoded
}

// maxBody bounds what the runner reads of one answer; the largest
// documented answer (/shop/cat/get) is about 2 MB.
const maxBody = 16 << 20

// multipartBoundary is fixed so that the same case always sends the same
// bytes.
const multipartBoundary = "shopconform-boundary-7d1c0b3e"

var ridSuffix = regexp.MustCompile(`\s*rid:\s*[0-9A-Za-z-]+\s*$`)

// StripRID removes the per-call request id WeChat appends to every errmsg.
func StripRID(errmsg string) string { return ridSuffix.ReplaceAllString(errmsg, "") }

// buildBody renders a case's or step's request body.
func buildBody(req fixtures.Request, env *fixtures.Env) (body []byte, contentType string, err error) {
	switch {
	case req.Body != nil:
		body, err = req.Body.JSON(env)
		return body, req.ContentType, err
	case req.RawBody != nil:
		s, err := req.RawBody.Text(env)
		return []byte(s), req.ContentType, err
	case req.Multipart != nil:
		return buildMultipart(req.Multipart, env)
	default:
		return nil, "", nil
	}
}

func buildMultipart(mp *fixtures.Multipart, env *fixtures.Env) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary(multipartBoundary); err != nil {
		return nil, "", err
	}
	for _, f := range mp.Fields {
		v, err := f.Value.Text(env)
		if err != nil {
			return nil, "", fmt.Errorf("multipart field %s: %w", f.Name, err)
		}
		if err := w.WriteField(f.Name, v); err != nil {
			return nil, "", err
		}
	}
	for _, f := range mp.Files {
		part, err := w.CreatePart(fileHeader(f))
		if err != nil {
			return nil, "", err
		}
		if _, err := part.Write(f.Content); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

func fileHeader(f fixtures.FormFile) map[string][]string {
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	disp := fmt.Sprintf(`form-data; name=%q`, f.Field)
	if f.Filename != "" {
		disp += fmt.Sprintf(`; filename=%q`, f.Filename)
	}
	return map[string][]string{"Content-Disposition": {disp}, "Content-Type": {ct}}
}

// roundTrip sends one request. Its errors describe the fault without the
// URL: the URL carries the access token.
func (r *Runner) roundTrip(ctx context.Context, wr wireRequest) (*answer, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
	defer cancel()
	u := r.target.BaseURL + wr.Endpoint
	if wr.Token != "" {
		u += "?access_token=" + url.QueryEscape(wr.Token)
	}
	var body io.Reader
	if wr.Body != nil {
		body = bytes.NewReader(wr.Body)
	}
	req, err := http.NewRequestWithContext(ctx, wr.Method, u, body)
	if err != nil {
		return nil, fmt.Errorf("building the request: %s", redactURLError(err))
	}
	if wr.ContentType != "" {
		req.Header.Set("Content-Type", wr.ContentType)
	}
	req.Header.Set("User-Agent", r.userAgent)
	resp, err := r.target.Client.Do(req)
	if err != nil {
		return nil, &TransportError{msg: redactURLError(err), Timeout: isTimeout(err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("reading the answer (HTTP %d): %s", resp.StatusCode, redactURLError(err))
	}
	return decodeAnswer(wr.Endpoint, resp.StatusCode, raw)
}

// TransportError is a request that got no answer: refused, reset, cut
// short, or out of time (Timeout).
type TransportError struct {
	msg     string // without the URL, which carries the token
	Timeout bool
}

func (e *TransportError) Error() string { return "transport: " + e.msg }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// redactURLError drops the *url.Error wrapper, whose text repeats the URL
// and with it the token.
func redactURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func decodeAnswer(endpoint string, status int, raw []byte) (*answer, error) {
	a := &answer{Status: status, Raw: raw}
	if status < 200 || status > 299 {
		return a, fmt.Errorf("HTTP %d instead of 200: %s", status, preview(raw))
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		return a, fmt.Errorf("the answer is not a JSON object: %s", preview(raw))
	}
	code := 0
	switch {
	case env.Errcode != nil:
		n, err := env.Errcode.Int64()
		if err != nil {
			return a, fmt.Errorf("errcode %s is not an integer", *env.Errcode)
		}
		code = int(n)
	case env.AccessToken != nil && strings.HasPrefix(endpoint, "/cgi-bin/"):
		// The token endpoints answer success without an errcode.
	default:
		return a, fmt.Errorf("the answer has no errcode: %s", preview(raw))
	}
	a.Errcode = &code
	if env.Errmsg != nil {
		a.Errmsg = StripRID(*env.Errmsg)
	}
	return a, nil
}

func preview(raw []byte) string {
	const n = 200
	s := strings.ToValidUTF8(string(raw), "?")
	if len(s) > n {
		return fmt.Sprintf("%q… (%d bytes)", s[:n], len(raw))
	}
	if s == "" {
		return "(empty body)"
	}
	return fmt.Sprintf("%q", s)
}
