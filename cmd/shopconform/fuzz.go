package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fuzz"
	"github.com/shopconform/shopconform/fuzz/report"
	"github.com/shopconform/shopconform/internal/wording"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/accounts"
	"github.com/shopconform/shopconform/runner/htmlreport"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/secretgate"
)

// fuzzCmd runs a fuzzing campaign on the configured target and writes
// fuzz.json; report.html beside a results.json gains its Fuzzing section.
func fuzzCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("fuzz", stderr)
	runner.RegisterFlags(fs)
	seedFlag := fs.String("seed", "", "the campaign's seed, a whole number: the same seed repeats a campaign on the reference target (default: a random one, printed)")
	out := fs.String("out", "", "the folder fuzz.json goes to (default: the report folder, SHOPCONFORM_REPORT_DIR or --report-dir)")
	emit := fs.String("emit-cases", "", "write each finding as a case file under this folder (DIR/<domain>/<id>.json), ready for --fixtures or fixtures/")
	ops := fs.String("operators", "", "comma-separated operators to use (default: all): "+strings.Join(fuzz.Operators(), ", "))
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: shopconform fuzz [flags]\n\nInvalid requests derived from every valid case, one broken rule each; --budget counts every request (0: one pass over every mutation). Exit 0 no finding, 1 findings, 2 bad usage, 3 target unreachable.\n\nOperators:\n")
		for _, line := range fuzz.Describe() {
			fmt.Fprintf(fs.Output(), "  %s\n", line)
		}
		fmt.Fprintln(fs.Output(), "\nFlags:")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	cfg, err := runner.LoadConfig(fs, os.LookupEnv)
	if err == nil && cfg.Target == runner.TargetReplay {
		err = errors.New("target replay answers only the requests its cassettes recorded: fuzz the reference target or a sandbox")
	}
	if err == nil && cfg.Fixtures != "" {
		if info, serr := os.Stat(cfg.Fixtures); serr != nil || !info.IsDir() {
			err = fmt.Errorf("fixtures folder %q (SHOPCONFORM_FIXTURES or --fixtures) is not a folder here", cfg.Fixtures)
		}
	}
	seed := rand.Uint64()
	if err == nil && *seedFlag != "" {
		if seed, err = strconv.ParseUint(*seedFlag, 10, 64); err != nil {
			err = fmt.Errorf("--seed %q is not a whole number ≥ 0", *seedFlag)
		}
	}
	opts := fuzz.Options{Config: cfg, Seed: seed, Budget: cfg.Budget, Progress: stderr, EmitCases: *emit}
	if err == nil && *ops != "" {
		opts.Operators = strings.Split(*ops, ",")
	}
	if err != nil {
		fmt.Fprintf(stderr, "fuzz: configuration error: %v\n", err)
		return exitUsage
	}
	dir := *out
	if dir == "" {
		dir = cfg.ReportDir
	}
	if err := preflight(ctx, cfg, stderr); err != nil {
		fmt.Fprintf(stderr, "fuzz: %v\n", err)
		if ctx.Err() != nil {
			return exitFailures
		}
		return exitUnreachable
	}
	accts, _ := accounts.Read(cfg.Accounts) // read by the target already; nil without one
	if cfg.Target == runner.TargetReference {
		if opts.Target, err = fuzz.Reference(seed, refsandbox.Options{}); err != nil {
			fmt.Fprintf(stderr, "fuzz: %v\n", err)
			return exitFailures
		}
		defer opts.Target.Close()
		accts = opts.Target.Accounts
	}
	fmt.Fprintf(stderr, "fuzz: seed %d on %s (repeat with --seed %d)\n", seed, runner.TargetName(cfg), seed)
	rep, err := fuzz.Run(ctx, opts)
	if rep == nil {
		fmt.Fprintf(stderr, "fuzz: %v\n", err)
		return exitUsage // the fixtures or the operators, before any request
	}
	if werr := writeFuzz(dir, rep); werr != nil {
		fmt.Fprintf(stderr, "fuzz: writing %s: %v\n", dir, werr)
		return exitFailures
	}
	leaked := gateFuzz(stderr, secretsOf(accts), dir, *emit)
	printFuzz(stdout, rep, dir)
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "fuzz: interrupted: fuzz.json covers what finished")
		return exitFailures
	case err != nil:
		fmt.Fprintf(stderr, "fuzz: %v\n", err)
		return exitFailures
	case leaked || len(rep.Findings) > 0:
		return exitFailures
	}
	return exitOK
}

// writeFuzz writes dir/fuzz.json, and renders dir/report.html again when
// dir holds a run's results.json, so that it shows the campaign too.
func writeFuzz(dir string, rep *report.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := rep.Write(filepath.Join(dir, report.FileName)); err != nil {
		return err
	}
	run, err := results.ReadReport(filepath.Join(dir, "results.json"))
	if err != nil {
		return nil // no run here: fuzz.json stands alone
	}
	var buf bytes.Buffer
	if err := htmlreport.Write(&buf, run, catalog.Default(), htmlreport.WithFuzz(rep)); err != nil {
		return err
	}
	return results.WriteFileAtomic(filepath.Join(dir, "report.html"), buf.Bytes())
}

// fuzzSection is the Fuzzing section of a report folder's report.html:
// its fuzz.json, when there is one that reads.
func fuzzSection(dir string) []htmlreport.Option {
	f, err := report.Read(filepath.Join(dir, report.FileName))
	if err != nil {
		return nil
	}
	return []htmlreport.Option{htmlreport.WithFuzz(f)}
}

// gateFuzz scans what the campaign wrote for the secrets of the accounts
// it knows; each runner masked what it sent, the accounts minted for
// single mutations included.
func gateFuzz(stderr io.Writer, secrets []string, dirs ...string) (leaked bool) {
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		removed, err := secretgate.Scan(dir, secrets)
		if err != nil {
			fmt.Fprintf(stderr, "fuzz: the secret gate: %v\n", err)
			leaked = true
		}
		for _, f := range removed {
			fmt.Fprintf(stderr, "fuzz: removed %s: it held an app secret or an access token\n", f)
			leaked = true
		}
	}
	return leaked
}

// secretsOf are the secrets of an accounts file: the profiles' and the
// control token.
func secretsOf(f *accounts.File) []string {
	if f == nil {
		return nil
	}
	var out []string
	for _, c := range f.Profiles {
		out = append(out, c.Secret, c.AccessToken)
	}
	if f.Control != nil {
		out = append(out, f.Control.Token)
	}
	return out
}

func printFuzz(w io.Writer, rep *report.Report, dir string) {
	fmt.Fprintf(w, "\nshopconform fuzz on %s, seed %d: %d requests, %d endpoints mutated, %s\n",
		rep.Target, rep.Seed, rep.Requests, len(rep.Endpoints), wording.Count(len(rep.Findings), "finding"))
	for i, f := range rep.Findings {
		if i == maxListed {
			fmt.Fprintf(w, "  … and %d more\n", len(rep.Findings)-maxListed)
			break
		}
		got := "no errcode"
		if f.Errcode != nil {
			got = "errcode " + strconv.Itoa(*f.Errcode)
		}
		fmt.Fprintf(w, "  %s %s %s: %s (%s)\n", strings.ToUpper(string(f.Kind)), f.Endpoint, f.Operator, got, f.Field)
	}
	fmt.Fprintf(w, "report: %s\n", filepath.Join(dir, report.FileName))
}
