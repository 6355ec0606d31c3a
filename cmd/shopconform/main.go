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
		{"record", "record what a target answers to every case into cassettes; --check reports drift", recordCmd},
		{"lint", "check every fixture; exit 2 with file:line:col messages", lintCmd},
		{"list", "list the cases (id, domain, endpoint, errcode, labels)", listCmd},
		{"catalog", "print the errcode catalog", catalogCmd},
		{"spec", "render the API spec: OpenAPI 3.1 (default), the model as JSON, or the API notes in Markdown", specCmd},
		{"report", "compare reports: 'report diff OLD.json NEW.json' exits 1 when something regressed; 'report merge --out DIR SHARD...' joins shards", reportCmd},
		{"certify", "run every case through an SDK's adapter process and write a certificate bundle; 'certify verify BUNDLE' checks one", certifyCmd},
		{"fuzz", "send invalid requests derived from every valid case and the spec; write fuzz.json; exit 1 when an answer is one the spec does not allow", fuzzCmd},
		{"janitor", "remove what a crashed run left on a sandbox target (--run RUNID or --all-runs)", janitorCmd},
		{"version", "print the harness version, the catalog hash and the Go version on one line", versionCmd},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == procsVerb { // a child of `run --procs`, not for users
		return procCmd(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-version") {
		return versionCmd(ctx, nil, stdout, stderr)
	}
	return dispatchAmong(ctx, "shopconform", commands(), args, stdout, stderr)
}

// dispatchAmong runs the command args[0] names among cmds: the verbs, or
// the sub-verbs of one (report). No name is bad usage; help is not.
func dispatchAmong(ctx context.Context, program string, cmds []command, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, program, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range cmds {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "%s: unknown command %q\n\n", program, args[0])
	usage(stderr, program, cmds)
	return exitUsage
}

func usage(w io.Writer, program string, cmds []command) {
	fmt.Fprintf(w, "usage: %s <command> [flags]\n\ncommands:\n", program)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun '%s <command> -h' for a command's flags.\n", program)
}
