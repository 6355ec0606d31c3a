package certify

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/fakeadapter"
	"github.com/shopconform/shopconform/runner/redact"
	"github.com/shopconform/shopconform/runner/results"
)

// changedBy reads the fake adapter's ChangedEnv file: case id → the field
// it dropped.
func changedBy(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		id, field, _ := strings.Cut(line, " ")
		out[id] = field
	}
	return out
}

// TestADroppedFieldIsNamedWhateverTheSDKSays drops one body field in every
// case, in process and out of process (where the adapter also logs to
// stderr before every result, which ends each error message), on replay:
// there the changed request has no recorded answer, so the SDK fails with
// an error of its own. Every changed case, and every code it belongs to,
// must still name the field first: in the reason's first line, in the
// findings as data, and in the certificate's reasons.
func TestADroppedFieldIsNamedWhateverTheSDKSays(t *testing.T) {
	for _, tc := range []struct {
		name    string
		adapter func(t *testing.T) (Adapter, func() map[string]string)
		opts    Options
	}{
		{name: "in process", adapter: func(t *testing.T) (Adapter, func() map[string]string) {
			d := droppingField{dropped: map[string]string{}}
			return d, func() map[string]string { return d.dropped }
		}},
		{name: "adapter process", adapter: func(t *testing.T) (Adapter, func() map[string]string) {
			changed := filepath.Join(t.TempDir(), "changed")
			p := startFake(t, "drop,logcase", 10*time.Second, fakeadapter.ChangedEnv+"='"+changed+"'")
			return p, func() map[string]string { return changedBy(t, changed) }
		}},
		{name: "fund_type on order/add", opts: Options{Domains: []catalog.Domain{catalog.Order}},
			adapter: func(t *testing.T) (Adapter, func() map[string]string) {
				changed := filepath.Join(t.TempDir(), "changed")
				p := startFake(t, "dropfield=fund_type,logcase", 10*time.Second, fakeadapter.ChangedEnv+"='"+changed+"'")
				return p, func() map[string]string { return changedBy(t, changed) }
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, changed := tc.adapter(t)
			cert, err := Certify(context.Background(), a, tc.opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			dropped := changed()
			if len(dropped) < 10 {
				t.Fatalf("only %d cases changed", len(dropped))
			}
			codeOf := map[string]int{}
			for _, c := range cert.Report().Cases {
				codeOf[c.ID] = c.ExpectedErrcode
				field, ok := dropped[c.ID]
				if !ok {
					continue
				}
				named := "body." + field + ": absent from the request"
				want := results.Finding{Kind: results.FindingRequest, Path: "body." + field, Problem: "absent from the request"}
				switch {
				case c.Outcome == results.Pass:
					t.Errorf("%s: passed although %s was dropped", c.ID, field)
				case !slices.Contains(c.SDKFindings, want):
					t.Errorf("%s: sdk_findings %+v lack %+v", c.ID, c.SDKFindings, want)
				case !strings.Contains(c.Headline(), named):
					t.Errorf("%s: the reason's first line does not name %s: %q", c.ID, named, c.Headline())
				case !strings.Contains(strings.Join(c.Findings, "\n"), named):
					t.Errorf("%s: findings %q do not name %s", c.ID, c.Findings, named)
				}
			}
			affected := map[int]bool{}
			for id := range dropped {
				affected[codeOf[id]] = true
			}
			for _, v := range cert.Codes {
				if !affected[v.Code] {
					continue
				}
				if v.Verdict != results.FindingRequest || len(v.Why) == 0 {
					t.Errorf("code %d: verdict %q (%q), want %q", v.Code, v.Verdict, v.Why, results.FindingRequest)
				}
				for _, why := range v.Why {
					id, _, _ := strings.Cut(why, ": ")
					if !strings.Contains(why, "body."+dropped[id]+": absent from the request") {
						t.Errorf("code %d: the reason does not name the dropped field %s: %q", v.Code, dropped[id], why)
					}
				}
			}
			t.Logf("%d cases changed, %d codes affected", len(dropped), len(affected))
		})
	}
}

// TestErrcodeMisreportsGetTheirVerdicts: an adapter that alters every
// errcode, one that turns every answer into success, one that loses every
// errcode, and one that writes it as a JSON string each get, code by code,
// exactly the verdict their behaviour predicts. Three domains hold codes
// of every kind: success, the environment's, the API's generic and
// specific ones, raw-wire.
func TestErrcodeMisreportsGetTheirVerdicts(t *testing.T) {
	for _, tc := range []struct {
		mode string
		want func(code int) string
		why  string // in every reason of a code not exact
	}{
		{mode: "alter", want: func(int) string { return results.FindingAltered }, why: "the SDK reports errcode"},
		{mode: "swallow", want: func(code int) string {
			if code == 0 {
				return VerdictExact
			}
			return results.FindingAltered
		}, why: "the SDK reports errcode 0 "},
		{mode: "lose", want: func(int) string { return results.FindingLost }, why: "request failed"},
		{mode: "stringcode", want: func(int) string { return results.FindingLost }, why: "errcode must be a JSON integer, got string"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			starts := filepath.Join(t.TempDir(), "starts")
			p := startFake(t, tc.mode, 10*time.Second, fakeadapter.StartsEnv+"='"+starts+"'")
			opts := Options{Domains: []catalog.Domain{catalog.Universal, catalog.Upload, catalog.Share}}
			cert, err := Certify(context.Background(), p, opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range cert.Codes {
				want := tc.want(v.Code)
				if v.RawWire == v.Cases {
					want = VerdictRawWire
				}
				if v.Verdict != want {
					t.Errorf("code %d: verdict %q, want %q: %q", v.Code, v.Verdict, want, v.Why)
				}
				if want != VerdictExact && want != VerdictRawWire {
					for _, why := range v.Why {
						if !strings.Contains(why, tc.why) {
							t.Errorf("code %d: the reason lacks %q: %q", v.Code, tc.why, why)
						}
					}
				}
			}
			data, _ := os.ReadFile(starts)
			if n := strings.Count(string(data), "start"); n != 1 {
				t.Errorf("the adapter was started %d times: a bad result keeps the process", n)
			}
		})
	}
}

// TestATypedSDKsOwnMultipartIsExact: an adapter that builds every
// multipart body anew, with its own random boundary and its own part
// order, sends the same form: every upload case passes and 1070001 to
// 1070004 are exact, on replay and on the reference sandbox.
func TestATypedSDKsOwnMultipartIsExact(t *testing.T) {
	for _, target := range []string{"replay", "reference"} {
		t.Run(target, func(t *testing.T) {
			p := startFake(t, "remultipart", 10*time.Second)
			cert, err := Certify(context.Background(), p, Options{Target: target, Domains: []catalog.Domain{catalog.Upload}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cert.Report().Cases {
				if c.Outcome != results.Pass {
					t.Errorf("%s: %s: %s", c.ID, c.Outcome, c.Reason)
				}
			}
			verdicts := map[int]string{}
			for _, v := range cert.Codes {
				verdicts[v.Code] = v.Verdict
			}
			for code := 1070001; code <= 1070004; code++ {
				if verdicts[code] != VerdictExact {
					t.Errorf("code %d: %q, want exact", code, verdicts[code])
				}
			}
		})
	}
}

// typedOnly is a typed SDK: it has no way to send another method than
// POST or a body that is not JSON, and says so.
type typedOnly struct{ NetHTTP }

func (a typedOnly) Call(ctx context.Context, env Env, req Request) (Answer, error) {
	if req.Method != "POST" || req.ContentType == "application/json" && !json.Valid(req.Body) || req.ContentType == "text/plain" {
		return Answer{}, errors.New("the SDK has no way to send this request")
	}
	return a.NetHTTP.Call(ctx, env, req)
}

// TestRawWireCases: the cases a typed SDK cannot send are found by what
// the fixture sends (another method than POST, a body that is not JSON),
// their codes get the verdict raw-wire for any SDK, and typed_reachable
// counts the other codes. A typed SDK that cannot send them reaches
// every other code exactly, and Run skips the raw-wire cases it fails
// rather than failing the SDK's test; the baseline, which can send them,
// reaches the same codes.
func TestRawWireCases(t *testing.T) {
	opts := Options{Domains: []catalog.Domain{catalog.Universal}}
	for _, a := range []Adapter{typedOnly{}, NetHTTP{}} {
		cert := Run(t, a, RunOptions{Options: opts})
		var raw []int
		for _, v := range cert.RawWire() {
			raw = append(raw, v.Code)
			if len(v.Why) == 0 || !strings.Contains(v.Why[0], "a typed SDK") {
				t.Errorf("code %d: raw-wire without a reason: %q", v.Code, v.Why)
			}
		}
		if !slices.Equal(raw, []int{43002, 47001}) {
			t.Errorf("%T: raw-wire codes %v, want 43002 and 47001", a, raw)
		}
		exact, notExact := cert.Exact()
		want := TypedReach{Codes: len(cert.Codes) - 2, Reached: len(cert.Codes) - 2}
		if cert.TypedReachable != want || len(exact) != want.Codes || len(notExact) != 0 {
			t.Errorf("%T: typed_reachable %+v, want %+v; not exact: %+v", a, cert.TypedReachable, want, notExact)
		}
	}
}

// TestACutTokenNeverReachesTheBundle: an adapter whose HTTP client quotes
// the request's URL, cut short, when the answer is not JSON (every case
// whose request it changed, on replay) leaves the start of the token in
// its error. The bundle is written whole, with the token's start masked.
func TestACutTokenNeverReachesTheBundle(t *testing.T) {
	p := startFake(t, "drop,quoteurl", 10*time.Second)
	cert, err := Certify(context.Background(), p, Options{Domains: []catalog.Domain{catalog.Share}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	if err := WriteBundle(dir, cert); err != nil {
		t.Fatalf("the bundle was refused: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "access_token="+redact.Mask) {
		t.Error("no quoted URL with a masked token: the test no longer probes a cut token")
	}
	for _, name := range []string{"results.json", "certificate.json", "summary.md", "junit.xml", "report.html"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if redact.HoldsPrefix(data, cert.secrets) || strings.Contains(string(data), "replay-token") {
			t.Errorf("%s holds the start of a token", name)
		}
	}
}
