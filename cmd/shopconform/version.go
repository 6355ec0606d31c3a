package main

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/version"
)

// versionCmd prints one line: the harness release, the catalog's hash and
// the Go release the binary was built with.
func versionCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", stderr)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	fmt.Fprintf(stdout, "shopconform %s catalog %s %s\n", version.Harness, catalog.Default().Hash(), runtime.Version())
	return exitOK
}
