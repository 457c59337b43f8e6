//go:build !unix

package pgtest

import (
	"fmt"
	"runtime"
	"syscall"
)

// supported: the clusters need Unix process handling (and the PostgreSQL
// server refuses to run as an administrator on Windows anyway).
func supported() error {
	return fmt.Errorf("pgtest: %w: throwaway clusters need a Unix system, not %s", ErrNotInstalled, runtime.GOOS)
}

func procAttr(*credential, bool) *syscall.SysProcAttr { return &syscall.SysProcAttr{} }

func killGroup(int) {}
