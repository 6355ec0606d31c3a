package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/certify"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/expectations"
	"github.com/shopconform/shopconform/runner/results"
)

// certifyCmd runs every case through an SDK's adapter process and writes
// the certificate bundle; `certify verify BUNDLE` checks one.
func certifyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "verify" {
		return certifyVerifyCmd(args[1:], stdout, stderr)
	}
	fs := newFlagSet("certify", stderr)
	runner.RegisterFlags(fs)
	adapter := fs.String("adapter", "", "the SDK's adapter command, speaking certify/PROTOCOL.md on stdin/stdout (e.g. 'node adapters/node/adapter.mjs')")
	timeout := fs.Duration("timeout", certify.DefaultProcessTimeout, "how long the adapter may take to answer the handshake or one case")
	out := fs.String("out", "certificate", "the folder the certificate bundle is written to")
	only := fs.String("run", "", "comma-separated case ids to certify (default: every case)")
	domainList := fs.String("domains", "", "comma-separated domains to certify (default: all of "+domainNames()+")")
	sign := fs.String("sign", "", "sign the bundle with this ed25519 private key (PEM, PKCS#8: openssl genpkey -algorithm ed25519 -out KEYFILE)")
	tlsOpts := registerTLSFlags(fs, "the loopback server the adapter's SDK sends to", "tls-ca.pem in --out")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: shopconform certify --adapter 'COMMAND ARGS' [flags]\n       shopconform certify verify BUNDLE [--key PUBFILE]\n\nThe target defaults to replay (offline, deterministic).\n\nflags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	plan, code := certifyPlan(fs, *adapter, *timeout, *out, *only, *domainList, stderr)
	if code != exitOK {
		return code
	}
	key, err := readSigningKey(*sign)
	if err == nil {
		err = tlsOpts.check()
	}
	if err != nil {
		fmt.Fprintf(stderr, "certify: %v\n", err)
		return exitUsage
	}
	procOpts, err := certifyTLS(tlsOpts, *out, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "certify: %v\n", err)
		return exitFailures
	}
	p, err := certify.Process(*adapter, *timeout, procOpts...)
	if err != nil {
		fmt.Fprintf(stderr, "certify: %v\n", err)
		if errors.Is(err, certify.ErrCommand) {
			return exitUsage
		}
		return exitFailures
	}
	defer p.Close()
	fmt.Fprintf(stdout, "certifying %s %s on %s: %d cases\n", p.SDK().Name, p.SDK().Version, runner.TargetName(*plan.opts.Config), plan.cases)
	prog := &domainProgress{w: stdout, start: time.Now()}
	cert, err := certify.Certify(ctx, p, plan.opts, prog.add)
	if err != nil {
		fmt.Fprintf(stderr, "certify: %v\n", err)
		return exitUsage
	}
	prog.flush()
	writeCertSummary(stdout, cert)
	if err := certify.WriteBundle(*out, cert); err != nil {
		fmt.Fprintf(stderr, "certify: writing the bundle: %v\n", err)
		return exitFailures
	}
	fmt.Fprintf(stdout, "bundle: %s (a reviewer checks it with: shopconform certify verify %s)\n", *out, *out)
	if err := signBundle(*out, key, stdout); err != nil {
		fmt.Fprintf(stderr, "certify: %v\n", err)
		return exitFailures
	}
	if !cert.Certified() {
		return exitFailures
	}
	return exitOK
}

// certPlan is what a certify run will do, checked before the adapter
// starts.
type certPlan struct {
	opts  certify.Options
	cases int
}

// certifyPlan loads the configuration (replay unless told otherwise) and
// the cases, and checks the selection: every mistake is bad usage, found
// before any process starts.
func certifyPlan(fs *flag.FlagSet, adapter string, timeout time.Duration, out, only, domainList string, stderr io.Writer) (certPlan, int) {
	fail := func(format string, args ...any) (certPlan, int) {
		fmt.Fprintf(stderr, "certify: "+format+"\n", args...)
		return certPlan{}, exitUsage
	}
	switch {
	case strings.TrimSpace(adapter) == "":
		return fail("--adapter is required: the command that starts the SDK's adapter, e.g. --adapter 'node adapters/node/adapter.mjs'")
	case timeout <= 0:
		return fail("--timeout %s must be positive", timeout)
	case out == "":
		return fail("--out must name a folder")
	}
	base := runner.DefaultConfig()
	base.Target = runner.TargetReplay
	cfg, err := runner.LoadConfigOver(base, fs, os.LookupEnv)
	if err != nil {
		return fail("%v", err)
	}
	if cfg.Expectations != "" {
		if _, err := expectations.Load(cfg.Expectations); err != nil {
			return fail("%v", err)
		}
	}
	domains, err := parseDomains(domainList)
	if err != nil {
		return fail("%v", err)
	}
	set, problems, code := loadCases(cfg.Fixtures, stderr)
	if code != exitOK {
		return certPlan{}, code
	}
	if len(problems) > 0 {
		reportProblems(stderr, problems)
		return certPlan{}, exitUsage
	}
	var ids []string
	for _, id := range strings.Split(only, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	plan := certPlan{opts: certify.Options{Config: &cfg, Cases: ids}}
	for _, d := range domains {
		plan.opts.Domains = append(plan.opts.Domains, catalog.Domain(d))
	}
	known := map[string]bool{}
	for _, c := range set.Cases {
		known[c.ID] = true
		if (len(ids) == 0 || slices.Contains(ids, c.ID)) && slices.Contains(plan.opts.Domains, c.Domain) {
			plan.cases++
		}
	}
	for _, id := range ids {
		if !known[id] {
			return fail("--run: no case %q (shopconform list names them)", id)
		}
	}
	if plan.cases == 0 {
		return fail("--run and --domains select no case")
	}
	return plan, exitOK
}

// domainProgress prints one line per domain as its last case ends.
type domainProgress struct {
	w      io.Writer
	start  time.Time
	domain string
	counts map[results.Outcome]int
	n      int
}

func (p *domainProgress) add(res *runner.Result) {
	if d := string(res.Case.Domain); d != p.domain {
		p.flush()
		p.domain, p.counts, p.n, p.start = d, map[results.Outcome]int{}, 0, time.Now()
	}
	p.counts[res.Outcome]++
	p.n++
}

func (p *domainProgress) flush() {
	if p.domain == "" {
		return
	}
	var parts []string
	for _, o := range []results.Outcome{results.Pass, results.Fail, results.Error, results.Skipped, results.Inconclusive} {
		if n := p.counts[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, outcomeWord(o)))
		}
	}
	fmt.Fprintf(p.w, "  %-10s %4d cases: %s (%s)\n", p.domain, p.n, strings.Join(parts, ", "), time.Since(p.start).Round(time.Millisecond))
	p.domain = ""
}

func outcomeWord(o results.Outcome) string {
	switch o {
	case results.Pass:
		return "passed"
	case results.Fail:
		return "failed"
	case results.Error:
		return "errors"
	}
	return string(o)
}

// writeCertSummary says what the certificate found: the SDK, the target,
// the cases, how many codes the SDK surfaced exactly, and for each other
// code its verdict and first reason.
func writeCertSummary(w io.Writer, c *certify.Certificate) {
	st := c.Statistics
	fmt.Fprintf(w, "\nSDK:       %s %s\n", c.SDK.Name, c.SDK.Version)
	fmt.Fprintf(w, "target:    %s\n", c.Target)
	fmt.Fprintf(w, "cases:     %d: %d passed, %d failed, %d errors, %d skipped, %d inconclusive\n",
		st.Total, st.Pass, st.Fail, st.Error, st.Skipped, st.Inconclusive)
	if !c.Complete {
		fmt.Fprintln(w, "complete:  no (interrupted: the certificate covers what finished)")
	}
	_, others := c.Exact()
	writeReach(w, c)
	writeVerdicts(w, others)
	writeKnownGaps(w, c)
}

// writeReach says how many of the codes a typed SDK can reach the SDK
// surfaced exactly, and names the raw-wire codes apart: their cases send
// what no typed SDK can, so they are not counted against it.
func writeReach(w io.Writer, c *certify.Certificate) {
	fmt.Fprintf(w, "codes surfaced exactly: %d of %d a typed SDK can reach\n", c.TypedReachable.Reached, c.TypedReachable.Codes)
	var raw []string
	for _, v := range c.RawWire() {
		raw = append(raw, fmt.Sprintf("%d (%d/%d cases passed)", v.Code, v.Passed, v.Cases))
	}
	if len(raw) > 0 {
		fmt.Fprintf(w, "raw-wire, not judged (a typed SDK cannot send their cases): %s\n", strings.Join(raw, ", "))
	}
}

// writeVerdicts lists the codes not surfaced exactly: code, verdict, and
// the first case's reason, on one line each.
func writeVerdicts(w io.Writer, others []certify.CodeVerdict) {
	if len(others) == 0 {
		return
	}
	fmt.Fprintln(w, "not surfaced exactly:")
	for _, v := range others {
		why := ""
		if len(v.Why) > 0 {
			why = firstLine(v.Why[0])
			if r := []rune(why); len(r) > 200 {
				why = string(r[:200]) + "…"
			}
		}
		fmt.Fprintf(w, "  %-8d %-16s %d/%d cases  %s\n", v.Code, v.Verdict, v.Passed, v.Cases, why)
	}
}

// certifyVerifyCmd checks a bundle against its manifest, and its
// signature with --key, and says what it certifies.
func certifyVerifyCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("certify verify", stderr)
	keyFile := fs.String("key", "", "check the bundle's "+certify.Signature+" with this ed25519 public key (PEM, PKIX: openssl pkey -in KEYFILE -pubout -out PUBFILE)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: shopconform certify verify BUNDLE [--key PUBFILE]\n\nChecks every file of the bundle against MANIFEST.sha256, and with --key the manifest's signature, and prints what it certifies; exit 1 if a file or the signature fails.\n\nflags:")
		fs.PrintDefaults()
	}
	positional, code, ok := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if len(positional) != 1 {
		fs.Usage()
		return exitUsage
	}
	dir := positional[0]
	var key ed25519.PublicKey
	if *keyFile != "" {
		var err error
		if key, err = certify.ReadPublicKey(*keyFile); err != nil {
			fmt.Fprintf(stderr, "certify verify: --key: %v\n", err)
			return exitUsage
		}
	}
	cert, err := certify.VerifyBundle(dir)
	signature, sigErr := signatureStatus(dir, key)
	if err = errors.Join(err, sigErr); err != nil {
		fmt.Fprintf(stderr, "certify verify: %s does not verify:\n", dir)
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "  %s\n", line)
		}
		return exitFailures
	}
	st := cert.Statistics
	fmt.Fprintf(stdout, "%s: every file matches %s\n\n", dir, certify.Manifest)
	fmt.Fprintf(stdout, "signature:        %s\n", signature)
	fmt.Fprintf(stdout, "SDK:              %s %s\n", cert.SDK.Name, cert.SDK.Version)
	fmt.Fprintf(stdout, "target:           %s\n", cert.Target)
	fmt.Fprintf(stdout, "harness version:  %s\n", cert.HarnessVersion)
	fmt.Fprintf(stdout, "catalog:          %s\n", cert.CatalogHash)
	fmt.Fprintf(stdout, "certified at:     %s\n", cert.CertifiedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(stdout, "complete:         %s\n", yesNo(cert.Complete))
	fmt.Fprintf(stdout, "cases:            %d: %d passed, %d failed, %d errors, %d skipped, %d inconclusive\n",
		st.Total, st.Pass, st.Fail, st.Error, st.Skipped, st.Inconclusive)
	exact, others := cert.Exact()
	codes := make([]string, len(exact))
	for i, v := range exact {
		codes[i] = fmt.Sprint(v.Code)
	}
	writeReach(stdout, cert)
	if len(codes) > 0 {
		fmt.Fprintf(stdout, "  %s\n", wrap(codes, 100, "  "))
	}
	writeVerdicts(stdout, others)
	writeKnownGaps(stdout, cert)
	return exitOK
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// wrap joins words with ", ", breaking lines before width.
func wrap(words []string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, w := range words {
		if i > 0 {
			b.WriteString(",")
			n++
			if n+len(w)+1 > width {
				b.WriteString("\n" + indent)
				n = 0
			} else {
				b.WriteString(" ")
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
