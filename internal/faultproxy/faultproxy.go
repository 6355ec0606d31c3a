// Package faultproxy is a loopback HTTP proxy for the project's own tests:
// it sits in front of a target (usually the reference sandbox on an
// httptest listener) and breaks every vendor call in one chosen way, so
// that tests can show what the runner does when a target misbehaves.
//
// Only paths under /shop/ are faulted. The token endpoints (/cgi-bin/*)
// pass through unless Config.AllPaths says otherwise, and the sandbox's
// admin paths (/_shopconform/*) always do, so that a test can still get
// tokens and mint accounts while the API itself is broken.
//
// A faulted request never reaches the target, except with Delay (which
// forwards it once the delay is over) and Transient (which forwards it
// once it has failed Config.Times times): a test can therefore rely on
// the target's state being untouched by a request that failed.
package faultproxy

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Fault is what the proxy does to a /shop/ request.
type Fault int

const (
	// Pass forwards the request unchanged.
	Pass Fault = iota
	// Reset hijacks the connection and closes it without answering; the
	// client sees a reset connection (or an EOF).
	Reset
	// Delay waits Config.Delay, then forwards the request. A client that
	// gives up meanwhile is let go at once and nothing is forwarded.
	Delay
	// Status500 answers HTTP 500.
	Status500
	// Garbage answers HTTP 200 with an HTML page.
	Garbage
	// Truncated answers HTTP 200 with the first half of a JSON object
	// (and a Content-Length that matches, so the body reads cleanly and
	// only decoding fails).
	Truncated
	// NoErrcode answers HTTP 200 {"data":{}}: valid JSON without the
	// envelope.
	NoErrcode
	// Transient answers {"errcode": Config.Code, "errmsg": "…"} the first
	// Config.Times times a given request is seen, then forwards it. A
	// request is its method, path, query without access_token, and body:
	// a retry with a renewed token is the same request.
	Transient
)

var faultNames = [...]string{"Pass", "Reset", "Delay", "Status500", "Garbage", "Truncated", "NoErrcode", "Transient"}

func (f Fault) String() string {
	if f >= 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	return fmt.Sprintf("Fault(%d)", int(f))
}

// Config is the fault and its parameters.
type Config struct {
	Fault Fault
	Delay time.Duration // Delay: how long to wait before forwarding
	Code  int           // Transient: the errcode answered
	Times int           // Transient: how many times each request fails
	// AllPaths faults the token endpoints (/cgi-bin/*) as well: the fault
	// then reaches every request a case makes, not only its /shop/ ones.
	AllPaths bool
	// Paths, when set, limits the fault to requests of these paths
	// ("/shop/spu/get"): one endpoint misbehaves, the others pass.
	Paths []string
}

// Proxy is a running fault proxy. Its methods are safe for concurrent use.
type Proxy struct {
	url     string
	srv     *http.Server
	forward *httputil.ReverseProxy
	tr      *http.Transport
	done    chan struct{}

	closeOnce sync.Once

	mu       sync.Mutex
	cfg      Config
	requests int
	seen     map[string]int // Transient: times each request was answered with the fault
}

// maxBody bounds what Delay and Transient read of a request to key it; the
// largest vendor request (an image upload) is far below it.
const maxBody = 32 << 20

// Start listens on 127.0.0.1:0 and proxies to target, a base URL such as
// an httptest server's URL. The target must be on loopback too: the
// proxy exists for tests, which never reach the network.
func Start(target string, cfg Config) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("faultproxy: target %q is not an http(s) base URL", target)
	}
	if !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("faultproxy: target %q is not on loopback", target)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: %w", err)
	}
	quiet := log.New(io.Discard, "", 0) // hijacked and abandoned connections are the point, not news
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // never through an HTTP_PROXY from the environment
	p := &Proxy{
		url:  "http://" + ln.Addr().String(),
		tr:   tr,
		done: make(chan struct{}),
		cfg:  cfg,
		seen: map[string]int{},
	}
	p.forward = &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(u) },
		Transport: tr,
		ErrorLog:  quiet,
	}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: quiet}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URL is the proxy's base URL, to use as the target's.
func (p *Proxy) URL() string { return p.url }

// Set changes the fault for the requests that arrive from now on. It
// forgets what Transient counted, so a new Transient starts afresh.
func (p *Proxy) Set(cfg Config) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg = cfg
	p.seen = map[string]int{}
}

// Requests is how many requests the fault applied to (every /shop/ one,
// and with AllPaths the token endpoints too) the proxy has seen, faulted
// or passed.
func (p *Proxy) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// Close stops the proxy, lets go of requests it is delaying, and drops
// its connections to the target.
func (p *Proxy) Close() {
	p.closeOnce.Do(func() {
		close(p.done)
		_ = p.srv.Close()
		p.tr.CloseIdleConnections()
	})
}

// RefusedURL returns a loopback base URL where nothing listens: it binds
// 127.0.0.1:0, notes the port and closes it. Another process could take
// the port in between; on a test machine that is rare enough.
func RefusedURL() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", err
	}
	return "http://" + addr, nil
}

// ServeHTTP applies the configured fault to /shop/ requests (and, with
// AllPaths, the token endpoints) and forwards everything else: admin paths
// always pass, so that tests can still mint accounts.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	cfg := p.cfg
	faulted := strings.HasPrefix(r.URL.Path, "/shop/") || cfg.AllPaths && strings.HasPrefix(r.URL.Path, "/cgi-bin/")
	if len(cfg.Paths) > 0 {
		faulted = slices.Contains(cfg.Paths, r.URL.Path)
	}
	if faulted {
		p.requests++
	}
	p.mu.Unlock()
	if !faulted {
		p.forward.ServeHTTP(w, r)
		return
	}
	switch cfg.Fault {
	case Reset:
		reset(w)
	case Delay:
		p.delay(w, r, cfg.Delay)
	case Status500:
		answer(w, http.StatusInternalServerError, "text/plain; charset=utf-8", "faultproxy: injected HTTP 500\n")
	case Garbage:
		answer(w, http.StatusOK, "text/html; charset=utf-8", "<html><head><title>502 Bad Gateway</title></head><body><h1>faultproxy</h1></body></html>\n")
	case Truncated:
		answer(w, http.StatusOK, "application/json; charset=utf-8", `{"errcode":0,"errmsg":"ok","da`)
	case NoErrcode:
		answer(w, http.StatusOK, "application/json; charset=utf-8", `{"data":{}}`)
	case Transient:
		p.transient(w, r, cfg)
	default:
		p.forward.ServeHTTP(w, r)
	}
}

func answer(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// reset closes the connection under the request. SetLinger(0) makes the
// close a TCP RST rather than a FIN, as a crashed or overloaded peer does.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // aborts the response; net/http logs nothing for it
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

func (p *Proxy) delay(w http.ResponseWriter, r *http.Request, d time.Duration) {
	// Read the body first: net/http only notices a client hanging up
	// once the request body has been read to its end.
	if _, ok := bufferBody(w, r); !ok {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		p.forward.ServeHTTP(w, r)
	case <-r.Context().Done():
		// The client gave up: nothing to answer, nothing forwarded.
	case <-p.done:
		// Closing: abort, so that the client sees a broken connection
		// rather than an empty 200.
		panic(http.ErrAbortHandler)
	}
}

func (p *Proxy) transient(w http.ResponseWriter, r *http.Request, cfg Config) {
	body, ok := bufferBody(w, r)
	if !ok {
		return
	}
	key := requestKey(r, body)
	p.mu.Lock()
	n := p.seen[key]
	fail := n < cfg.Times
	if fail {
		p.seen[key] = n + 1
	}
	p.mu.Unlock()
	if !fail {
		p.forward.ServeHTTP(w, r)
		return
	}
	msg := fmt.Sprintf(`{"errcode":%d,"errmsg":"faultproxy: injected transient errcode %d, %d of %d"}`, cfg.Code, cfg.Code, n+1, cfg.Times)
	answer(w, http.StatusOK, "application/json; charset=utf-8", msg)
}

// bufferBody reads the body whole and puts an in-memory copy back in
// r.Body; it answers 400 and reports false when it cannot.
func bufferBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		answer(w, http.StatusBadRequest, "text/plain; charset=utf-8", "faultproxy: request body unreadable or over 32 MiB\n")
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, true
}

// requestKey identifies a request across retries: the access token
// changes when the runner renews it, the request does not.
func requestKey(r *http.Request, body []byte) string {
	q := r.URL.Query()
	q.Del("access_token")
	q.Del("authorizer_access_token")
	return r.Method + " " + r.URL.Path + "?" + q.Encode() + "\n" + string(body)
}
