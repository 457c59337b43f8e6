package pgrestore

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A cancelled child is stopped with its whole process group, including
// grandchildren that ignore SIGTERM.
func TestRunProcKillsGroup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pids")
	script := `trap '' TERM; sleep 300 & echo $$ $! > ` + pidFile + `; wait`
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runProc(ctx, procSpec{Path: "/bin/sh", Args: []string{"-c", script}}, 300*time.Millisecond)
	}()
	var pids []int
	deadline := time.Now().Add(10 * time.Second)
	for len(pids) < 2 && time.Now().Before(deadline) {
		if b, err := os.ReadFile(pidFile); err == nil && strings.HasSuffix(string(b), "\n") {
			for _, f := range strings.Fields(string(b)) {
				n, _ := strconv.Atoi(f)
				pids = append(pids, n)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(pids) != 2 {
		t.Fatal("the script did not start")
	}
	start := time.Now()
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v", el)
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			// A zombie waiting for init also answers; check its state.
			if b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); len(b) > 0 && !strings.Contains(string(b), ") Z ") {
				t.Errorf("process %d survived: %s", pid, b)
			}
		}
	}
}

func TestRunProcOutputAndExitStatus(t *testing.T) {
	t.Parallel()
	var lines []string
	var out string
	err := runProc(context.Background(), procSpec{
		Path: "/bin/sh", Args: []string{"-c", "echo out; echo err1 >&2; echo err2 >&2; exit 3"},
		Stdout: func(r io.Reader) error {
			b, err := io.ReadAll(r)
			out = string(b)
			return err
		},
		StderrLine: func(l string) { lines = append(lines, l) },
	}, time.Second)
	var pe *procError
	if !errors.As(err, &pe) || pe.ExitCode != 3 || pe.Tool != "sh" {
		t.Errorf("err = %v", err)
	}
	if out != "out\n" || strings.Join(lines, ",") != "err1,err2" {
		t.Errorf("out %q lines %q", out, lines)
	}
	// A consumer that gives up stops the child.
	start := time.Now()
	err = runProc(context.Background(), procSpec{
		Path: "/bin/sh", Args: []string{"-c", "while :; do echo y; done"},
		Stdout: func(r io.Reader) error {
			_, _ = io.ReadFull(r, make([]byte, 10))
			return errors.New("enough")
		},
	}, time.Second)
	if err == nil || err.Error() != "enough" || time.Since(start) > 5*time.Second {
		t.Errorf("err = %v after %v", err, time.Since(start))
	}
}

func TestChildEnv(t *testing.T) {
	t.Setenv("PGPASSWORD", "from-env")
	t.Setenv("PGPASSFILE", "/home/x/.pgpass")
	env := strings.Join(childEnv("/work/target.pgpass"), "\n")
	if strings.Contains(env, "from-env") || strings.Contains(env, "/home/x/.pgpass") ||
		!strings.Contains(env, "PGPASSFILE=/work/target.pgpass") || !strings.Contains(env, "PGAPPNAME=heroku2aws-pgrestore") {
		t.Errorf("env = %s", env)
	}
	// Without a password of ours, the user's settings apply (as for pgx).
	if env := strings.Join(childEnv(""), "\n"); !strings.Contains(env, "PGPASSWORD=from-env") {
		t.Error("PGPASSWORD dropped without a pass file")
	}
}
