package certify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/fakeadapter"
	"github.com/shopconform/shopconform/runner/results"
)

// TestMain lets the test binary be the adapter process: re-executed with
// fakeadapter.ModeEnv set, it speaks the protocol instead of testing.
func TestMain(m *testing.M) {
	if mode, ok := os.LookupEnv(fakeadapter.ModeEnv); ok {
		os.Exit(fakeadapter.Main(mode, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func startFake(t *testing.T, mode string, timeout time.Duration, env ...string) *ProcessAdapter {
	t.Helper()
	p, err := Process(fakeadapter.Command(mode, env...), timeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestSplitCommand(t *testing.T) {
	for _, tc := range []struct {
		in        string
		env, argv []string
		err       string
	}{
		{in: "node adapters/node/adapter.mjs", argv: []string{"node", "adapters/node/adapter.mjs"}},
		{in: "  python3   -m  my_adapter ", argv: []string{"python3", "-m", "my_adapter"}},
		{in: `java -jar 'my adapter.jar' "--name=a \"b\"" x\ y ''`, argv: []string{"java", "-jar", "my adapter.jar", `--name=a "b"`, "x y", ""}},
		{in: "NODE_OPTIONS=--no-warnings A='1 2' node a.mjs B=3", env: []string{"NODE_OPTIONS=--no-warnings", "A=1 2"}, argv: []string{"node", "a.mjs", "B=3"}},
		{in: "", err: "empty"},
		{in: "A=1", err: "empty"},
		{in: "node 'a.mjs", err: "unterminated single quote"},
		{in: `node "a.mjs`, err: "unterminated double quote"},
		{in: `node a\`, err: "ends with a backslash"},
	} {
		cl, err := splitCommand(tc.in)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case !slices.Equal(cl.env, tc.env) || !slices.Equal(cl.argv, tc.argv):
			t.Errorf("%q: env %q argv %q, want %q %q", tc.in, cl.env, cl.argv, tc.env, tc.argv)
		}
	}
}

// seen records what reached the target through the harness's transport.
type seen struct {
	mu   sync.Mutex
	next http.RoundTripper
	reqs []*http.Request
	body [][]byte
}

func (s *seen) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	s.mu.Lock()
	s.reqs, s.body = append(s.reqs, r), append(s.body, b)
	s.mu.Unlock()
	return s.next.RoundTrip(r)
}

// TestProcessForwardsTheSDKsRequestThroughEnv checks the handshake, and
// that what the adapter's SDK sends reaches Env's transport as sent (path,
// token, content type, body, binary bodies byte for byte) and the answer
// comes back as the SDK's result.
func TestProcessForwardsTheSDKsRequestThroughEnv(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/shop/img/upload" {
			io.WriteString(w, `{"errcode":1070002,"errmsg":"not an image"}`)
			return
		}
		io.WriteString(w, `{"errcode":9401020,"errmsg":"no such product"}`)
	}))
	defer target.Close()
	p := startFake(t, "ok", 5*time.Second)
	if p.SDK() != (SDK{Name: "fake-go-adapter", Version: "1.2.3"}) {
		t.Errorf("SDK() = %+v", p.SDK())
	}
	rec := &seen{next: http.DefaultTransport}
	env := Env{BaseURL: target.URL, Client: &http.Client{Transport: rec}, Transport: rec, Token: "tok en/1"}
	ans, err := p.Call(context.Background(), env, Request{Case: "c1", Method: "POST", Endpoint: "/shop/spu/get",
		ContentType: "application/json", Body: []byte(`{"out_product_id":"x"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if ans != (Answer{Errcode: 9401020, Via: ViaResponseField}) {
		t.Errorf("answer %+v", ans)
	}
	binary := []byte("--b\r\nContent-Type: image/png\r\n\r\n\x89PNG\xff\xfe\r\n--b--\r\n")
	ans, err = p.Call(context.Background(), env, Request{Case: "c2", Method: "POST", Endpoint: "/shop/img/upload",
		ContentType: "multipart/form-data; boundary=b", Body: binary})
	if err != nil || ans.Errcode != 1070002 {
		t.Fatalf("binary body: %+v %v", ans, err)
	}
	if len(rec.reqs) != 2 {
		t.Fatalf("%d requests reached the transport", len(rec.reqs))
	}
	r := rec.reqs[0]
	if r.URL.Path != "/shop/spu/get" || r.URL.Query().Get("access_token") != "tok en/1" || r.Header.Get("Content-Type") != "application/json" ||
		string(rec.body[0]) != `{"out_product_id":"x"}` || !strings.HasPrefix(r.URL.String(), target.URL) {
		t.Errorf("forwarded %s %s %q %q", r.Method, r.URL, r.Header.Get("Content-Type"), rec.body[0])
	}
	if r.Header.Get("Accept-Encoding") != "" || r.Header.Get("Connection") != "" {
		t.Errorf("hop-by-hop or encoding headers forwarded: %v", r.Header)
	}
	if !bytes.Equal(rec.body[1], binary) || rec.reqs[1].Header.Get("Content-Type") != "multipart/form-data; boundary=b" {
		t.Errorf("binary body forwarded as %q", rec.body[1])
	}
	// Outside a call the loopback server refuses: nothing reaches a target.
	resp, err := http.Post(p.BaseURL()+"/shop/spu/get", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || len(rec.reqs) != 2 {
		t.Errorf("outside a call: HTTP %d, %d requests forwarded", resp.StatusCode, len(rec.reqs))
	}
}

// TestProcessSurvivesABadAdapterCaseByCase drives one adapter through
// every way of failing a case: each is an error naming the case (with the
// adapter's stderr), the process is restarted when it can no longer be in
// step, and the next case works.
func TestProcessSurvivesABadAdapterCaseByCase(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer target.Close()
	starts := filepath.Join(t.TempDir(), "starts")
	p := startFake(t, "hang=hang,crash=crash,garbage=garbage,wrongid=wrongid,fail=fail", 700*time.Millisecond,
		fakeadapter.StartsEnv+"='"+starts+"'")
	env := Env{BaseURL: target.URL, Client: http.DefaultClient, Transport: http.DefaultTransport, Token: "t"}
	for _, tc := range []struct {
		id      string
		want    []string // in the error; none: the call succeeds
		restart bool
	}{
		{id: "first"},
		{id: "hang", want: []string{"case hang: the adapter did not answer within 700ms", "killed and is restarted", "fake adapter: hanging on hang"}, restart: true},
		{id: "after-hang"},
		{id: "crash", want: []string{"case crash: the adapter exited (exit status 7)", "fake adapter: crashing on crash"}, restart: true},
		{id: "garbage", want: []string{"case garbage: the adapter wrote a line that is not a JSON object: \"calling /x now\"", "log to stderr"}, restart: true},
		{id: "wrongid", want: []string{`case wrongid: the adapter answered for id "wrongid-other" instead`}, restart: true},
		{id: "fail", want: []string{"the SDK could not make the call: no method for /x"}},
		{id: "last"},
	} {
		start := time.Now()
		ans, err := p.Call(context.Background(), env, Request{Case: tc.id, Method: "POST", Endpoint: "/x", ContentType: "application/json", Body: []byte("{}")})
		if len(tc.want) == 0 {
			if err != nil || ans.Errcode != 0 || ans.Via != ViaResponseField {
				t.Errorf("%s: %+v %v", tc.id, ans, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error (%+v)", tc.id, ans)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error lacks %q:\n%v", tc.id, w, err)
			}
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("%s took %s", tc.id, time.Since(start))
		}
	}
	data, err := os.ReadFile(starts)
	if err != nil {
		t.Fatal(err)
	}
	// The first start, then one after each of hang, crash, garbage, wrongid.
	if n := strings.Count(string(data), "start"); n != 5 {
		t.Errorf("%d starts, want 5", n)
	}
	if err := p.Close(); err != nil {
		t.Error(err)
	}
	if _, err := p.Call(context.Background(), env, Request{Case: "closed"}); err == nil {
		t.Error("a call after Close succeeded")
	}
}

func TestProcessRefusesAnAdapterThatCannotStart(t *testing.T) {
	for _, tc := range []struct {
		command, want string
		isCommand     bool
	}{
		{command: fakeadapter.Command("nohello"), want: "no hello within 500ms"},
		{command: fakeadapter.Command("badhello"), want: `the first line is not a hello: "Hello, world!"`},
		{command: "shopconform-no-such-adapter --x", want: "executable file not found", isCommand: true},
		{command: "node 'adapter.mjs", want: "unterminated single quote", isCommand: true},
	} {
		start := time.Now()
		p, err := Process(tc.command, 500*time.Millisecond)
		if err == nil {
			p.Close()
			t.Errorf("%s: started", tc.command)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || errors.Is(err, ErrCommand) != tc.isCommand {
			t.Errorf("%s: %v (ErrCommand %v)", tc.command, err, errors.Is(err, ErrCommand))
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("%s: took %s", tc.command, time.Since(start))
		}
	}
}

// TestProcessAdapterIsCertifiedLikeAnInProcessOne runs the whole corpus on
// replay through the fake adapter process: every case passes, as with
// NetHTTP in-process. Then a misbehaving process is caught the same way
// an in-process one is.
func TestProcessAdapterIsCertifiedLikeAnInProcessOne(t *testing.T) {
	p := startFake(t, "ok", 10*time.Second)
	start := time.Now()
	cert, err := Certify(context.Background(), p, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d cases on replay through the fake adapter process in %s", cert.Statistics.Total, time.Since(start).Round(time.Millisecond))
	if cert.Statistics.Pass != cert.Statistics.Total || cert.Statistics.Total < 400 {
		for _, c := range cert.Report().Cases {
			if c.Outcome != results.Pass {
				t.Errorf("%s: %s: %s", c.ID, c.Outcome, c.Reason)
			}
		}
		t.Fatalf("%+v", cert.Statistics)
	}
	if cert.SDK.Name != "fake-go-adapter" {
		t.Errorf("certificate names %+v", cert.SDK)
	}

	opts := Options{Domains: []catalog.Domain{catalog.Product}}
	cert, err = Certify(context.Background(), startFake(t, "drop", 10*time.Second), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	dropped := 0
	for _, c := range cert.Report().Cases {
		if strings.Contains(c.Reason, "absent from the request") {
			dropped++
		}
	}
	if dropped == 0 || cert.Statistics.Pass == cert.Statistics.Total {
		t.Errorf("dropped fields went unnoticed: %+v", cert.Statistics)
	}
	// On replay the changed request gets no recorded answer; the verdict
	// names the cause, not the lost answer that follows from it.
	for _, v := range cert.Codes {
		if v.Verdict == "lost" {
			t.Errorf("code %d: lost, although the SDK's request differed: %q", v.Code, v.Why)
		}
	}
	cert, err = Certify(context.Background(), startFake(t, "alter", 10*time.Second), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range cert.Codes {
		if v.Verdict != "altered" {
			t.Errorf("code %d: verdict %q although every errcode was altered", v.Code, v.Verdict)
		}
	}
}

// TestEachCaseGetsTheStderrWrittenWhileItRan: an adapter writes a line
// naming the case to stderr just before each result (which is an error,
// so that the message shows the log). The line must appear in its own
// case's message, once, and in no other, 40 out of 40, however the
// reading of stdout and stderr interleaves.
func TestEachCaseGetsTheStderrWrittenWhileItRan(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer target.Close()
	p := startFake(t, "lose,logcase", 5*time.Second)
	env := Env{BaseURL: target.URL, Client: http.DefaultClient, Transport: http.DefaultTransport, Token: "t"}
	const n = 40
	own := 0
	for i := range n {
		id := fmt.Sprintf("case-%02d", i)
		_, err := p.Call(context.Background(), env, Request{Case: id, Method: "POST", Endpoint: "/x", ContentType: "application/json", Body: []byte("{}")})
		if err == nil {
			t.Fatalf("%s: no error", id)
		}
		msg := err.Error()
		line := "fake adapter: the SDK is done with case " + id
		switch {
		case strings.Count(msg, line) != 1:
			t.Errorf("%s: its own stderr line is not in its message once:\n%s", id, msg)
		case strings.Count(msg, "fake adapter: ") != 1:
			t.Errorf("%s: another case's stderr is in its message:\n%s", id, msg)
		default:
			own++
		}
	}
	if own != n {
		t.Errorf("%d of %d cases got exactly their own stderr", own, n)
	}
}

// TestABadResultFieldKeepsTheProcess: an errcode written as a JSON string
// is a protocol error naming the field and the value; the process is
// kept for the next case.
func TestABadResultFieldKeepsTheProcess(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"errcode":45009,"errmsg":"too many requests"}`)
	}))
	defer target.Close()
	starts := filepath.Join(t.TempDir(), "starts")
	p := startFake(t, "stringcode", 5*time.Second, fakeadapter.StartsEnv+"='"+starts+"'")
	env := Env{BaseURL: target.URL, Client: http.DefaultClient, Transport: http.DefaultTransport, Token: "t"}
	for _, id := range []string{"one", "two"} {
		_, err := p.Call(context.Background(), env, Request{Case: id, Method: "POST", Endpoint: "/x", ContentType: "application/json", Body: []byte("{}")})
		want := "case " + id + `: the adapter's result is a protocol error: errcode must be a JSON integer, got string "45009"`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", id, err, want)
		}
	}
	if data, _ := os.ReadFile(starts); strings.Count(string(data), "start") != 1 {
		t.Errorf("started %q: the process must be kept", data)
	}
}

func TestDecodeResult(t *testing.T) {
	for _, tc := range []struct {
		line, bad, err string
		errcode        int
	}{
		{line: `{"type":"result","id":"a","errcode":-1,"via":"typed error"}`, errcode: -1},
		{line: `{"type":"result","id":"a","errcode":null,"error":"x"}`},
		{line: `{"type":"result","id":"a","errcode":"45009"}`, bad: `errcode must be a JSON integer, got string "45009"`},
		{line: `{"type":"result","id":"a","errcode":45009.0}`, bad: "errcode must be a JSON integer, got number 45009.0"},
		{line: `{"type":"result","id":"a","errcode":true}`, bad: "errcode must be a JSON integer, got boolean true"},
		{line: `{"type":"result","id":"a","errcode":{"code":1}}`, bad: "errcode must be a JSON integer, got an object"},
		{line: `{"type":"result","id":"a","errcode":99999999999999999999}`, bad: "errcode 99999999999999999999 is out of range"},
		{line: `{"type":"result","id":"a","errcode":0,"via":1}`, bad: "via must be a JSON string, got number 1"},
		{line: `{"type":"result","id":"a","error":["x"]}`, bad: "error must be a JSON string, got an array"},
		{line: `{"type":"result","id":7}`, err: "id must be a JSON string, got number 7"},
		{line: `[1]`, err: "not a JSON object"},
		{line: `null`, err: "not a JSON object"},
	} {
		res, bad, err := decodeResult([]byte(tc.line))
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("%s: err %v, want %q", tc.line, err, tc.err)
		case tc.bad != "" && (bad == nil || bad.Error() != tc.bad):
			t.Errorf("%s: bad %v, want %q", tc.line, bad, tc.bad)
		case tc.err == "" && tc.bad == "" && (err != nil || bad != nil || res.Errcode != nil && *res.Errcode != tc.errcode):
			t.Errorf("%s: %+v %v %v", tc.line, res, bad, err)
		}
	}
}

// TestTheForwarderNeverEchoesTheToken: when the target does not answer,
// the loopback server's 502 names the request by method and path; neither
// the query nor the token comes back to the SDK.
func TestTheForwarderNeverEchoesTheToken(t *testing.T) {
	const token = "84_tokenNeverEchoed0123456789abcdef"
	failing := roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("connection refused") })
	p := startFake(t, "ok", 5*time.Second)
	env := Env{BaseURL: "http://127.0.0.1:9", Client: &http.Client{Transport: failing}, Transport: failing, Token: token}
	_, err := p.Call(context.Background(), env, Request{Case: "c", Method: "POST", Endpoint: "/shop/spu/get", ContentType: "application/json", Body: []byte("{}")})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "shopconform: POST /shop/spu/get: the target did not answer: connection refused") {
		t.Errorf("the 502 does not say what failed: %s", msg)
	}
	if strings.Contains(msg, "access_token") || strings.Contains(msg, token[:8]) {
		t.Errorf("the 502 echoes the query: %s", msg)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// BenchmarkProcessCall is one case through an adapter process, loopback
// forwarder included: what the protocol and the stderr markers cost.
func BenchmarkProcessCall(b *testing.B) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer target.Close()
	p, err := Process(fakeadapter.Command("logcase"), 5*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	env := Env{BaseURL: target.URL, Client: http.DefaultClient, Transport: http.DefaultTransport, Token: "t"}
	req := Request{Case: "c", Method: "POST", Endpoint: "/x", ContentType: "application/json", Body: []byte("{}")}
	for b.Loop() {
		if _, err := p.Call(context.Background(), env, req); err != nil {
			b.Fatal(err)
		}
	}
}
