package secretgate

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const (
	secret = "0123456789abcdef0123456789abcdef" // an app secret of the reference sandbox: 32 hex
	token  = "tok_EN-9f8e7d6c5b4a39281706f5e4d3c2b1a0/+=xyz"
	// odd is a secret whose JSON, URL and XML forms all differ from it.
	odd = `pa"ss\w<rd>&x y`
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

func TestScanDeletesEveryEncodingAndKeepsCleanFiles(t *testing.T) {
	dir := t.TempDir()
	jsonOdd, _ := json.Marshal(odd)
	var want []string
	for name, content := range map[string]string{
		"plain.txt":                 "secret=" + secret + "\n",
		"junit.xml":                 `<failure message="token ` + url.QueryEscape(token) + `"/>`,
		"a/b/c/deep.log":            "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("wx0123:"+secret)),
		"a/base64.txt":              base64.StdEncoding.EncodeToString([]byte(token)),
		"a/base64url.txt":           base64.RawURLEncoding.EncodeToString([]byte(token)),
		"results.json":              `{"reason": ` + string(jsonOdd) + `}`,
		"report.html":               "<td>" + html.EscapeString(odd) + "</td>",
		"query.txt":                 "?q=" + url.QueryEscape(odd),
		"a/b/path-escaped.txt":      "/x/" + url.PathEscape(token),
		"nested/one/two/three.html": "<p>" + secret + "</p>",
	} {
		want = append(want, write(t, dir, name, content))
	}
	clean := []string{
		write(t, dir, "clean.json", `{"errcode": 0, "reason": "[REDACTED]"}`),
		write(t, dir, "a/b/almost.txt", secret[:len(secret)-1]+"X"),
		write(t, dir, "empty.txt", ""),
	}
	if err := os.Symlink(filepath.Join(dir, "plain.txt"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	leaked, err := Scan(dir, []string{secret, token, odd, "short", ""})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	if !slices.Equal(leaked, want) {
		t.Errorf("deleted\n  %v\nwant\n  %v", leaked, want)
	}
	for _, p := range want {
		if exists(p) {
			t.Errorf("%s still exists", p)
		}
	}
	for _, p := range clean {
		if !exists(p) {
			t.Errorf("clean file %s was deleted", p)
		}
	}
	if !exists(filepath.Join(dir, "link")) {
		t.Error("a symbolic link was deleted: only regular files are the run's")
	}
}

func TestScanWithNoSecretsDeletesNothing(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "x.txt", secret)
	if leaked, err := Scan(dir, nil); err != nil || leaked != nil || !exists(p) {
		t.Errorf("leaked %v, err %v, file kept %v", leaked, err, exists(p))
	}
}

func TestScanOfAMissingFolderIsAnError(t *testing.T) {
	if _, err := Scan(filepath.Join(t.TempDir(), "nope"), []string{secret}); err == nil {
		t.Error("no error for a folder that does not exist")
	}
}

func TestScanReportsUnreadableFilesAndGoesOn(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	dir := t.TempDir()
	locked := write(t, dir, "a/locked.txt", "anything")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	leak := write(t, dir, "b/leak.txt", secret)
	leaked, err := Scan(dir, []string{secret})
	if err == nil || !strings.Contains(err.Error(), "locked.txt") {
		t.Errorf("error %v does not name the unreadable file", err)
	}
	if !slices.Equal(leaked, []string{leak}) {
		t.Errorf("leaked %v, want the other file still deleted", leaked)
	}
}

// A secret split across two reads is found: the window keeps the tail of
// the previous read. A small step makes every boundary reachable.
func TestScanFindsASecretAcrossReads(t *testing.T) {
	pats := patterns([]string{secret, token})
	for step := 1; step <= 70; step += 3 {
		for at := range 40 {
			dir := t.TempDir()
			p := write(t, dir, "f.txt", strings.Repeat("x", at)+base64.StdEncoding.EncodeToString([]byte(token))+strings.Repeat("y", 17))
			leaked, err := scan(dir, pats, nil, step)
			if err != nil || len(leaked) != 1 || leaked[0] != p {
				t.Fatalf("step %d, offset %d: leaked %v, err %v", step, at, leaked, err)
			}
		}
	}
}

// A 100 MB file is streamed: the scan allocates about one window, not the
// file. The file is sparse, so it costs no disk; the token sits across a
// read boundary near its end.
func TestScanStreamsALargeFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.log")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	const size = 100 << 20
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(token), int64(size-chunk-len(token)/2)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	cleanBig := filepath.Join(dir, "clean-big.log")
	if err := os.WriteFile(cleanBig, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(cleanBig, size); err != nil {
		t.Fatal(err)
	}

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	leaked, err := Scan(dir, []string{secret, token})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(leaked, []string{big}) || !exists(cleanBig) {
		t.Errorf("leaked %v; the clean large file kept: %v", leaked, exists(cleanBig))
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4*chunk {
		t.Errorf("scanning 200 MB allocated %d bytes; want about one %d-byte window", alloc, chunk)
	}
}

// A token an SDK's message cut short is caught after its key, also when
// the key and the token's start straddle two reads.
func TestScanCatchesACutToken(t *testing.T) {
	secrets := []string{secret, token}
	dir := t.TempDir()
	cut := write(t, dir, "results.json", `{"reason": "HTTP 502 for url: http://127.0.0.1:41/shop/spu/get?access_token=`+token[:10]+`…"}`)
	clean := write(t, dir, "summary.md", "access_token="+token[:7]+"… and "+token[:20]+" with no key before it")
	leaked, err := Scan(dir, secrets)
	if err != nil || !slices.Equal(leaked, []string{cut}) || !exists(clean) {
		t.Errorf("leaked %v (err %v); the file with a cut token must go, the other stay", leaked, err)
	}
	pats := patterns(secrets)
	for step := 1; step <= 40; step += 3 {
		for at := range 20 {
			dir := t.TempDir()
			p := write(t, dir, "f.txt", strings.Repeat("x", at)+"?access_token="+token[:9]+"…"+strings.Repeat("y", 5))
			if leaked, err := scan(dir, pats, secrets, step); err != nil || !slices.Equal(leaked, []string{p}) {
				t.Fatalf("step %d, offset %d: leaked %v, err %v", step, at, leaked, err)
			}
		}
	}
}
