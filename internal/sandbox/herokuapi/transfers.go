package herokuapi

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Defaults of the Data API options.
const (
	// DefaultBackupURLTTL is how long a backup's public URL works. Heroku's
	// are S3 presigned URLs that expire.
	DefaultBackupURLTTL = 10 * time.Minute
	// defaultNumKeep is the num_keep reported for manual backups.
	defaultNumKeep = 25
	// defaultFailedCaptureLog is the log line of FailNextCapture without
	// lines of its own.
	defaultFailedCaptureLog = "pg_dump: error: could not dump the database: the backup was failed on purpose (FailNextCapture)"
)

// pgState is the Data API's mutable state: databases behind add-ons,
// transfers, public URLs and faults. Its mu guards everything but the
// processed counters of running captures.
type pgState struct {
	mu           sync.Mutex
	dbURL        map[string]string      // add-on id → database URL (holds a password)
	transfers    map[string][]*transfer // owning app id → transfers, in creation order
	lastNum      map[string]int         // owning app id → highest num so far
	urls         map[string]*backupURL  // token → URL
	failCapture  []string               // FailNextCapture: the log lines, when failNext
	failNext     bool
	captureDelay time.Duration
	cutAfter     int64 // CutNextDownloads
	cutCount     int
	dir          string // dump files, made on first use
	closed       bool

	ctx    context.Context // canceled by Close, ending running captures
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// logLine is one entry of a transfer's logs.
type logLine struct {
	at      time.Time
	level   string
	message string
}

// transfer is a backup: captured, added by AddBackup or seeded by the
// fixture. pgState.mu guards it, except processed while running.
type transfer struct {
	uuid        string
	num         int
	appID       string
	addon       *addonRecord
	scheduled   bool
	fromURL     string // the database URL without credentials
	created     time.Time
	started     *time.Time
	finished    *time.Time
	canceled    *time.Time
	updated     time.Time
	succeeded   bool
	sourceBytes int64
	processed   atomic.Int64
	warnings    int
	logs        []logLine
	file        string // the dump; "" when there is none
	ownsFile    bool   // file is ours to delete
	etag        string
	modTime     time.Time
}

// name is the backup name the Heroku CLI shows: "b" + num (manual) or
// "a" + num (scheduled), zero-padded to three digits.
func (t *transfer) name() string { return backupName(t.num, t.scheduled) }

func backupName(num int, scheduled bool) string {
	prefix := "b"
	if scheduled {
		prefix = "a"
	}
	return fmt.Sprintf("%s%03d", prefix, num)
}

func dataTime(t time.Time) string { return t.UTC().Format(dataTimeLayout) }

func dataTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	return new(dataTime(*t))
}

// json renders the transfer; logs only when verbose. The caller holds mu.
func (t *transfer) json(verbose bool) transferJSON {
	out := transferJSON{
		UUID:           t.uuid,
		Num:            t.num,
		FromName:       t.addon.fromName,
		FromType:       "pg_dump",
		FromURL:        t.fromURL,
		ToName:         "BACKUP",
		ToType:         "gof3r",
		ToURL:          "https://s3.example.invalid/xfrtu/" + t.appID + "/" + t.uuid + "/backup.dump",
		Options:        map[string]any{},
		SourceBytes:    t.sourceBytes,
		ProcessedBytes: t.processed.Load(),
		Succeeded:      t.succeeded,
		Warnings:       t.warnings,
		CreatedAt:      dataTime(t.created),
		StartedAt:      dataTimePtr(t.started),
		CanceledAt:     dataTimePtr(t.canceled),
		UpdatedAt:      dataTime(t.updated),
		FinishedAt:     dataTimePtr(t.finished),
		NumKeep:        defaultNumKeep,
	}
	if t.scheduled {
		out.Schedule = &scheduleRefJSON{UUID: deriveID("schedule", t.addon.id)}
	}
	if verbose {
		logs := make([]transferLogJSON, len(t.logs))
		for i, l := range t.logs {
			logs[i] = transferLogJSON{CreatedAt: dataTime(l.at), Level: l.level, Message: l.message}
		}
		out.Logs = &logs
	}
	return out
}

// redactURL drops the credentials from a database URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}

// newPGState seeds the Data API state from the dataset.
func newPGState(d *dataset) *pgState {
	pg := &pgState{
		dbURL:     map[string]string{},
		transfers: map[string][]*transfer{},
		lastNum:   map[string]int{},
		urls:      map[string]*backupURL{},
	}
	pg.ctx, pg.cancel = context.WithCancel(context.Background())
	for _, ar := range d.addonOrder {
		if ar.databaseURL != "" {
			pg.dbURL[ar.id] = ar.databaseURL
		}
		appID := ar.owner.app.ID
		for _, b := range ar.backups {
			created := ar.created.Add(time.Duration(b.Num) * 24 * time.Hour)
			if b.CreatedAt != nil {
				created = b.CreatedAt.UTC()
			}
			finished := created.Add(2 * time.Minute)
			t := &transfer{
				uuid:        deriveID("transfer", appID, strconv.Itoa(b.Num)),
				num:         b.Num,
				appID:       appID,
				addon:       ar,
				scheduled:   b.Scheduled,
				fromURL:     fixtureFromURL(ar),
				created:     created,
				started:     new(created),
				finished:    new(finished),
				updated:     finished,
				succeeded:   b.Succeeded == nil || *b.Succeeded,
				sourceBytes: b.SourceBytes,
			}
			t.processed.Store(b.ProcessedBytes)
			level := "info"
			if !t.succeeded {
				level = "error"
			}
			for _, m := range b.Logs {
				t.logs = append(t.logs, logLine{at: finished, level: level, message: m})
			}
			pg.transfers[appID] = append(pg.transfers[appID], t)
			pg.lastNum[appID] = max(pg.lastNum[appID], b.Num)
		}
	}
	return pg
}

// fixtureFromURL is the from_url of a seeded backup: the database's URL
// without credentials, or a made-up Heroku host.
func fixtureFromURL(ar *addonRecord) string {
	if ar.databaseURL != "" {
		return redactURL(ar.databaseURL)
	}
	return "postgres://ec2-0-0-0-0.compute-1.example.invalid:5432/d" + deriveHex(14, "database", ar.id)
}

// lookupAddon resolves an add-on by UUID (case-insensitively) or by name.
func (d *dataset) lookupAddon(key string) *addonRecord {
	if isUUID(key) {
		key = strings.ToLower(key)
	}
	return d.addonByKey[key]
}

// SetAddonDatabase points the heroku-postgresql add-on addonNameOrID at
// the PostgreSQL database databaseURL (postgres://USER:PASSWORD@HOST:PORT/DB),
// for example a pgtest cluster; "" detaches it, and the Data API then
// answers 404 for the add-on. Errors never quote the URL.
func (s *Server) SetAddonDatabase(addonNameOrID, databaseURL string) error {
	ar := s.data.lookupAddon(addonNameOrID)
	if ar == nil {
		return fmt.Errorf("herokuapi: no add-on %q", addonNameOrID)
	}
	if ar.service != PostgresService {
		return fmt.Errorf("herokuapi: add-on %q is a %s add-on, not %s", ar.name, ar.service, PostgresService)
	}
	if databaseURL != "" {
		if err := validateDatabaseURL(databaseURL); err != nil {
			return fmt.Errorf("herokuapi: add-on %q: database URL: %w", ar.name, err)
		}
	}
	pg := s.pg
	pg.mu.Lock()
	defer pg.mu.Unlock()
	if databaseURL == "" {
		delete(pg.dbURL, ar.id)
	} else {
		pg.dbURL[ar.id] = databaseURL
	}
	return nil
}

// AddonHasDatabase reports whether the add-on (name or id) has a database
// behind it, from the fixture or SetAddonDatabase.
func (s *Server) AddonHasDatabase(addonNameOrID string) bool {
	ar := s.data.lookupAddon(addonNameOrID)
	if ar == nil {
		return false
	}
	s.pg.mu.Lock()
	defer s.pg.mu.Unlock()
	return s.pg.dbURL[ar.id] != ""
}

// FailNextCapture makes the next capture fail without running pg_dump:
// it finishes with succeeded false and logs as its error lines (a generic
// pg_dump error when none are given), after the capture delay.
func (s *Server) FailNextCapture(logs ...string) {
	pg := s.pg
	pg.mu.Lock()
	defer pg.mu.Unlock()
	pg.failNext = true
	pg.failCapture = slices.Clone(logs)
}

// SetCaptureDelay holds every capture started from now on running for at
// least d: pg_dump writes at its own pace (processed_bytes shows it), but
// finished_at stays null until d has passed since the start.
func (s *Server) SetCaptureDelay(d time.Duration) {
	pg := s.pg
	pg.mu.Lock()
	defer pg.mu.Unlock()
	pg.captureDelay = max(d, 0)
}

// Close ends running captures (they finish failed and canceled), waits
// for them, and removes every dump file the sandbox made. Files given to
// AddBackup are left alone. Captures are refused afterwards. Close is
// idempotent; Start registers it with t.Cleanup.
func (s *Server) Close() error {
	pg := s.pg
	pg.mu.Lock()
	pg.closed = true
	pg.mu.Unlock()
	pg.cancel()
	pg.wg.Wait()
	pg.mu.Lock()
	defer pg.mu.Unlock()
	if pg.dir == "" {
		return nil
	}
	err := os.RemoveAll(pg.dir)
	for _, ts := range pg.transfers {
		for _, t := range ts {
			if t.ownsFile {
				t.file = ""
			}
		}
	}
	pg.dir = ""
	return err
}

// AddBackup registers dumpFile (a pg_dump custom-format archive, or any
// file) as a finished, successful manual backup of app's Postgres add-on:
// the add-on attached to app as DATABASE, else its first heroku-postgresql
// add-on. The backup's public URL serves the file, which stays where it
// is and is not deleted by Close. It returns the transfer number and the
// backup name ("b" + num).
func (s *Server) AddBackup(app string, dumpFile string) (num int, name string, err error) {
	rec := s.data.lookupApp(app)
	if rec == nil {
		return 0, "", fmt.Errorf("herokuapi: no app %q", app)
	}
	var addon *addonRecord
	for _, ar := range s.data.addonOrder {
		if ar.owner == rec && ar.service == PostgresService && (addon == nil || ar.fromName == "DATABASE" && addon.fromName != "DATABASE") {
			addon = ar
		}
	}
	if addon == nil {
		return 0, "", fmt.Errorf("herokuapi: app %q owns no %s add-on", rec.app.Name, PostgresService)
	}
	f, err := os.Open(dumpFile)
	if err != nil {
		return 0, "", fmt.Errorf("herokuapi: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, "", fmt.Errorf("herokuapi: %w", err)
	}
	if !info.Mode().IsRegular() {
		return 0, "", fmt.Errorf("herokuapi: %s is not a regular file", dumpFile)
	}
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return 0, "", fmt.Errorf("herokuapi: %w", err)
	}

	pg := s.pg
	now := s.now()
	pg.mu.Lock()
	defer pg.mu.Unlock()
	t := s.newTransferLocked(addon, now)
	t.finished = new(now)
	t.succeeded = true
	t.sourceBytes = info.Size()
	t.processed.Store(info.Size())
	t.file = dumpFile
	t.etag = hex.EncodeToString(h.Sum(nil))
	t.modTime = now
	t.logs = append(t.logs, successLogs(now)...)
	return t.num, t.name(), nil
}

// newTransferLocked registers a new running manual backup of addon. The
// caller holds pg.mu.
func (s *Server) newTransferLocked(addon *addonRecord, now time.Time) *transfer {
	pg := s.pg
	appID := addon.owner.app.ID
	pg.lastNum[appID]++
	t := &transfer{
		uuid:    uuid.NewString(),
		num:     pg.lastNum[appID],
		appID:   appID,
		addon:   addon,
		fromURL: fixtureFromURL(addon),
		created: now,
		started: new(now),
		updated: now,
	}
	if u := pg.dbURL[addon.id]; u != "" {
		t.fromURL = redactURL(u)
	}
	pg.transfers[appID] = append(pg.transfers[appID], t)
	return t
}

// successLogs are the last lines of a successful Heroku backup.
func successLogs(at time.Time) []logLine {
	var out []logLine
	for _, m := range []string{"waiting for pg_dump to complete", "pg_dump done", "waiting for upload to complete", "upload done"} {
		out = append(out, logLine{at: at, level: "info", message: m})
	}
	return out
}

// errClosed refuses captures after Close.
var errClosed = errors.New("herokuapi: server closed")

// startCapture registers a capture of addon's database and starts it in
// the background. It returns the new transfer, rendered.
func (s *Server) startCapture(addon *addonRecord, dbURL string) (transferJSON, error) {
	pg := s.pg
	now := s.now()
	pg.mu.Lock()
	defer pg.mu.Unlock()
	if pg.closed {
		return transferJSON{}, errClosed
	}
	t := s.newTransferLocked(addon, now)
	fail, failLogs := pg.failNext, pg.failCapture
	pg.failNext, pg.failCapture = false, nil
	job := &capture{s: s, t: t, dbURL: dbURL, delay: pg.captureDelay, fail: fail, failLogs: failLogs}
	pg.wg.Add(1)
	go func() {
		defer pg.wg.Done()
		job.run(pg.ctx)
	}()
	return t.json(false), nil
}

// capture is one running pg_dump.
type capture struct {
	s        *Server
	t        *transfer
	dbURL    string
	delay    time.Duration
	fail     bool
	failLogs []string
}

func (c *capture) log(level, message string) {
	pg := c.s.pg
	now := c.s.now()
	pg.mu.Lock()
	defer pg.mu.Unlock()
	c.t.logs = append(c.t.logs, logLine{at: now, level: level, message: message})
	c.t.updated = now
	if level == "warning" {
		c.t.warnings++
	}
}

// run performs the capture and records its outcome.
func (c *capture) run(ctx context.Context) {
	deadline := time.Now().Add(c.delay)
	if c.fail {
		waitUntil(ctx, deadline)
		lines := c.failLogs
		if len(lines) == 0 {
			lines = []string{defaultFailedCaptureLog}
		}
		for _, m := range lines {
			c.log("error", m)
		}
		c.finish(ctx, false, "", "")
		return
	}
	file, etag, err := c.dump(ctx)
	waitUntil(ctx, deadline)
	if err != nil {
		c.log("error", err.Error())
		if file != "" {
			_ = os.Remove(file)
		}
		c.finish(ctx, false, "", "")
		return
	}
	c.finish(ctx, true, file, etag)
}

// finish marks the transfer finished. A canceled context (Close) makes it
// a canceled failure.
func (c *capture) finish(ctx context.Context, ok bool, file, etag string) {
	pg := c.s.pg
	now := c.s.now()
	pg.mu.Lock()
	defer pg.mu.Unlock()
	t := c.t
	if ctx.Err() != nil {
		ok = false
		t.canceled = new(now)
		if file != "" {
			_ = os.Remove(file)
			file = ""
		}
	}
	if ok {
		t.logs = append(t.logs, successLogs(now)...)
		t.file, t.ownsFile, t.etag, t.modTime = file, true, etag, now
	}
	t.succeeded = ok
	t.finished = new(now)
	t.updated = now
}

func waitUntil(ctx context.Context, deadline time.Time) {
	d := time.Until(deadline)
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

// dumpDir returns the directory for dump files, making it on first use.
func (s *Server) dumpDir() (string, error) {
	pg := s.pg
	pg.mu.Lock()
	defer pg.mu.Unlock()
	if pg.dir == "" {
		dir, err := os.MkdirTemp("", "herokuapi-backups-")
		if err != nil {
			return "", err
		}
		pg.dir = dir
	}
	return pg.dir, nil
}

// dump runs pg_dump -Fc --verbose against the database and writes its
// output, through a pipe as Heroku streams it to S3, into a new 0600 file.
// pg_dump's stderr lines become log lines as they come. The password goes
// to pg_dump in PGPASSWORD, never in its arguments. It returns the file
// (also on failure, for removal) and its MD5, S3's ETag.
func (c *capture) dump(ctx context.Context) (file, etag string, err error) {
	target, password, err := pgDumpTarget(c.dbURL)
	if err != nil {
		return "", "", err
	}
	c.sourceBytes(ctx)

	dir, err := c.s.dumpDir()
	if err != nil {
		return "", "", fmt.Errorf("could not create the backup file: %w", err)
	}
	f, err := os.CreateTemp(dir, "b*.dump") // 0600
	if err != nil {
		return "", "", fmt.Errorf("could not create the backup file: %w", err)
	}
	defer f.Close()

	cmd := exec.CommandContext(ctx, c.s.pgDump, "--format=custom", "--verbose", "--no-password", "--dbname="+target)
	cmd.Env = pgClientEnv(password)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return f.Name(), "", err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return f.Name(), "", err
	}
	if err := cmd.Start(); err != nil {
		return f.Name(), "", fmt.Errorf("could not run pg_dump: %w", err)
	}
	c.log("info", "Running pg_dump")

	stderrDone := make(chan struct{})
	go func() {
		defer close(stderrDone)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		inError := false
		for sc.Scan() {
			line := sc.Text()
			level := pgDumpLevel(line, inError)
			inError = level == "error"
			c.log(level, line)
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()

	h := md5.New()
	buf := make([]byte, 64*1024)
	var copyErr error
	for {
		n, rerr := stdout.Read(buf)
		if n > 0 {
			if _, werr := f.Write(buf[:n]); werr != nil && copyErr == nil {
				copyErr = werr
			}
			h.Write(buf[:n])
			c.t.processed.Add(int64(n))
		}
		if rerr != nil {
			break
		}
	}
	<-stderrDone
	waitErr := cmd.Wait()
	if waitErr == nil {
		waitErr = copyErr
	}
	if waitErr == nil {
		waitErr = f.Close()
	}
	if waitErr != nil {
		if ctx.Err() != nil {
			return f.Name(), "", errors.New("pg_dump: error: the backup was canceled")
		}
		var exit *exec.ExitError
		if errors.As(waitErr, &exit) {
			return f.Name(), "", fmt.Errorf("pg_dump exited with status %d", exit.ExitCode())
		}
		return f.Name(), "", fmt.Errorf("pg_dump: error: %v", waitErr)
	}
	return f.Name(), hex.EncodeToString(h.Sum(nil)), nil
}

// pgDumpTarget splits a database URL into what may go on pg_dump's command
// line (the URL without any password, from the user info or a password
// query parameter) and the password, which goes in the environment.
func pgDumpTarget(dbURL string) (target, password string, err error) {
	u, err := url.Parse(dbURL)
	if err != nil || u.User == nil {
		return "", "", errors.New("pg_dump: error: invalid database URL")
	}
	password, _ = u.User.Password()
	u.User = url.User(u.User.Username())
	if q := u.Query(); q.Has("password") {
		if password == "" {
			password = q.Get("password")
		}
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String(), password, nil
}

// pgDumpLevel classifies a pg_dump stderr line: "error" for errors (and
// the detail and hint lines after them), "warning" for warnings, else
// "info" (the --verbose progress).
func pgDumpLevel(line string, afterError bool) string {
	l := strings.ToLower(line)
	switch {
	case strings.Contains(l, "error:") || strings.Contains(l, "fatal:"):
		return "error"
	case strings.Contains(l, "warning:"):
		return "warning"
	case afterError && (strings.Contains(l, "detail:") || strings.Contains(l, "hint:") || strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")):
		return "error"
	}
	return "info"
}

// pgClientEnv is the environment of pg_dump: ours without any PG*
// variable (so that nothing from the caller redirects it), English
// messages, a connect timeout, and the password.
func pgClientEnv(password string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "LC_ALL=C", "PGCONNECT_TIMEOUT=10", "PGAPPNAME=herokuapi-sandbox-backup")
	if password != "" {
		env = append(env, "PGPASSWORD="+password)
	}
	return env
}

// sourceBytes records the database size (source_bytes) at the start.
func (c *capture) sourceBytes(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.dbURL)
	if err != nil {
		return // pg_dump will say what is wrong
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var size int64
	if conn.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&size) == nil {
		pg := c.s.pg
		pg.mu.Lock()
		c.t.sourceBytes = size
		pg.mu.Unlock()
	}
}
