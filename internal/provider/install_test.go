package provider

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// This file installs the provider the way users do, with no dev_overrides:
// from the zip that `make release` builds, through a filesystem_mirror, and
// from the tree that `make install` writes, through the implied local
// mirror. Each time a plain `terraform init` must install it and write the
// lock file, and `terraform plan` must read Heroku with the installed
// binary. Only the host platform is built here; `make release` builds all
// four.

const installTestVersion = "0.1.0"

// installTestAddress is the provider's full address in Terraform's registry.
const installTestAddress = "registry.terraform.io/heroku2aws/heroku2aws"

func TestAccInstall(t *testing.T) {
	requireAcc(t)
	host := runtime.GOOS + "_" + runtime.GOARCH
	prefix := "terraform-provider-heroku2aws_" + installTestVersion
	binName := "terraform-provider-heroku2aws_v" + installTestVersion
	if runtime.GOOS == "windows" {
		binName += ".exe"
	}

	dist := t.TempDir()
	runMake(t, os.Environ(), "release", "PLATFORMS=host", "DIST="+dist, "VERSION="+installTestVersion)
	zipName := prefix + "_" + host + ".zip"
	sums := parseSums(t, filepath.Join(dist, prefix+"_SHA256SUMS"))
	for _, name := range []string{zipName, prefix + "_manifest.json"} {
		if got := fileSum(t, filepath.Join(dist, name)); sums[name] != got {
			t.Fatalf("SHA256SUMS says %s is %q, the file's SHA-256 is %s", name, sums[name], got)
		}
	}
	if len(sums) != 2 {
		t.Fatalf("SHA256SUMS lists %d files, want the zip and the manifest: %v", len(sums), sums)
	}
	binary := zipOnlyFile(t, filepath.Join(dist, zipName), binName)
	// h1: is Terraform's hash of a package's contents: the SHA-256 of the
	// sorted "<sha256>  <name>" lines of its files, in base64 (the Go
	// module dirhash "Hash1"). zh: is the SHA-256 of the zip itself.
	wantH1 := "h1:" + h1OfOneFile(binName, binary)
	wantZH := "zh:" + sums[zipName]

	_, url := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	config := fmt.Sprintf(`terraform {
  required_providers {
    heroku2aws = {
      source  = "heroku2aws/heroku2aws"
      version = %q
    }
  }
}
%s
data "heroku2aws_app" "api" {
  name = "acme-api"
}

output "app_name" {
  value = data.heroku2aws_app.api.name
}
`, installTestVersion, providerBlock(url, testAPIKey))

	t.Run("filesystem_mirror from the release zip", func(t *testing.T) {
		mirror := t.TempDir()
		pkgDir := filepath.Join(mirror, filepath.FromSlash(installTestAddress))
		must(t, os.MkdirAll(pkgDir, 0o755))
		must(t, copyTestFile(filepath.Join(dist, zipName), filepath.Join(pkgDir, zipName)))
		rc := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
  direct {
    exclude = [%q]
  }
}
`, mirror, installTestAddress, installTestAddress)

		// A fresh working directory: init installs from the zip and locks
		// the h1: hash of its contents. Terraform records zh: hashes only
		// from a registry's SHA256SUMS, never from a filesystem mirror.
		w := installWorkspace(t, config, rc)
		out := w.mustRun("init", "-input=false")
		assertInstalled(t, out)
		if got := lockHashes(t, w); len(got) != 1 || got[0] != wantH1 {
			t.Errorf("lock file hashes %v, want only %s (the zip's contents)", got, wantH1)
		}
		assertPlanReadsHeroku(t, w)

		// A lock file that already pins the zip's SHA-256 from SHA256SUMS,
		// as one written against the registry does: init checks the zip
		// against it, accepts it, and adds h1:.
		w = installWorkspace(t, config, rc)
		writeFile(t, filepath.Join(w.dir, ".terraform.lock.hcl"), lockFile(wantZH))
		assertInstalled(t, w.mustRun("init", "-input=false"))
		got := lockHashes(t, w)
		if strings.Join(got, " ") != wantH1+" "+wantZH {
			t.Errorf("lock file hashes %v, want %s and %s", got, wantH1, wantZH)
		}
		assertPlanReadsHeroku(t, w)

		// And a zh: that is not the zip's (the manifest's) is refused.
		w = installWorkspace(t, config, rc)
		writeFile(t, filepath.Join(w.dir, ".terraform.lock.hcl"), lockFile("zh:"+sums[prefix+"_manifest.json"]))
		out, err := w.run("init", "-input=false")
		if err == nil || !strings.Contains(out, "checksums") {
			t.Errorf("init with a lock file that pins another checksum: err %v, want a checksum mismatch; output:\n%s", err, out)
		}
	})

	t.Run("implied local mirror from make install", func(t *testing.T) {
		home := t.TempDir()
		runMake(t, installEnv(t, home), "install", "VERSION="+installTestVersion)
		for _, registry := range []string{"registry.terraform.io", "registry.opentofu.org"} {
			path := filepath.Join(home, ".terraform.d", "plugins", registry, "heroku2aws", "heroku2aws",
				installTestVersion, host, binName)
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("make install did not write %s: %v", path, err)
			}
			// The same flags build both, so the bytes are the same.
			if !bytes.Equal(got, binary) {
				t.Errorf("%s differs from the binary in the release zip", path)
			}
			info, err := os.Stat(path)
			must(t, err)
			if runtime.GOOS != "windows" && info.Mode().Perm()&0o111 == 0 {
				t.Errorf("%s is not executable: %v", path, info.Mode())
			}
		}

		// No CLI configuration at all: Terraform searches
		// ~/.terraform.d/plugins by itself.
		w := installWorkspace(t, config, "")
		w.env = append(w.env, "HOME="+home)
		assertInstalled(t, w.mustRun("init", "-input=false"))
		if got := lockHashes(t, w); len(got) != 1 || got[0] != wantH1 {
			t.Errorf("lock file hashes %v, want only %s, the hash of the release zip's contents", got, wantH1)
		}
		assertPlanReadsHeroku(t, w)
	})
}

// runMake runs a target of the GNUmakefile at the module root.
func runMake(t *testing.T, env []string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", append([]string{"--no-print-directory"}, args...)...)
	cmd.Dir = "../.."
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// installEnv is the environment with HOME at home, and Go's caches where
// they are now, so that the build reuses them and needs no network.
func installEnv(t *testing.T, home string) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOENV").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	var goEnv map[string]string
	must(t, json.Unmarshal(out, &goEnv))
	env := append(os.Environ(), "HOME="+home, "GOPROXY=off")
	for k, v := range goEnv {
		env = append(env, k+"="+v)
	}
	return env
}

// installWorkspace is a working directory for a plain install: rc, when
// set, is the whole CLI configuration; otherwise there is none. Any
// registry request would go to a proxy that does not answer, so an init
// that tried the network fails.
func installWorkspace(t *testing.T, config, rc string) *cliWorkspace {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.tf"), config)
	tmp := filepath.Join(dir, "tmp")
	must(t, os.Mkdir(tmp, 0o700))
	w := &cliWorkspace{t: t, dir: dir, logPath: filepath.Join(dir, "trace.log"), tmp: tmp}
	w.env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"TMPDIR=" + tmp,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"NETRC=" + filepath.Join(dir, "no-netrc"),
		"HTTPS_PROXY=http://127.0.0.1:9",
		"HTTP_PROXY=http://127.0.0.1:9",
		"NO_PROXY=127.0.0.1,localhost",
	}
	if rc != "" {
		path := filepath.Join(dir, "install.tfrc")
		writeFile(t, path, rc)
		w.env = append(w.env, "TF_CLI_CONFIG_FILE="+path)
	}
	return w
}

func assertInstalled(t *testing.T, initOutput string) {
	t.Helper()
	want := "Installed heroku2aws/heroku2aws v" + installTestVersion
	if !strings.Contains(initOutput, want) || strings.Contains(initOutput, "development overrides") {
		t.Errorf("terraform init did not install from the mirror (want %q, no dev_overrides):\n%s", want, initOutput)
	}
}

func assertPlanReadsHeroku(t *testing.T, w *cliWorkspace) {
	t.Helper()
	out := w.mustRun("plan", "-input=false")
	if !strings.Contains(out, `app_name = "acme-api"`) {
		t.Errorf("terraform plan with the installed provider did not read the app:\n%s", out)
	}
}

func lockFile(hash string) string {
	return fmt.Sprintf("provider %q {\n  version     = %q\n  constraints = %q\n  hashes = [\n    %q,\n  ]\n}\n",
		installTestAddress, installTestVersion, installTestVersion, hash)
}

// lockHashes returns the hashes of the provider's block in the
// workspace's .terraform.lock.hcl, in the file's order.
func lockHashes(t *testing.T, w *cliWorkspace) []string {
	t.Helper()
	file, diags := hclsyntax.ParseConfig([]byte(w.read(".terraform.lock.hcl")), ".terraform.lock.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parsing the lock file: %v", diags)
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		t.Fatalf("lock file body is %T", file.Body)
	}
	for _, b := range body.Blocks {
		if b.Type != "provider" || len(b.Labels) != 1 || b.Labels[0] != installTestAddress {
			continue
		}
		if v, ok := b.Body.Attributes["version"]; !ok || exprString(t, v.Expr) != installTestVersion {
			t.Errorf("lock file does not select version %s", installTestVersion)
		}
		attr, ok := b.Body.Attributes["hashes"]
		if !ok {
			t.Fatal("the lock file's provider block has no hashes")
		}
		val, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			t.Fatalf("lock file hashes: %v", diags)
		}
		var hashes []string
		for _, h := range val.AsValueSlice() {
			hashes = append(hashes, h.AsString())
		}
		return hashes
	}
	t.Fatalf("the lock file has no block for %s:\n%s", installTestAddress, w.read(".terraform.lock.hcl"))
	return nil
}

func exprString(t *testing.T, e hclsyntax.Expression) string {
	t.Helper()
	v, diags := e.Value(nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return v.AsString()
}

// parseSums reads a SHA256SUMS file into name → hex SHA-256.
func parseSums(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err)
	sums := map[string]string{}
	for line := range strings.Lines(string(data)) {
		sum, name, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("%s: line %q is not \"<sha256>  <name>\"", path, line)
		}
		sums[name] = sum
	}
	return sums
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err)
	return fmt.Sprintf("%x", sha256.Sum256(data))
}

// zipOnlyFile checks that the zip holds exactly the file name, executable
// and at the top level, and returns its contents.
func zipOnlyFile(t *testing.T, path, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	must(t, err)
	defer func() { _ = zr.Close() }()
	if len(zr.File) != 1 || zr.File[0].Name != name {
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		t.Fatalf("%s holds %v, want only %s", path, names, name)
	}
	f := zr.File[0]
	if f.Mode().Perm() != 0o755 {
		t.Errorf("%s in the zip has mode %v, want 0755", name, f.Mode())
	}
	rc, err := f.Open()
	must(t, err)
	defer func() { _ = rc.Close() }()
	data, err := io.ReadAll(rc)
	must(t, err)
	return data
}

func h1OfOneFile(name string, content []byte) string {
	summary := fmt.Sprintf("%x  %s\n", sha256.Sum256(content), name)
	sum := sha256.Sum256([]byte(summary))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func copyTestFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}
