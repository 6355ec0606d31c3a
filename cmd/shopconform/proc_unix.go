//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the suites in their own process group: a terminal's
// Ctrl-C then reaches them once, through interruptGroup, not twice.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func interruptGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	}
}
