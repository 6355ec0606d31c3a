package catalog

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestReservedNamesMatchPackage keeps reservedNames equal to the exported
// identifiers the hand-written files declare, so Load refuses exactly the
// entry names that would collide in codes.go.
func TestReservedNamesMatchPackage(t *testing.T) {
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var declared []string
	for _, f := range files {
		name := f.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || name == "codes.go" {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Recv == nil && decl.Name.IsExported() {
					declared = append(declared, decl.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						if spec.Name.IsExported() {
							declared = append(declared, spec.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range spec.Names {
							if n.IsExported() {
								declared = append(declared, n.Name)
							}
						}
					}
				}
			}
		}
	}
	slices.Sort(declared)
	want := slices.Sorted(slices.Values(reservedNames()))
	if !slices.Equal(declared, want) {
		t.Errorf("reservedNames() = %q\nbut the package declares %q", want, declared)
	}
}
