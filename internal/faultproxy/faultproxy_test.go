package faultproxy

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/refsandbox/control"
)

// backend records the requests that reach it and answers errcode 0 with
// what it saw.
type backend struct {
	mu   sync.Mutex
	seen []string // method, path?query, body
}

func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	line := r.Method + " " + r.URL.RequestURI() + " " + string(body)
	b.mu.Lock()
	b.seen = append(b.seen, line)
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok", "saw": line})
}

func (b *backend) count(prefix string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, s := range b.seen {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func start(t *testing.T, cfg Config) (*Proxy, *backend) {
	t.Helper()
	b := &backend{}
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	p, err := Start(srv.URL, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p, b
}

type reply struct {
	status      int
	contentType string
	body        string
}

func post(t *testing.T, client *http.Client, url, body string) (reply, error) {
	t.Helper()
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{resp.StatusCode, resp.Header.Get("Content-Type"), string(raw)}, nil
}

// fresh is a client without kept-alive connections, so that a reset
// connection of one request cannot affect the next.
func fresh() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}, Timeout: 5 * time.Second}
}

func TestPassForwardsRequestsWhole(t *testing.T) {
	p, b := start(t, Config{Fault: Pass})
	got, err := post(t, fresh(), p.URL()+"/shop/spu/get?access_token=T&x=1", `{"out_product_id":"p1"}`)
	if err != nil {
		t.Fatal(err)
	}
	want := `POST /shop/spu/get?access_token=T&x=1 {"out_product_id":"p1"}`
	if got.status != 200 || b.count(want) != 1 {
		t.Errorf("got %+v; the backend saw %q, want %s", got, b.seen, want)
	}
	if p.Requests() != 1 {
		t.Errorf("Requests() = %d, want 1", p.Requests())
	}
}

// Every fault that answers by itself keeps the request from the target,
// and leaves the token and admin paths alone.
func TestFaultsThatAnswerThemselves(t *testing.T) {
	tests := []struct {
		fault Fault
		check func(t *testing.T, r reply, err error)
	}{
		{Reset, func(t *testing.T, r reply, err error) {
			if err == nil {
				t.Fatalf("got an answer %+v, want a transport error", r)
			}
			if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
				t.Errorf("error %v is neither a reset nor an EOF", err)
			}
		}},
		{Status500, func(t *testing.T, r reply, err error) {
			if err != nil || r.status != 500 {
				t.Errorf("got %+v, %v; want HTTP 500", r, err)
			}
		}},
		{Garbage, func(t *testing.T, r reply, err error) {
			if err != nil || r.status != 200 || !strings.HasPrefix(r.contentType, "text/html") || !strings.HasPrefix(r.body, "<html>") {
				t.Errorf("got %+v, %v; want HTTP 200 with an HTML page", r, err)
			}
		}},
		{Truncated, func(t *testing.T, r reply, err error) {
			var v map[string]any
			jerr := json.Unmarshal([]byte(r.body), &v)
			if err != nil || r.status != 200 || !strings.HasPrefix(r.body, "{") || jerr == nil || !strings.Contains(jerr.Error(), "unexpected end") {
				t.Errorf("got %+v, %v (decoding: %v); want HTTP 200 with half a JSON object", r, err, jerr)
			}
		}},
		{NoErrcode, func(t *testing.T, r reply, err error) {
			var v map[string]any
			if err != nil || r.status != 200 || json.Unmarshal([]byte(r.body), &v) != nil || v["errcode"] != nil || v["data"] == nil {
				t.Errorf("got %+v, %v; want HTTP 200 {\"data\":{}}", r, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			p, b := start(t, Config{Fault: tt.fault})
			r, err := post(t, fresh(), p.URL()+"/shop/order/get?access_token=T", `{"out_order_id":"o1"}`)
			tt.check(t, r, err)
			if n := b.count("POST /shop/"); n != 0 {
				t.Errorf("the target saw %d /shop/ requests; a faulted request must not reach it", n)
			}
			if p.Requests() != 1 {
				t.Errorf("Requests() = %d, want 1", p.Requests())
			}
			for _, path := range []string{"/cgi-bin/stable_token", "/_shopconform/v1/accounts"} {
				r, err := post(t, fresh(), p.URL()+path, `{}`)
				if err != nil || r.status != 200 || !strings.Contains(r.body, "POST "+path) {
					t.Errorf("%s under %v: %+v, %v; want it passed through", path, tt.fault, r, err)
				}
			}
			if p.Requests() != 1 {
				t.Errorf("Requests() = %d after token and admin calls, want 1: only /shop/ counts", p.Requests())
			}
		})
	}
}

func TestDelayForwardsOnceTheDelayIsOver(t *testing.T) {
	const d = 150 * time.Millisecond
	p, b := start(t, Config{Fault: Delay, Delay: d})
	begin := time.Now()
	r, err := post(t, fresh(), p.URL()+"/shop/spu/get", `{}`)
	if err != nil || r.status != 200 {
		t.Fatalf("%+v, %v", r, err)
	}
	if took := time.Since(begin); took < d {
		t.Errorf("answered after %v, before the %v delay", took, d)
	}
	if b.count("POST /shop/spu/get") != 1 {
		t.Error("the delayed request did not reach the target")
	}
}

// A client that gives up during the delay is let go at once, and its
// request is never forwarded, not even when the delay is over.
func TestDelayHonoursAClientGivingUp(t *testing.T) {
	const d = 300 * time.Millisecond
	p, b := start(t, Config{Fault: Delay, Delay: d})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.URL()+"/shop/spu/get", strings.NewReader(`{"out_product_id":"p1"}`))
	begin := time.Now()
	_, err := fresh().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the client's deadline", err)
	}
	if took := time.Since(begin); took >= d {
		t.Errorf("the client waited %v, the whole delay", took)
	}
	time.Sleep(2 * d)
	if n := b.count("POST /shop/"); n != 0 {
		t.Errorf("the target saw %d requests; an abandoned request must not be forwarded", n)
	}
}

func TestCloseLetsDelayedRequestsGo(t *testing.T) {
	p, _ := start(t, Config{Fault: Delay, Delay: time.Hour})
	errc := make(chan error, 1)
	go func() {
		_, err := post(t, &http.Client{Transport: &http.Transport{Proxy: nil}}, p.URL()+"/shop/spu/get", `{}`)
		errc <- err
	}()
	for p.Requests() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	p.Close()
	select {
	case err := <-errc:
		if err == nil {
			t.Error("the delayed request was answered after Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close left a delayed request hanging")
	}
	p.Close() // a second Close is harmless
}

func TestTransientFailsEachRequestTimesThenPasses(t *testing.T) {
	p, b := start(t, Config{Fault: Transient, Code: 990010, Times: 2})
	c := fresh()
	errcode := func(token, body string) float64 {
		t.Helper()
		r, err := post(t, c, p.URL()+"/shop/spu/get?access_token="+token, body)
		if err != nil || r.status != 200 {
			t.Fatalf("%+v, %v", r, err)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(r.body), &v); err != nil {
			t.Fatal(err)
		}
		return v["errcode"].(float64)
	}
	// A renewed token does not make it another request.
	for i, token := range []string{"tokenA", "tokenB", "tokenC", "tokenC"} {
		want := 990010.0
		if i >= 2 {
			want = 0
		}
		if got := errcode(token, `{"out_product_id":"p1"}`); got != want {
			t.Errorf("attempt %d: errcode %v, want %v", i+1, got, want)
		}
	}
	if got := errcode("tokenA", `{"out_product_id":"p2"}`); got != 990010 {
		t.Errorf("another body: errcode %v, want 990010 (its own count)", got)
	}
	if n := b.count("POST /shop/spu/get"); n != 2 {
		t.Errorf("the target saw %d requests, want the 2 that passed", n)
	}
	p.Set(Config{Fault: Transient, Code: 300000, Times: 1})
	if got := errcode("tokenD", `{"out_product_id":"p1"}`); got != 300000 {
		t.Errorf("after Set: errcode %v, want 300000 (counts start afresh)", got)
	}
	if p.Requests() != 6 {
		t.Errorf("Requests() = %d, want 6", p.Requests())
	}
}

func TestRefusedURLRefuses(t *testing.T) {
	u, err := RefusedURL()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Errorf("URL %s is not on loopback", u)
	}
	_, err = post(t, fresh(), u+"/shop/spu/get", `{}`)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v, want connection refused", err)
	}
}

func TestStartRefusesWhatIsNotALoopbackURL(t *testing.T) {
	for _, target := range []string{"http://example.com", "http://10.0.0.1:8080", "ftp://127.0.0.1", "127.0.0.1:8089", "http://[::1]x"} {
		if p, err := Start(target, Config{}); err == nil {
			p.Close()
			t.Errorf("Start(%q) accepted it", target)
		}
	}
	for _, target := range []string{"http://localhost:1", "http://[::1]:1/base"} {
		p, err := Start(target, Config{})
		if err != nil {
			t.Errorf("Start(%q): %v", target, err)
			continue
		}
		p.Close()
	}
}

// In front of the reference sandbox: tokens and minted accounts still
// work while every /shop/ call breaks, and the API works again on Pass.
func TestInFrontOfTheReferenceSandbox(t *testing.T) {
	sb, err := refsandbox.New(refsandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	p, err := Start(srv.URL, Config{Fault: Reset})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	c := fresh()

	ctl := control.New(p.URL(), sb.ControlToken())
	ctl.HTTP = c
	acct, err := ctl.Mint(context.Background(), control.MintOptions{Profile: "default"})
	if err != nil {
		t.Fatalf("minting through the proxy: %v", err)
	}
	tok, err := post(t, c, p.URL()+"/cgi-bin/stable_token", `{"grant_type":"client_credential","appid":"`+acct.AppID+`","secret":"`+acct.Secret+`"}`)
	var token struct {
		AccessToken string `json:"access_token"`
	}
	if err != nil || json.Unmarshal([]byte(tok.body), &token) != nil || token.AccessToken == "" {
		t.Fatalf("token through the proxy: %+v, %v", tok, err)
	}
	api := p.URL() + "/shop/delivery/get_company_list?access_token=" + token.AccessToken
	if _, err := post(t, c, api, `{}`); err == nil {
		t.Error("a /shop/ call passed under Reset")
	}
	p.Set(Config{Fault: Pass})
	r, err := post(t, c, api, `{}`)
	if err != nil || !strings.HasPrefix(r.body, `{"errcode":0,`) {
		t.Errorf("under Pass: %+v, %v", r, err)
	}
}

func TestFaultNames(t *testing.T) {
	if Transient.String() != "Transient" || Fault(42).String() != "Fault(42)" {
		t.Error(Transient.String(), Fault(42).String())
	}
}

func TestAllPathsFaultsTheTokenEndpointsButNotAdminPaths(t *testing.T) {
	p, b := start(t, Config{Fault: Status500, AllPaths: true})
	for path, want := range map[string]int{"/cgi-bin/stable_token": 500, "/shop/spu/get": 500, "/_shopconform/v1/accounts": 200} {
		r, err := post(t, fresh(), p.URL()+path, `{}`)
		if err != nil || r.status != want {
			t.Errorf("%s: %+v, %v; want HTTP %d", path, r, err, want)
		}
	}
	if b.count("POST /cgi-bin/") != 0 || b.count("POST /_shopconform/") != 1 {
		t.Errorf("the target saw %q", b.seen)
	}
	if p.Requests() != 2 {
		t.Errorf("Requests() = %d, want 2", p.Requests())
	}
}

func TestPathsFaultsThoseEndpointsOnly(t *testing.T) {
	p, b := start(t, Config{Fault: Status500, Paths: []string{"/shop/spu/get"}})
	for path, want := range map[string]int{"/shop/spu/get": 500, "/shop/spu/add": 200, "/cgi-bin/stable_token": 200} {
		r, err := post(t, fresh(), p.URL()+path, `{}`)
		if err != nil || r.status != want {
			t.Errorf("%s: %+v, %v; want HTTP %d", path, r, err, want)
		}
	}
	if b.count("POST /shop/spu/get") != 0 || b.count("POST /shop/spu/add") != 1 || p.Requests() != 1 {
		t.Errorf("the target saw %q; Requests() = %d", b.seen, p.Requests())
	}
}
