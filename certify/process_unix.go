//go:build unix

package certify

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the adapter in a process group of its own, so
// that killing it also ends what it started (`npm test` starts node, a
// shell script starts its interpreter): nothing is left holding the pipes.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Process.Kill()
	}
}
