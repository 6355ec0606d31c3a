package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/h2non/gock"

	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/cassette"
)

// replayBase can never resolve (RFC 6761 .invalid): if a request ever
// escaped the replay transport, it would fail at once.
const replayBase = "http://replay.shopconform.invalid"

// replayer answers each case from its cassette through gock. It is the
// transport of the harness's own client: gock's registry and matching are
// used, but http.DefaultTransport is never touched, and nothing reaches
// the network — a request no cassette answers is an error.
type replayer struct {
	cassettes fs.FS

	mu         sync.Mutex
	current    *cassette.Cassette
	values     cassette.Values
	normalizer *cassette.Normalizer
	mocks      []gock.Mock
	unmatched  []string
}

func openReplay(cfg Config) (*Target, error) {
	src := fixtures.Embedded()
	if cfg.Fixtures != "" {
		src = fixtures.Dir(cfg.Fixtures)
	}
	cassettes, err := fs.Sub(src.FS, "cassettes")
	if err != nil {
		return nil, err
	}
	r := &replayer{cassettes: cassettes}
	accts, err := replayAccounts()
	if err != nil {
		return nil, err
	}
	return &Target{
		Name:     TargetReplay,
		BaseURL:  replayBase,
		Client:   &http.Client{Transport: r},
		Accounts: accts,
		replay:   r,
		minter:   r.mint,
	}, nil
}

// replayAccounts are the reference sandbox's profiles with a fixed token:
// the matcher ignores tokens, and no token endpoint is ever called.
func replayAccounts() (*accounts.File, error) {
	sb, err := refsandbox.New(refsandbox.Options{})
	if err != nil {
		return nil, err
	}
	f := SandboxAccounts(sb)
	for name, c := range f.Profiles {
		f.Profiles[name] = accounts.Credentials{AppID: c.AppID, AccessToken: "replay-token-" + name, OpenIDs: c.OpenIDs}
	}
	return f, nil
}

// mint makes up a fresh account: cassettes hold the recording's account as
// placeholders, so any appid and openids replay it.
func (r *replayer) mint(_ context.Context, profile string) (accounts.Credentials, error) {
	appid := "wxreplay" + shortHash(profile)
	return accounts.Credentials{AppID: appid, AccessToken: "replay-token-fresh", OpenIDs: []string{
		"o" + strings.Repeat("R", 19) + shortHash(profile), "o" + strings.Repeat("S", 19) + shortHash(profile), "o" + strings.Repeat("T", 19) + shortHash(profile),
	}}, nil
}

// recordCommand is what a failure message tells the user to run.
func recordCommand(id string) string {
	return "go run ./cmd/shopconform record --run " + id
}

// begin loads the case's cassette and registers one strict mock per
// recorded request; nothing is preloaded.
func (r *replayer) begin(c *fixtures.Case, v cassette.Values) error {
	file := path.Join(string(c.Domain), c.ID+".json")
	data, err := fs.ReadFile(r.cassettes, file)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no cassette for case %s (fixtures/cassettes/%s): record it with `%s`", c.ID, file, recordCommand(c.ID))
	}
	if err != nil {
		return err
	}
	cas, err := cassette.Decode(data, "fixtures/cassettes/"+file)
	if err != nil {
		return err
	}
	if cas.RequestHash != c.RequestHash {
		return fmt.Errorf("re-record: case %s sends another request than its cassette recorded (case %s, cassette %s): `%s`",
			c.ID, c.RequestHash, cas.RequestHash, recordCommand(c.ID))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.current, r.values, r.normalizer, r.unmatched = cas, v, cassette.NewNormalizer(v), nil
	r.mocks = r.mocks[:0]
	for i := range cas.Interactions {
		r.mocks = append(r.mocks, r.register(i))
	}
	return nil
}

// sentKey carries a request's normalised form from RoundTrip to the
// matchers, so that each request is normalised once.
type sentKey struct{}

// register adds the mock of interaction i: it matches only a request equal
// to the recorded one (method, path, content type, normalised body; the
// token is ignored) and answers the recorded status and body.
func (r *replayer) register(i int) gock.Mock {
	in := r.current.Interactions[i]
	req := gock.NewRequest()
	res := gock.NewResponse()
	res.Status(in.Response.Status)
	contentType := "application/json; charset=utf-8"
	if in.Response.RawBody != "" {
		contentType = "text/plain; charset=utf-8" // recorded as text: it was not the API's JSON
	}
	res.SetHeader("Content-Type", contentType)
	res.BodyBuffer = in.Response.Bytes(r.values)
	m := gock.NewMock(req, res)
	matcher := gock.NewEmptyMatcher()
	matcher.Add(func(hr *http.Request, _ *gock.Request) (bool, error) {
		sent, _ := hr.Context().Value(sentKey{}).(cassette.Request)
		return cassette.Diff(sameMediaType(sent, in.Request), in.Request) == nil, nil
	})
	m.SetMatcher(matcher)
	gock.Register(m)
	return m
}

// RoundTrip answers from the registered mocks of the current case.
func (r *replayer) RoundTrip(hr *http.Request) (*http.Response, error) {
	var body []byte
	if hr.Body != nil {
		body, _ = io.ReadAll(hr.Body)
		hr.Body.Close()
		hr.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.current == nil {
		return nil, fmt.Errorf("replay: %s %s outside any case", hr.Method, hr.URL.Path)
	}
	sent := r.normalizer.Request(hr.Method, hr.URL.Path, hr.Header.Get("Content-Type"), body)
	hr = hr.WithContext(context.WithValue(hr.Context(), sentKey{}, sent))
	mock, err := gock.MatchMock(hr)
	defer gock.Clean() // drops the mocks a match used up
	if err != nil || mock == nil {
		why := r.closest(sent)
		r.unmatched = append(r.unmatched, why)
		return nil, errors.New(why)
	}
	return gock.Responder(hr, mock.Response(), nil)
}

// closest names the recorded request nearest to one that matched none,
// and how they differ.
func (r *replayer) closest(sent cassette.Request) string {
	best, bestDiff := -1, []string(nil)
	for i, in := range r.current.Interactions {
		d := cassette.Diff(sameMediaType(sent, in.Request), in.Request)
		if best < 0 || len(d) < len(bestDiff) {
			best, bestDiff = i, d
		}
	}
	msg := fmt.Sprintf("replay: %s %s matched no request recorded for case %s", sent.Method, sent.Path, r.current.Case)
	if best < 0 {
		return msg + " (its cassette records none)"
	}
	in := r.current.Interactions[best]
	return fmt.Sprintf("%s; the closest is request %d (%s %s): %s", msg, best+1, in.Request.Method, in.Request.Path, strings.Join(bestDiff, "; "))
}

// finish forgets the current case's mocks and returns what was left over:
// recorded requests never sent, and requests that matched none.
func (r *replayer) finish() (c *cassette.Cassette, unused, unmatched []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, m := range r.mocks {
		if !m.Done() {
			in := r.current.Interactions[i]
			unused = append(unused, fmt.Sprintf("request %d (%s %s)", i+1, in.Request.Method, in.Request.Path))
		}
		m.Disable()
	}
	gock.Clean()
	c, unmatched = r.current, r.unmatched
	r.current, r.mocks, r.unmatched = nil, nil, nil
	return c, unused, unmatched
}

// end checks that every recorded request was sent and nothing else.
func (r *replayer) end() error {
	c, unused, unmatched := r.finish()
	var errs []error
	if len(unused) > 0 {
		errs = append(errs, fmt.Errorf("replay: the cassette of case %s recorded requests that were never sent: %s", c.Case, strings.Join(unused, ", ")))
	}
	if len(unmatched) > 0 {
		errs = append(errs, fmt.Errorf("replay: %d request(s) matched no cassette", len(unmatched)))
	}
	return errors.Join(errs...)
}

// sameMediaType lets a request whose content type differs from the
// recorded one only in parameters (";charset=utf-8", letter case) match:
// they are the client's business, not the API's. A multipart body keeps
// its own boundary, which it is read with (cassette.Diff).
func sameMediaType(sent, recorded cassette.Request) cassette.Request {
	if mt := mediaType(sent.ContentType); mt == mediaType(recorded.ContentType) && mt != "multipart/form-data" {
		sent.ContentType = recorded.ContentType
	}
	return sent
}
