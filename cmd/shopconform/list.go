package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
)

type listedCase struct {
	ID       string   `json:"id"`
	Domain   string   `json:"domain"`
	Endpoint string   `json:"endpoint"`
	Errcode  int      `json:"errcode"`
	Account  string   `json:"account"`
	Evidence string   `json:"evidence"`
	Labels   []string `json:"labels"`
	Fixture  string   `json:"fixture"`
}

func listCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("list", stderr)
	format := fs.String("format", "text", "output format: text or json")
	dir := fs.String("fixtures", os.Getenv("SHOPCONFORM_FIXTURES"), "a fixtures folder (default: the built-in cases; also SHOPCONFORM_FIXTURES)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !oneOf(fs, "format", *format, "text", "json") {
		return exitUsage
	}
	set, problems, code := loadCases(*dir, stderr)
	if code != exitOK {
		return code
	}
	listed := []listedCase{}
	for _, c := range set.Cases {
		labels := c.Labels
		if labels == nil {
			labels = []string{}
		}
		listed = append(listed, listedCase{c.ID, string(c.Domain), c.Endpoint, int(c.Expect.Errcode), c.Account, string(c.Evidence), labels, c.File})
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(listed); err != nil {
			return exitFailures
		}
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tDOMAIN\tENDPOINT\tERRCODE\tLABELS")
		for _, c := range listed {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", c.ID, c.Domain, c.Endpoint, c.Errcode, strings.Join(c.Labels, ","))
		}
		tw.Flush()
	}
	if len(problems) > 0 {
		reportProblems(stderr, problems)
		return exitUsage
	}
	return exitOK
}
