//go:build !unix

package awsapi

import (
	"os/exec"
	"syscall"
)

func setProcessGroup(*exec.Cmd) {}

func signalTask(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd.Process == nil {
		return
	}
	if sig == syscall.SIGKILL {
		_ = cmd.Process.Kill()
		return
	}
	_ = cmd.Process.Signal(sig)
}

func exitCode(cmd *exec.Cmd) int {
	if c := cmd.ProcessState.ExitCode(); c >= 0 {
		return c
	}
	return 137
}
