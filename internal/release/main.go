// Command release builds terraform-provider-heroku2aws the way a provider
// registry serves it, and installs it where Terraform and OpenTofu find it
// without dev_overrides. `make release` and `make install` run it:
//
//	go run ./internal/release -version 0.1.0 -dist dist
//	go run ./internal/release -version 0.1.0 -install ~/.terraform.d/plugins
//
// With -dist it writes, for each platform of -platforms,
// terraform-provider-heroku2aws_<version>_<os>_<arch>.zip holding the one
// binary terraform-provider-heroku2aws_v<version> (.exe on Windows), then
// terraform-provider-heroku2aws_<version>_manifest.json (a copy of
// terraform-registry-manifest.json) and
// terraform-provider-heroku2aws_<version>_SHA256SUMS over the zips and the
// manifest. Those are the names the Terraform Registry expects of a release
// (https://developer.hashicorp.com/terraform/registry/providers/publishing).
// The registry also wants SHA256SUMS.sig, a detached GPG signature; this
// project has no signing key, so the sums are left unsigned and the command
// says so.
//
// With -install it builds for the host and writes the binary into the
// unpacked layout of a local mirror,
// <dir>/<hostname>/heroku2aws/heroku2aws/<version>/<os>_<arch>/, once for
// registry.terraform.io (Terraform's default registry) and once for
// registry.opentofu.org (OpenTofu's), since each CLI expands the source
// address "heroku2aws/heroku2aws" to its own registry's hostname
// (https://developer.hashicorp.com/terraform/cli/config/config-file#implied-local-mirror-directories,
// https://opentofu.org/docs/cli/config/config-file/).
//
// Both modes build with the same flags, so that the binary in a zip and
// the installed one are the same bytes: CGO_ENABLED=0, -trimpath,
// -buildvcs=false, and -ldflags "-s -w -X main.version=<version>". The zip
// entries carry the fixed time of -mtime (SOURCE_DATE_EPOCH by default), so
// that a release built twice from the same commit has the same checksums.
// The command needs only the Go toolchain, and no network once the module
// cache holds the dependencies.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// defaultPlatforms are the os_arch pairs the provider builds for.
// windows_amd64 is not among them yet: internal/pgrestore runs pg_restore in
// its own process group (Setpgid, and syscall.Kill of the group on
// cancellation), which has no Windows build, so `go build` fails for it.
const defaultPlatforms = "linux_amd64 linux_arm64 darwin_amd64 darwin_arm64"

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	version := fs.String("version", "", "the provider version, semantic and without a leading v (required)")
	platforms := fs.String("platforms", defaultPlatforms, `os_arch pairs separated by spaces or commas; "host" is the machine's own`)
	dist := fs.String("dist", "", "write the release artefacts into this directory")
	install := fs.String("install", "", "install the host binary into this local mirror directory (unpacked layout)")
	manifest := fs.String("manifest", "terraform-registry-manifest.json", "the registry manifest to publish beside the zips")
	mtime := fs.String("mtime", os.Getenv("SOURCE_DATE_EPOCH"), "the time of the zip entries, in seconds since 1970 (default SOURCE_DATE_EPOCH, else 1980-01-01)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := validVersion(*version); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		return 2
	}
	if (*dist == "") == (*install == "") {
		fmt.Fprintln(os.Stderr, "release: give exactly one of -dist and -install")
		return 2
	}
	if *install != "" {
		dirs, err := installLocal(*version, *install)
		if err != nil {
			fmt.Fprintln(os.Stderr, "release:", err)
			return 1
		}
		for _, d := range dirs {
			fmt.Println("installed", d)
		}
		return 0
	}
	modified, err := zipTime(*mtime)
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		return 2
	}
	targets, err := parsePlatforms(*platforms)
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		return 2
	}
	files, err := buildRelease(*version, targets, *dist, *manifest, modified)
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		return 1
	}
	for _, f := range files {
		fmt.Println("wrote", f)
	}
	fmt.Println("release: SHA256SUMS is NOT signed: the registry also needs SHA256SUMS.sig, a detached GPG signature, and this build has no signing key.")
	return 0
}

// validVersion accepts what the registry accepts: MAJOR.MINOR.PATCH with
// an optional pre-release, and no leading v (the zip and binary names add
// their own).
func validVersion(v string) error {
	if v == "" {
		return fmt.Errorf("-version is required")
	}
	core, _, _ := strings.Cut(v, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return fmt.Errorf("version %q is not MAJOR.MINOR.PATCH (without a leading v)", v)
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 32); err != nil {
			return fmt.Errorf("version %q is not MAJOR.MINOR.PATCH (without a leading v)", v)
		}
	}
	if strings.ContainsAny(v, "/\\ _") {
		return fmt.Errorf("version %q holds a character a file name cannot", v)
	}
	return nil
}

// zipTime is the fixed modification time of every zip entry. Zip's own
// time field cannot go before 1980, which is the default.
func zipTime(epoch string) (time.Time, error) {
	floor := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	if epoch == "" {
		return floor, nil
	}
	secs, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("-mtime (or SOURCE_DATE_EPOCH) %q is not a number of seconds", epoch)
	}
	t := time.Unix(secs, 0).UTC()
	if t.Before(floor) {
		t = floor
	}
	return t, nil
}
