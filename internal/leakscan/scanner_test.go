package leakscan

import (
	"encoding/base64"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const secret = "p@ss w0rd/CANARY+\"q\""

func TestScannerFindsEveryForm(t *testing.T) {
	s := Must(Canary{Label: "db password", Value: secret})
	for form, text := range map[string]string{
		"raw":          "x " + secret + " y",
		"url-escaped":  "postgres://u:" + url.QueryEscape(secret) + "@h/d",
		"path-escaped": "/" + url.PathEscape(secret),
		"json-escaped": `{"v":"p@ss w0rd/CANARY+\"q\""}`,
		"base64":       base64.StdEncoding.EncodeToString([]byte(secret)),
	} {
		err := s.Text("the "+form+" text", text)
		var leak Leak
		if !errors.As(err, &leak) || leak.Label != "db password" {
			t.Errorf("%s: got %v", form, err)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error quotes the secret: %v", form, err)
		}
	}
	if err := s.Text("clean", "nothing to see, p@ss w0rd only"); err != nil {
		t.Errorf("a clean text: %v", err)
	}
	if _, err := New(Canary{Label: "short", Value: "abc"}); err == nil {
		t.Error("a short canary must be refused")
	}
}

func TestScannerDir(t *testing.T) {
	s := Must(Canary{Label: "key", Value: "CANARY-0123456789"})
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"a/b/dump.tmp": "..CANARY-0123456789..", "state.json": "CANARY-0123456789", "ok.txt": "fine"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	err := s.Dir("tmp", dir, func(rel string) bool { return rel == "state.json" })
	if err == nil || !strings.Contains(err.Error(), "a/b/dump.tmp") || strings.Contains(err.Error(), "state.json") {
		t.Fatalf("got %v, want only a/b/dump.tmp", err)
	}
	if err := s.Dir("missing", filepath.Join(dir, "nope"), nil); err != nil {
		t.Fatalf("a missing dir: %v", err)
	}
}

// A short-lived child with the canary in its argv is caught by the watcher.
func TestArgvWatcher(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc")
	}
	s := Must(Canary{Label: "url", Value: "https://x/CANARY-ARGV-42"})
	w := s.WatchArgv(5 * time.Millisecond)
	cmd := exec.Command("sh", "-c", "sleep 0.3", "sh", "https://x/CANARY-ARGV-42")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	n, err := w.Stop()
	if err == nil || !strings.Contains(err.Error(), "argv of process") {
		t.Fatalf("after %d samples: got %v", n, err)
	}
	w = s.WatchArgv(5 * time.Millisecond)
	if n, err := w.Stop(); err != nil || n < 1 {
		t.Fatalf("nothing running: %d samples, %v", n, err)
	}
}
