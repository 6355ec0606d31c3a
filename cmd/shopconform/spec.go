package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/apidoc"
	"github.com/shopconform/shopconform/apispec/openapi"
	"github.com/shopconform/shopconform/catalog"
)

// specCmd renders the API spec: as an OpenAPI 3.1 document (with the
// reference sandbox's control API), as the model itself in JSON, or as the
// API notes in Markdown (apispec/API.md).
func specCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("spec", stderr)
	format := fs.String("format", "openapi", "output format: openapi (OpenAPI 3.1 JSON, with the sandbox's control API), json (the spec model) or markdown (the API notes)")
	out := fs.String("out", "", "write to this file instead of stdout")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !oneOf(fs, "format", *format, "openapi", "json", "markdown") {
		return exitUsage
	}
	spec, err := apispec.Default()
	if err != nil {
		fmt.Fprintln(stderr, "spec: the embedded spec does not load:\n"+err.Error())
		return exitFailures
	}
	cat := catalog.Default()
	var data []byte
	switch *format {
	case "openapi":
		// The reference sandbox's control API joins the vendor's API: it
		// is how a test sets up the state its calls presuppose.
		var control openapi.PathGroup
		if control, err = openapi.Control(spec); err == nil {
			data, err = openapi.Render(spec, cat, openapi.Options{Extra: []openapi.PathGroup{control}})
		}
	case "json":
		data, err = apidoc.JSON(spec, cat)
	case "markdown":
		data, err = apidoc.Markdown(spec, cat)
	}
	if err != nil {
		fmt.Fprintln(stderr, "spec:", err)
		return exitFailures
	}
	if *out == "" {
		if _, err := stdout.Write(data); err != nil {
			fmt.Fprintln(stderr, "spec:", err)
			return exitFailures
		}
		return exitOK
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(stderr, "spec: --out:", err)
		return exitFailures
	}
	return exitOK
}
