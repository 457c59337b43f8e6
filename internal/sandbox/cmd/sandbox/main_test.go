package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of run.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// parseEnv reads export lines into a map.
func parseEnv(t *testing.T, s string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		kv, ok := strings.CutPrefix(line, "export ")
		if !ok {
			t.Fatalf("not an export line: %q", line)
		}
		k, v, _ := strings.Cut(kv, "=")
		env[k] = strings.Trim(v, "'")
	}
	return env
}

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envFile := filepath.Join(dir, "sandbox.env")
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{
			"--heroku-addr", "127.0.0.1:0", "--aws-addr", "127.0.0.1:4566",
			"--api-key", "k3y", "--rate-limit", "10", "--latency", "1ms",
			"--print-env-file", envFile,
		}, &stdout, &stderr)
	}()

	var data []byte
	deadline := time.Now().Add(10 * time.Second)
	for {
		var err error
		if data, err = os.ReadFile(envFile); err == nil && len(data) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no env file; stderr:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	env := parseEnv(t, string(data))
	for k, want := range map[string]string{
		"HEROKU_API_KEY": "k3y", "AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox",
	} {
		if env[k] != want {
			t.Errorf("%s = %q, want %q", k, env[k], want)
		}
	}
	base := env["HEROKU_API_URL"]
	if !strings.HasPrefix(base, "http://127.0.0.1:") || env["HEROKU_DATA_API_URL"] != base {
		t.Fatalf("URLs: %v", env)
	}
	if info, err := os.Stat(envFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("env file mode: %v %v", info.Mode(), err)
	}

	req, _ := http.NewRequest(http.MethodGet, base+"/apps/acme-api/config-vars", nil)
	req.Header.Set("Authorization", "Bearer k3y")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var vars map[string]*string
	err = json.NewDecoder(resp.Body).Decode(&vars)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("RateLimit-Remaining") != "9" {
		t.Fatalf("GET config-vars: %d %v, RateLimit-Remaining %q", resp.StatusCode, err, resp.Header.Get("RateLimit-Remaining"))
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}

	if stdout.String() != string(data) {
		t.Errorf("stdout %q differs from the env file %q", stdout.String(), data)
	}
	logs := stderr.String()
	if !strings.Contains(logs, "GET /apps/acme-api/config-vars 200") || !strings.Contains(logs, "reserved for the AWS sandbox") {
		t.Errorf("stderr lacks the request log or AWS note:\n%s", logs)
	}
	for _, v := range vars {
		if v != nil && len(*v) > 8 && strings.Contains(logs, *v) {
			t.Errorf("stderr leaks a config var value")
		}
	}
	if strings.Contains(logs, "k3y") {
		t.Error("stderr leaks the API key")
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"--help"}, 0},
		{[]string{"--rate-limit", "0"}, 2},
		{[]string{"--bogus"}, 2},
		{[]string{"extra"}, 2},
		{[]string{"--fixture", filepath.Join(t.TempDir(), "missing.json")}, 1},
		{[]string{"--heroku-addr", "256.0.0.1:99999"}, 1},
	} {
		var out, errOut syncBuffer
		if code := run(context.Background(), c.args, &out, &errOut); code != c.code {
			t.Errorf("run(%v) = %d, want %d; stderr %s", c.args, code, c.code, errOut.String())
		}
		if out.String() != "" {
			t.Errorf("run(%v) printed %q", c.args, out.String())
		}
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://127.0.0.1:80": "http://127.0.0.1:80",
		"":                    "''",
		"a b":                 "'a b'",
		"it's":                `'it'\''s'`,
		"$(rm -rf /)":         "'$(rm -rf /)'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
