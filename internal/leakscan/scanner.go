// Package leakscan holds the leak scanner that acceptance tests run after
// every Terraform step: a test plants canary secrets (config var values,
// passwords, URLs, the API key), and the scanner asserts that none of
// them shows up where a secret must never be: the CLI's output and
// diagnostics, the TF_LOG=trace log, the plan, the state (where the
// configuration chose write-only or ephemeral paths), the argv of any
// process on the machine, and files left in the temporary directory.
//
// It does not import the framework or the testing package's globals: a
// failure is an error that names the place and the canary's label, never
// the secret itself.
package leakscan

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Canary is a secret a test planted, with a label for messages.
type Canary struct {
	Label, Value string
}

// Scanner checks texts, files and processes for canaries.
type Scanner struct {
	needles []needle
}

type needle struct {
	label, form string
	value       []byte
}

// minCanaryLen keeps short values, which would match by chance, out.
const minCanaryLen = 8

// New returns a scanner for the canaries. Each is also searched in the
// forms a leak usually takes: URL-escaped (query and path), JSON-escaped
// and base64. Values shorter than 8 bytes are refused: they would match
// by chance.
func New(canaries ...Canary) (*Scanner, error) {
	s := &Scanner{}
	for _, c := range canaries {
		if len(c.Value) < minCanaryLen {
			return nil, fmt.Errorf("canary %q is shorter than %d bytes", c.Label, minCanaryLen)
		}
		quoted := strconv.Quote(c.Value)
		forms := map[string]string{
			"raw":          c.Value,
			"url-escaped":  url.QueryEscape(c.Value),
			"path-escaped": url.PathEscape(c.Value),
			"json-escaped": quoted[1 : len(quoted)-1],
			"base64":       base64.StdEncoding.EncodeToString([]byte(c.Value)),
		}
		seen := map[string]bool{}
		for _, form := range []string{"raw", "url-escaped", "path-escaped", "json-escaped", "base64"} {
			v := forms[form]
			if seen[v] {
				continue
			}
			seen[v] = true
			s.needles = append(s.needles, needle{label: c.Label, form: form, value: []byte(v)})
		}
	}
	return s, nil
}

// Must is New for test setup.
func Must(canaries ...Canary) *Scanner {
	s, err := New(canaries...)
	if err != nil {
		panic(err)
	}
	return s
}

// Leak is a canary found where it must not be.
type Leak struct {
	Where, Label, Form string
}

func (l Leak) Error() string {
	return fmt.Sprintf("canary %q (%s) leaked into %s", l.Label, l.Form, l.Where)
}

// Bytes checks data.
func (s *Scanner) Bytes(where string, data []byte) error {
	var errs []error
	for _, n := range s.needles {
		if bytes.Contains(data, n.value) {
			errs = append(errs, Leak{Where: where, Label: n.label, Form: n.form})
		}
	}
	return errors.Join(errs...)
}

// Text checks a string.
func (s *Scanner) Text(where, text string) error { return s.Bytes(where, []byte(text)) }

// File checks a file; a missing file is no leak.
func (s *Scanner) File(where, path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.Bytes(where, data)
}

// Dir checks every regular file under dir, except those skip accepts
// (relative slash paths), such as a state file that may hold secrets by
// the user's choice.
func (s *Scanner) Dir(where, dir string, skip func(rel string) bool) error {
	var errs []error
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while we walked
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if skip != nil && skip(rel) {
			return nil
		}
		if err := s.File(where+" ("+rel+")", path); err != nil {
			errs = append(errs, err)
		}
		return nil
	})
	return errors.Join(append(errs, err)...)
}

// Procs checks the argv of every process on the machine (Linux /proc; on
// other systems it checks nothing). Argv is world-readable, so a secret in
// it is a leak whoever started the process.
func (s *Scanner) Procs() error {
	entries, err := os.ReadDir("/proc")
	if errors.Is(err, fs.ErrNotExist) {
		return nil // not Linux: nothing to sample
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(cmdline) == 0 {
			continue
		}
		if err := s.Bytes("the argv of process "+e.Name()+" ("+procName(cmdline)+")", cmdline); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func procName(cmdline []byte) string {
	name, _, _ := bytes.Cut(cmdline, []byte{0})
	return filepath.Base(string(name))
}

// ArgvWatcher samples every process's argv while a step runs: child
// processes live for a moment only, so one look at the end is not enough.
type ArgvWatcher struct {
	s    *Scanner
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	errs map[string]error // by message, so a long-lived leak counts once
	n    int
}

// WatchArgv samples argv every interval until Stop.
func (s *Scanner) WatchArgv(interval time.Duration) *ArgvWatcher {
	w := &ArgvWatcher{s: s, stop: make(chan struct{}), done: make(chan struct{}), errs: map[string]error{}}
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			w.sample()
			select {
			case <-w.stop:
				w.sample()
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *ArgvWatcher) sample() {
	err := w.s.Procs()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	if err == nil {
		return
	}
	for _, e := range unwrapJoined(err) {
		w.errs[e.Error()] = e
	}
}

// Stop ends the watch and returns the leaks seen and the number of samples.
func (w *ArgvWatcher) Stop() (samples int, err error) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	for _, e := range w.errs {
		errs = append(errs, e)
	}
	return w.n, errors.Join(errs...)
}

func unwrapJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// Labels lists the canaries' labels, for test logs.
func (s *Scanner) Labels() string {
	seen := map[string]bool{}
	var out []string
	for _, n := range s.needles {
		if !seen[n.label] {
			seen[n.label] = true
			out = append(out, n.label)
		}
	}
	return strings.Join(out, ", ")
}
