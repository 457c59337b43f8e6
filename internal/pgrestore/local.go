package pgrestore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// NewLocal returns an Executor that runs pg_dump and pg_restore on this
// machine, in a private work directory under cfg.TempDir.
func NewLocal(cfg LocalConfig) Executor {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   30 * time.Second,
			ResponseHeaderTimeout: 2 * time.Minute,
			DisableCompression:    true,
			MaxIdleConns:          4,
		}}
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	cfg.Clock = clock.Or(cfg.Clock)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.DownloadAttempts <= 0 {
		cfg.DownloadAttempts = 5
	}
	if cfg.DownloadStallTimeout <= 0 {
		cfg.DownloadStallTimeout = 2 * time.Minute
	}
	if cfg.KillGrace <= 0 {
		cfg.KillGrace = 10 * time.Second
	}
	if cfg.ProgressInterval <= 0 {
		cfg.ProgressInterval = 2 * time.Second
	}
	return &local{cfg: cfg}
}

type local struct {
	cfg LocalConfig
}

// run is the state of one job.
type run struct {
	cfg  LocalConfig
	job  Job
	opts Options
	res  *Result
	red  *redactor

	work       string
	tools      map[string]string
	restoreVer pgVersion
	target     *dbURL
	source     *dbURL // database_url sources

	archive string
	toc     *archiveTOC
	plan    *restorePlan

	src *sourceSession // database_url: the dump's snapshot, for verification

	targetVersionNum int

	progressMu   sync.Mutex
	lastProgress map[string]time.Time
}

// Run implements Executor.
func (x *local) Run(ctx context.Context, job Job) (*Result, error) {
	r := &run{
		cfg:          x.cfg,
		job:          job,
		res:          &Result{StartedAt: x.cfg.Clock.Now()},
		red:          &redactor{},
		lastProgress: map[string]time.Time{},
	}
	err := r.run(ctx)
	r.res.FinishedAt = x.cfg.Clock.Now()
	for i, w := range r.res.Warnings {
		r.res.Warnings[i] = r.red.redact(w)
	}
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w (%w)", err, ctx.Err())
		}
		return r.res, r.red.wrap(err)
	}
	return r.res, nil
}

func (r *run) run(ctx context.Context) (err error) {
	// Secrets first, so that every message from here on is redacted.
	if d, perr := parseDBURL(r.job.TargetURL); perr == nil {
		r.target = d
		r.red.add(d.password)
	}
	if r.job.Source.DatabaseURL != "" {
		if d, perr := parseDBURL(r.job.Source.DatabaseURL); perr == nil {
			r.source = d
			r.red.add(d.password)
		}
	}
	if r.job.Source.DumpURL != "" {
		r.red.add(strings.TrimSpace(r.job.Source.DumpURL))
	}
	if problems := Validate(r.job).Errors(); len(problems) > 0 {
		return fmt.Errorf("invalid job: %w", problems)
	}
	r.opts = r.job.Options.withDefaults()

	names := []string{"pg_restore"}
	if r.source != nil {
		names = append(names, "pg_dump")
	}
	if r.tools, err = findTools(r.opts.PGBinDir, names...); err != nil {
		return err
	}
	if r.restoreVer, err = r.toolVersion(ctx, r.tools["pg_restore"]); err != nil {
		return err
	}
	r.res.PGRestoreVersion = r.restoreVer.Text

	parent := r.cfg.TempDir
	if parent == "" {
		parent = os.TempDir()
	}
	if r.work, err = os.MkdirTemp(parent, "heroku2aws-pgrestore-"); err != nil {
		return fmt.Errorf("creating the work directory: %w", err)
	}
	// Child processes are waited for before they return, so nothing
	// writes here any more when it is removed, on every path.
	defer func() {
		if rerr := os.RemoveAll(r.work); rerr != nil && err == nil {
			err = fmt.Errorf("removing the work directory %s: %w", r.work, rerr)
		}
	}()
	if err := os.Chmod(r.work, 0o700); err != nil {
		return err
	}

	// The target first: a wrong password should not cost a download.
	if err := r.checkTarget(ctx); err != nil {
		return err
	}
	defer r.closeSource()
	if err := r.acquire(ctx); err != nil {
		return err
	}
	if err := r.readArchive(ctx); err != nil {
		return err
	}
	if err := r.prepareTarget(ctx); err != nil {
		return err
	}
	var srcStats map[int]*tableStats
	var srcErr error
	var srcDone chan struct{}
	srcCtx, cancelSrc := context.WithCancel(ctx)
	defer cancelSrc()
	if r.src != nil && r.opts.Verify != VerifyNone {
		// The source side of the verification runs on the source, in the
		// dump's snapshot, while the target is being restored.
		srcDone = make(chan struct{})
		go func() {
			defer close(srcDone)
			srcStats, srcErr = r.src.stats(srcCtx, r.plan.Tables, r.opts.Verify == VerifyChecksums)
			r.closeSource()
		}()
	} else {
		r.closeSource()
	}
	restoreErr := r.restore(ctx)
	if restoreErr != nil {
		cancelSrc()
	}
	if srcDone != nil {
		<-srcDone
	}
	if restoreErr != nil {
		return restoreErr
	}
	if err := r.afterRestore(ctx); err != nil {
		return err
	}
	if r.opts.Verify == VerifyNone {
		return nil
	}
	if srcErr != nil {
		return fmt.Errorf("verification: reading the source: %w", srcErr)
	}
	return r.verify(ctx, srcStats)
}

// phase logs progress (see LocalConfig.Logger), at most every
// ProgressInterval per phase unless force (phase boundaries).
func (r *run) phase(ctx context.Context, phase string, force bool, fields map[string]any) {
	r.progressMu.Lock()
	now := r.cfg.Clock.Now()
	if !force && now.Sub(r.lastProgress[phase]) < r.cfg.ProgressInterval {
		r.progressMu.Unlock()
		return
	}
	r.lastProgress[phase] = now
	r.progressMu.Unlock()
	attrs := make([]slog.Attr, 0, len(fields)+1)
	attrs = append(attrs, slog.String("phase", phase))
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		v := fields[k]
		if s, ok := v.(string); ok {
			v = r.red.redact(s)
		}
		attrs = append(attrs, slog.Any(k, v))
	}
	r.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "pg restore job: "+phase, attrs...)
}

func (r *run) warn(format string, args ...any) {
	r.res.Warnings = append(r.res.Warnings, r.red.redact(fmt.Sprintf(format, args...)))
}

// writeSecretFile writes a 0600 file in the work directory.
func (r *run) writeSecretFile(name string, write func(w io.Writer) error) (string, error) {
	path := filepath.Join(r.work, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		_ = f.Close()
		return "", err
	}
	if err := bw.Flush(); err != nil {
		_ = f.Close()
		return "", err
	}
	return path, f.Close()
}

// passFile writes a PGPASSFILE for a URL's password; "" when the URL has
// none (then libpq's own defaults apply, as for pgx).
func (r *run) passFile(name string, d *dbURL) (string, error) {
	if !d.hasPass {
		return "", nil
	}
	if strings.ContainsAny(d.password, "\n\r") {
		return "", errors.New("a password with a line break cannot be passed to pg_dump/pg_restore through a password file")
	}
	return r.writeSecretFile(name, func(w io.Writer) error {
		_, err := io.WriteString(w, pgpassLine(d.password))
		return err
	})
}

// toolVersion asks a tool for its version ("pg_restore (PostgreSQL) 15.8").
func (r *run) toolVersion(ctx context.Context, path string) (pgVersion, error) {
	var out strings.Builder
	err := runProc(ctx, procSpec{
		Path: path, Args: []string{"--version"},
		Stdout: func(rd io.Reader) error {
			_, err := io.Copy(&out, io.LimitReader(rd, 4096))
			return err
		},
	}, r.cfg.KillGrace)
	if err != nil {
		return pgVersion{}, fmt.Errorf("running %s --version: %w", path, err)
	}
	v, ok := parseVersion(strings.TrimPrefix(strings.TrimSpace(out.String()), filepath.Base(path)))
	if !ok {
		return pgVersion{}, fmt.Errorf("%s --version printed %.100q, which has no version", path, out.String())
	}
	return v, nil
}
