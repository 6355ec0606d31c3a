package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/internal/fakeadapter"
	"github.com/shopconform/shopconform/runner/shard"
)

// TestMain lets this test binary be an adapter process for certify: run
// with fakeadapter.ModeEnv set, it speaks the protocol instead of testing.
func TestMain(m *testing.M) {
	if mode, ok := os.LookupEnv(fakeadapter.ModeEnv); ok {
		os.Exit(fakeadapter.Main(mode, os.Stdin, os.Stdout, os.Stderr))
	}
	// These tests may run in a sharded CI job: its shard variables would
	// shard every `run` they make.
	for _, ci := range shard.CIs {
		os.Unsetenv(ci.Index)
		os.Unsetenv(ci.Total)
	}
	os.Exit(m.Run())
}

func TestCertifyWritesABundleThatVerifies(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cert")
	code, stdout, stderr := runCLI(t, "certify", "--adapter", fakeadapter.Command("ok"), "--domains", "universal,share", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"certifying fake-go-adapter 1.2.3 on replay: ",
		"\n  universal ", "\n  share ", " passed (",
		"\nSDK:       fake-go-adapter 1.2.3\n", "\ntarget:    replay\n",
		", 0 failed, 0 errors, 0 skipped, 0 inconclusive\n",
		"bundle: " + out + " (a reviewer checks it with: shopconform certify verify " + out + ")",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "not surfaced exactly") {
		t.Errorf("a code not surfaced exactly by the baseline:\n%s", stdout)
	}

	code, stdout, stderr = runCLI(t, "certify", "verify", out)
	if code != exitOK {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{out + ": every file matches MANIFEST.sha256", "SDK:              fake-go-adapter 1.2.3",
		"target:           replay", "harness version:  ", "catalog:          sha256:", "certified at:     ", "complete:         yes",
		"codes surfaced exactly: ", "40066"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("verify stdout lacks %q:\n%s", want, stdout)
		}
	}

	if err := os.WriteFile(filepath.Join(out, "certificate.json"), []byte(`{"sdk":{"name":"forged"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(out, "junit.xml")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "certify", "verify", out)
	if code != exitFailures {
		t.Fatalf("verify of a changed bundle: exit %d", code)
	}
	for _, want := range []string{"does not verify:", "certificate.json: its SHA-256 differs from the manifest", "junit.xml: listed in the manifest but missing"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestCertifyNamesWhatTheSDKGotWrong certifies two misbehaving adapters:
// the summary gives each code's verdict and first reason, and the run
// exits 1 with the bundle written all the same.
func TestCertifyNamesWhatTheSDKGotWrong(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cert")
	code, stdout, stderr := runCLI(t, "certify", "--adapter", fakeadapter.Command("alter"), "--domains", "share", "--out", out)
	if code != exitFailures {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"codes surfaced exactly: 0 of ", "not surfaced exactly:", "1310001  altered ",
		"the SDK reports errcode 1310002"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "MANIFEST.sha256")); err != nil {
		t.Errorf("no bundle after a failing run: %v", err)
	}

	const hang = "share-1310002-bind-openids-empty"
	code, stdout, _ = runCLI(t, "certify", "--adapter", fakeadapter.Command("hang="+hang), "--timeout", "500ms",
		"--run", hang+",share-1310001-bind-over-limit", "--out", out)
	if code != exitFailures {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	for _, want := range []string{"2 cases: 1 passed, 1 errors", "1310002  lost ", "0/1 cases",
		"the adapter did not answer within 500ms"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

func TestCertifyUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"certify"}, "--adapter is required"},
		{[]string{"certify", "--adapter", fakeadapter.Command("ok"), "--domains", "payments"}, `--domains: "payments" is not one of`},
		{[]string{"certify", "--adapter", fakeadapter.Command("ok"), "--run", "no-such-case"}, `--run: no case "no-such-case"`},
		{[]string{"certify", "--adapter", fakeadapter.Command("ok"), "--target", "bogus"}, `target "bogus" is not one of`},
		{[]string{"certify", "--adapter", fakeadapter.Command("ok"), "--timeout", "0s"}, "--timeout 0s must be positive"},
		{[]string{"certify", "--adapter", "shopconform-no-such-adapter"}, "the adapter command cannot start"},
		{[]string{"certify", "--adapter", "node 'unterminated"}, "unterminated single quote"},
		{[]string{"certify", "verify"}, "usage: shopconform certify verify BUNDLE"},
		{[]string{"certify", "verify", "a", "b"}, "usage: shopconform certify verify BUNDLE"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, want %d; stderr lacks %q:\n%s", tc.args, code, exitUsage, tc.want, stderr)
		}
	}
	code, _, stderr := runCLI(t, "certify", "--adapter", fakeadapter.Command("nohello"), "--timeout", "300ms", "--domains", "share")
	if code != exitFailures || !strings.Contains(stderr, "no hello within 300ms") {
		t.Errorf("an adapter without a hello: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "certify", "verify", filepath.Join(t.TempDir(), "none"))
	if code != exitFailures || !strings.Contains(stderr, "no manifest") {
		t.Errorf("verify of a missing bundle: exit %d: %s", code, stderr)
	}
}

// TestCertifyTheNodeAdapter certifies adapters/node/adapter.mjs through
// the CLI on replay and checks its bundle: two domains, upload for its
// binary bodies (certify's own test runs every case through it).
func TestCertifyTheNodeAdapter(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	out := filepath.Join(t.TempDir(), "cert")
	start := time.Now()
	code, stdout, stderr := runCLI(t, "certify", "--adapter", "node ../../adapters/node/adapter.mjs", "--domains", "universal,upload", "--out", out)
	t.Logf("universal and upload through the Node adapter on replay: %s", time.Since(start).Round(time.Millisecond))
	if code != exitOK || !strings.Contains(stdout, "SDK:       node built-in fetch v") || strings.Contains(stdout, "not surfaced exactly") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "certify", "verify", out); code != exitOK || !strings.Contains(stdout, "node built-in fetch") {
		t.Errorf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestServeReplay serves the cassettes and replays one case by hand, as
// an SDK's own tests would: begin, the case's request, end.
func TestServeReplay(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	exited := make(chan int, 1)
	go func() {
		exited <- serveCmd(ctx, []string{"--replay", "--addr", "127.0.0.1:0"}, syncBuffer{pw}, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	base, _, _ := strings.Cut(strings.TrimPrefix(line, "shopconform replay server listening on "), " ")
	if !strings.HasPrefix(base, "http://127.0.0.1:") || !strings.Contains(line, "/_shopconform/replay/begin") {
		t.Fatalf("first line %q", line)
	}
	var begun struct {
		Case, UID, Run, AppID, Token string
		OpenIDs                      []string
		Now                          int64
	}
	postJSON(t, base+"/_shopconform/replay/begin", []byte(`{"case":"universal-40066-unknown-path"}`), &begun)
	if begun.Case != "universal-40066-unknown-path" || begun.Token == "" || begun.Now == 0 || !strings.HasPrefix(begun.UID, begun.Run) {
		t.Errorf("begin answered %+v", begun)
	}
	var answer struct {
		Errcode int `json:"errcode"`
	}
	postJSON(t, base+"/shop/spu/addd?access_token="+begun.Token, []byte(`{}`), &answer)
	if answer.Errcode != 40066 {
		t.Errorf("errcode %d", answer.Errcode)
	}
	resp, err := http.Post(base+"/shop/spu/add", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("a request no recording matches: HTTP %d", resp.StatusCode)
	}
	var end struct {
		Unused, Unmatched []string
	}
	postJSON(t, base+"/_shopconform/replay/end", nil, &end)
	if len(end.Unused) != 0 || len(end.Unmatched) != 1 || !strings.Contains(end.Unmatched[0], "POST /shop/spu/add matched no request") {
		t.Errorf("end answered %+v", end)
	}
	cancel()
	select {
	case code := <-exited:
		if code != exitOK {
			t.Errorf("serve --replay exit %d after cancel", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve --replay did not stop")
	}

	for _, args := range [][]string{
		{"--fixtures", "x"},
		{"--replay", "--accounts-out", "x.json"},
		{"--replay", "--addr", "0.0.0.0:0"},
		{"--replay", "--fixtures", filepath.Join(t.TempDir(), "none")},
	} {
		if code := serveCmd(context.Background(), args, io.Discard, io.Discard); code != exitUsage {
			t.Errorf("serve %q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// The begin answer is JSON a client in any language reads; pin its keys.
func TestServeReplayBeginKeys(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	go func() {
		serveCmd(ctx, []string{"--replay", "--addr", "127.0.0.1:0"}, syncBuffer{pw}, io.Discard)
		pw.Close()
	}()
	line, _ := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	base, _, _ := strings.Cut(strings.TrimPrefix(line, "shopconform replay server listening on "), " ")
	var begun map[string]json.RawMessage
	postJSON(t, base+"/_shopconform/replay/begin", []byte(`{"case":"share-1310001-bind-over-limit"}`), &begun)
	for _, k := range []string{"case", "account", "uid", "run", "appid", "openids", "now", "token"} {
		if _, ok := begun[k]; !ok {
			t.Errorf("begin lacks %q: %v", k, begun)
		}
	}
	// The replay server's mocks live in gock, which is global: a case left
	// begun would answer the next replay run of this test binary.
	var end map[string]json.RawMessage
	postJSON(t, base+"/_shopconform/replay/end", nil, &end)
}

// TestCertifyNamesTheFindingEverywhere: an adapter that drops fund_type
// from every body fails on replay with an error of its own (and stderr
// after it); the console, summary.md and certificate.json still name the
// dropped field for every code it affects.
func TestCertifyNamesTheFindingEverywhere(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cert")
	code, stdout, stderr := runCLI(t, "certify", "--adapter", fakeadapter.Command("dropfield=fund_type,logcase"), "--domains", "order", "--out", out)
	if code != exitFailures {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	const named = "body.fund_type: absent from the request"
	var cert struct {
		Codes []struct {
			Code    int
			Verdict string
			Why     []string
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "certificate.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cert); err != nil {
		t.Fatal(err)
	}
	affected := 0
	for _, v := range cert.Codes {
		if v.Verdict == "exact" {
			continue
		}
		affected++
		for _, why := range v.Why {
			if !strings.Contains(why, named) {
				t.Errorf("certificate.json: code %d: %q does not name the field", v.Code, why)
			}
		}
		line := regexp.MustCompile(`(?m)^  ` + strconv.Itoa(v.Code) + ` .*$`).FindString(stdout)
		if !strings.Contains(line, "request differs") || !strings.Contains(line, named) {
			t.Errorf("console: code %d: %q", v.Code, line)
		}
	}
	if affected == 0 {
		t.Fatal("no code was affected")
	}
	summary, err := os.ReadFile(filepath.Join(out, "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range strings.Split(string(summary), "\n") {
		if strings.HasPrefix(row, "| `order-") && !strings.Contains(row, `body.fund\_type: absent from the request`) {
			t.Errorf("summary.md: a failing case's row does not name the field: %s", row)
		}
	}
}

// TestCertifySaysWhichCodesAreRawWire: the baseline sends the raw-wire
// cases and passes them, yet their codes are reported apart from the
// codes a typed SDK can reach.
func TestCertifySaysWhichCodesAreRawWire(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cert")
	code, stdout, stderr := runCLI(t, "certify", "--adapter", fakeadapter.Command("ok"), "--domains", "universal", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	var cert struct {
		TypedReachable struct{ Codes, Reached int } `json:"typed_reachable"`
		Codes          []struct{ Verdict string }
	}
	data, _ := os.ReadFile(filepath.Join(out, "certificate.json"))
	if err := json.Unmarshal(data, &cert); err != nil {
		t.Fatal(err)
	}
	want := len(cert.Codes) - 2
	if cert.TypedReachable.Codes != want || cert.TypedReachable.Reached != want {
		t.Errorf("typed_reachable %+v, want %d of %d", cert.TypedReachable, want, want)
	}
	for _, w := range []string{
		fmt.Sprintf("codes surfaced exactly: %d of %d a typed SDK can reach\n", want, want),
		"raw-wire, not judged (a typed SDK cannot send their cases): 43002 (1/1 cases passed), 47001 (3/3 cases passed)\n",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, stdout)
		}
	}
}

// TestATypedSDKIsCertifiedWithoutTheRawWireCases certifies an adapter
// that, like a typed SDK, cannot send a GET to a POST endpoint or a body
// that is not JSON: those cases do not pass, are not counted against it,
// and it is certified with every typed-reachable code reached.
func TestATypedSDKIsCertifiedWithoutTheRawWireCases(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cert")
	code, stdout, stderr := runCLI(t, "certify", "--adapter", fakeadapter.Command("typed"), "--domains", "universal", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(out, "certificate.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cert struct {
		Statistics     struct{ Total, Pass int }
		TypedReachable struct{ Codes, Reached int } `json:"typed_reachable"`
		Uncounted      int                          `json:"raw_wire_uncounted"`
		Codes          []struct {
			Code    int
			Verdict string
		}
	}
	if err := json.Unmarshal(raw, &cert); err != nil {
		t.Fatal(err)
	}
	verdicts := map[int]string{}
	for _, c := range cert.Codes {
		verdicts[c.Code] = c.Verdict
	}
	if verdicts[43002] != "raw-wire" || verdicts[47001] != "raw-wire" {
		t.Errorf("verdicts of 43002 and 47001: %q, %q, want raw-wire", verdicts[43002], verdicts[47001])
	}
	if cert.Uncounted == 0 || cert.Statistics.Pass+cert.Uncounted != cert.Statistics.Total {
		t.Errorf("%d of %d cases passed with %d raw-wire ones uncounted", cert.Statistics.Pass, cert.Statistics.Total, cert.Uncounted)
	}
	if cert.TypedReachable.Codes == 0 || cert.TypedReachable.Reached != cert.TypedReachable.Codes {
		t.Errorf("typed_reachable %+v, want every reachable code reached", cert.TypedReachable)
	}
}
