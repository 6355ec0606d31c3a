package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
)

func lintCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("lint", stderr)
	dir := fs.String("fixtures", os.Getenv("SHOPCONFORM_FIXTURES"), "a fixtures folder (default: the built-in cases; also SHOPCONFORM_FIXTURES)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	set, problems, code := loadCases(*dir, stderr)
	if code != exitOK {
		return code
	}
	if len(problems) > 0 {
		reportProblems(stderr, problems)
		return exitUsage
	}
	domains := map[catalog.Domain]bool{}
	for _, c := range set.Cases {
		domains[c.Domain] = true
	}
	fmt.Fprintf(stdout, "ok: %d cases in %d domains\n", len(set.Cases), len(domains))
	return exitOK
}

// loadCases reads the built-in cases or those of dir.
func loadCases(dir string, stderr io.Writer) (*fixtures.Set, []fixtures.Problem, int) {
	src := fixtures.Embedded()
	if dir != "" {
		info, err := os.Stat(dir)
		if err != nil || !info.IsDir() {
			fmt.Fprintf(stderr, "fixtures folder %q: not a readable directory\n", dir)
			return nil, nil, exitUsage
		}
		src = fixtures.Dir(dir)
	}
	set, problems := fixtures.Load(src, catalog.Default())
	return set, problems, exitOK
}

// reportProblems prints every finding under one heading.
func reportProblems(w io.Writer, problems []fixtures.Problem) {
	files := map[string]bool{}
	for _, p := range problems {
		files[p.File] = true
	}
	fmt.Fprintf(w, "%d problem(s) in %d fixture file(s):\n", len(problems), len(files))
	for _, p := range problems {
		fmt.Fprintln(w, "  "+p.Error())
	}
}
