package runner

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner/cassette"
	"github.com/shopconform/shopconform/runner/results"
)

// copyCorpus writes the built-in cases and cassettes to a folder a test
// may change.
func copyCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := fixtures.Embedded().FS
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replayAll replays every case of dir and returns the ones that did not
// pass, with their outcome and reason.
func replayAll(t *testing.T, dir string) map[string]*Result {
	t.Helper()
	cfg := testConfig()
	cfg.Target, cfg.Fixtures = TargetReplay, dir
	target, err := OpenTarget(cfg)
	if err != nil {
		t.Fatal(err)
	}
	set, problems := fixtures.Load(fixtures.Dir(dir), catalog.Default())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	r := New(cfg, target, "screplay0001")
	failed := map[string]*Result{}
	for _, c := range set.Cases {
		if res := r.Execute(context.Background(), c); res.Outcome != results.Pass {
			failed[c.ID] = res
		}
	}
	return failed
}

func onlyFailure(t *testing.T, failed map[string]*Result, id string, outcome results.Outcome, reasonHas ...string) {
	t.Helper()
	if len(failed) != 1 || failed[id] == nil {
		var ids []string
		for k, r := range failed {
			ids = append(ids, k+" ("+string(r.Outcome)+": "+r.Reason+")")
		}
		t.Fatalf("want exactly %s to fail, got %d: %v", id, len(failed), ids)
	}
	res := failed[id]
	if res.Outcome != outcome {
		t.Errorf("%s: outcome %s, want %s: %s", id, res.Outcome, outcome, res.Reason)
	}
	for _, w := range reasonHas {
		if !strings.Contains(res.Reason, w) {
			t.Errorf("%s: reason lacks %q:\n%s", id, w, res.Reason)
		}
	}
}

func TestReplayPassesEveryCommittedCassette(t *testing.T) {
	if failed := replayAll(t, copyCorpus(t)); len(failed) > 0 {
		for id, r := range failed {
			t.Errorf("%s: %s: %s", id, r.Outcome, r.Reason)
		}
	}
}

func TestAChangedCassetteFailsExactlyItsCase(t *testing.T) {
	if testing.Short() {
		t.Skip("replays the whole corpus")
	}
	dir := copyCorpus(t)
	edit(t, filepath.Join(dir, "cassettes/universal/universal-40066-unknown-path.json"), `"errcode": 40066`, `"errcode": 40067`)
	onlyFailure(t, replayAll(t, dir), "universal-40066-unknown-path", results.Fail, "errcode 40067", "to have errcode\n    40066")
}

func TestAChangedRequestFailsExactlyItsCaseWithReRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("replays the whole corpus")
	}
	dir := copyCorpus(t)
	edit(t, filepath.Join(dir, "universal/universal-990005-page-size-too-large.json"), `"page_size": 101`, `"page_size": 102`)
	onlyFailure(t, replayAll(t, dir), "universal-990005-page-size-too-large", results.Error,
		"re-record", "go run ./cmd/shopconform record --run universal-990005-page-size-too-large")
}

func TestAMissingCassetteFailsWithTheRecordCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("replays the whole corpus")
	}
	dir := copyCorpus(t)
	if err := os.Remove(filepath.Join(dir, "cassettes/order/order-1010001-order-get-no-order-id.json")); err != nil {
		t.Fatal(err)
	}
	onlyFailure(t, replayAll(t, dir), "order-1010001-order-get-no-order-id", results.Error,
		"no cassette for case order-1010001-order-get-no-order-id", "record it with `go run ./cmd/shopconform record --run order-1010001-order-get-no-order-id`")
}

// TestARequestNoCassetteMatchesNamesTheClosest changes a recorded request
// (not the case): the replay names the closest recorded request and the
// field that differs, and the unused recording is reported too.
func TestARequestNoCassetteMatchesNamesTheClosest(t *testing.T) {
	dir := copyCorpus(t)
	edit(t, filepath.Join(dir, "cassettes/universal/universal-990005-page-size-too-large.json"), `"page_size": 101`, `"page_size": 99`)
	cfg := testConfig()
	cfg.Target, cfg.Fixtures = TargetReplay, dir
	target, err := OpenTarget(cfg)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := fixtures.Load(fixtures.Dir(dir), catalog.Default())
	for _, c := range set.Cases {
		if c.ID != "universal-990005-page-size-too-large" {
			continue
		}
		res := New(cfg, target, "screplay0001").Execute(context.Background(), c)
		for _, w := range []string{"matched no request recorded for case universal-990005-page-size-too-large",
			"the closest is request 1 (POST /shop/spu/get_list): body.page_size: sent 101, recorded 99"} {
			if res.Outcome != results.Error || !strings.Contains(res.Reason, w) {
				t.Errorf("%s: reason lacks %q:\n%s", res.Outcome, w, res.Reason)
			}
		}
	}
}

// TestReplayIgnoresContentTypeParameters: an SDK that adds a charset to
// application/json sends the same request as far as the API is concerned.
func TestReplayIgnoresContentTypeParameters(t *testing.T) {
	sent := cassette.Request{Method: "POST", Path: "/shop/x", ContentType: "application/json;charset=UTF-8"}
	rec := cassette.Request{Method: "POST", Path: "/shop/x", ContentType: "application/json"}
	if d := cassette.Diff(sameMediaType(sent, rec), rec); d != nil {
		t.Errorf("charset made a difference: %v", d)
	}
	sent.ContentType = "text/plain"
	if cassette.Diff(sameMediaType(sent, rec), rec) == nil {
		t.Error("another media type matched")
	}
}
