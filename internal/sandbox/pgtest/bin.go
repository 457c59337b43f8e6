package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// debianBinDir is where Debian's postgresql-15 package puts the server
// binaries; BinDir falls back to it when pg_config is not on PATH.
const debianBinDir = "/usr/lib/postgresql/15/bin"

// BinDir returns the directory of the PostgreSQL server binaries: the
// PG_BIN_DIR environment variable when set, else what `pg_config --bindir`
// prints, else /usr/lib/postgresql/15/bin. It checks that initdb and
// postgres are there; when they are not, the error wraps ErrNotInstalled.
func BinDir() (string, error) {
	dir := os.Getenv("PG_BIN_DIR")
	source := "PG_BIN_DIR"
	if dir == "" {
		dir, source = pgConfigBinDir()
	}
	if dir == "" {
		return "", fmt.Errorf("pgtest: %w: no pg_config on PATH, no %s, and PG_BIN_DIR is not set; install postgresql-15", ErrNotInstalled, debianBinDir)
	}
	for _, name := range []string{"initdb", "postgres"} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil || info.IsDir() || info.Mode().Perm()&0o111 == 0 {
			return "", fmt.Errorf("pgtest: %w: no %s in %s (from %s); install postgresql-15", ErrNotInstalled, name, dir, source)
		}
	}
	return dir, nil
}

// pgConfigBinDir asks pg_config, or falls back to the Debian location.
func pgConfigBinDir() (dir, source string) {
	for _, pgConfig := range []string{"pg_config", filepath.Join(debianBinDir, "pg_config")} {
		path, err := exec.LookPath(pgConfig)
		if err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := exec.CommandContext(ctx, path, "--bindir").Output()
		cancel()
		if err == nil && strings.TrimSpace(string(out)) != "" {
			return strings.TrimSpace(string(out)), path + " --bindir"
		}
	}
	if _, err := os.Stat(filepath.Join(debianBinDir, "postgres")); err == nil {
		return debianBinDir, debianBinDir
	}
	return "", ""
}

// lookupPostgresUser finds the OS user the server runs as when we are root.
func lookupPostgresUser() (uid, gid uint32, err error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		var unknown user.UnknownUserError
		if errors.As(err, &unknown) {
			return 0, 0, errors.New("pgtest: running as root, and PostgreSQL refuses to run as root, but there is no \"postgres\" OS user to run it as; install postgresql-15 (which creates it), or run the tests as another user")
		}
		return 0, 0, fmt.Errorf("pgtest: looking up the postgres user: %w", err)
	}
	u64, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("pgtest: postgres user: uid %q: %w", u.Uid, err)
	}
	g64, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("pgtest: postgres user: gid %q: %w", u.Gid, err)
	}
	if u64 == 0 {
		return 0, 0, errors.New("pgtest: the postgres OS user is root (uid 0); PostgreSQL refuses to run as root")
	}
	return uint32(u64), uint32(g64), nil
}
