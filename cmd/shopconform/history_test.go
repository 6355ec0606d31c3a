package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// historyInputs are two nights, given newest first.
func historyInputs(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, f := range []string{diffData + "regression/new.json", diffData + "regression/old.json"} {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, abs)
	}
	return files
}

// runColumns reads the page's run columns: their files, in column order.
func runColumns(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no page: %v", err)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not HTML: %v", err)
	}
	var files []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "th" {
			var class, title string
			for _, a := range n.Attr {
				switch a.Key {
				case "class":
					class = a.Val
				case "title":
					title = a.Val
				}
			}
			if class == "run" {
				files = append(files, title)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return files
}

func TestReportHistoryWritesHistoryHTMLByDefault(t *testing.T) {
	files := historyInputs(t)
	dir := t.TempDir()
	t.Chdir(dir)
	code, stdout, stderr := runCLI(t, append([]string{"report", "history"}, files...)...)
	if code != exitOK {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitOK, stdout, stderr)
	}
	if stdout != "wrote history.html: 2 runs, 6 cases, 5 changed\n" || stderr != "" {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	// Given newest first, shown oldest first.
	if got := runColumns(t, filepath.Join(dir, "history.html")); len(got) != 2 || got[0] != files[1] || got[1] != files[0] {
		t.Errorf("columns %v, want the old night first", got)
	}
}

func TestReportHistoryOutAnywhereAmongTheFiles(t *testing.T) {
	files := historyInputs(t)
	out := filepath.Join(t.TempDir(), "site", "nightly", "index.html")
	code, stdout, stderr := runCLI(t, "report", "history", files[0], "--out", out, files[1])
	if code != exitOK {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitOK, stdout, stderr)
	}
	if !strings.HasPrefix(stdout, "wrote "+out+": 2 runs") {
		t.Errorf("stdout %q", stdout)
	}
	if got := runColumns(t, out); len(got) != 2 {
		t.Errorf("columns %v", got)
	}
	if _, err := os.Stat("history.html"); err == nil {
		t.Error("history.html written although --out names another page")
	}
}

func TestReportHistoryNamesEveryBadFile(t *testing.T) {
	files := historyInputs(t)
	out := filepath.Join(t.TempDir(), "history.html")
	code, stdout, stderr := runCLI(t, "report", "history", "--out", out,
		files[0], diffData+"bad/not-results.json", diffData+"nope.json", diffData+"bad/future-schema.json", files[1])
	if code != exitUsage {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitUsage, stdout, stderr)
	}
	want := []string{
		"report history: results file testdata/resultsdiff/bad/not-results.json is not a usable shopconform results.json:\n" +
			"  testdata/resultsdiff/bad/not-results.json:1:1: no kind and no schema_version: not a shopconform results.json",
		"report history: results file testdata/resultsdiff/nope.json: cannot read it: no such file or directory\n",
		"report history: results file testdata/resultsdiff/bad/future-schema.json is not a usable shopconform results.json:\n" +
			`  testdata/resultsdiff/bad/future-schema.json:2:21: schema_version "shopconform.results/v2"`,
	}
	last := -1
	for _, w := range want {
		i := strings.Index(stderr, w)
		if i < 0 {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
			continue
		}
		if i < last {
			t.Errorf("%q is out of argument order", w)
		}
		last = i
	}
	if strings.Contains(stderr, "regression/") {
		t.Errorf("a good file is blamed:\n%s", stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a page was written from bad input")
	}
	if stdout != "" {
		t.Errorf("stdout %q", stdout)
	}
}

func TestReportHistoryUsage(t *testing.T) {
	files := historyInputs(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no files", nil, exitUsage, "want one or more results.json files; got none"},
		{"only a flag", []string{"--out", "x.html"}, exitUsage, "got none"},
		{"unknown flag", []string{"--format", "json", files[0]}, exitUsage, "flag provided but not defined: -format"},
		{"empty --out", []string{"--out", "", files[0]}, exitUsage, "--out is empty"},
		{"--out without a value", []string{files[0], "--out"}, exitUsage, "flag needs an argument: -out"},
		{"help", []string{"-h"}, exitOK, "usage: shopconform report history [--out FILE] RESULTS.json..."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir()) // nothing may land in the package folder
			code, _, stderr := runCLI(t, append([]string{"report", "history"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want %d; stderr lacks %q:\n%s", code, tc.code, tc.want, stderr)
			}
			if _, err := os.Stat("history.html"); err == nil {
				t.Error("a page was written")
			}
		})
	}
}

func TestReportHistoryUnwritableOut(t *testing.T) {
	files := historyInputs(t)
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "report", "history", "--out", dir, files[0])
	if code != exitUsage || !strings.Contains(stderr, "--out "+dir+" is a folder") {
		t.Errorf("exit %d, want %d naming --out:\n%s", code, exitUsage, stderr)
	}
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(blocker, "history.html") // under a file, not a folder
	code, _, stderr = runCLI(t, "report", "history", "--out", out, files[0])
	if code != exitUsage || !strings.Contains(stderr, "cannot write --out "+out) {
		t.Errorf("exit %d, want %d naming --out:\n%s", code, exitUsage, stderr)
	}
}
