package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

const (
	// binaryName is the provider's program name; Terraform requires the
	// terraform-provider- prefix.
	binaryName = "terraform-provider-heroku2aws"
	// sourcePath is the provider's address under a registry hostname.
	sourcePath = "heroku2aws/heroku2aws"
)

// registryHosts are the hostnames "heroku2aws/heroku2aws" expands to:
// Terraform's registry and OpenTofu's.
var registryHosts = []string{"registry.terraform.io", "registry.opentofu.org"}

// platform is one os_arch pair.
type platform struct{ goos, goarch string }

func (p platform) String() string { return p.goos + "_" + p.goarch }

func (p platform) exe() string {
	if p.goos == "windows" {
		return ".exe"
	}
	return ""
}

func hostPlatform() platform { return platform{runtime.GOOS, runtime.GOARCH} }

func parsePlatforms(list string) ([]platform, error) {
	var out []platform
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		p := hostPlatform()
		if f != "host" {
			goos, goarch, ok := strings.Cut(f, "_")
			if !ok || goos == "" || goarch == "" {
				return nil, fmt.Errorf("platform %q is not os_arch, such as linux_amd64", f)
			}
			p = platform{goos, goarch}
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no platform to build")
	}
	return out, nil
}

// buildBinary compiles the provider (the module in the working directory)
// for p into path, with the flags every artefact shares.
func buildBinary(version string, p platform, path string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -X main.version="+version, "-o", path, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.goos, "GOARCH="+p.goarch)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s: %w", p, err)
	}
	return nil
}

// buildRelease writes the zips, the manifest and SHA256SUMS into dist and
// returns their paths.
func buildRelease(version string, targets []platform, dist, manifest string, modified time.Time) ([]string, error) {
	if err := os.MkdirAll(dist, 0o755); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "heroku2aws-release-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(work) }()

	prefix := binaryName + "_" + version
	var files []string
	for _, p := range targets {
		bin := filepath.Join(work, p.String(), binaryName+"_v"+version+p.exe())
		fmt.Fprintf(os.Stderr, "release: building %s\n", p)
		if err := buildBinary(version, p, bin); err != nil {
			return nil, err
		}
		zipPath := filepath.Join(dist, prefix+"_"+p.String()+".zip")
		if err := writeZip(zipPath, bin, modified); err != nil {
			return nil, err
		}
		files = append(files, zipPath)
	}
	manifestCopy := filepath.Join(dist, prefix+"_manifest.json")
	if err := copyFile(manifest, manifestCopy, 0o644); err != nil {
		return nil, err
	}
	files = append(files, manifestCopy)
	sums := filepath.Join(dist, prefix+"_SHA256SUMS")
	if err := writeSums(sums, files); err != nil {
		return nil, err
	}
	return append(files, sums), nil
}

// writeZip writes a zip holding the one file bin, at the top level, with
// mode 0755 and the fixed time modified, so the archive's bytes depend
// only on the binary's.
func writeZip(path, bin string, modified time.Time) (err error) {
	src, err := os.Open(bin)
	if err != nil {
		return err
	}
	defer func() { _ = src.Close() }()
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	zw := zip.NewWriter(out)
	h := &zip.FileHeader{Name: filepath.Base(bin), Method: zip.Deflate, Modified: modified}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, src); err != nil {
		return err
	}
	return zw.Close()
}

// writeSums writes "<sha256>  <name>" lines, sorted by name, the format
// of sha256sum and of the registry's SHA256SUMS.
func writeSums(path string, files []string) error {
	var lines []string
	for _, f := range files {
		sum, err := fileSHA256(f)
		if err != nil {
			return err
		}
		lines = append(lines, sum+"  "+filepath.Base(f))
	}
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// installLocal builds the host binary and writes it into the unpacked
// layout of a local mirror at dir, under each registry hostname. It
// returns the directories written.
func installLocal(version, dir string) ([]string, error) {
	work, err := os.MkdirTemp("", "heroku2aws-install-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(work) }()
	p := hostPlatform()
	name := binaryName + "_v" + version + p.exe()
	bin := filepath.Join(work, name)
	if err := buildBinary(version, p, bin); err != nil {
		return nil, err
	}
	var dirs []string
	for _, host := range registryHosts {
		target := filepath.Join(dir, host, sourcePath, version, p.String())
		if err := os.MkdirAll(target, 0o755); err != nil {
			return nil, err
		}
		// Written beside and renamed, so a Terraform running the old
		// binary never sees half a file.
		tmp := filepath.Join(target, "."+name+".tmp")
		if err := copyFile(bin, tmp, 0o755); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, filepath.Join(target, name)); err != nil {
			return nil, err
		}
		dirs = append(dirs, target)
	}
	return dirs, nil
}

func copyFile(from, to string, mode os.FileMode) (err error) {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer func() { _ = src.Close() }()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err := io.Copy(out, src); err != nil {
		return err
	}
	return os.Chmod(to, mode)
}
