package certify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/shopconform/shopconform/runner/redact"
)

// forwarding is the call in progress: where the loopback server sends
// what the adapter's SDK sends, and until when.
type forwarding struct {
	ctx context.Context
	env Env
}

// hopByHop are the headers of one connection, not of the request: they
// are never forwarded (RFC 9110 §7.6.1).
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// forward sends one request of the adapter's SDK on to the target through
// the call's Env, and its answer back. Path, query (the token), headers
// and body go as the SDK sent them, so the harness's recording layer sees
// the SDK's own request.
func (p *ProcessAdapter) forward(w http.ResponseWriter, r *http.Request) {
	p.fmu.Lock()
	f := p.fwd
	p.fmu.Unlock()
	if f == nil {
		http.Error(w, "shopconform: no case is running: this server answers the adapter's SDK only while the harness waits for a result", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.fail(w, r, http.StatusBadRequest, "reading the request", err)
		return
	}
	// The request ends with the SDK's connection or with the call,
	// whichever comes first: a late request of a timed-out case must not
	// reach the next case's target.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(f.ctx, cancel)
	defer stop()

	u := strings.TrimRight(f.env.BaseURL, "/") + r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	out, err := http.NewRequestWithContext(ctx, r.Method, u, bytes.NewReader(body))
	if err != nil {
		f.fail(w, r, http.StatusBadRequest, "forwarding the request", err)
		return
	}
	if len(body) == 0 {
		out.Body, out.ContentLength = http.NoBody, 0
	}
	out.Header = r.Header.Clone()
	dropHopByHop(out.Header)
	// Compression is the Go transport's business: it asks for gzip itself
	// and hands the recording layer the plain answer, which it must read.
	out.Header.Del("Accept-Encoding")

	resp, err := f.client().Do(out)
	if err != nil {
		f.fail(w, r, http.StatusBadGateway, "the target did not answer", err)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		f.fail(w, r, http.StatusBadGateway, "reading the target's answer", err)
		return
	}
	h := w.Header()
	for k, v := range resp.Header {
		h[k] = v
	}
	dropHopByHop(h)
	h.Del("Content-Length") // the body is written whole: net/http sets it
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

// fail answers the SDK with what went wrong, in plain text. The text names
// the request by method and path, never by its URL: the query carries the
// access token, and an SDK that quotes (or cuts short) the answer in its
// error message would carry the token into the certificate.
func (f *forwarding) fail(w http.ResponseWriter, r *http.Request, status int, what string, err error) {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its URL holds the query
	}
	msg := fmt.Sprintf("shopconform: %s %s: %s: %v", r.Method, r.URL.Path, what, err)
	if q := r.URL.RawQuery; q != "" {
		msg = strings.ReplaceAll(msg, q, "[query hidden]")
	}
	http.Error(w, redact.New(f.env.Token).String(msg), status)
}

// client reaches the target through the call's Env: Transport innermost,
// as an in-process SDK would put it under its middleware. Redirects go
// back to the SDK, whose business they are.
func (f *forwarding) client() *http.Client {
	c := &http.Client{Transport: f.env.Transport, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	if f.env.Client != nil {
		c.Timeout = f.env.Client.Timeout
		if c.Transport == nil {
			c.Transport = f.env.Client.Transport
		}
	}
	return c
}

func dropHopByHop(h http.Header) {
	for _, name := range h.Values("Connection") {
		for _, n := range strings.Split(name, ",") {
			h.Del(strings.TrimSpace(n))
		}
	}
	for _, name := range hopByHop {
		h.Del(name)
	}
}
