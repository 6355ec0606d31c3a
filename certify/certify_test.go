package certify

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/corpustest"
	"github.com/shopconform/shopconform/runner/results"
)

// TestNetHTTPPassesEveryCase is the baseline: plain net/http passes every
// case, on replay (gock innermost, strict) and on the reference sandbox;
// and the certifications leave the cases they share as loaded.
func TestNetHTTPPassesEveryCase(t *testing.T) {
	for _, target := range []string{"replay", "reference"} {
		t.Run(target, func(t *testing.T) {
			cert := Run(t, NetHTTP{}, RunOptions{Options: Options{Target: target}})
			if cert.Statistics.Pass != cert.Statistics.Total || cert.Statistics.Total < 400 {
				t.Errorf("%+v", cert.Statistics)
			}
			if _, notExact := cert.Exact(); len(notExact) > 0 {
				t.Errorf("codes not surfaced exactly: %+v", notExact)
			}
		})
	}
	corpustest.Unchanged(t, filepath.Join("..", "fixtures"))
}

// droppingField removes the alphabetically first field from every JSON
// object body it sends, and remembers which cases it mangled.
type droppingField struct {
	NetHTTP
	dropped map[string]string
}

func (d droppingField) Call(ctx context.Context, env Env, req Request) (Answer, error) {
	var body map[string]json.RawMessage
	if json.Unmarshal(req.Body, &body) == nil && len(body) > 0 {
		k := slices.Sorted(maps.Keys(body))[0]
		delete(body, k)
		d.dropped[req.Case] = k
		req.Body, _ = json.Marshal(body)
	}
	return d.NetHTTP.Call(ctx, env, req)
}

// wrongErrcode hands its caller errcode+1 for every answer.
type wrongErrcode struct{ NetHTTP }

func (w wrongErrcode) Call(ctx context.Context, env Env, req Request) (Answer, error) {
	ans, err := w.NetHTTP.Call(ctx, env, req)
	ans.Errcode++
	ans.Via = ViaTypedError
	return ans, err
}

// TestMisbehavingSDKsAreCaughtCaseByCase certifies two broken adapters on
// the reference sandbox: every case whose body has a field fails the
// first with the dropped field named; every case fails the second with
// the altered errcode named.
func TestMisbehavingSDKsAreCaughtCaseByCase(t *testing.T) {
	opts := Options{Target: "reference"}
	dropper := droppingField{dropped: map[string]string{}}
	cert, err := Certify(context.Background(), dropper, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cert.Report().Cases {
		field, dropped := dropper.dropped[c.ID]
		switch {
		case dropped && (c.Outcome == results.Pass || !strings.Contains(c.Reason, "body."+field+": absent from the request")):
			t.Errorf("%s: the dropped field %s went unnoticed: %s: %s", c.ID, field, c.Outcome, c.Reason)
		case !dropped && c.Outcome != results.Pass:
			t.Errorf("%s: nothing was dropped, yet %s: %s", c.ID, c.Outcome, c.Reason)
		}
	}
	if len(dropper.dropped) < 300 {
		t.Errorf("only %d cases had a field to drop", len(dropper.dropped))
	}
	cert, err = Certify(context.Background(), wrongErrcode{}, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cert.Report().Cases {
		if c.Outcome != results.Fail || !strings.Contains(c.Reason, "the SDK reports errcode") {
			t.Errorf("%s: an altered errcode went unnoticed: %s: %s", c.ID, c.Outcome, c.Reason)
		}
	}
	if exact, _ := cert.Exact(); len(exact) > 0 {
		t.Errorf("codes certified exact although the SDK altered every errcode: %+v", exact)
	}
}

func TestABundleVerifiesAndOneChangedByteFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bundle")
	Run(t, NetHTTP{}, RunOptions{Options: Options{Target: "replay", Domains: []catalog.Domain{catalog.Universal}}, Bundle: dir})
	cert, err := VerifyBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cert.SDK.Name != "net/http" || cert.Target != "replay" || len(cert.Codes) == 0 {
		t.Errorf("certificate %+v", cert)
	}
	data, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("replay-token")) {
		t.Error("the bundle holds a token")
	}
	flipAByte(t, filepath.Join(dir, "results.json"))
	_, err = VerifyBundle(dir)
	if err == nil || !strings.Contains(err.Error(), "results.json: its SHA-256 differs from the manifest") {
		t.Errorf("verify after a changed byte: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "extra.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err = VerifyBundle(dir); err == nil || !strings.Contains(err.Error(), "extra.txt: not in the manifest") {
		t.Errorf("verify with an added file: %v", err)
	}
}

// flipAByte changes one bit in the middle of the file at path.
func flipAByte(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 1
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
