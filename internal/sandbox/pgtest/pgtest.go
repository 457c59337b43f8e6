package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultSuperuser is the superuser of a cluster when Options.Superuser is
// empty.
const DefaultSuperuser = "postgres"

const (
	// startTimeout bounds the wait for a new server to accept connections.
	startTimeout = 60 * time.Second
	// stopTimeout bounds the fast shutdown before the server is killed.
	stopTimeout = 30 * time.Second
	// portAttempts is how often Start picks another free port when the one
	// it picked was taken meanwhile.
	portAttempts = 8
	// maxSocketPath is the longest unix socket path Linux accepts
	// (sizeof(sun_path) - 1).
	maxSocketPath = 107
)

// ErrNotInstalled is wrapped by the errors of BinDir and Start when the
// PostgreSQL server binaries are not installed.
var ErrNotInstalled = errors.New("PostgreSQL server binaries not found")

// Options configures Start. The zero value starts a fresh cluster in a new
// temporary directory on a free port.
type Options struct {
	// Dir is the cluster directory (data in Dir/data, log in
	// Dir/postgres.log). Default: a new directory in os.TempDir(). An
	// existing initialised Dir is reused when Keep is set.
	Dir string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// Superuser is the bootstrap superuser; DefaultSuperuser when empty.
	Superuser string
	// Password is the superuser's password; random when empty. To reuse a
	// kept Dir, either give the same password again or leave it empty: a
	// generated one is then saved in Dir/superuser-password (0600).
	Password string
	// Settings are extra server settings (name → value), applied after
	// and over the defaults, for example {"work_mem": "64MB"}.
	Settings map[string]string
	// Keep leaves Dir in place on Stop, so that the next Start with the
	// same Dir and Keep reuses its data (for cached benchmark data).
	Keep bool
}

// Cluster is a running PostgreSQL server. Stop it when done.
type Cluster struct {
	dir       string
	dataDir   string
	logPath   string
	port      int
	superuser string
	password  string
	keep      bool
	cred      *credential // the server's user when we are root, else nil

	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
	logF   *os.File

	stopOnce sync.Once
	stopErr  error
}

var settingNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)

// Start creates (or, with Keep, reuses) a cluster in opts.Dir, starts its
// server on 127.0.0.1 and waits until it accepts connections. ctx bounds
// the start only, not the life of the server.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	if opts.Port < 0 || opts.Port > 65535 {
		return nil, fmt.Errorf("pgtest: port %d out of range", opts.Port)
	}
	for name := range opts.Settings {
		if !settingNameRE.MatchString(name) {
			return nil, fmt.Errorf("pgtest: %q is not a setting name", name)
		}
	}
	c := &Cluster{
		superuser: opts.Superuser,
		password:  opts.Password,
		keep:      opts.Keep,
	}
	if c.superuser == "" {
		c.superuser = DefaultSuperuser
	}
	if c.cred, err = serverCredential(); err != nil {
		return nil, err
	}

	createdDir := false
	if opts.Dir == "" {
		if c.dir, err = os.MkdirTemp("", "pgtest-"); err != nil {
			return nil, fmt.Errorf("pgtest: %w", err)
		}
		createdDir = true
	} else {
		if c.dir, err = filepath.Abs(opts.Dir); err != nil {
			return nil, fmt.Errorf("pgtest: %w", err)
		}
		if err := os.MkdirAll(c.dir, 0o700); err != nil {
			return nil, fmt.Errorf("pgtest: %w", err)
		}
	}
	c.dataDir = filepath.Join(c.dir, "data")
	c.logPath = filepath.Join(c.dir, "postgres.log")
	fail := func(err error) (*Cluster, error) {
		c.kill()
		if c.logF != nil {
			_ = c.logF.Close()
		}
		if createdDir || !c.keep {
			_ = os.RemoveAll(c.dir)
		}
		return nil, err
	}

	if err := c.prepareDir(); err != nil {
		return fail(err)
	}
	if c.logF, err = os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		return fail(fmt.Errorf("pgtest: %w", err))
	}
	reuse := false
	if opts.Keep {
		if _, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION")); err == nil {
			reuse = true
		}
	}
	if err := c.resolvePassword(reuse); err != nil {
		return fail(err)
	}
	if !reuse {
		if err := c.initdb(ctx, bin); err != nil {
			return fail(err)
		}
	}

	for attempt := 1; ; attempt++ {
		c.port = opts.Port
		if c.port == 0 {
			if c.port, err = freePort(); err != nil {
				return fail(fmt.Errorf("pgtest: picking a port: %w", err))
			}
		}
		err = c.startServer(ctx, bin, opts.Settings)
		if err == nil {
			return c, nil
		}
		if opts.Port != 0 || attempt == portAttempts || !errors.Is(err, errPortInUse) {
			return fail(err)
		}
	}
}

// credential is an OS user to run the server as.
type credential struct{ uid, gid uint32 }

// serverCredential returns the user the server runs as: nil (the current
// user) unless the process is root, then the postgres user.
func serverCredential() (*credential, error) {
	if err := supported(); err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 {
		return nil, nil
	}
	uid, gid, err := lookupPostgresUser()
	if err != nil {
		return nil, err
	}
	return &credential{uid: uid, gid: gid}, nil
}

// prepareDir makes the cluster directory usable by the server's user.
func (c *Cluster) prepareDir() error {
	if err := os.Chmod(c.dir, 0o700); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if c.cred == nil {
		return nil
	}
	if err := os.Chown(c.dir, int(c.cred.uid), int(c.cred.gid)); err != nil {
		return fmt.Errorf("pgtest: giving %s to the postgres user: %w", c.dir, err)
	}
	return makeTraversable(filepath.Dir(c.dir))
}

// makeTraversable adds o+x to dir and its parents inside os.TempDir() that
// lack it, so that the postgres user can reach a cluster directory that
// root created (t.TempDir() makes 0700 directories). It changes nothing
// outside os.TempDir(), and fails there instead.
func makeTraversable(dir string) error {
	tmp, err := filepath.EvalSymlinks(os.TempDir())
	if err != nil {
		tmp = filepath.Clean(os.TempDir())
	}
	if resolved, err := filepath.EvalSymlinks(dir); err == nil {
		dir = resolved
	}
	for {
		info, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
		if info.Mode().Perm()&0o001 == 0 {
			inTmp := dir == tmp || strings.HasPrefix(dir, tmp+string(filepath.Separator))
			if !inTmp {
				return fmt.Errorf("pgtest: the postgres user cannot enter %s (mode %v); choose a Dir inside %s or make it traversable", dir, info.Mode().Perm(), tmp)
			}
			if err := os.Chmod(dir, info.Mode().Perm()|0o001); err != nil {
				return fmt.Errorf("pgtest: %w", err)
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// resolvePassword settles the superuser password: the given one, the one
// saved in a kept directory, or a new random one (saved when Keep).
func (c *Cluster) resolvePassword(reuse bool) error {
	saved := filepath.Join(c.dir, "superuser-password")
	if c.password != "" {
		return nil
	}
	if reuse {
		data, err := os.ReadFile(saved)
		if err != nil {
			return fmt.Errorf("pgtest: reusing %s needs Options.Password or the saved superuser-password file: %w", c.dir, err)
		}
		c.password = strings.TrimSpace(string(data))
		return nil
	}
	c.password = randomHex(16)
	if c.keep {
		if err := os.WriteFile(saved, []byte(c.password+"\n"), 0o600); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// childEnv is the environment of initdb and postgres: nothing inherited
// but PATH, so that no PG* variable or locale setting interferes.
func childEnv() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "TZ=UTC", "LC_ALL=C"}
}

func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = c.dir
	cmd.Env = childEnv()
	cmd.Stdout = c.logF
	cmd.Stderr = c.logF
	cmd.SysProcAttr = procAttr(c.cred, false)
	return cmd
}

// initdb creates the data directory. The password goes through a 0600
// file that is removed as soon as initdb is done.
func (c *Cluster) initdb(ctx context.Context, bin string) error {
	pwfile := filepath.Join(c.dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(c.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer os.Remove(pwfile)
	if c.cred != nil {
		if err := os.Chown(pwfile, int(c.cred.uid), int(c.cred.gid)); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
	}
	var err error
	for _, locale := range []string{"C.UTF-8", "C"} {
		_ = os.RemoveAll(c.dataDir)
		cmd := c.command(ctx, filepath.Join(bin, "initdb"),
			"-D", c.dataDir, "-A", "scram-sha-256", "--pwfile="+pwfile, "-U", c.superuser,
			"--no-sync", "--no-instructions", "-E", "UTF8", "--locale="+locale)
		if err = cmd.Run(); err == nil {
			return nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return fmt.Errorf("pgtest: initdb: %w%s", err, c.logTail())
}

// errPortInUse marks a start that failed because the port was taken.
var errPortInUse = errors.New("port in use")

// serverArgs are the postgres command-line options.
func (c *Cluster) serverArgs(settings map[string]string) []string {
	sockets := c.dataDir
	if len(sockets)+len("/.s.PGSQL.65535") > maxSocketPath {
		sockets = ""
	}
	args := []string{"-D", c.dataDir}
	set := func(name, value string) { args = append(args, "-c", name+"="+value) }
	set("listen_addresses", "127.0.0.1")
	set("port", strconv.Itoa(c.port))
	set("unix_socket_directories", sockets)
	set("fsync", "off")
	set("synchronous_commit", "off")
	set("full_page_writes", "off")
	set("max_connections", "50")
	set("shared_buffers", "128MB")
	set("log_min_error_statement", "panic")
	for _, name := range slices.Sorted(maps.Keys(settings)) {
		set(name, settings[name])
	}
	return args
}

// startServer starts postgres on c.port and waits until it answers.
func (c *Cluster) startServer(ctx context.Context, bin string, settings map[string]string) error {
	logStart, _ := c.logF.Seek(0, 2)
	// The server outlives ctx, which bounds the start only.
	cmd := c.command(context.Background(), filepath.Join(bin, "postgres"), c.serverArgs(settings)...)
	// Our child, in its own process group (a terminal's Ctrl-C is ours to
	// handle), and on Linux it goes away with us if the test binary dies.
	cmd.SysProcAttr = procAttr(c.cred, true)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: starting postgres: %w", err)
	}
	c.cmd = cmd
	c.exited = make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(c.exited)
	}()

	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	for {
		select {
		case <-c.exited:
			c.cmd = nil
			log := c.logSince(logStart)
			if strings.Contains(log, "Address already in use") {
				return fmt.Errorf("pgtest: port %d: %w", c.port, errPortInUse)
			}
			return fmt.Errorf("pgtest: postgres exited during start-up (%v)%s", waitErr, c.logTail())
		case <-ctx.Done():
			return fmt.Errorf("pgtest: waiting for postgres: %w", ctx.Err())
		case <-deadline.C:
			return fmt.Errorf("pgtest: postgres did not accept connections within %v%s", startTimeout, c.logTail())
		default:
		}
		if c.ping(ctx) == nil {
			return nil
		}
		select {
		case <-time.After(10 * time.Millisecond):
		case <-c.exited:
		case <-ctx.Done():
		}
	}
}

// ping connects once as the superuser.
func (c *Cluster) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// logSince returns the log written from offset on.
func (c *Cluster) logSince(offset int64) string {
	data, err := os.ReadFile(c.logPath)
	if err != nil || offset > int64(len(data)) {
		return ""
	}
	return string(data[offset:])
}

// logTail is the end of the log, formatted to follow an error message.
func (c *Cluster) logTail() string {
	data, err := os.ReadFile(c.logPath)
	if err != nil || len(data) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return "\n" + c.logPath + ":\n\t" + strings.Join(lines, "\n\t")
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("unexpected address %v", ln.Addr())
	}
	return addr.Port, nil
}

// kill stops the server at once (start-up failures).
func (c *Cluster) kill() {
	if c.cmd == nil {
		return
	}
	killGroup(c.cmd.Process.Pid)
	<-c.exited
	c.cmd = nil
}

// Stop shuts the server down (fast shutdown: sessions are ended, nothing
// waits for clients) and removes the cluster directory unless Keep. It is
// idempotent; later calls return the first call's result.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() { c.stopErr = c.stop() })
	return c.stopErr
}

func (c *Cluster) stop() error {
	var errs []error
	if c.cmd != nil {
		pid := c.cmd.Process.Pid
		_ = c.cmd.Process.Signal(os.Interrupt) // SIGINT: fast shutdown
		select {
		case <-c.exited:
		case <-time.After(stopTimeout):
			errs = append(errs, fmt.Errorf("pgtest: postgres (pid %d) ignored the fast shutdown for %v; killed it%s", pid, stopTimeout, c.logTail()))
			killGroup(pid)
			<-c.exited
		}
		// The postmaster waits for its children before it exits; make sure
		// of the whole process group anyway.
		killGroup(pid)
		c.cmd = nil
	}
	if c.logF != nil {
		_ = c.logF.Close()
	}
	if !c.keep {
		if err := os.RemoveAll(c.dir); err != nil {
			errs = append(errs, fmt.Errorf("pgtest: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Port is the server's TCP port on Host.
func (c *Cluster) Port() int { return c.port }

// Host is the address the server listens on: "127.0.0.1".
func (c *Cluster) Host() string { return "127.0.0.1" }

// Superuser is the name of the bootstrap superuser.
func (c *Cluster) Superuser() string { return c.superuser }

// Password is the superuser's password.
func (c *Cluster) Password() string { return c.password }

// Dir is the cluster directory (data in Dir()/data).
func (c *Cluster) Dir() string { return c.dir }

// URL is a connection URL for database dbname as the superuser:
// postgres://USER:PASSWORD@127.0.0.1:PORT/DBNAME?sslmode=disable.
func (c *Cluster) URL(dbname string) string {
	return c.URLFor(c.superuser, c.password, dbname)
}

// URLFor is a connection URL for database dbname as another role (for
// example one made by CreateRole).
func (c *Cluster) URLFor(user, password, dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(user, password),
		Host:     net.JoinHostPort(c.Host(), strconv.Itoa(c.port)),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// connect opens a superuser connection to db.
func (c *Cluster) connect(ctx context.Context, db string) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, c.URL(db))
	if err != nil {
		return nil, fmt.Errorf("pgtest: connecting to %q: %w", db, err)
	}
	return conn, nil
}

// Exec runs sql, which may hold several statements, in database db as the
// superuser (simple protocol, one implicit transaction unless sql says
// otherwise).
func (c *Cluster) Exec(ctx context.Context, db, sql string) error {
	conn, err := c.connect(ctx, db)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.PgConn().Exec(ctx, sql).ReadAll(); err != nil {
		return fmt.Errorf("pgtest: in %q: %w", db, err)
	}
	return nil
}

// CreateDatabase creates database name (UTF8, owned by the superuser).
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	return c.Exec(ctx, "postgres", "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
}

// CreateRole creates a login role with password, a superuser or not. The
// server receives a SCRAM-SHA-256 verifier, never the password itself
// (except for non-ASCII passwords, which the server must normalise).
func (c *Cluster) CreateRole(ctx context.Context, name, password string, superuser bool) error {
	super := "NOSUPERUSER"
	if superuser {
		super = "SUPERUSER"
	}
	secret := password
	if isASCII(password) {
		secret = scramVerifier(password)
	}
	return c.Exec(ctx, "postgres", fmt.Sprintf("CREATE ROLE %s LOGIN %s PASSWORD %s",
		pgx.Identifier{name}.Sanitize(), super, quoteLiteral(secret)))
}

// quoteLiteral quotes s as a standard SQL string literal
// (standard_conforming_strings is on by default since PostgreSQL 9.1).
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == 0 {
			return false
		}
	}
	return true
}
