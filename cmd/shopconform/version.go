package main

import (
	"context"
	"fmt"
	"io"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/version"
)

// versionCmd prints one line: `shopconform VERSION catalog sha256:HASH
// goX.Y.Z`. VERSION is version.Harness, the same every report of this
// binary records as its harness version.
func versionCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", stderr)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	fmt.Fprintln(stdout, versionLine())
	return exitOK
}

func versionLine() string {
	return fmt.Sprintf("shopconform %s catalog %s %s", version.Harness, catalog.Default().Hash(), version.Go)
}
