//go:build unix

package awsapi

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the task's process in a group of its own, so that
// stopping the task reaches the processes it started too, as stopping a
// container does.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// signalTask signals the task's whole process group.
func signalTask(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, sig)
	}
}

// exitCode is the container exit code Docker reports: the status, or 128
// plus the signal that killed the process.
func exitCode(cmd *exec.Cmd) int {
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return cmd.ProcessState.ExitCode()
}
