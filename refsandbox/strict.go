package refsandbox

import (
	"errors"
	"fmt"

	"github.com/shopconform/shopconform/internal/jsonpos"
)

// Strict reading of data files: syntax errors, repeated
// keys, unknown fields and wrong types are refused with filename:line:col,
// so a typo in a profile never silently becomes a default.

// strictFile reads the JSON text of one data file and says where in it a
// problem is.
type strictFile struct {
	name string
	data []byte
	errs []error
}

func (f *strictFile) addf(off int, format string, args ...any) {
	line, col := jsonpos.LineCol(f.data, off)
	f.errs = append(f.errs, fmt.Errorf("%s:%d:%d: "+format, append([]any{f.name, line, col}, args...)...))
}

func (f *strictFile) err() error { return errors.Join(f.errs...) }

// parse reads the whole file; it adds the reason when it returns nil.
func (f *strictFile) parse() *jsonpos.Node {
	root, err := jsonpos.Parse(f.data)
	if err != nil {
		e := err.(*jsonpos.Error)
		f.addf(e.Off, "%s", e.Msg)
	}
	return root
}

// decode stores n in v and reports whether all of it fitted.
func (f *strictFile) decode(n *jsonpos.Node, v any) bool {
	errs := jsonpos.DecodeStrict(f.data, n, v)
	for _, e := range errs {
		f.addf(e.Off, "%s", e.Msg)
	}
	return len(errs) == 0
}
