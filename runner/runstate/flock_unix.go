//go:build unix

package runstate

import (
	"errors"
	"os"
	"syscall"
)

// flock takes an exclusive lock on f, waiting for other processes to
// release theirs. Go installs its signal handlers with SA_RESTART, so EINTR
// is unlikely; it is retried all the same rather than reported as a fault.
func flock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

func funlock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
