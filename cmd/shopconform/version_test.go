package main

import (
	"regexp"
	"testing"
)

func TestVersionIsOneLine(t *testing.T) {
	code, stdout, stderr := runCLI(t, "version")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !regexp.MustCompile(`^shopconform \d+\.\d+\.\d+\S* catalog sha256:[0-9a-f]{64} go\d+\.\d+\S*\n$`).MatchString(stdout) {
		t.Errorf("version printed %q, want one line: shopconform VERSION catalog sha256:HASH goX.Y.Z", stdout)
	}
	if code, _, _ := runCLI(t, "version", "extra"); code != exitUsage {
		t.Errorf("version extra: exit %d, want %d", code, exitUsage)
	}
}
