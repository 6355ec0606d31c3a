package history

import (
	"errors"
	"runtime"
	"sync"

	"github.com/shopconform/shopconform/runner/results"
)

// ReadFiles reads every file with read, as many at once as there are
// CPUs: checking a results.json costs more than rendering the page, and
// fifty nightlies are fifty independent files. The inputs come back in
// argument order; the error joins every file's error, in argument order,
// so that all the bad files are named at once.
func ReadFiles(files []string, read func(path string) (*results.Report, error)) ([]Input, error) {
	inputs := make([]Input, len(files))
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range next {
				r, err := read(files[i])
				inputs[i], errs[i] = Input{File: files[i], Report: r}, err
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return inputs, nil
}
