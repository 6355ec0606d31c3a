package silenceper

// These tests pin, against a local server, every claim FINDINGS.md makes
// about what the SDK itself does: if an upgrade of the SDK changes one,
// the analysis must change with it.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/util"

	"github.com/shopconform/shopconform/certify"
)

// seen is one request the server received.
type seen struct {
	Method, Path, RawQuery, ContentType string
	Body                                []byte
}

// server answers every request with status and answer, and keeps what it
// received.
type server struct {
	*httptest.Server
	mu  sync.Mutex
	got []seen
	Env certify.Env
}

func newServer(t *testing.T, status int, answer string) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.got = append(s.got, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), body})
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(s.Close)
	s.Env = certify.Env{BaseURL: s.URL, Client: s.Client(), Token: "tok"}
	return s
}

func (s *server) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.got...)
}

func (s *server) only(t *testing.T) seen {
	t.Helper()
	got := s.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1: %+v", len(got), got)
	}
	return got[0]
}

// sdk runs fn with the SDK's package state pointed at s.
func (s *server) sdk(fn func()) {
	defer useSDK(s.Client(), s.URL)()
	fn()
}

const ok = `{"errcode":0,"errmsg":"ok"}`

func TestPostJSONReencodesTheValueItIsGiven(t *testing.T) {
	const body = `{"b": 1.0, "a": "<&>", "n": 9007199254740993}`
	s := newServer(t, 200, ok)
	var decoded map[string]any
	if err := json.Unmarshal([]byte(body), &decoded); err != nil {
		t.Fatal(err)
	}
	s.sdk(func() {
		for _, obj := range []any{json.RawMessage(body), decoded} {
			if _, err := util.PostJSONContext(context.Background(), vendorBase+"/shop/x", obj); err != nil {
				t.Fatal(err)
			}
		}
	})
	got := s.requests()
	if len(got) != 2 {
		t.Fatalf("%d requests", len(got))
	}
	// json.RawMessage: compacted, nothing else; no HTML escaping; a newline.
	if want := `{"b":1.0,"a":"<&>","n":9007199254740993}` + "\n"; string(got[0].Body) != want {
		t.Errorf("RawMessage went out as %q, want %q", got[0].Body, want)
	}
	// A decoded map: keys sorted, numbers through float64.
	if want := `{"a":"<&>","b":1,"n":9007199254740992}` + "\n"; string(got[1].Body) != want {
		t.Errorf("map went out as %q, want %q", got[1].Body, want)
	}
	if ct := got[0].ContentType; ct != "application/json;charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestPostJSONCannotSendABodyThatIsNotJSON(t *testing.T) {
	s := newServer(t, 200, ok)
	s.sdk(func() {
		_, err := util.PostJSONContext(context.Background(), vendorBase+"/shop/x", json.RawMessage(`{"page": 1,}`))
		if err == nil {
			t.Error("invalid JSON was sent")
		}
		if len(s.requests()) != 0 {
			t.Error("a request went out for invalid JSON")
		}
		if _, err := util.PostJSONContext(context.Background(), vendorBase+"/shop/x", "company_list please"); err != nil {
			t.Fatal(err)
		}
	})
	if got := s.only(t); string(got.Body) != `"company_list please"`+"\n" {
		t.Errorf("a string went out as %q, want it JSON-encoded", got.Body)
	}
}

func TestHTTPPostSendsBytesVerbatim(t *testing.T) {
	s := newServer(t, 200, `{"errcode":47001,"errmsg":"data format error"}`)
	ans, err := (&Adapter{}).Call(context.Background(), s.Env, certify.Request{Case: "c", Method: "POST",
		Endpoint: "/shop/spu/get_list", ContentType: "text/plain", Body: []byte("company_list please")})
	if err != nil {
		t.Fatal(err)
	}
	got := s.only(t)
	if string(got.Body) != "company_list please" || got.ContentType != "text/plain" {
		t.Errorf("sent %q as %q", got.Body, got.ContentType)
	}
	if ans.Errcode != 47001 || ans.Via != certify.ViaTypedError {
		t.Errorf("answer %+v", ans)
	}
}

func TestGetIsSent(t *testing.T) {
	s := newServer(t, 200, `{"errcode":43002,"errmsg":"require POST method"}`)
	ans, err := (&Adapter{}).Call(context.Background(), s.Env, certify.Request{Case: "c", Method: "GET", Endpoint: "/shop/x"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.only(t); got.Method != "GET" || len(got.Body) != 0 {
		t.Errorf("sent %+v", got)
	}
	if ans.Errcode != 43002 || ans.Via != certify.ViaTypedError {
		t.Errorf("answer %+v", ans)
	}
}

func TestPostMultipartFormWritesEveryFieldAsAFile(t *testing.T) {
	s := newServer(t, 200, ok)
	s.sdk(func() {
		_, err := util.PostMultipartForm([]util.MultipartFormField{
			{Fieldname: "resp_type", Value: []byte("1")},
			{IsFile: true, Fieldname: "media", Filename: "a.png", FileReader: strings.NewReader("PNG")},
		}, vendorBase+"/shop/img/upload")
		if err != nil {
			t.Fatal(err)
		}
	})
	got := s.only(t)
	_, params, err := mime.ParseMediaType(got.ContentType)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{60}$`).MatchString(params["boundary"]) {
		t.Errorf("boundary %q is not Go's random one", params["boundary"])
	}
	mr := multipart.NewReader(strings.NewReader(string(got.Body)), params["boundary"])
	want := []struct{ disposition, contentType string }{
		{`form-data; name="resp_type"; filename=""`, "application/octet-stream"},
		{`form-data; name="media"; filename="a.png"`, "application/octet-stream"},
	}
	for i, w := range want {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if d, ct := p.Header.Get("Content-Disposition"), p.Header.Get("Content-Type"); d != w.disposition || ct != w.contentType {
			t.Errorf("part %d: %q, %q; want %q, %q", i, d, ct, w.disposition, w.contentType)
		}
	}
}

func TestAStatusOtherThan200LosesTheErrcodeAndQuotesTheToken(t *testing.T) {
	s := newServer(t, 500, `{"errcode":-1,"errmsg":"system error"}`)
	s.Env.Token = "SECRETTOKEN"
	s.sdk(func() {
		_, err := util.PostJSONContext(context.Background(), vendorBase+"/shop/x?access_token=SECRETTOKEN", json.RawMessage(`{}`))
		if err == nil || !strings.Contains(err.Error(), "statusCode=500") || !strings.Contains(err.Error(), "access_token=SECRETTOKEN") {
			t.Errorf("error %v", err)
		}
	})
	_, err := (&Adapter{}).Call(context.Background(), s.Env, certify.Request{Case: "c", Method: "POST", Endpoint: "/shop/x",
		ContentType: "application/json", Body: []byte(`{}`)})
	if err == nil || strings.Contains(err.Error(), "SECRETTOKEN") {
		t.Errorf("the adapter's error: %v", err)
	}
}

func TestDecodeTakesAMissingErrcodeForSuccess(t *testing.T) {
	if ans, err := decode([]byte(`{"data":{}}`), "/shop/x"); err != nil || ans.Errcode != 0 {
		t.Errorf("no errcode: %+v, %v", ans, err)
	}
	_, err := decode([]byte(`{"errcode":"40001"}`), "/shop/x")
	var ce *util.CommonError
	if err == nil || errors.As(err, &ce) {
		t.Errorf("a string errcode: %v", err)
	}
	ans, err := decode([]byte(`{"errcode":1000012,"errmsg":"exists"}`), "/shop/x")
	if err != nil || ans.Errcode != 1000012 || ans.Via != certify.ViaTypedError {
		t.Errorf("an errcode: %+v, %v", ans, err)
	}
}

func TestTheTokenIsAlwaysAParameterAndNeverEscaped(t *testing.T) {
	s := newServer(t, 200, ok)
	for _, tok := range []string{"", "a&b=c"} {
		s.Env.Token = tok
		if _, err := (&Adapter{}).Call(context.Background(), s.Env, certify.Request{Case: "c", Method: "POST", Endpoint: "/shop/x",
			ContentType: "application/json", Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	got := s.requests()
	if len(got) != 2 || got[0].RawQuery != "access_token=" || got[1].RawQuery != "access_token=a&b=c" {
		t.Errorf("queries: %+v", got)
	}
}

// refuse records the URL of a request and fails it: nothing leaves.
type refuse struct{ url string }

func (r *refuse) RoundTrip(req *http.Request) (*http.Response, error) {
	r.url = req.URL.String()
	return nil, errors.New("refused")
}

func TestPostJSONWithRespContentTypeIgnoresTheURIModifier(t *testing.T) {
	rt := &refuse{}
	func() {
		defer useSDK(&http.Client{Transport: rt}, "http://127.0.0.1:1")()
		_, _, _ = util.PostJSONWithRespContentType(vendorBase+"/shop/x", json.RawMessage(`{}`))
	}()
	if !strings.HasPrefix(rt.url, vendorBase) {
		t.Errorf("went to %q", rt.url)
	}
}

func TestStableAccessTokenSendsAFixedBodyAndAnErrorString(t *testing.T) {
	s := newServer(t, 200, `{"errcode":40013,"errmsg":"invalid appid"}`)
	var err error
	s.sdk(func() {
		h := credential.NewStableAccessToken("", "s", credential.CacheKeyMiniProgramPrefix, cache.NewMemory())
		_, err = h.GetAccessTokenContext(context.Background())
	})
	var body map[string]any
	if e := json.Unmarshal(s.only(t).Body, &body); e != nil {
		t.Fatal(e)
	}
	want := map[string]any{"grant_type": "client_credential", "appid": "", "secret": "s", "force_refresh": false}
	if fmt.Sprint(body) != fmt.Sprint(want) {
		t.Errorf("body %v, want %v", body, want)
	}
	var ce *util.CommonError
	if err == nil || errors.As(err, &ce) || !strings.Contains(err.Error(), "errcode=40013") {
		t.Errorf("error %v", err)
	}
	ans, e := (&Adapter{TypedToken: true}).Call(context.Background(), s.Env, certify.Request{Case: "c", Method: "POST",
		Endpoint: "/cgi-bin/stable_token", ContentType: "application/json", Body: []byte(`{"grant_type":"client_credential","secret":"s"}`)})
	if e != nil || ans.Errcode != 40013 || ans.Via != certify.ViaErrorString {
		t.Errorf("adapter: %+v, %v", ans, e)
	}
}

// TestCallsAreSerialisedAndRestoreTheSDK runs calls to different servers
// at once (under -race): each reaches its own server, and the SDK's
// client is what it was afterwards.
func TestCallsAreSerialisedAndRestoreTheSDK(t *testing.T) {
	before := util.DefaultHTTPClient
	a := &Adapter{}
	var wg sync.WaitGroup
	for i := range 8 {
		s := newServer(t, 200, fmt.Sprintf(`{"errcode":%d}`, 1000+i))
		wg.Go(func() {
			ans, err := a.Call(context.Background(), s.Env, certify.Request{Case: fmt.Sprint(i), Method: "POST", Endpoint: "/shop/x",
				ContentType: "application/json", Body: []byte(`{}`)})
			if err != nil || ans.Errcode != 1000+i {
				t.Errorf("call %d: %+v, %v", i, ans, err)
			}
			if l, ok := a.Log(fmt.Sprint(i)); !ok || l.Path != PathJSON || l.Errcode != 1000+i {
				t.Errorf("call %d logged %+v", i, l)
			}
		})
	}
	wg.Wait()
	sdkMu.Lock()
	defer sdkMu.Unlock()
	if util.DefaultHTTPClient != before {
		t.Error("util.DefaultHTTPClient was not restored")
	}
}
