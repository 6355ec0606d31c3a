package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/internal/version"
	"github.com/shopconform/shopconform/internal/wording"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/conformance"
	"github.com/shopconform/shopconform/runner/expectations"
	"github.com/shopconform/shopconform/runner/htmlreport"
	"github.com/shopconform/shopconform/runner/junit"
	"github.com/shopconform/shopconform/runner/progress"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/runstate"
	"github.com/shopconform/shopconform/runner/secretgate"
	"github.com/shopconform/shopconform/runner/shard"
	"github.com/shopconform/shopconform/runner/summary"
)

const modulePath = "github.com/shopconform/shopconform"

// runOptions are the flags of `run` beyond the shared configuration.
type runOptions struct {
	verbose     bool
	procs       int
	labelFilter string
	focus       string
	domains     []string
	// selects is the run's label filter and focus as one test of a case.
	selects func(*fixtures.Case) bool
	// selected are the ids of the cases this run runs (its shard's); nil
	// runs every case.
	selected map[string]bool
	// expect is the run's expectations file; nil expects every case to
	// pass.
	expect *expectations.File
	// omitCorpusFindings leaves the pending codes and malformed fixtures
	// to shard 1.
	omitCorpusFindings bool
}

// runCmd runs the domain suites through the pinned Ginkgo CLI, then merges
// what each suite reported into reports/junit.xml and results.json. The
// reports are written whatever happens: bad configuration, a suite that
// does not build, an interrupt.
func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", stderr)
	runner.RegisterRunFlags(fs)
	procs := fs.Int("procs", 1, "parallel Ginkgo processes per suite (worth it on slow sandboxes, not on the reference target)")
	labelFilter := fs.String("label-filter", "", "a Ginkgo label filter, e.g. 'errcode:40066' or 'domain: containsAny {product, order}'")
	focus := fs.String("focus", "", "run only cases whose id or errcode matches this regular expression")
	domainList := fs.String("domains", "", "comma-separated domains to run (default: all of "+domainNames()+")")
	verbose := fs.Bool("verbose", false, "stream Ginkgo's own output too (it always goes to ginkgo.log in the report folder)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	rep := &results.Report{
		SchemaVersion: results.SchemaVersion, Kind: results.Kind, StartedAt: time.Now().UTC(),
		HarnessVersion: version.Harness, CatalogHash: catalog.Default().Hash(),
	}
	cfg, err := runner.LoadConfig(fs, os.LookupEnv)
	shardSource := ""
	if err == nil {
		cfg, shardSource, err = cfg.ResolveShard(os.LookupEnv)
	}
	rep.Config, rep.Target = cfg.Redacted(), runner.TargetName(cfg)
	if err == nil && cfg.Sharded() {
		rep.Shard = &results.ShardOf{Index: cfg.Shard.Index, Total: cfg.Shard.Total}
	}
	reportDir := cfg.ReportDir
	if reportDir == "" {
		reportDir = runner.DefaultReportDir
	}
	opts := runOptions{verbose: *verbose, procs: *procs, labelFilter: *labelFilter, focus: *focus}
	if err == nil {
		opts.domains, err = parseDomains(*domainList)
	}
	if err == nil && opts.procs < 1 {
		err = fmt.Errorf("--procs %d must be at least 1", opts.procs)
	}
	if err == nil {
		opts.selects, err = conformance.Selector(opts.suiteConfig())
	}
	if err == nil && cfg.Fixtures != "" {
		if info, serr := os.Stat(cfg.Fixtures); serr != nil || !info.IsDir() {
			err = fmt.Errorf("fixtures folder %q (SHOPCONFORM_FIXTURES or --fixtures) is not a folder here", cfg.Fixtures)
		}
	}
	if err == nil {
		opts.selected, rep.Fingerprint, err = chooseCases(cfg, opts)
	}
	// The folder's Ginkgo log is this run's or none: a log of an earlier
	// run would explain the wrong run.
	_ = os.Remove(filepath.Join(reportDir, ginkgoLogFile))
	if err != nil {
		return refuse(rep, reportDir, "configuration error: "+err.Error(), stdout, stderr)
	}
	if cfg.Expectations != "" {
		if opts.expect, err = expectations.Load(cfg.Expectations); err != nil {
			return refuse(rep, reportDir, "expectations file: "+err.Error(), stdout, stderr)
		}
	}
	if problems := conformance.CorpusProblems(cfg); len(problems) > 0 {
		rep.Problems, rep.Statistics.Problems = problems, len(problems)
		return refuse(rep, reportDir, wording.Count(len(problems), "malformed fixture")+", so no case ran: fix them and run again (shopconform lint --fixtures DIR checks a folder)", stdout, stderr)
	}
	if cfg.Sharded() {
		opts.omitCorpusFindings = cfg.Shard.Index != 1
		fmt.Fprintf(stdout, "shard %s (from %s): %d of %d cases\n", cfg.Shard, shardSource, len(rep.Fingerprint.Selected), rep.Fingerprint.Corpus.Cases)
	}
	touchBazelStatus(os.LookupEnv, stderr)
	return runSuites(ctx, cfg, opts, rep, stdout, stderr)
}

func parseDomains(list string) ([]string, error) {
	if list == "" {
		var all []string
		for _, d := range catalog.Domains() {
			all = append(all, string(d))
		}
		return all, nil
	}
	var out []string
	for _, name := range strings.Split(list, ",") {
		d, ok := catalog.ParseDomain(strings.TrimSpace(name))
		if !ok {
			return nil, fmt.Errorf("--domains: %q is not one of %s", name, domainNames())
		}
		out = append(out, string(d))
	}
	return out, nil
}

func runSuites(ctx context.Context, cfg runner.Config, opts runOptions, rep *results.Report, stdout, stderr io.Writer) int {
	reportDir, err := filepath.Abs(cfg.ReportDir)
	if err == nil {
		err = os.MkdirAll(reportDir, 0o755)
	}
	if err != nil {
		fmt.Fprintf(stderr, "run: report dir: %v\n", err)
		return exitFailures
	}
	if err := preflight(ctx, cfg, stderr); err != nil {
		results.Merge(rep, opts.domains, nil)
		if ctx.Err() != nil { // the dial was cut short, not refused
			return finish(rep, cfg.ReportDir, "interrupted before the first case", stdout, stderr, exitFailures)
		}
		fmt.Fprintf(stderr, "run: %v\n", err)
		return finish(rep, cfg.ReportDir, err.Error(), stdout, stderr, exitUnreachable)
	}
	// The run's private folder: progress events, and the state its
	// processes share when there are several (tokens, pacing, budget);
	// removed when the run ends.
	stateDir, err := os.MkdirTemp("", "shopconform-run-")
	if err != nil {
		fmt.Fprintf(stderr, "run: %v\n", err)
		return exitFailures
	}
	defer os.RemoveAll(stateDir)
	// Ginkgo's output goes to a log in the report folder (the secret gate
	// scans it too); the console gets the progress line and the summary.
	ginkgoLog, err := os.Create(filepath.Join(reportDir, ginkgoLogFile))
	if err != nil {
		fmt.Fprintf(stderr, "run: %v\n", err)
		return exitFailures
	}
	defer ginkgoLog.Close()
	var out io.Writer = ginkgoLog
	if opts.verbose {
		out = io.MultiWriter(ginkgoLog, stdout)
	}
	watchCtx, stopWatching := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		progress.Watch(watchCtx, stateDir, len(opts.domains), stdout, isTerminal(stdout) && !opts.verbose)
		close(watched)
	}()
	job := suiteJob{cfg: cfg, opts: opts, stateDir: stateDir, runID: runner.NewRunID(), out: out, color: isTerminal(stdout)}
	var parts map[string]results.Part
	var runErr error
	if opts.procs == 1 {
		parts = job.inProcess(ctx, shard.All, false)
	} else {
		parts, runErr = job.inProcesses(ctx)
	}
	stopWatching()
	<-watched
	if opts.expect != nil {
		rep.Expectations = opts.expect.ApplyParts(rep.Target, opts.domains, parts, time.Now())
	}
	rep.Capabilities = runner.CapabilitiesOf(cfg)
	results.Merge(rep, opts.domains, parts)
	if !rep.Complete && !opts.verbose && ctx.Err() == nil {
		// Why a suite did not report: a crash. After an interrupt the log
		// ends in a verdict on a run that did not finish: not shown.
		showTail(stderr, ginkgoLog.Name(), 20)
	}
	reason := ""
	switch {
	case ctx.Err() != nil:
		reason = "interrupted: the reports cover what finished"
	case runErr != nil:
		reason = "could not run the suites: " + runErr.Error()
	}
	code := exitOK
	if !rep.Succeeded() || reason != "" {
		code = exitFailures
	}
	code = finish(rep, cfg.ReportDir, reason, stdout, stderr, code)
	if leaked := gate(cfg, stateDir, reportDir, stderr); leaked {
		return exitFailures
	}
	return code
}

// gate is the run's last word on secrets: every file under the report
// folder is scanned for the app secrets and the tokens issued during the
// run, and any file holding one is deleted and named.
func gate(cfg runner.Config, stateDir, reportDir string, stderr io.Writer) (leaked bool) {
	st, err := runstate.Open(stateDir)
	var secrets []string
	if err == nil {
		secrets, err = st.Secrets()
	}
	if err == nil && cfg.Accounts != "" {
		secrets = append(secrets, accountSecrets(cfg.Accounts)...)
	}
	if err != nil {
		fmt.Fprintf(stderr, "run: the secret gate could not read the run's secrets: %v\n", err)
		return true
	}
	removed, err := secretgate.Scan(reportDir, secrets)
	if err != nil {
		fmt.Fprintf(stderr, "run: the secret gate: %v\n", err)
		return true
	}
	for _, f := range removed {
		fmt.Fprintf(stderr, "run: removed %s: it held an app secret or an access token\n", f)
	}
	return len(removed) > 0
}

func accountSecrets(path string) []string {
	f, err := accounts.Read(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range f.Profiles {
		out = append(out, c.Secret, c.AccessToken)
	}
	return out
}

// preflight checks, before any suite is built, that a sandbox target
// answers at all and, when it is a shopconform sandbox, that it is this
// harness's version: a dead target costs one sentence, not a timeout per
// case.
func preflight(ctx context.Context, cfg runner.Config, stderr io.Writer) error {
	if cfg.Target != runner.TargetSandbox {
		return nil
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return err
	}
	host := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		host = net.JoinHostPort(u.Hostname(), port)
	}
	dialer := net.Dialer{Timeout: 3 * time.Second}
	conn, err := dialer.DialContext(ctx, "tcp", host)
	if err != nil {
		return fmt.Errorf("the target %s is unreachable (%v): start `shopconform serve` or check SHOPCONFORM_BASE_URL", cfg.BaseURL, err)
	}
	conn.Close()
	note, err := checkVersion(ctx, cfg.BaseURL)
	if note != "" {
		fmt.Fprintln(stderr, "run: note: "+note)
	}
	if err != nil {
		return err
	}
	return speaksTheAPI(ctx, cfg)
}

// speaksTheAPI asks the target's token endpoint for a token of an appid
// that cannot exist: a target that speaks the API answers HTTP 200 with
// its JSON envelope (an errcode, such as 40013 for the unknown appid, or
// a token), and anything else (a 404 page, another service) is the wrong
// target, said once instead of once per case. It sends no credential.
func speaksTheAPI(ctx context.Context, cfg runner.Config) error {
	ctx, cancel := context.WithTimeout(ctx, cfg.RequestTimeout)
	defer cancel()
	base := strings.TrimRight(cfg.BaseURL, "/")
	var req *http.Request
	var err error
	endpoint := "/cgi-bin/stable_token"
	if cfg.TokenEndpoint == runner.TokenClassic {
		endpoint = "/cgi-bin/token"
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+endpoint+"?grant_type=client_credential&appid="+preflightAppID+"&secret=none", nil)
	} else {
		body := `{"grant_type":"client_credential","appid":"` + preflightAppID + `","secret":"none"}`
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+endpoint, strings.NewReader(body))
		if req != nil {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("the target %s did not answer its token endpoint %s (%v): check SHOPCONFORM_BASE_URL", cfg.BaseURL, endpoint, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var envelope map[string]json.RawMessage
	if resp.StatusCode == http.StatusOK && json.Unmarshal(raw, &envelope) == nil && (envelope["errcode"] != nil || envelope["access_token"] != nil) {
		return nil
	}
	return fmt.Errorf("the target %s does not speak the API: its token endpoint %s answered HTTP %d %s %s, not the API's JSON (errcode or access_token): check SHOPCONFORM_BASE_URL",
		cfg.BaseURL, endpoint, resp.StatusCode, orNone(resp.Header.Get("Content-Type")), quoteStart(raw, 80))
}

// preflightAppID is an appid no account has (a real one is "wx" and 16
// hex digits), so the preflight's token request is refused by any
// target that speaks the API.
const preflightAppID = "shopconform-preflight"

func orNone(s string) string {
	if s == "" {
		return "(no content type)"
	}
	return s
}

// quoteStart quotes the first n bytes of an answer, for a message.
func quoteStart(raw []byte, n int) string {
	if len(raw) > n {
		return strconv.Quote(string(raw[:n])) + "…"
	}
	return strconv.Quote(string(raw))
}

// checkVersion asks a shopconform sandbox for its release and build; a
// live sandbox has no such path and is left alone. Another release of the
// harness may behave otherwise, so it is refused; another build of this
// release (a `go run` serve and an installed run) is only noted.
func checkVersion(ctx context.Context, base string) (note string, err error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/_shopconform/healthz", nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", nil // reachable but silent here: not a shopconform sandbox
	}
	defer resp.Body.Close()
	var health struct {
		Version string `json:"version"`
		Release string `json:"release"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&health) != nil || health.Version == "" {
		return "", nil
	}
	switch {
	case health.Version == version.Harness:
		return "", nil
	case health.Release != "" && health.Release == version.Release:
		return fmt.Sprintf("the target is shopconform serve %s, another build of release %s than this harness (%s)", health.Version, version.Release, version.Harness), nil
	}
	return "", fmt.Errorf("the target is shopconform serve %s but this harness is %s: start serve from the same release as run (`shopconform version` names it)", health.Version, version.Harness)
}

// showTail prints the last n lines of a log.
func showTail(w io.Writer, path string, n int) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	fmt.Fprintf(w, "run: not every suite reported; the end of %s:\n", path)
	for _, l := range lines[max(0, len(lines)-n):] {
		fmt.Fprintln(w, "  "+l)
	}
}

// refuse ends a run that found bad input before any case ran: exit 2,
// with the reports saying why.
func refuse(rep *results.Report, reportDir, why string, stdout, stderr io.Writer) int {
	fmt.Fprintf(stderr, "run: %s\n", why)
	return finish(rep, reportDir, why, stdout, stderr, exitUsage)
}

// finish writes the reports, prints the summary and returns code.
func finish(rep *results.Report, reportDir, runErr string, stdout, stderr io.Writer, code int) int {
	rep.FinishedAt = time.Now().UTC()
	if runErr != "" {
		rep.Error, rep.Complete = runErr, false
	}
	if err := writeReports(reportDir, rep); err != nil {
		fmt.Fprintf(stderr, "run: writing reports: %v\n", err)
		return exitFailures
	}
	printSummary(stdout, rep, reportDir)
	return code
}

func writeReports(dir string, rep *results.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := rep.WriteJSON(filepath.Join(dir, "results.json")); err != nil {
		return err
	}
	renderers := []struct {
		file   string
		render func(io.Writer) error
	}{
		{"junit.xml", func(w io.Writer) error { return junit.Write(w, rep) }},
		{"report.html", func(w io.Writer) error { return htmlreport.Write(w, rep, catalog.Default(), fuzzSection(dir)...) }},
		{"summary.md", func(w io.Writer) error { return summary.Write(w, rep) }},
	}
	for _, r := range renderers {
		var buf bytes.Buffer
		if err := r.render(&buf); err != nil {
			return fmt.Errorf("%s: %w", r.file, err)
		}
		if err := results.WriteFileAtomic(filepath.Join(dir, r.file), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// maxListed bounds the failures the console lists; the reports hold all.
const maxListed = 20

func printSummary(w io.Writer, rep *results.Report, dir string) {
	s := rep.Statistics
	on := rep.Target
	if rep.Shard != nil {
		on += fmt.Sprintf(", shard %d/%d", rep.Shard.Index, rep.Shard.Total)
	}
	if len(rep.MergedFrom) > 0 {
		on += fmt.Sprintf(", merged from %d shards", len(rep.MergedFrom))
	}
	expected := ""
	if s.Expected > 0 {
		expected = fmt.Sprintf(" (%d of them as expected)", s.Expected)
	}
	fmt.Fprintf(w, "\nshopconform %s on %s: %d cases: %d pass (%d flaky), %d fail, %d error, %d inconclusive, %d skipped%s; %d documented codes without a case; %d malformed fixtures\n",
		rep.HarnessVersion, on, s.Total, s.Pass, s.Flaky, s.Fail, s.Error, s.Inconclusive, s.Skipped, expected, s.Pending, s.Problems)
	listed := 0
	for _, c := range rep.Cases {
		if !c.CountsAgainst() {
			continue
		}
		if listed++; listed <= maxListed {
			fmt.Fprintf(w, "  %s %s (%s, expected %d): %s\n", strings.ToUpper(string(c.Outcome)), c.ID, c.Endpoint, c.ExpectedErrcode, c.Headline())
		}
	}
	if listed > maxListed {
		fmt.Fprintf(w, "  … and %d more\n", listed-maxListed)
	}
	if e := rep.Expectations; e != nil {
		for _, b := range e.Broken {
			fmt.Fprintf(w, "  EXPECTATION %s: %s (%s:%d: %s)\n", b.CaseID, b.Problem, e.File, b.Entry.Line, b.Entry.Reason)
		}
		for _, u := range e.Unmatched {
			fmt.Fprintf(w, "  note: %s:%d (case %s) matched no case of this run\n", e.File, u.Line, u.Case)
		}
	}
	for _, r := range results.SkipReasons(rep.Cases) {
		fmt.Fprintf(w, "  skipped %d: %s\n", r.Count, r.Reason)
	}
	for _, p := range rep.Problems {
		where := p.File
		if p.Line > 0 {
			where = fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
		}
		fmt.Fprintf(w, "  MALFORMED %s: %s\n", where, p.Message)
	}
	for _, d := range rep.Domains {
		if d.Failure != "" {
			fmt.Fprintf(w, "  %s: %s\n", d.Domain, d.Failure)
		}
	}
	if rep.Error != "" {
		fmt.Fprintf(w, "  run: %s\n", rep.Error)
	}
	if len(rep.MergedFrom) > 0 { // report merge: no Ginkgo ran here
		fmt.Fprintf(w, "reports: %s\n", strings.Join(reportFiles(dir), ", "))
		return
	}
	log := filepath.Join(dir, ginkgoLogFile)
	if _, err := os.Stat(log); err != nil { // no suite ran
		fmt.Fprintf(w, "reports: %s\n", strings.Join(reportFiles(dir), ", "))
		return
	}
	fmt.Fprintf(w, "reports: %s (Ginkgo's own output: %s)\n", strings.Join(reportFiles(dir), ", "), log)
}

// ginkgoLogFile is where a run leaves Ginkgo's own output, in its report
// folder.
const ginkgoLogFile = "ginkgo.log"

// reportFiles are the reports a run writes, in the order people read them.
func reportFiles(dir string) []string {
	var out []string
	for _, f := range []string{"report.html", "summary.md", "junit.xml", "results.json"} {
		out = append(out, filepath.Join(dir, f))
	}
	return out
}

// moduleRoot finds the shopconform module from the working directory:
// record writes the committed cassettes of a checkout.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(data), []byte("module "+modulePath)) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside a shopconform source tree: give --out")
		}
		dir = parent
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
