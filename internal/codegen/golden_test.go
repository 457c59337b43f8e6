package codegen

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update rewrites the golden files of this package instead of comparing
// with them: go test ./internal/codegen -update, then review the diff.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden instead of comparing with them")

// assertGolden compares got with the golden file at path (relative to the
// package directory), or rewrites the file with -update.
func assertGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with go test ./internal/codegen -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("output differs from %s (-want +got; run go test ./internal/codegen -update and review the diff):\n%s", path, diff)
	}
}

// readTree reads every file under dir, keyed by slash-separated path
// relative to dir.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s (create it with -update): %v", dir, err)
	}
	return out
}

// diffFiles describes the differences between two file sets: missing and
// unexpected files, and a -want +got diff of each file that differs, for
// the first ten problems by name.
func diffFiles(want, got map[string][]byte) string {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if _, ok := got[name]; !ok {
			problems = append(problems, "missing "+name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		w, ok := want[name]
		switch {
		case !ok:
			problems = append(problems, "unexpected "+name)
		case !bytes.Equal(w, got[name]):
			problems = append(problems, name+" (-want +got):\n"+cmp.Diff(string(w), string(got[name])))
		}
	}
	slices.Sort(problems)
	if len(problems) > 10 {
		problems = append(problems[:10], fmt.Sprintf("... and %d more", len(problems)-10))
	}
	return strings.Join(problems, "\n")
}

// splitModule separates the copied heroku-app-migration module from the
// rest of a generated file set; the module's files are keyed relative to
// the module directory.
func splitModule(files map[string][]byte) (module, rest map[string][]byte) {
	module, rest = map[string][]byte{}, map[string][]byte{}
	prefix := "migration/" + ModuleDir + "/"
	for name, data := range files {
		if rel, ok := strings.CutPrefix(name, prefix); ok {
			module[rel] = data
		} else {
			rest[name] = data
		}
	}
	return module, rest
}
