package pgrestore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// procSpec describes one child process (pg_dump or pg_restore).
type procSpec struct {
	Path string
	Args []string
	// PassFile, when set, is given as PGPASSFILE, and the password
	// variables of our environment are not passed on.
	PassFile string
	// Stdout consumes the child's standard output (nil: discarded). If it
	// returns an error, the child is stopped.
	Stdout func(r io.Reader) error
	// StderrLine receives each line of standard error.
	StderrLine func(line string)
}

// childEnv is our environment for a child: without the password settings
// when we give a PGPASSFILE, so that a PGPASSWORD of the user cannot
// override the URL's password, and with an application name.
func childEnv(passFile string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if passFile != "" && (k == "PGPASSWORD" || k == "PGPASSFILE") {
			continue
		}
		if k == "PGAPPNAME" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "PGAPPNAME=heroku2aws-pgrestore")
	if passFile != "" {
		env = append(env, "PGPASSFILE="+passFile)
	}
	return env
}

// procError is a child that exited with a non-zero status.
type procError struct {
	Tool     string
	ExitCode int
}

func (e *procError) Error() string {
	return fmt.Sprintf("%s exited with status %d", e.Tool, e.ExitCode)
}

// runProc runs a child in its own process group. When ctx is done, the
// whole group gets SIGTERM, then SIGKILL after grace; runProc returns only
// after the child has been waited for and its group is gone. The password
// never goes in argv: see procSpec.PassFile.
func runProc(ctx context.Context, spec procSpec, grace time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tool := spec.Path[strings.LastIndexByte(spec.Path, '/')+1:]
	cmd := exec.Command(spec.Path, spec.Args...)
	cmd.Env = childEnv(spec.PassFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdin = nil
	var stdout io.ReadCloser
	var err error
	if spec.Stdout != nil {
		if stdout, err = cmd.StdoutPipe(); err != nil {
			return err
		}
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", tool, err)
	}
	pgid := cmd.Process.Pid

	// Stop the group when ctx is done or the stdout consumer gives up.
	stop := make(chan struct{})
	var stopOnce sync.Once
	stopGroup := func() { stopOnce.Do(func() { close(stop) }) }
	watcherDone := make(chan struct{})
	exited := make(chan struct{})
	var killed bool
	var killedMu sync.Mutex
	go func() {
		defer close(watcherDone)
		select {
		case <-exited:
			return
		case <-ctx.Done():
		case <-stop:
		}
		killedMu.Lock()
		killed = true
		killedMu.Unlock()
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		// Real time, not a clock.Clock: the grace is for real processes.
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-exited:
			// The leader is gone; its workers may linger.
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
		case <-t.C:
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
		}
	}()

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		br := bufio.NewReaderSize(stderr, 64<<10)
		for {
			line, err := readLine(br, 16<<10)
			if line != "" || err == nil {
				if spec.StderrLine != nil {
					spec.StderrLine(line)
				}
			}
			if err != nil {
				_, _ = io.Copy(io.Discard, stderr)
				return
			}
		}
	}()
	var consumeErr error
	if stdout != nil {
		consumeErr = spec.Stdout(stdout)
		if consumeErr != nil {
			stopGroup()
		}
		_, _ = io.Copy(io.Discard, stdout)
	}
	wg.Wait()
	waitErr := cmd.Wait()
	close(exited)
	<-watcherDone

	killedMu.Lock()
	wasKilled := killed
	killedMu.Unlock()
	if wasKilled {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		waitGroupGone(pgid, grace+2*time.Second)
	}
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s stopped: %w", tool, ctx.Err())
	case consumeErr != nil:
		return consumeErr
	case waitErr != nil:
		var exitErr *exec.ExitError
		if errors.As(waitErr, &exitErr) {
			if exitErr.ExitCode() < 0 {
				return fmt.Errorf("%s was killed: %s", tool, exitErr.String())
			}
			return &procError{Tool: tool, ExitCode: exitErr.ExitCode()}
		}
		return fmt.Errorf("%s: %w", tool, waitErr)
	}
	return nil
}

// waitGroupGone waits until no process of group pgid is left running (or
// limit). Zombies do not count: orphans are reaped by init, which may take
// its time. It polls on real time, not a clock.Clock: it waits for real
// operating-system processes, which a fake clock cannot hurry.
func waitGroupGone(pgid int, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if !groupAlive(pgid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// groupAlive reports whether a process of group pgid is running, from
// /proc where there is one, else by signal 0 (which zombies answer too).
func groupAlive(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range ents {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) >= 3 && f[2] == strconv.Itoa(pgid) && f[0] != "Z" && f[0] != "X" {
			return true
		}
	}
	return false
}
