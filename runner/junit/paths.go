package junit

import (
	"cmp"
	"path"
	"path/filepath"
	"strings"
)

// fixtureRoot turns the fixture paths a report records into the ones
// junit.xml shows: relative to the fixtures folder's parent, the way the
// built-in cases are named ("fixtures/<domain>/<id>.json"). A user folder
// given as /abs/dir/cases or ../x/cases shows as "cases/<domain>/<id>.json",
// so the file attribute is the same on every machine and CI can link it.
type fixtureRoot struct {
	// dir is the folder as the report records it: a case's fixture is
	// dir joined with the path inside it (fixtures.Dir).
	dir string
	// name is the folder's own name; empty when the path does not say
	// it ("." or "..").
	name string
}

// newFixtureRoot takes the run's fixtures setting; empty means the
// built-in cases, recorded under "fixtures".
func newFixtureRoot(configured string) fixtureRoot {
	dir := "fixtures"
	if configured != "" {
		dir = path.Clean(filepath.ToSlash(configured))
	}
	name := path.Base(dir)
	if name == "." || name == ".." || name == "/" {
		name = ""
	}
	return fixtureRoot{dir: dir, name: name}
}

func (f fixtureRoot) rel(file string) string {
	if file == "" {
		return ""
	}
	p := filepath.ToSlash(file)
	if p == f.dir {
		return cmp.Or(f.name, ".")
	}
	if rest, ok := strings.CutPrefix(p, strings.TrimSuffix(f.dir, "/")+"/"); ok {
		return path.Join(f.name, rest)
	}
	return shownPath(file)
}

// shorten rewrites the folder's path where a message names a file in
// it ("duplicate id: already used by /abs/dir/cases/product/x.json").
func (f fixtureRoot) shorten(msg string) string {
	if f.dir == "." || f.dir == "/" {
		return msg
	}
	with := ""
	if f.name != "" {
		with = f.name + "/"
	}
	return strings.ReplaceAll(msg, f.dir+"/", with)
}

// shownPath keeps a relative path as it is and shortens one that would
// name this machine's folders to its last three elements, which for a
// fixture are <folder>/<domain>/<id>.json.
func shownPath(file string) string {
	p := path.Clean(filepath.ToSlash(file))
	if !path.IsAbs(p) && !filepath.IsAbs(file) && p != ".." && !strings.HasPrefix(p, "../") {
		return p
	}
	parts := strings.Split(strings.TrimLeft(p, "/"), "/")
	for len(parts) > 0 && parts[0] == ".." {
		parts = parts[1:]
	}
	return strings.Join(parts[max(0, len(parts)-3):], "/")
}
