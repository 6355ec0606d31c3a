package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunWritesCodes(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "codes.go")
	var stderr bytes.Buffer
	if code := run([]string{"-in", "../../data/catalog.json", "-out", out}, &stderr); code != 0 {
		t.Fatalf("run = %d, stderr:\n%s", code, stderr.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../codes.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the generator's output differs from catalog/codes.go: run go generate ./catalog")
	}
}

func TestRunReportsBadDataWithPositions(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "catalog.json")
	if err := os.WriteFile(in, []byte("{\"entries\": [\n{\"code\": 1, \"nme\": \"X\"}\n]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "codes.go")
	var stderr bytes.Buffer
	if code := run([]string{"-in", in, "-out", out}, &stderr); code != 1 {
		t.Errorf("run = %d, want 1", code)
	}
	if want := in + `:2:13: code 1: unknown field "nme"`; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr does not contain %q:\n%s", want, stderr.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("run wrote %s from invalid data", out)
	}
}
