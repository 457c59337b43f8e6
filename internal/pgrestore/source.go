package pgrestore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
)

// acquire makes r.archive a readable, seekable archive file: a Heroku
// backup or dump_url downloaded into the work directory, a dump_file in
// place, or a pg_dump of database_url.
func (r *run) acquire(ctx context.Context) error {
	src := r.job.Source
	switch {
	case src.HerokuBackup != nil:
		return r.fromHeroku(ctx, src.HerokuBackup)
	case src.DumpURL != "":
		d := r.newDownloader("the dump_url", nil)
		return r.downloadTo(ctx, d, strings.TrimSpace(src.DumpURL))
	case src.DumpFile != "":
		return r.fromFile(src.DumpFile)
	case src.DatabaseURL != "":
		return r.fromDatabase(ctx)
	}
	return errors.New("no source")
}

func (r *run) fromFile(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("source.dump_file: %w", err)
	}
	if info.IsDir() {
		toc := filepath.Join(path, "toc.dat")
		f, err := os.Open(toc)
		if err != nil {
			return fmt.Errorf("source.dump_file %q is a directory but not a directory-format dump: %w", path, err)
		}
		_ = f.Close()
		var size int64
		_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if i, err := d.Info(); err == nil {
					size += i.Size()
				}
			}
			return nil
		})
		r.res.BytesTransferred = size
		r.archive = path
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("source.dump_file is not readable: %w", err)
	}
	_ = f.Close()
	r.res.BytesTransferred = info.Size()
	r.archive = path
	return nil
}

// findBackup picks the backup to restore, capturing a new one first when
// asked: both executors start here. checkDB first asks the Data API for the
// database (a clear error when the add-on is not Heroku Postgres, or is
// still provisioning); the plan-time lookup skips it.
func (r *run) findBackup(ctx context.Context, hb *HerokuBackup, checkDB bool) (*heroku.Transfer, string, error) {
	h := r.cfg.Heroku
	if h == nil {
		return nil, "", errors.New("a heroku_backup source needs the Heroku API, which is not configured")
	}
	addon := strings.TrimSpace(hb.Addon)
	if addon == "" {
		addon = DefaultAddon
	}
	ref, err := h.ResolveAddon(ctx, hb.App, addon)
	if err != nil {
		return nil, "", err
	}
	if checkDB {
		if err := h.PGDatabase(ctx, ref.ID); err != nil {
			return nil, "", err
		}
	}
	app := ref.App
	if app == "" {
		app = hb.App
	}
	var t *heroku.Transfer
	if hb.Capture {
		if t, err = r.capture(ctx, h, ref, app); err != nil {
			return nil, "", err
		}
	} else {
		ts, err := h.Transfers(ctx, app)
		if err != nil {
			return nil, "", err
		}
		name := strings.TrimSpace(hb.Backup)
		var ok bool
		if name == "" || name == BackupLatest {
			if t, ok = heroku.LatestBackup(ts); !ok {
				return nil, "", fmt.Errorf("app %q has no successful backup of %s; capture one (capture = true, or `heroku pg:backups:capture -a %s`)",
					app, ref.Name, app)
			}
		} else {
			if t, ok = heroku.FindBackup(ts, name); !ok {
				return nil, "", fmt.Errorf("app %q has no backup %s (see `heroku pg:backups -a %s`)", app, name, app)
			}
			if !t.Finished() {
				return nil, "", fmt.Errorf("backup %s of app %q is still running; wait for it or restore another one", t.Name, app)
			}
			if !t.Succeeded {
				full, ferr := h.Transfer(ctx, app, transferID(t), true)
				if ferr == nil {
					t = full
				}
				return nil, "", fmt.Errorf("backup %s of app %q failed on Heroku, so it cannot be restored%s", name, app, logSuffix(t))
			}
		}
	}
	return t, app, nil
}

func (r *run) fromHeroku(ctx context.Context, hb *HerokuBackup) error {
	h := r.cfg.Heroku
	t, app, err := r.findBackup(ctx, hb, true)
	if err != nil {
		return err
	}
	r.res.BackupID = t.Name
	num := t.Num
	refresh := func(ctx context.Context) (string, error) { return h.BackupPublicURL(ctx, app, num) }
	u, err := refresh(ctx) // just in time: the URL is short-lived
	if err != nil {
		return fmt.Errorf("getting the download URL of backup %s: %w", t.Name, err)
	}
	r.red.add(u)
	d := r.newDownloader("backup "+t.Name, func(ctx context.Context) (string, error) {
		u, err := refresh(ctx)
		if err == nil {
			r.red.add(u)
		}
		return u, err
	})
	return r.downloadTo(ctx, d, u)
}

func transferID(t *heroku.Transfer) string {
	if t.UUID != "" {
		return t.UUID
	}
	return strconv.Itoa(t.Num)
}

// logSuffix quotes the last lines of a transfer's log.
func logSuffix(t *heroku.Transfer) string {
	text := t.LogText()
	if text == "" {
		return ""
	}
	lines := strings.Split(text, "\n")
	if len(lines) > 20 {
		lines = append([]string{"…"}, lines[len(lines)-20:]...)
	}
	return "; the transfer log says:\n  " + strings.Join(lines, "\n  ")
}

// capture takes a backup and polls it every PollInterval until it ends.
func (r *run) capture(ctx context.Context, h HerokuData, ref *heroku.AddonRef, app string) (*heroku.Transfer, error) {
	t, err := h.CaptureBackup(ctx, ref.ID)
	if err != nil {
		return nil, fmt.Errorf("capturing a backup of %s: %w", ref.Name, err)
	}
	name := t.Name
	r.phase(ctx, "capture", true, map[string]any{"status": "started", "backup_id": name, "addon": ref.Name, "app": app})
	start := r.cfg.Clock.Now()
	id := transferID(t)
	for {
		if err := r.cfg.Clock.Sleep(ctx, r.cfg.PollInterval); err != nil {
			return nil, fmt.Errorf("waiting for backup %s (it goes on on Heroku): %w", name, err)
		}
		cur, err := h.Transfer(ctx, app, id, true)
		if err != nil {
			return nil, fmt.Errorf("polling backup %s: %w", name, err)
		}
		if cur.Num == 0 {
			cur.Num = t.Num
			cur.Name = heroku.TransferName(*cur)
		}
		if cur.Finished() {
			switch {
			case cur.CanceledAt != nil:
				return nil, fmt.Errorf("backup %s of %s was canceled on Heroku%s", name, ref.Name, logSuffix(cur))
			case !cur.Succeeded:
				return nil, fmt.Errorf("backup %s of %s failed on Heroku%s", name, ref.Name, logSuffix(cur))
			}
			r.phase(ctx, "capture", true, map[string]any{
				"status": "finished", "backup_id": name, "processed_bytes": cur.ProcessedBytes,
				"source_bytes": cur.SourceBytes, "elapsed_s": int(r.cfg.Clock.Now().Sub(start).Seconds()),
			})
			if cur.Warnings > 0 {
				r.warn("backup %s finished with %d warnings (see `heroku pg:backups:info %s -a %s`)", name, cur.Warnings, name, app)
			}
			return cur, nil
		}
		r.phase(ctx, "capture", false, map[string]any{
			"status": "running", "backup_id": name, "processed_bytes": cur.ProcessedBytes,
			"source_bytes": cur.SourceBytes, "elapsed_s": int(r.cfg.Clock.Now().Sub(start).Seconds()),
		})
	}
}

func (r *run) newDownloader(what string, refresh func(ctx context.Context) (string, error)) *downloader {
	return &downloader{
		client:   r.cfg.HTTPClient,
		clock:    r.cfg.Clock,
		attempts: r.cfg.DownloadAttempts,
		stall:    r.cfg.DownloadStallTimeout,
		refresh:  refresh,
		what:     what,
	}
}

// downloadTo downloads into the work directory and makes it the archive.
func (r *run) downloadTo(ctx context.Context, d *downloader, rawURL string) error {
	path := filepath.Join(r.work, "source.dump")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	d.progress = func(done, total int64, rate float64, final bool) {
		fields := map[string]any{"bytes": done, "mb_per_s": round1(rate / 1e6), "status": "running"}
		if total >= 0 {
			fields["total_bytes"] = total
			if total > 0 {
				fields["percent"] = round1(float64(done) * 100 / float64(total))
			}
		}
		if final {
			fields["status"] = "finished"
		}
		r.phase(ctx, "download", final, fields)
	}
	r.phase(ctx, "download", true, map[string]any{"status": "started", "what": d.what})
	n, err := d.download(ctx, rawURL, f)
	r.res.BytesTransferred = n
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	r.archive = path
	return nil
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// sourceSession is an open connection to a database_url source, inside
// the REPEATABLE READ transaction whose snapshot pg_dump dumped, so that
// the verification reads exactly what was dumped.
type sourceSession struct {
	mu         sync.Mutex
	conn       *pgx.Conn
	tx         pgx.Tx
	versionNum int
	snapshot   bool
}

func (r *run) closeSource() {
	if r.src == nil {
		return
	}
	r.src.close()
}

func (s *sourceSession) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if s.tx != nil {
		_ = s.tx.Rollback(ctx)
	}
	_ = s.conn.Close(ctx)
	s.conn, s.tx = nil, nil
}

// fromDatabase dumps database_url with pg_dump -Fc into the work
// directory. When the job verifies, the dump uses a snapshot exported from
// a transaction that stays open for the source side of the verification.
func (r *run) fromDatabase(ctx context.Context) error {
	conn, err := r.connect(ctx, r.source, "source")
	if err != nil {
		return err
	}
	sess := &sourceSession{conn: conn}
	r.src = sess
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&sess.versionNum); err != nil {
		return fmt.Errorf("reading the source server version: %w", err)
	}
	srcVer := versionFromNum(sess.versionNum)
	r.res.SourceServerVersion = srcVer.Text
	dumpVer, err := r.toolVersion(ctx, r.tools["pg_dump"])
	if err != nil {
		return err
	}
	if err := checkClientVersion("pg_dump", dumpVer, srcVer, "source server"); err != nil {
		return err
	}
	if err := checkClientVersion("pg_restore", r.restoreVer, dumpVer, "pg_dump that writes the dump"); err != nil {
		return err
	}

	var snapshot string
	if r.opts.Verify != VerifyNone {
		if err := setSessionForVerify(ctx, conn); err != nil {
			return fmt.Errorf("source: %w", err)
		}
		tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return fmt.Errorf("source: starting the snapshot transaction: %w", err)
		}
		sess.tx = tx
		if err := tx.QueryRow(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot); err != nil {
			r.warn("could not export a snapshot of the source (%v); the dump and the verification read the source "+
				"at different moments, so writes to it meanwhile show as mismatches", err)
			_ = tx.Rollback(ctx)
			sess.tx = nil
			snapshot = ""
			// A fresh transaction for the verification, right after the dump.
		}
		sess.snapshot = snapshot != ""
	}

	pass, err := r.passFile("source.pgpass", r.source)
	if err != nil {
		return err
	}
	path := filepath.Join(r.work, "source.dump")
	// Created here with mode 0600: pg_dump truncates it and keeps the mode
	// (it would create it 0666 &^ umask).
	if err := writeEmpty(path); err != nil {
		return err
	}
	args := []string{"--format=custom", "--no-password", "--file=" + path}
	if snapshot != "" {
		args = append(args, "--snapshot="+snapshot)
	}
	args = append(args, "--dbname="+r.source.noPasswordURL(r.opts.DefaultSSLMode))
	var stderr []string
	dumpCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	r.phase(ctx, "dump", true, map[string]any{"status": "started", "source_version": srcVer.Text})
	start := r.cfg.Clock.Now()
	go func() {
		done <- runProc(dumpCtx, procSpec{
			Path: r.tools["pg_dump"], Args: args, PassFile: pass,
			StderrLine: func(line string) {
				if len(stderr) < 200 {
					stderr = append(stderr, line)
				}
			},
		}, r.cfg.KillGrace)
	}()
	// While pg_dump runs: progress from the file size, and a statement in
	// the snapshot transaction now and then so that an
	// idle_in_transaction_session_timeout does not end it.
	// The ticker runs on real time, not r.cfg.Clock: it polls a real
	// process's output file.
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastKeepAlive := r.cfg.Clock.Now()
	var dumpErr error
wait:
	for {
		select {
		case dumpErr = <-done:
			break wait
		case <-tick.C:
			if info, err := os.Stat(path); err == nil {
				secs := r.cfg.Clock.Now().Sub(start).Seconds()
				rate := 0.0
				if secs > 0 {
					rate = float64(info.Size()) / secs
				}
				r.phase(ctx, "dump", false, map[string]any{"status": "running", "bytes": info.Size(), "mb_per_s": round1(rate / 1e6)})
			}
			if sess.tx != nil && r.cfg.Clock.Now().Sub(lastKeepAlive) >= 30*time.Second {
				lastKeepAlive = r.cfg.Clock.Now()
				if _, err := sess.tx.Exec(ctx, "SELECT 1"); err != nil && ctx.Err() == nil {
					r.warn("the source snapshot transaction ended during the dump (%v); the verification reads the source as it is now", err)
					_ = sess.tx.Rollback(ctx)
					sess.tx = nil
					sess.snapshot = false
				}
			}
		}
	}
	if dumpErr != nil {
		if ctx.Err() != nil {
			return dumpErr
		}
		return fmt.Errorf("pg_dump of the source failed: %w%s", dumpErr, quoteLines(stderr, 15))
	}
	for _, l := range stderr {
		if strings.Contains(l, "warning: ") {
			r.warn("%s", strings.TrimSpace(l))
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	r.res.BytesTransferred = info.Size()
	r.phase(ctx, "dump", true, map[string]any{"status": "finished", "bytes": info.Size(),
		"elapsed_s": int(r.cfg.Clock.Now().Sub(start).Seconds())})
	r.archive = path
	if r.opts.Verify != VerifyNone && sess.tx == nil {
		tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return fmt.Errorf("source: starting the verification transaction: %w", err)
		}
		sess.tx = tx
	}
	return nil
}

func writeEmpty(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// quoteLines formats the last n lines for an error message.
func quoteLines(lines []string, n int) string {
	var keep []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			keep = append(keep, l)
		}
	}
	if len(keep) == 0 {
		return ""
	}
	if len(keep) > n {
		keep = append([]string{"…"}, keep[len(keep)-n:]...)
	}
	return ":\n  " + strings.Join(keep, "\n  ")
}

// stats counts (and checksums) the tables in the source, in the session's
// transaction: the dump's snapshot when it could be exported.
func (s *sourceSession) stats(ctx context.Context, tables []*tocEntry, checksum bool) (map[int]*tableStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tx == nil {
		return nil, errors.New("the source connection is closed")
	}
	out := map[int]*tableStats{}
	for _, e := range tables {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cols, err := tableColumns(ctx, s.tx, quoteQualified(e.Namespace, e.Tag), s.versionNum)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", e.qualified(), err)
		}
		h := copyHeader{Schema: e.Namespace, Name: e.Tag}
		var kinds []colKind
		for _, c := range cols {
			if c.generated {
				continue // pg_dump leaves generated columns out of COPY
			}
			h.Columns = append(h.Columns, c.name)
			kinds = append(kinds, kindOf(c.typ))
		}
		st := &tableStats{Entry: e, Header: h, Found: true}
		rows, sum, err := countTable(ctx, s.tx.Conn(), h, kinds, checksum)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", e.qualified(), err)
		}
		st.Rows, st.Checksum = rows, sum
		st.kinds = kinds
		out[e.ID] = st
	}
	return out, nil
}
