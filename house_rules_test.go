package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHouseRules checks the rules of CONTRIBUTING.md that no linter
// checks: file size, file names, no citation of documents outside the
// repo, and one clock and one logger.
func TestHouseRules(t *testing.T) {
	t.Parallel()
	const maxLines = 750
	// Built by concatenation so that this file does not match itself.
	outside := regexp.MustCompile(`(DESIGN|FACTS)` + `(\.md| ?§)|\((DESIGN|FACTS)\)|` + `FACTS:`)
	leftoverName := regexp.MustCompile(`(^|_)(more|misc|util|utils|stuff|leftover)(_test)?\.go$`)
	secondClock := regexp.MustCompile(`^type \w*[Cc]lock (interface|struct)`)
	secondLogger := regexp.MustCompile(`^type \w*Logger (interface|func|struct)`)

	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "docs", "testdata", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if name == "house_rules_test.go" {
			return nil
		}
		ext := filepath.Ext(name)
		switch ext {
		case ".go", ".yml", ".yaml", ".tf", ".tmpl", ".sh", ".hcl":
		default:
			if name != "GNUmakefile" && name != "run" {
				return nil
			}
		}
		lines, err := readLines(path)
		if err != nil {
			return err
		}
		for i, line := range lines {
			if outside.MatchString(line) {
				t.Errorf("%s:%d cites a document outside the repo; state the fact and link its official source instead: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		if ext != ".go" {
			return nil
		}
		if leftoverName.MatchString(name) {
			t.Errorf("%s: name the file by what it does, not by what is left over", path)
		}
		test := strings.HasSuffix(name, "_test.go")
		if !test && len(lines) > maxLines && !cohesive(lines) {
			t.Errorf("%s has %d lines (over %d): split it by job, or say in its opening comment that it is one cohesive unit", path, len(lines), maxLines)
		}
		inClock := strings.HasPrefix(filepath.ToSlash(path), "internal/clock/")
		inProvider := strings.HasPrefix(filepath.ToSlash(path), "internal/provider/")
		for i, line := range lines {
			if secondClock.MatchString(line) && !inClock {
				t.Errorf("%s:%d declares a clock of its own; use clock.Clock and clock.Fake: %s", path, i+1, line)
			}
			if secondLogger.MatchString(line) && !inProvider && !test {
				t.Errorf("%s:%d declares a logger type; take a *slog.Logger: %s", path, i+1, line)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// cohesive reports whether the file's opening comment (before the package
// clause) says it is one cohesive unit.
func cohesive(lines []string) bool {
	for _, line := range lines {
		if strings.HasPrefix(line, "package ") {
			return false
		}
		if strings.Contains(strings.ToLower(line), "one cohesive unit") {
			return true
		}
	}
	return false
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1024*1024), 1024*1024)
	for s.Scan() {
		lines = append(lines, s.Text())
	}
	return lines, s.Err()
}
