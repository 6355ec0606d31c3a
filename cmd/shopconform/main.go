// Command shopconform is the conformance harness's command line: it serves
// the reference sandbox, checks and lists cases, prints the catalog, and
// runs the suites.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes shared by every verb.
const (
	exitOK       = 0
	exitFailures = 1 // the run finished and something failed
	exitUsage    = 2 // bad flags, bad configuration or malformed fixtures
	// exitUnreachable: the target could not be reached (or is the wrong
	// version) before any case ran; the reports say so.
	exitUnreachable = 3
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"run", "run every domain suite on the configured target and write the reports", runCmd},
		{"serve", "serve the reference sandbox over HTTP on loopback", serveCmd},
		{"lint", "check every fixture; exit 2 with file:line:col messages", lintCmd},
		{"list", "list the cases (id, domain, endpoint, errcode, labels)", listCmd},
		{"catalog", "print the errcode catalog", catalogCmd},
		{"janitor", "remove what a crashed run left on a sandbox target (--run RUNID or --all-runs)", janitorCmd},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "shopconform: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: shopconform <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'shopconform <command> -h' for a command's flags.")
}
