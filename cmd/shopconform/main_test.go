package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/shopconform/shopconform/internal/faultproxy"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/refsandbox/control"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/results"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = dispatch(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestLintReportsEveryProblemWithItsLine(t *testing.T) {
	code, _, stderr := runCLI(t, "lint", "--fixtures", "testdata/badfixtures")
	if code != exitUsage {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
	}
	for _, want := range []string{
		"4 problem(s) in 4 fixture file(s):",
		"testdata/badfixtures/universal/trailing-comma.json:8:1: invalid JSON",
		"testdata/badfixtures/universal/with-comment.json:4:3: invalid JSON: invalid character '/'",
		"testdata/badfixtures/order/dup.json:1:1: duplicate id \"dup\": already used by testdata/badfixtures/product/dup.json",
		"testdata/badfixtures/product/unknown-errcode.json:6:25: errcode 1234567 is not in the catalog",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestLintBuiltInCasesAreClean(t *testing.T) {
	code, stdout, stderr := runCLI(t, "lint")
	if code != exitOK || !strings.HasPrefix(stdout, "ok: ") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"lint", "--nope"}, {"lint", "extra"}, {"list", "--format", "xml"}, {"catalog", "--domain", "payments"}, {"lint", "--fixtures", "does-not-exist"}} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, _, _ := runCLI(t, "help"); code != exitOK {
		t.Errorf("help: exit %d", code)
	}
}

func TestListJSON(t *testing.T) {
	code, stdout, _ := runCLI(t, "list", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var listed []listedCase
	if err := json.Unmarshal([]byte(stdout), &listed); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range listed {
		if c.ID == "universal-40066-unknown-path" && c.Errcode == 40066 && c.Endpoint == "/shop/spu/addd" && c.Domain == "universal" {
			found = true
		}
	}
	if !found {
		t.Errorf("universal-40066-unknown-path not listed: %s", stdout)
	}
}

func TestCatalogFiltersByDomain(t *testing.T) {
	code, stdout, _ := runCLI(t, "catalog", "--domain", "share", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Hash    string `json:"hash"`
		Entries []struct {
			Code int `json:"code"`
		} `json:"entries"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Entries) != 3 || !strings.HasPrefix(doc.Hash, "sha256:") {
		t.Errorf("share domain: %+v", doc)
	}
}

// syncBuffer lets the test read serve's output while serve writes it.
type syncBuffer struct{ w *io.PipeWriter }

func (b syncBuffer) Write(p []byte) (int, error) { return b.w.Write(p) }

func TestServeWritesAccountsAndAnswers(t *testing.T) {
	accountsFile := filepath.Join(t.TempDir(), "accounts.json")
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	exited := make(chan int, 1)
	go func() {
		exited <- serveCmd(ctx, []string{"--addr", "127.0.0.1:0", "--accounts-out", accountsFile}, syncBuffer{pw}, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	base := strings.TrimSpace(strings.TrimPrefix(line, "shopconform reference sandbox listening on "))
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line %q does not name the bound address", line)
	}
	f, err := accounts.Read(accountsFile)
	if err != nil {
		t.Fatal(err)
	}
	creds := f.Profiles["default"]
	tokenBody, _ := json.Marshal(map[string]string{"grant_type": "client_credential", "appid": creds.AppID, "secret": creds.Secret})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	postJSON(t, base+"/cgi-bin/stable_token", tokenBody, &tok)
	var answer struct {
		Errcode int `json:"errcode"`
	}
	postJSON(t, base+"/shop/delivery/get_company_list?access_token="+tok.AccessToken, []byte("{}"), &answer)
	if answer.Errcode != 0 {
		t.Errorf("errcode %d", answer.Errcode)
	}
	// The accounts file holds the control token: it mints an account.
	if f.Control == nil || f.Control.Token == "" {
		t.Fatal("the accounts file has no control token")
	}
	if _, err := control.New(base, f.Control.Token).Mint(ctx, control.MintOptions{OpenIDs: []string{"OPENID"}}); err != nil {
		t.Errorf("minting with the file's control token: %v", err)
	}
	// serve runs the merchant simulator that coupon/confirm calls back.
	creds = f.Profiles["coupon-unconfirmed"]
	tokenBody, _ = json.Marshal(map[string]string{"grant_type": "client_credential", "appid": creds.AppID, "secret": creds.Secret})
	postJSON(t, base+"/cgi-bin/stable_token", tokenBody, &tok)
	postJSON(t, base+"/shop/coupon/confirm?access_token="+tok.AccessToken, []byte("{}"), &answer)
	if answer.Errcode != 0 {
		t.Errorf("coupon/confirm: errcode %d", answer.Errcode)
	}
	stopServe(t, cancel, exited)
}

func postJSON(t *testing.T, url string, body []byte, into any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatal(err)
	}
}

// TestServeRefusesNonLoopback: serve binds loopback only, unless told
// explicitly.
func TestServeRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8089", ":8089", "10.1.2.3:80", "nonsense"} {
		if code, _, stderr := runCLI(t, "serve", "--addr", addr); code != exitUsage {
			t.Errorf("%s: exit %d; %s", addr, code, stderr)
		}
	}
}

func TestRunWithBadConfigurationStillWritesReports(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "run", "--target", "bogus", "--report-dir", dir)
	if code != exitUsage || !strings.Contains(stderr, `target "bogus" is not one of reference, sandbox, replay`) {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	rep := readReport(t, dir)
	if rep.Complete || !strings.Contains(rep.Error, "bogus") {
		t.Errorf("report: complete=%v error=%q", rep.Complete, rep.Error)
	}
	junitXML, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil || !bytes.Contains(junitXML, []byte(`<testcase name="run" classname="shopconform"`)) {
		t.Errorf("junit.xml has no failing run testcase (%v):\n%s", err, junitXML)
	}
}

func readReport(t *testing.T, dir string) *results.Report {
	t.Helper()
	rep, err := results.ReadReport(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestRunEndToEnd compiles and runs the universal suite through the Ginkgo
// CLI on fixtures with one deliberately wrong expectation.
func TestRunEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a suite")
	}
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "run", "--domains", "universal", "--fixtures", "testdata/goodfixtures", "--report-dir", dir)
	if code != exitFailures {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFailures, stdout, stderr)
	}
	rep := readReport(t, dir)
	if !rep.Complete || rep.Statistics.Pass != 1 || rep.Statistics.Fail != 1 {
		t.Fatalf("statistics %+v complete %v", rep.Statistics, rep.Complete)
	}
	junitXML, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<testcase name="wrong-expectation"`, `<failure message="expected errcode 40066, got 0"`, `<property name="actual_errcode" value="0">`} {
		if !bytes.Contains(junitXML, []byte(want)) {
			t.Errorf("junit.xml lacks %s", want)
		}
	}
	checkHTMLReport(t, filepath.Join(dir, "report.html"), rep, "wrong-expectation")
	summaryMD, err := os.ReadFile(filepath.Join(dir, "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	if i, j := bytes.Index(summaryMD, []byte("`wrong-expectation` | fail")), bytes.Index(summaryMD, []byte("Coverage")); i < 0 || j >= 0 && i > j {
		t.Errorf("summary.md does not list the failure before the coverage:\n%s", summaryMD)
	}
}

// checkHTMLReport parses report.html: every case of the report appears
// exactly once, the failure comes first, and every failing or erroring
// case carries its transcript and a curl line.
func checkHTMLReport(t *testing.T, path string, rep *results.Report, firstID string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var order []string
	var walk func(n *html.Node, inCase string)
	hasClass := func(n *html.Node, class string) bool {
		for _, a := range n.Attr {
			if a.Key == "class" && slices.Contains(strings.Fields(a.Val), class) {
				return true
			}
		}
		return false
	}
	parts := map[string]map[string]bool{}
	walk = func(n *html.Node, inCase string) {
		if n.Type == html.ElementNode && n.Data == "section" && hasClass(n, "case") {
			for _, a := range n.Attr {
				if a.Key == "id" {
					inCase = strings.TrimPrefix(a.Val, "case-")
					seen[inCase]++
					order = append(order, inCase)
					parts[inCase] = map[string]bool{}
				}
			}
		}
		if inCase != "" && n.Type == html.ElementNode {
			for _, class := range []string{"transcript", "curl"} {
				if hasClass(n, class) {
					parts[inCase][class] = true
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inCase)
		}
	}
	walk(doc, "")
	for _, c := range rep.Cases {
		if seen[c.ID] != 1 {
			t.Errorf("case %s appears %d times in report.html", c.ID, seen[c.ID])
		}
		if (c.Outcome == results.Fail || c.Outcome == results.Error) && (!parts[c.ID]["transcript"] || !parts[c.ID]["curl"]) {
			t.Errorf("failing case %s lacks a transcript or a curl line: %v", c.ID, parts[c.ID])
		}
	}
	if len(order) == 0 || order[0] != firstID {
		t.Errorf("report.html shows %v first, want %s", order, firstID)
	}
}

// TestRunInterruptedStillWritesReports: a run interrupted mid-way (here,
// its context ends while every case waits on a slow target) writes its
// reports, says it was interrupted, and exits 1.
func TestRunInterruptedStillWritesReports(t *testing.T) {
	dir := t.TempDir()
	accountsFile := filepath.Join(dir, "accounts.json")
	sb, err := refsandbox.New(refsandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	if err := accounts.Write(accountsFile, runner.SandboxAccounts(sb)); err != nil {
		t.Fatal(err)
	}
	slow, err := faultproxy.Start(srv.URL, faultproxy.Config{Fault: faultproxy.Delay, Delay: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	var out, errOut bytes.Buffer
	code := dispatch(ctx, []string{"run", "--target", "sandbox", "--base-url", slow.URL(), "--accounts", accountsFile,
		"--domains", "universal", "--report-dir", dir}, &out, &errOut)
	if code != exitFailures {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	rep := readReport(t, dir)
	if rep.Complete || !strings.Contains(rep.Error, "interrupted") {
		t.Errorf("complete=%v error=%q", rep.Complete, rep.Error)
	}
	if _, err := os.Stat(filepath.Join(dir, "junit.xml")); err != nil {
		t.Error(err)
	}
}

func TestRunAgainstAnUnreachableTargetExits3WithReports(t *testing.T) {
	dir := t.TempDir()
	refused, err := faultproxy.RefusedURL()
	if err != nil {
		t.Fatal(err)
	}
	accountsFile := filepath.Join(dir, "accounts.json")
	if err := accounts.Write(accountsFile, &accounts.File{Profiles: map[string]accounts.Credentials{"default": {AppID: "wx1", Secret: "0123456789abcdef0123456789abcdef"}}}); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "run", "--target", "sandbox", "--base-url", refused, "--accounts", accountsFile, "--report-dir", filepath.Join(dir, "reports"))
	if code != exitUnreachable || strings.Count(stderr, "is unreachable") != 1 {
		t.Fatalf("exit %d, want %d, saying so once:\n%s", code, exitUnreachable, stderr)
	}
	rep := readReport(t, filepath.Join(dir, "reports"))
	if rep.Complete || !strings.Contains(rep.Error, "start `shopconform serve` or check SHOPCONFORM_BASE_URL") {
		t.Errorf("report: complete=%v error=%q", rep.Complete, rep.Error)
	}
}

// TestRunAgainstAFaultyTargetLeavesNoSecret runs the universal suite
// through a proxy that answers garbage to every /shop/ request: the run
// finishes, writes its reports, and neither they nor the output hold the
// app secret or any token issued.
func TestRunAgainstAFaultyTargetLeavesNoSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a suite")
	}
	dir := t.TempDir()
	base, accountsFile := startServe(t)
	// Garbage to every business call; the token endpoint still answers,
	// so that the run holds tokens and secrets that could leak.
	proxy, err := faultproxy.Start(base, faultproxy.Config{Fault: faultproxy.Garbage})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	reports := filepath.Join(dir, "reports")
	code, stdout, stderr := runCLI(t, "run", "--domains", "universal", "--target", "sandbox", "--base-url", proxy.URL(),
		"--accounts", accountsFile, "--report-dir", reports)
	if code != exitFailures {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	rep := readReport(t, reports)
	for _, c := range rep.Cases {
		if strings.HasPrefix(c.Endpoint, "/shop/") && c.Outcome != results.Error {
			t.Errorf("%s under a target that answers garbage to /shop/: %s: %s", c.ID, c.Outcome, c.Reason)
		}
	}
	f, err := accounts.Read(accountsFile)
	if err != nil {
		t.Fatal(err)
	}
	var everything strings.Builder
	everything.WriteString(stdout + stderr)
	for _, name := range []string{"results.json", "junit.xml"} {
		data, err := os.ReadFile(filepath.Join(reports, name))
		if err != nil {
			t.Fatal(err)
		}
		everything.Write(data)
	}
	for name, c := range f.Profiles {
		if strings.Contains(everything.String(), c.Secret) {
			t.Errorf("the secret of profile %s appears in the reports or the output", name)
		}
	}
}

// stopServe cancels a serve started in-process and waits for it to end
// with exit 0.
func stopServe(t *testing.T, cancel context.CancelFunc, exited <-chan int) {
	t.Helper()
	cancel()
	select {
	case code := <-exited:
		if code != exitOK {
			t.Errorf("serve exit %d after cancel", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}
