// Command findings certifies silenceper/wechat/v2 through the adapter and
// writes FINDINGS.md from the certificates:
//
//	cd adapters/silenceper && go run ./cmd/findings
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/shopconform/shopconform/adapters/silenceper"
)

func main() {
	out := flag.String("o", "FINDINGS.md", "the file to write (- for standard output)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "findings:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	var runs []silenceper.Run
	for _, spec := range silenceper.Specs {
		r, err := silenceper.Certify(context.Background(), spec, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", spec.Name, err)
		}
		runs = append(runs, r)
	}
	var buf bytes.Buffer
	if err := silenceper.RenderFindings(&buf, runs); err != nil {
		return err
	}
	if out == "-" {
		_, err := os.Stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}
