package htmlreport

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/htmlquery"
)

// TestRendersInHeadlessChromium opens the page from disk in a real browser
// with networking switched off as far as the flags allow, and reads back the
// DOM after the script ran: the matrix and a transcript are there, the
// script un-hid the filters (so it ran to the end), and the console shows
// no script error. It needs `chromium` on PATH and skips otherwise.
func TestRendersInHeadlessChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not on PATH")
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var buf bytes.Buffer
	if err := Write(&buf, sampleReport(), catalog.Default()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// The profile lives outside t.TempDir: Chromium's helpers can still be
	// writing to it when the test ends, and a failed cleanup of a scratch
	// profile must not fail the test.
	profile, err := os.MkdirTemp("", "shopconform-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profile)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--user-data-dir="+profile, "--enable-logging=stderr", "--v=0",
		"--dump-dom", "file://"+page)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "CONSOLE") && (strings.Contains(line, "Uncaught") || strings.Contains(line, "Error")) {
			t.Errorf("script error in the browser: %s", line)
		}
	}
	doc, err := html.Parse(&stdout)
	if err != nil {
		t.Fatal(err)
	}
	byID := func(id string) *html.Node {
		nodes := htmlquery.FindAll(doc, htmlquery.ByID(id))
		if len(nodes) != 1 {
			t.Fatalf("the browser's DOM has %d #%s", len(nodes), id)
		}
		return nodes[0]
	}
	if got, want := len(htmlquery.FindAll(byID("matrix"), htmlquery.ByClass("cell"))), len(catalog.Default().Entries()); got != want {
		t.Errorf("matrix has %d cells in the browser, want %d", got, want)
	}
	if len(htmlquery.FindAll(doc, htmlquery.ByClass("transcript"))) == 0 {
		t.Error("no transcript in the browser's DOM")
	}
	if _, hidden := htmlquery.Attr(byID("filters"), "hidden"); hidden {
		t.Error("the filter form is still hidden: the script did not run to the end")
	}
	if got := htmlquery.Text(byID("shown")); got != "6 of 6 cases shown" {
		t.Errorf("filter count %q", got)
	}
	if len(htmlquery.FindAll(doc, htmlquery.ByClass("copy"))) == 0 {
		t.Error("the script added no copy buttons")
	}
}
