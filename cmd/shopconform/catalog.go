package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/shopconform/shopconform/catalog"
)

func catalogCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("catalog", stderr)
	format := fs.String("format", "text", "output format: text or json")
	domain := fs.String("domain", "", "only this domain")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !oneOf(fs, "format", *format, "text", "json") {
		return exitUsage
	}
	cat := catalog.Default()
	entries := cat.Entries()
	if *domain != "" {
		d, ok := catalog.ParseDomain(*domain)
		if !ok {
			fmt.Fprintf(stderr, "catalog: --domain %q is not one of %s\n", *domain, domainNames())
			return exitUsage
		}
		entries = cat.InDomain(d)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"hash": cat.Hash(), "entries": entries}); err != nil {
			fmt.Fprintln(stderr, "catalog:", err)
			return exitFailures
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tDOMAIN\tEVIDENCE\tLIVE\tMEANING")
	for _, e := range entries {
		live := "yes"
		if !e.Live.Triggerable {
			live = "no"
		}
		meaning := e.Meaning
		if e.Platform {
			meaning += " [platform]"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", e.Code, e.Domain, e.Evidence, live, meaning)
	}
	if err := tw.Flush(); err != nil {
		return exitFailures
	}
	fmt.Fprintf(stdout, "\n%d codes, catalog %s\n", len(entries), cat.Hash())
	return exitOK
}

func domainNames() string {
	s := ""
	for i, d := range catalog.Domains() {
		if i > 0 {
			s += ", "
		}
		s += string(d)
	}
	return s
}
