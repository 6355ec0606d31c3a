package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/janitor"
)

// janitorCmd removes what a crashed run left on a sandbox target: the
// products, coupons and unpaid orders whose ids carry a run prefix.
func janitorCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("janitor", stderr)
	runner.RegisterFlags(fs)
	run := fs.String("run", "", "remove what run RUNID left behind (sc and 10 hex digits, the prefix of its ids)")
	allRuns := fs.Bool("all-runs", false, "remove what any run left behind: every id that starts with sc, 10 hex digits and -")
	dryRun := fs.Bool("dry-run", false, "list what would be removed, change nothing")
	profiles := fs.String("profiles", "", "comma-separated account profiles to clean (default: every profile of the accounts file)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	var sel janitor.Selector
	switch {
	case *run != "" && *allRuns:
		fmt.Fprintln(stderr, "janitor: give --run RUNID or --all-runs, not both")
		return exitUsage
	case *run != "":
		var err error
		if sel, err = janitor.ForRun(*run); err != nil {
			fmt.Fprintf(stderr, "janitor: --run %v\n", err)
			return exitUsage
		}
	case *allRuns:
		sel = janitor.AllRuns()
	default:
		fmt.Fprintln(stderr, "janitor: say whose leftovers to remove: --run RUNID (one run) or --all-runs")
		return exitUsage
	}
	cfg, err := runner.LoadConfig(fs, os.LookupEnv)
	if err != nil {
		fmt.Fprintf(stderr, "janitor: %v\n", err)
		return exitUsage
	}
	if cfg.Target != runner.TargetSandbox {
		// The reference target is a sandbox made afresh for each process,
		// and replay answers from cassettes: neither keeps what a run left.
		fmt.Fprintf(stderr, "janitor: the %s target has nothing to clean: it keeps no state between runs. "+
			"The janitor is for sandbox targets: --target sandbox with --base-url and --accounts (or SHOPCONFORM_TARGET, SHOPCONFORM_BASE_URL, SHOPCONFORM_ACCOUNTS)\n", cfg.Target)
		return exitUsage
	}
	target, err := runner.OpenTarget(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "janitor: %v\n", err)
		return exitUsage
	}
	defer target.Close()
	names := target.Accounts.Names()
	if *profiles != "" {
		names = nil
		for _, p := range strings.Split(*profiles, ",") {
			p = strings.TrimSpace(p)
			if _, ok := target.Accounts.Profiles[p]; !ok {
				fmt.Fprintf(stderr, "janitor: --profiles: the accounts file has no profile %q (it has %s)\n", p, strings.Join(target.Accounts.Names(), ", "))
				return exitUsage
			}
			names = append(names, p)
		}
	}
	r := runner.New(cfg, target, runner.NewRunID())
	rep := janitor.Clean(ctx, r, janitor.Options{Profiles: names, Select: sel, DryRun: *dryRun, Out: stdout})
	fmt.Fprintf(stdout, "janitor on %s: %s\n", target.Name, rep.Summary(sel, *dryRun))
	if !rep.OK() {
		return exitFailures
	}
	return exitOK
}
