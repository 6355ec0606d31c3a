package refsandbox

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/http"
	"sync"
)

// inProcessTransport hands each request straight to the handler, so the
// runner's reference target needs no port and cannot collide with anything
// else listening on the machine (fake-gcs-server's mux_transport.go).
type inProcessTransport struct{ h http.Handler }

func (t inProcessTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		closeBody(req)
		return nil, err
	}
	in := req.Clone(req.Context())
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "127.0.0.1:0"
	if in.Body == nil {
		in.Body = http.NoBody
	}
	rec := &recorder{header: http.Header{}}
	t.h.ServeHTTP(rec, in)
	closeBody(req)
	return rec.response(req), nil
}

// closeBody honours the RoundTripper contract: the transport closes the
// request body, even on error.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// recorder is the smallest http.ResponseWriter that can become an
// *http.Response; net/http/httptest is kept out of the library.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(p)
}

func (r *recorder) response(req *http.Request) *http.Response {
	r.WriteHeader(http.StatusOK)
	return &http.Response{
		Status:        http.StatusText(r.status),
		StatusCode:    r.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        r.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(r.body.Bytes())),
		ContentLength: int64(r.body.Len()),
		Request:       req,
	}
}

// lockedReader serialises reads so that a caller's seeded, non-thread-safe
// reader can serve concurrent requests.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) read(n int) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := make([]byte, n)
	_, err := io.ReadFull(l.r, b)
	return b, err
}

// hex returns n random bytes as lowercase hex.
func (l *lockedReader) hex(n int) (string, error) {
	b, err := l.read(n)
	return hex.EncodeToString(b), err
}

// urlSafe returns n random characters of [A-Za-z0-9_-], the alphabet of
// access tokens.
func (l *lockedReader) urlSafe(n int) (string, error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b, err := l.read(n)
	for i := range b {
		b[i] = alphabet[b[i]&63] // 64 symbols: the mask keeps the draw uniform
	}
	return string(b), err
}
