//go:build unix

package pgtest

import "syscall"

func supported() error { return nil }

// procAttr runs a child as cred (nil: as we are). The server also gets its
// own process group, and on Linux a signal when we die.
func procAttr(cred *credential, server bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{}
	if cred != nil {
		a.Credential = &syscall.Credential{Uid: cred.uid, Gid: cred.gid, Groups: []uint32{}}
	}
	if server {
		a.Setpgid = true
		setParentDeathSignal(a)
	}
	return a
}

// killGroup kills the process group led by pid.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
