// Command gen regenerates catalog/codes.go from catalog/data/catalog.json.
// It runs from the catalog directory (go generate ./catalog), so its default
// paths are relative to it.
//
// It reads the data file from disk rather than using catalog.Default: the
// embedded copy is the one being regenerated for, and a broken data file
// should print its findings, not panic.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/catalog/internal/render"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "data/catalog.json", "catalog data to read")
	out := fs.String("out", "codes.go", "Go file to write")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	data, err := os.ReadFile(*in)
	if err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	c, err := catalog.Load(data)
	if err != nil {
		fmt.Fprintf(stderr, "gen: %s is invalid:\n%s\n", *in, prefixLines(*in+":", err.Error()))
		return 1
	}
	src, err := render.Render(c)
	if err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	return 0
}

// prefixLines turns Load's "line:col: ..." findings into "file:line:col: ..."
// so editors can jump to them.
func prefixLines(prefix, s string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		b.WriteString(prefix + strings.TrimSuffix(line, "\n") + "\n")
	}
	return b.String()
}
