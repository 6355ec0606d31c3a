package conformance_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// ginkgoSuiteRE is how the ginkgo CLI (v2.34.0,
// ginkgo/internal/test_suite.go, filesHaveGinkgoSuite) tells a Ginkgo
// suite from a package of plain Go tests: one of its _test.go files
// contains a match. The pattern is assembled from pieces so that this file
// does not match it itself.
var ginkgoSuiteRE = func() *regexp.Regexp {
	const slash, quote, name = "/", `"`, "ginkgo"
	return regexp.MustCompile(strings.Join([]string{
		regexp.QuoteMeta("package " + name),
		regexp.QuoteMeta(slash + name + quote),
		regexp.QuoteMeta(slash + name + slash + "v2" + quote),
		regexp.QuoteMeta(slash + name + slash + "v2" + slash + "dsl" + slash),
	}, "|"))
}()

// TestOnlyTheDomainSuitesAreGinkgoSuites walks the tree as `ginkgo -r` does
// from the repository root (every folder but those starting with . or _
// and vendor, the adapter modules included) and finds the folders it would
// run as Ginkgo suites: exactly suites/<domain>, one per domain. A test
// file elsewhere that imports Ginkgo would make the CLI run that package
// as a suite of its own.
func TestOnlyTheDomainSuitesAreGinkgoSuites(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the repository root: %v", err)
	}
	var found []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_") || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if ginkgoSuiteRE.Match(data) {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			if rel = filepath.ToSlash(rel); !slices.Contains(found, rel) {
				found = append(found, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, d := range catalog.Domains() {
		want = append(want, "suites/"+string(d))
	}
	slices.Sort(found)
	slices.Sort(want)
	if !slices.Equal(found, want) {
		t.Errorf("the ginkgo CLI would take these folders for Ginkgo suites:\n  %s\nwant exactly the domain suites:\n  %s\n(only suites/<domain>/*_test.go may import Ginkgo)",
			strings.Join(found, "\n  "), strings.Join(want, "\n  "))
	}
}
