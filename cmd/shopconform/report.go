package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/wording"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/resultsdiff"
)

// reportCommands are the sub-verbs of `shopconform report`.
func reportCommands() []command {
	return []command{
		{"diff", "compare two results.json files, OLD and NEW; exit 1 when something regressed", reportDiffCmd},
		{"history", "one self-contained HTML page over several results.json files: the runs as columns, each case's outcome in every run", reportHistoryCmd},
		{"merge", "join the reports of the shards of one run (run --shard I/N) into one set of reports; exit 2 when they are not the shards of one run", reportMergeCmd},
	}
}

func reportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return dispatchAmong(ctx, "shopconform report", reportCommands(), args, stdout, stderr)
}

func reportDiffCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report diff", stderr)
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: shopconform report diff [--format text|json] OLD.json NEW.json

Compares two results.json files, the last good run (OLD) and tonight's
(NEW): what regressed, what did not run, errcodes the catalog does not
document, changed answers and outcomes, newly passing, added and removed
cases. A case regressed when it passed in OLD and does not pass in NEW
(another outcome, skipped and inconclusive included, or not run), or when
it is new in NEW and does not pass.

Exit codes: 0 nothing regressed, 1 something regressed, 2 bad usage or a
file that cannot be read or is not a shopconform results.json.

flags:
`)
		fs.PrintDefaults()
	}
	files, code, ok := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if len(files) != 2 {
		fmt.Fprintf(stderr, "%s: want two files, OLD.json and NEW.json; got %d\n", fs.Name(), len(files))
		return exitUsage
	}
	if !oneOf(fs, "format", *format, "text", "json") {
		return exitUsage
	}
	oldRun, oldErr := readResults(fs.Name(), "OLD", files[0], stderr)
	newRun, newErr := readResults(fs.Name(), "NEW", files[1], stderr)
	if oldErr || newErr {
		return exitUsage
	}
	d := resultsdiff.Compare(oldRun, newRun, catalog.Default())
	if *format == "json" {
		doc := struct {
			OldFile string `json:"old_file"`
			NewFile string `json:"new_file"`
			resultsdiff.Diff
		}{files[0], files[1], d}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // reasons quote Gomega's "<int>"
		if err := enc.Encode(doc); err != nil {
			// Not 1: a diff that could not be written is no verdict.
			fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
			return exitUsage
		}
	} else {
		writeDiff(stdout, &d, files[0], files[1])
	}
	if d.HasRegressions() {
		return exitFailures
	}
	return exitOK
}

// parseInterspersed parses flags wherever they stand among the
// positional arguments ("OLD NEW --format json" too) and returns the
// positional ones; everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) (positional []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			return nil, exitUsage, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, 0, true
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), 0, true
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// readResults reads and checks one results.json; on failure it says why,
// naming the file, and reports false.
func readResults(verb, label, path string, stderr io.Writer) (*results.Report, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		fmt.Fprintf(stderr, "%s: %s file %s: cannot read it: %v\n", verb, label, path, err)
		return nil, true
	}
	r, err := resultsdiff.Decode(path, data)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s file %s is not a usable shopconform results.json:\n", verb, label, path)
		for line := range strings.SplitSeq(err.Error(), "\n") {
			fmt.Fprintln(stderr, "  "+line)
		}
		return nil, true
	}
	return r, false
}

// writeDiff prints the diff for people: the counts, both runs, the notes,
// then one section per non-empty list, tonight's problems first.
func writeDiff(w io.Writer, d *resultsdiff.Diff, oldFile, newFile string) {
	c := d.Counts
	fmt.Fprintf(w, "%d regressed, %d not run, %s (%s), %d errcode changed, %d outcome changed, %d newly passing, %d added, %d removed, %d unchanged\n",
		c.Regressed, c.NotRun, wording.Count(c.Undocumented, "undocumented errcode"), wording.Count(c.UndocumentedCases, "case"),
		c.ErrcodeChanged, c.OutcomeChanged, c.NewlyPassing, c.Added, c.Removed, c.Unchanged)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "OLD\t%s\t%s\n", oldFile, describeRun(d.Old))
	fmt.Fprintf(tw, "NEW\t%s\t%s\n", newFile, describeRun(d.New))
	tw.Flush()
	for _, n := range d.Notes {
		fmt.Fprintln(w, "note: "+n)
	}
	entries := func(title, absentNew string, es []resultsdiff.Entry) {
		if len(es) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d)\n", title, len(es))
		writeEntries(w, "  ", absentNew, es)
	}
	entries("REGRESSED: passed in OLD and not in NEW, or new and not passing", "not run", d.Regressed)
	entries("NOT RUN: in OLD, but NEW's suite for them did not report", "not run", d.NotRun)
	if len(d.Undocumented) > 0 {
		fmt.Fprintf(w, "\nUNDOCUMENTED ERRCODES: answered in NEW, not in the catalog (%s, %s)\n", wording.Count(c.Undocumented, "code"), wording.Count(c.UndocumentedCases, "case"))
		for _, u := range d.Undocumented {
			since := "new in NEW"
			if u.InOld {
				since = "seen in OLD too"
			}
			fmt.Fprintf(w, "  %d, %s, %s:\n", u.Code, since, wording.Count(len(u.Cases), "case"))
			writeEntries(w, "    ", "", u.Cases)
		}
	}
	entries("ERRCODE CHANGED: same outcome, another errcode", "", d.ErrcodeChanged)
	entries("OUTCOME CHANGED: passing in neither run, another outcome", "", d.OutcomeChanged)
	entries("NEWLY PASSING", "", d.NewlyPassing)
	entries("ADDED", "", d.Added)
	entries("REMOVED: no longer in NEW", "removed", d.Removed)
	if c.Regressed+c.NotRun+c.Undocumented+c.ErrcodeChanged+c.OutcomeChanged+c.NewlyPassing+c.Added+c.Removed == 0 {
		fmt.Fprintln(w, "\nno differences")
	}
}

func describeRun(r resultsdiff.Run) string {
	s := fmt.Sprintf("%s, harness %s, started %s, %s", r.Target, r.HarnessVersion, r.StartedAt.UTC().Format(time.RFC3339), wording.Count(r.Statistics.Total, "case"))
	var parts []string
	st := r.Statistics
	for _, p := range []struct {
		n    int
		name string
	}{{st.Pass, "pass"}, {st.Fail, "fail"}, {st.Error, "error"}, {st.Inconclusive, "inconclusive"}, {st.Skipped, "skipped"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	if !r.Complete {
		s += " (incomplete)"
	}
	return s
}

// writeEntries prints one table row per case; absentNew names what a case
// missing from NEW is in this list.
func writeEntries(w io.Writer, indent, absentNew string, es []resultsdiff.Entry) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	reasons := slices.ContainsFunc(es, func(e resultsdiff.Entry) bool { return e.Reason != "" })
	fmt.Fprintf(tw, "%sID\tDOMAIN\tENDPOINT\tOUTCOME\tERRCODE\tEXPECTED", indent)
	if reasons {
		fmt.Fprint(tw, "\tREASON")
	}
	fmt.Fprintln(tw)
	for _, e := range es {
		outcome := side(string(e.OldOutcome), "new") + " → " + side(string(e.NewOutcome), absentNew)
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%d", indent, e.ID, e.Domain, e.Endpoint, outcome, errcodes(e), e.ExpectedErrcode)
		if e.Reason != "" {
			fmt.Fprint(tw, "\t"+wording.OneLine(e.Reason, 120))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

func side(outcome, absent string) string {
	if outcome == "" {
		return "(" + absent + ")"
	}
	return outcome
}

// errcodes shows the answers: "40066 → 47001", "none → 47001", "47001".
func errcodes(e resultsdiff.Entry) string {
	code := func(p *int, outcome results.Outcome) string {
		switch {
		case outcome == "":
			return "-"
		case p == nil:
			return "none"
		}
		return strconv.Itoa(*p)
	}
	o, n := code(e.OldErrcode, e.OldOutcome), code(e.NewErrcode, e.NewOutcome)
	if o == n {
		return n
	}
	return o + " → " + n
}
