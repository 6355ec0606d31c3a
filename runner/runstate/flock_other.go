//go:build !unix

package runstate

import "os"

// Without flock(2) the lock degrades to the in-process mutex: a state kept
// in a folder is still read and written atomically, but two processes may
// interleave their read-modify-write, so tokens may be fetched twice and
// the budget and rate may be exceeded. `shopconform run` targets Unix; a
// Windows port would use LockFileEx here.
func flock(*os.File) error { return nil }

func funlock(*os.File) error { return nil }
