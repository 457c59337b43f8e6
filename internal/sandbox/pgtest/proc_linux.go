package pgtest

import "syscall"

// setParentDeathSignal makes the server shut down at once (SIGQUIT,
// immediate shutdown) when the process that started it dies, so that a
// crashed or killed test binary leaves no server behind. Go sets it after
// the credential change, which would otherwise clear it.
func setParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGQUIT }
