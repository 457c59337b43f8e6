package codegen

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
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
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s at %s (run go test ./internal/codegen -update and review the diff)", path, goldenFirstDifference(want, got))
	}
}

// goldenFirstDifference describes where two outputs first differ, by line.
func goldenFirstDifference(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) || i >= len(wl) || i >= len(gl) {
			return "line " + itoa(i+1) + ":\n  want: " + string(w) + "\n  got:  " + string(g)
		}
	}
	return "no line differs"
}
