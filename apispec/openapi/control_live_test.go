package openapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/refsandbox/control"
)

// These tests make real control calls against a reference sandbox over
// HTTP, with its Go client, and hold every exchange to the document
// (docvalidate_test.go): the answers always, the requests as each
// test expects (a refused call may send a request the document refuses
// too, and should).

// exchange is one control call as the document reads it.
type exchange struct {
	method, path string
	status       int
	body         []byte
	request      findings
	answer       findings
}

// documented is the transport of the control client: it sends each call
// to the sandbox and validates the calls under /_shopconform/.
type documented struct {
	v    *docValidator
	next http.RoundTripper
	last *exchange
}

func (d *documented) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := d.next.RoundTrip(req)
	if err != nil || !strings.HasPrefix(req.URL.Path, "/_shopconform/") {
		return resp, err
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	ex := &exchange{method: req.Method, path: req.URL.Path, status: resp.StatusCode, body: answer}
	again := req.Clone(req.Context())
	again.Body = io.NopCloser(bytes.NewReader(body))
	ex.request = d.v.request(again)
	resp.Body = io.NopCloser(bytes.NewReader(answer))
	ex.answer = d.v.response(again, resp)
	d.last = ex
	return resp, nil
}

// take returns the last call and forgets it.
func (d *documented) take(t *testing.T) *exchange {
	t.Helper()
	ex := d.last
	d.last = nil
	if ex == nil {
		t.Fatal("no control call was made")
	}
	return ex
}

// liveSandbox is a reference sandbox behind a loopback listener, whose
// clock stands still at 2024-05-01 10:00 China time, and a control
// client of it whose calls are held to the document.
type liveSandbox struct {
	url  string
	ctl  *control.Client
	doc  *documented
	http *http.Client
}

var liveNow = time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

type stillClock struct{}

func (stillClock) Now() time.Time { return liveNow }

// liveValidator is the validator of the project's document with the
// control API, built once for these tests (which run one at a time);
// TestControlRendersValidOpenAPI checks the document itself.
var liveValidator = sync.OnceValues(func() (*docValidator, error) {
	spec, err := apispec.Default()
	if err != nil {
		return nil, err
	}
	group, err := Control(spec)
	if err != nil {
		return nil, err
	}
	raw, err := Render(spec, catalog.Default(), Options{Extra: []PathGroup{group}})
	if err != nil {
		return nil, err
	}
	return newDocValidator(raw)
})

func newLiveSandbox(t *testing.T) *liveSandbox {
	t.Helper()
	v, err := liveValidator()
	if err != nil {
		t.Fatal(err)
	}
	sb, err := refsandbox.New(refsandbox.Options{Clock: stillClock{}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	doc := &documented{v: v, next: srv.Client().Transport}
	ctl := control.New(srv.URL, sb.ControlToken())
	ctl.HTTP = &http.Client{Transport: doc, Timeout: 30 * time.Second}
	return &liveSandbox{url: srv.URL, ctl: ctl, doc: doc, http: srv.Client()}
}

// notSeedable is the status of a seed kind or review the sandbox cannot
// make yet; the document does not describe it.
const notSeedable = http.StatusNotImplemented

// want checks the last call: its status, that the document describes
// the answer, and whether it accepts the request.
func (s *liveSandbox) want(t *testing.T, status int, requestValid bool) *exchange {
	t.Helper()
	ex := s.doc.take(t)
	if ex.status != status {
		t.Errorf("%s %s: HTTP %d %s, want %d", ex.method, ex.path, ex.status, ex.body, status)
	}
	if ex.answer != nil {
		t.Errorf("%s %s: the answer HTTP %d %s is not what the document describes:\n%s", ex.method, ex.path, ex.status, ex.body, ex.answer)
	}
	switch valid := ex.request == nil; {
	case requestValid && !valid:
		t.Errorf("%s %s: the document refuses the request:\n%s", ex.method, ex.path, ex.request)
	case !requestValid && valid:
		t.Errorf("%s %s: the document accepts the request the sandbox refused with HTTP %d %s", ex.method, ex.path, ex.status, ex.body)
	}
	return ex
}

// refused checks that err is a refusal of status naming field ("" for
// none), and the last call as want does.
func (s *liveSandbox) refused(t *testing.T, err error, status int, field string, requestValid bool) {
	t.Helper()
	var ce *control.Error
	switch {
	case !errors.As(err, &ce):
		t.Errorf("want HTTP %d naming %q, got %v", status, field, err)
	case ce.Field != field:
		t.Errorf("HTTP %d naming %q (%s), want %q", ce.Status, ce.Field, ce.Message, field)
	}
	s.want(t, status, requestValid)
}

// refusedAs checks that err is a refusal of status, whatever field it
// names, and the last call (a request the document accepts).
func (s *liveSandbox) refusedAs(t *testing.T, err error, status int) {
	t.Helper()
	if ce := (*control.Error)(nil); !errors.As(err, &ce) {
		t.Errorf("want HTTP %d, got %v", status, err)
	}
	s.want(t, status, true)
}

func (s *liveSandbox) mint(t *testing.T, opts control.MintOptions) *control.Account {
	t.Helper()
	acct, err := s.ctl.Mint(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	s.want(t, http.StatusCreated, true)
	return acct
}

func (s *liveSandbox) path(appid, action string) string {
	p := control.Prefix + "accounts/" + appid
	if action != "" {
		p += "/" + action
	}
	return p
}

// TestControlAccountsAgainstTheDocument: minting, reading, resetting, and
// their refusals.
func TestControlAccountsAgainstTheDocument(t *testing.T) {
	s := newLiveSandbox(t)
	ctx := context.Background()

	if err := s.ctl.Do(ctx, http.MethodGet, healthzPath, nil, nil); err != nil {
		t.Fatal(err)
	}
	s.want(t, http.StatusOK, true)

	acct := s.mint(t, control.MintOptions{Profile: "default", OpenIDs: []string{"OPENID", "openid1"}, Clock: "2022-01-13 10:00:00"})
	if acct.Clock.Now != "2022-01-13 10:00:00" || len(acct.OpenIDs) != 2 {
		t.Errorf("minted %+v", acct)
	}
	s.mint(t, control.MintOptions{})
	if _, err := s.ctl.Account(ctx, acct.AppID); err != nil {
		t.Fatal(err)
	}
	s.want(t, http.StatusOK, true)
	if err := s.ctl.Reset(ctx, acct.AppID); err != nil {
		t.Fatal(err)
	}
	s.want(t, http.StatusOK, true)

	// Refusals: those of a body wrong in itself the document refuses too.
	_, err := s.ctl.Mint(ctx, control.MintOptions{Profile: "no-such-profile"})
	s.refused(t, err, http.StatusNotFound, "profile", true)
	_, err = s.ctl.Mint(ctx, control.MintOptions{OpenIDs: []string{"a", " "}})
	s.refused(t, err, http.StatusBadRequest, "openids[1]", false)
	_, err = s.ctl.Mint(ctx, control.MintOptions{OpenIDs: []string{"a", "a"}})
	s.refused(t, err, http.StatusBadRequest, "openids[1]", false)
	_, err = s.ctl.Mint(ctx, control.MintOptions{Clock: "yesterday"})
	s.refused(t, err, http.StatusBadRequest, "clock", false)
	err = s.ctl.Do(ctx, http.MethodPost, control.Prefix+"accounts", map[string]any{"profil": "default"}, nil)
	s.refused(t, err, http.StatusBadRequest, "profil", false)
	err = s.ctl.Do(ctx, http.MethodPost, control.Prefix+"accounts", map[string]any{"openids": "OPENID"}, nil)
	s.refused(t, err, http.StatusBadRequest, "openids", false)
	_, err = s.ctl.Account(ctx, "wxnobody")
	s.refused(t, err, http.StatusNotFound, "", true)
	err = s.ctl.Do(ctx, http.MethodPost, s.path(acct.AppID, "reset"), map[string]any{"all": true}, nil)
	s.refused(t, err, http.StatusBadRequest, "all", false)

	// Another token: 401. No Authorization header at all: 401, and the
	// request breaks the document's security requirement too.
	other := *s.ctl
	other.Token = "not-the-token"
	_, err = other.Mint(ctx, control.MintOptions{})
	s.refused(t, err, http.StatusUnauthorized, "", true)
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, control.Prefix + "accounts", `{}`},
		{http.MethodGet, s.path(acct.AppID, ""), ``},
		{http.MethodPost, s.path(acct.AppID, "seed"), `{}`},
	} {
		s.send(t, c.method, c.path, c.body, "")
		s.want(t, http.StatusUnauthorized, false)
	}
}

// send makes a control call of any body, with the token unless it is "".
func (s *liveSandbox) send(t *testing.T, method, path, body, token string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Transport: s.doc}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// TestControlClockAndCategoriesAgainstTheDocument: the clock moves
// forward only (409 otherwise), categories replace the tree.
func TestControlClockAndCategoriesAgainstTheDocument(t *testing.T) {
	s := newLiveSandbox(t)
	ctx := context.Background()
	acct := s.mint(t, control.MintOptions{Clock: "2022-01-13 10:00:00"})
	clock := s.path(acct.AppID, "clock")

	if err := s.ctl.AdvanceClock(ctx, acct.AppID, 90*time.Minute); err != nil {
		t.Fatal(err)
	}
	s.want(t, http.StatusOK, true)
	if err := s.ctl.Do(ctx, http.MethodPost, clock, map[string]any{"set": "2022-01-14 09:00:00"}, nil); err != nil {
		t.Fatal(err)
	}
	s.want(t, http.StatusOK, true)
	if err := s.ctl.SetClock(ctx, acct.AppID, time.Date(2022, 1, 15, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	s.want(t, http.StatusOK, true)

	err := s.ctl.SetClock(ctx, acct.AppID, time.Date(2022, 1, 13, 9, 0, 0, 0, time.UTC))
	s.refused(t, err, http.StatusConflict, "set_unix", true)
	err = s.ctl.Do(ctx, http.MethodPost, clock, map[string]any{"set": "2022-01-13 11:00:00"}, nil)
	s.refused(t, err, http.StatusConflict, "set", true)
	err = s.ctl.Do(ctx, http.MethodPost, clock, map[string]string{"advance": "-1h"}, nil)
	s.refused(t, err, http.StatusBadRequest, "advance", false)
	err = s.ctl.Do(ctx, http.MethodPost, clock, map[string]string{"set": "2030-01-01 00:00:00", "advance": "1h"}, nil)
	s.refused(t, err, http.StatusBadRequest, "", false)
	err = s.ctl.Do(ctx, http.MethodPost, clock, map[string]string{"set": "2030-01-01"}, nil)
	s.refused(t, err, http.StatusBadRequest, "set", false)
	err = s.ctl.Do(ctx, http.MethodPost, s.path("wxnobody", "clock"), map[string]string{"advance": "1h"}, nil)
	s.refused(t, err, http.StatusNotFound, "", true)

	good := map[string]any{"first_cat_id": 1, "first_cat_name": "a", "second_cat_id": 2, "second_cat_name": "b", "third_cat_id": 3, "third_cat_name": "c",
		"qualification": "", "qualification_type": 0, "product_qualification": "", "product_qualification_type": 0}
	if err := s.ctl.SetCategories(ctx, acct.AppID, []any{good}); err != nil {
		t.Fatal(err)
	}
	s.want(t, http.StatusOK, true)
	bad := map[string]any{"first_cat_id": 1, "first_cat_name": "a", "second_cat_id": 2, "second_cat_name": "b", "third_cat_id": "3", "third_cat_name": "c"}
	s.refused(t, s.ctl.SetCategories(ctx, acct.AppID, []any{good, bad}), http.StatusBadRequest, "third_cat_list[1].third_cat_id", false)
	s.refused(t, s.ctl.SetCategories(ctx, acct.AppID, nil), http.StatusBadRequest, "third_cat_list", false)
	unknown := map[string]any{"first_cat_id": 1, "second_cat_id": 2, "third_cat_id": 3, "leaf": true}
	s.refused(t, s.ctl.SetCategories(ctx, acct.AppID, []any{unknown}), http.StatusBadRequest, "third_cat_list[0].leaf", false)
}
