package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/wording"
	"github.com/shopconform/shopconform/runner/history"
	"github.com/shopconform/shopconform/runner/results"
)

// reportHistoryCmd renders several results.json files as one page: the
// runs as columns, every case's outcome in each.
func reportHistoryCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report history", stderr)
	out := fs.String("out", "history.html", "the page to write")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: shopconform report history [--out FILE] RESULTS.json...

Writes one self-contained HTML page (it loads nothing from elsewhere) over
the results.json files given (the nightlies, say): the runs as columns,
ordered by their start time whatever the order of the arguments, and for
each documented code the cases that expect it, with their outcome in every
run (absent from a run: "not run"), the run in which each first failed, how
often it passed only after a retry, and each change of the errcode it was
answered. A "changed only" switch hides the rest.

Exit codes: 0 the page was written; 2 bad usage, no file, a file that
cannot be read or is not a shopconform results.json (each is named), or a
page that cannot be written.

flags:
`)
		fs.PrintDefaults()
	}
	files, code, ok := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "%s: want one or more results.json files; got none\n", fs.Name())
		return exitUsage
	}
	if *out == "" {
		fmt.Fprintf(stderr, "%s: --out is empty: name the page to write\n", fs.Name())
		return exitUsage
	}
	if info, err := os.Stat(*out); err == nil && info.IsDir() {
		fmt.Fprintf(stderr, "%s: --out %s is a folder: name the page to write (%s)\n", fs.Name(), *out, filepath.Join(*out, "history.html"))
		return exitUsage
	}
	// Each file's messages are kept apart and printed in argument order,
	// as the files are read side by side.
	inputs, err := history.ReadFiles(files, func(path string) (*results.Report, error) {
		var msg strings.Builder
		rep, bad := readResults(fs.Name(), "results", path, &msg)
		if bad {
			return nil, errors.New(strings.TrimSuffix(msg.String(), "\n"))
		}
		return rep, nil
	})
	if err != nil {
		fmt.Fprintln(stderr, err) // every bad file, one after the other
		return exitUsage
	}
	h := history.Build(inputs, catalog.Default())
	var page bytes.Buffer
	if err := history.Write(&page, h); err != nil {
		fmt.Fprintf(stderr, "%s: rendering the page: %v\n", fs.Name(), err)
		return exitUsage
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		fmt.Fprintf(stderr, "%s: cannot write --out %s: %v\n", fs.Name(), *out, err)
		return exitUsage
	}
	if err := results.WriteFileAtomic(*out, page.Bytes()); err != nil {
		fmt.Fprintf(stderr, "%s: cannot write --out %s: %v\n", fs.Name(), *out, err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "wrote %s: %s, %s, %d changed\n", *out, wording.Count(len(h.Runs), "run"), wording.Count(h.Cases, "case"), h.Changed)
	return exitOK
}
