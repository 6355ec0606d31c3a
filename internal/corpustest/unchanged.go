// Package corpustest checks, for the tests that run the whole corpus,
// that the cases fixtures.Load shares across a process were left as they
// were read.
package corpustest

import (
	"reflect"
	"testing"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
)

// Unchanged fails t for every case of the embedded corpus (as every Load
// in this process shares it) that differs from the same file read anew
// from dir, the repository's fixtures folder: something changed a shared
// case, and every later run in the process would see the change.
func Unchanged(t testing.TB, dir string) {
	t.Helper()
	shared, _ := fixtures.Load(fixtures.Embedded(), catalog.Default())
	fresh, problems := fixtures.Load(fixtures.Dir(dir), catalog.Default())
	if len(problems) > 0 || len(fresh.Cases) != len(shared.Cases) {
		t.Fatalf("%s reads as %d cases with %d problems, the embedded corpus as %d cases", dir, len(fresh.Cases), len(problems), len(shared.Cases))
	}
	for i, c := range fresh.Cases {
		c.File = shared.Cases[i].File // the same file, shown under another folder
		if !reflect.DeepEqual(c, shared.Cases[i]) {
			t.Errorf("case %s is no longer as its file reads: a run changed a case every Load shares", c.ID)
		}
	}
}
