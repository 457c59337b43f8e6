package mototest

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

//go:embed moto_server.py
var wrapper []byte

// SkipMessage starts the message of every test skipped because moto is
// missing; .ci/run greps the test log for it and warns in its summary.
const SkipMessage = "MOTO NOT AVAILABLE: skipping the moto tests"

// ErrNotInstalled is wrapped by Start's error when python3 or moto is
// missing.
var ErrNotInstalled = errors.New("python3 with moto 5 is not installed")

// The credentials and region every client of the server uses; moto accepts
// any, and 123456789012 is its default account.
const (
	AccessKeyID     = "testing"
	SecretAccessKey = "testing"
	Region          = "us-east-1"
	AccountID       = "123456789012"
)

// readyTimeout bounds how long moto may take to import and listen.
const readyTimeout = 60 * time.Second

// Server is one running moto.
type Server struct {
	// URL is the endpoint of every service, http://127.0.0.1:PORT.
	URL string

	dir   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}
	once  sync.Once
	err   error
}

// Start runs the wrapper with python3 (PYTHON, else python3 on PATH) and
// waits until moto listens.
func Start(ctx context.Context) (*Server, error) {
	python := os.Getenv("PYTHON")
	if python == "" {
		python = "python3"
	}
	bin, err := exec.LookPath(python)
	if err != nil {
		return nil, fmt.Errorf("%w: %s not found on PATH", ErrNotInstalled, python)
	}
	dir, err := os.MkdirTemp("", "mototest-")
	if err != nil {
		return nil, err
	}
	script := filepath.Join(dir, "moto_server.py")
	if err := os.WriteFile(script, wrapper, 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	logPath := filepath.Join(dir, "moto.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(bin, "-u", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true", "MOTO_ACM_VALIDATION_WAIT=0", "PYTHONDONTWRITEBYTECODE=1")
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// The wrapper exits when its stdin closes: when Stop closes it, or when
	// this process dies without cleaning up.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("%w: %v", ErrNotInstalled, err)
	}
	s := &Server{dir: dir, cmd: cmd, stdin: stdin, done: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if port, ok := strings.CutPrefix(sc.Text(), "MOTO_READY "); ok {
				ready <- port
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	select {
	case port := <-ready:
		s.URL = "http://127.0.0.1:" + port
		return s, nil
	case <-s.done:
		log, _ := os.ReadFile(logPath)
		_ = os.RemoveAll(dir)
		if s.cmd.ProcessState != nil && s.cmd.ProcessState.ExitCode() == 3 {
			return nil, fmt.Errorf("%w: %s", ErrNotInstalled, strings.TrimSpace(string(log)))
		}
		return nil, fmt.Errorf("moto exited before listening: %v\n%s", s.err, tail(log))
	case <-timer.C:
	case <-ctx.Done():
	}
	log, _ := os.ReadFile(logPath)
	_ = s.Stop()
	return nil, fmt.Errorf("moto did not listen within %s: %v\n%s", readyTimeout, ctx.Err(), tail(log))
}

// Log returns what moto wrote to stderr so far (its request log).
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "moto.log"))
	return string(b)
}

// Stop kills moto's process group, waits for it and removes its directory.
func (s *Server) Stop() error {
	var err error
	s.once.Do(func() {
		_ = s.stdin.Close()
		if s.cmd.Process != nil {
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		}
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			err = errors.New("moto did not exit within 10s of SIGKILL")
		}
		if rmErr := os.RemoveAll(s.dir); err == nil {
			err = rmErr
		}
	})
	return err
}

// tail is the end of a log, for error messages.
func tail(b []byte) string {
	const n = 4000
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
