package corpuscheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/refsandbox"
)

// FuzzRequestPath sends mutated bodies to the sandbox's endpoints: whatever
// arrives, the sandbox must not panic and must answer HTTP 200 with the
// JSON envelope, its errcode one the endpoint documents (its own codes or
// the universal ones of apispec.UniversalCodes) and never -1, which only
// a magic value asks for. The seeds are every request the corpus gets
// accepted (errcode 0), as the runner sent it, so the fuzzer starts from
// valid bodies and the state they need. The path is mutated too, but only
// among the spec's endpoints: an unknown one is 40066 and tells nothing.
//
//	make fuzz-native FUZZTIME=10m
func FuzzRequestPath(f *testing.F) {
	w := newFuzzWorld(f)
	for _, s := range w.seeds {
		f.Add(s.path, s.body)
	}
	f.Fuzz(func(t *testing.T, path string, body []byte) {
		ep := w.endpoint(path)
		req := httptest.NewRequest(http.MethodPost, ep.Path+"?access_token="+w.token, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType(ep))
		rec := httptest.NewRecorder()
		w.handler.ServeHTTP(rec, req)
		if problem := w.judge(ep, body, rec); problem != "" {
			t.Fatalf("%s %q: %s\nanswer: %s", ep.Path, body, problem, rec.Body.Bytes())
		}
	})
}

// fuzzWorld is one sandbox that has run the whole corpus, and the
// default account's token.
type fuzzWorld struct {
	spec    *apispec.Spec
	paths   []string
	handler http.Handler
	token   string
	seeds   []seed
	allowed map[string]map[catalog.Code]bool // by path
}

type seed struct {
	path string
	body []byte
}

// The multipart seeds are rewritten to one boundary, so that the fuzzer's
// body and the Content-Type it is sent with always agree.
const boundary = "shopconformfuzz"

func contentType(ep *apispec.Endpoint) string {
	if ep.Multipart {
		return "multipart/form-data; boundary=" + boundary
	}
	return "application/json"
}

func newFuzzWorld(tb testing.TB) *fuzzWorld {
	tb.Helper()
	spec := defaultSpec(tb)
	// A default account without its quota and rate: a long run's calls
	// would otherwise end in 45009 and 300000 and explore nothing.
	quota := 1 << 40
	rec := &seedRecorder{seen: map[string]bool{}}
	sb := newSandbox(tb, refsandbox.Options{
		MerchantURL: merchant(tb),
		Random:      rand.NewChaCha8([32]byte{'f', 'u', 'z', 'z'}),
		Profiles:    []refsandbox.Profile{{Name: "default", DailyQuota: &quota, Rate: &refsandbox.Rate{PerSecond: 1e12, Burst: 1 << 40}}},
	}, rec.wrap)
	r := newRunner(sb.target)
	valid := map[string]bool{} // endpoints of the cases that answer 0
	for _, c := range corpus(tb) {
		r.Execute(context.Background(), c)
		if c.Expect.Errcode == 0 && strings.HasPrefix(c.Endpoint, "/shop/") {
			valid[c.Endpoint] = true
		}
	}
	w := &fuzzWorld{spec: spec, paths: spec.Paths(), handler: sb.sb.Handler(), seeds: rec.seeds, allowed: map[string]map[catalog.Code]bool{}}
	for path := range valid {
		if !slices.ContainsFunc(w.seeds, func(s seed) bool { return s.path == path }) {
			tb.Fatalf("no accepted request to %s was seen, though a case expects 0 there", path)
		}
	}
	for _, ep := range spec.Endpoints {
		codes := map[catalog.Code]bool{catalog.OK: true}
		for _, u := range append(apispec.UniversalCodes(ep), ep.Codes...) {
			codes[u.Code] = true
		}
		w.allowed[ep.Path] = codes
	}
	for _, a := range sb.sb.Accounts() {
		if a.Profile == "default" {
			w.token = fetchToken(tb, w.handler, a)
		}
	}
	return w
}

func fetchToken(tb testing.TB, h http.Handler, a refsandbox.Account) string {
	tb.Helper()
	body := fmt.Sprintf(`{"grant_type":"client_credential","appid":%q,"secret":%q}`, a.AppID, a.Secret)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/cgi-bin/stable_token", strings.NewReader(body)))
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || answer.AccessToken == "" {
		tb.Fatalf("no token for the default account: %s", rec.Body.Bytes())
	}
	return answer.AccessToken
}

// endpoint maps any path the fuzzer makes onto one of the spec's.
func (w *fuzzWorld) endpoint(path string) *apispec.Endpoint {
	if ep, ok := w.spec.Endpoint(path); ok {
		return ep
	}
	ep, _ := w.spec.Endpoint(w.paths[crc32.ChecksumIEEE([]byte(path))%uint32(len(w.paths))])
	return ep
}

// judge says what is wrong with the answer to body, or "".
func (w *fuzzWorld) judge(ep *apispec.Endpoint, body []byte, rec *httptest.ResponseRecorder) string {
	if rec.Code != http.StatusOK {
		return fmt.Sprintf("HTTP %d, not 200", rec.Code)
	}
	if mt, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type")); mt != "application/json" {
		return fmt.Sprintf("Content-Type %q, not JSON", rec.Header().Get("Content-Type"))
	}
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.UseNumber()
	var env map[string]any
	if err := dec.Decode(&env); err != nil {
		return "the answer is not a JSON object: " + err.Error()
	}
	n, ok := env["errcode"].(json.Number)
	if !ok {
		return "no integer errcode"
	}
	i, err := n.Int64()
	if err != nil {
		return fmt.Sprintf("errcode %s is not an integer", n)
	}
	code := catalog.Code(i)
	switch {
	case !catalog.Default().Has(code):
		return fmt.Sprintf("errcode %d is not in the catalog", code)
	case code == catalog.SystemError && !asksForSystemError(body):
		return "errcode -1, which only the magic value SHOPCONFORM_MAGIC_SYSTEM_ERROR may ask for"
	case !w.allowed[ep.Path][code]:
		return fmt.Sprintf("errcode %d is none of the endpoint's documented codes nor a universal one", code)
	}
	if _, ok := env["errmsg"].(string); !ok {
		return "no errmsg string"
	}
	return ""
}

// asksForSystemError: a top-level string of a JSON body is the magic value
// of -1 (refsandbox/README.md, "Magic values").
func asksForSystemError(body []byte) bool {
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		return false
	}
	for _, v := range obj {
		if v == "SHOPCONFORM_MAGIC_SYSTEM_ERROR" {
			return true
		}
	}
	return false
}

// seedRecorder keeps the /shop/ requests the sandbox answers with errcode
// 0, one of each shape per endpoint: bodies that differ in their values
// only reach the same code, and every seed costs the fuzzer's start a
// run with coverage.
type seedRecorder struct {
	mu    sync.Mutex
	seen  map[string]bool
	seeds []seed
}

func (s *seedRecorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/shop/") {
			h.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		var answer struct {
			Errcode *int `json:"errcode"`
		}
		if json.Unmarshal(rec.Body.Bytes(), &answer) != nil || answer.Errcode == nil || *answer.Errcode != 0 {
			return
		}
		if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && params["boundary"] != "" {
			body = bytes.ReplaceAll(body, []byte("--"+params["boundary"]), []byte("--"+boundary))
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if key := r.URL.Path + "\x00" + shape(body); !s.seen[key] {
			s.seen[key] = true
			s.seeds = append(s.seeds, seed{path: r.URL.Path, body: body})
		}
	})
}

// shape is a JSON body's members and their kinds, with the values of
// small numbers only ({"a":[{"b":"","n":1}]} for {"a":[{"b":"x","n":1},
// {"b":"y","n":1}]}); any other body is its own shape.
func shape(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return string(body)
	}
	var skeleton func(v any) any
	skeleton = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, m := range x {
				x[k] = skeleton(m)
			}
			return x
		case []any:
			kinds := map[string]bool{}
			var out []any
			for _, it := range x {
				s := skeleton(it)
				b, _ := json.Marshal(s)
				if !kinds[string(b)] {
					kinds[string(b)] = true
					out = append(out, s)
				}
			}
			return out
		case string:
			return ""
		case float64:
			if x > -1e6 && x < 1e6 {
				return x // an enum, a flag, a count, a price: values that choose a branch
			}
			return 0 // an id or a time
		}
		return v
	}
	b, _ := json.Marshal(skeleton(v))
	return string(b)
}

// TestJudge: the fuzz property refuses each way an answer can break it.
func TestJudge(t *testing.T) {
	spec := defaultSpec(t)
	ep, _ := spec.Endpoint("/shop/spu/get")
	w := &fuzzWorld{allowed: map[string]map[catalog.Code]bool{ep.Path: {catalog.OK: true, catalog.NotJSON: true, catalog.SystemError: true}}}
	answer := func(status int, contentType, body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", contentType)
		rec.WriteHeader(status)
		rec.WriteString(body)
		return rec
	}
	const jsonType = "application/json; charset=utf-8"
	magic := []byte(`{"out_product_id": "SHOPCONFORM_MAGIC_SYSTEM_ERROR"}`)
	for _, tc := range []struct {
		name string
		body []byte
		rec  *httptest.ResponseRecorder
		want string
	}{
		{"documented", nil, answer(200, jsonType, `{"errcode": 47001, "errmsg": "x"}`), ""},
		{"magic -1", magic, answer(200, jsonType, `{"errcode": -1, "errmsg": "x"}`), ""},
		{"HTTP 500", nil, answer(500, jsonType, `{"errcode": 0, "errmsg": "ok"}`), "HTTP 500"},
		{"not JSON", nil, answer(200, "text/plain", `{"errcode": 0, "errmsg": "ok"}`), "not JSON"},
		{"not an object", nil, answer(200, jsonType, `[1]`), "not a JSON object"},
		{"errcode a string", nil, answer(200, jsonType, `{"errcode": "0", "errmsg": "ok"}`), "no integer errcode"},
		{"errcode a fraction", nil, answer(200, jsonType, `{"errcode": 0.5, "errmsg": "ok"}`), "not an integer"},
		{"not in the catalog", nil, answer(200, jsonType, `{"errcode": 4242, "errmsg": "x"}`), "not in the catalog"},
		{"undocumented", nil, answer(200, jsonType, `{"errcode": 1010001, "errmsg": "x"}`), "none of the endpoint's documented codes"},
		{"-1 unasked", []byte(`{"out_product_id": "p"}`), answer(200, jsonType, `{"errcode": -1, "errmsg": "x"}`), "errcode -1"},
		{"no errmsg", nil, answer(200, jsonType, `{"errcode": 0}`), "no errmsg"},
	} {
		if got := w.judge(ep, tc.body, tc.rec); tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
