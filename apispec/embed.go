package apispec

import (
	"embed"
	"io/fs"
	"sync"

	"github.com/shopconform/shopconform/catalog"
)

//go:embed data/*.json
var embedded embed.FS

// Data is the embedded spec files, for tools that render or check them.
func Data() fs.FS {
	sub, _ := fs.Sub(embedded, "data") // a literal, existing folder
	return sub
}

var (
	defaultOnce sync.Once
	defaultSpec *Spec
	defaultErr  error
)

// Default is the embedded spec, read once. The embedded data is checked by
// this package's tests, so an error here means a broken build.
func Default() (*Spec, error) {
	defaultOnce.Do(func() { defaultSpec, defaultErr = Load(Data(), catalog.Default()) })
	return defaultSpec, defaultErr
}
