package pgrestore

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
)

// Allowed values of Options.HerokuExt.
const (
	HerokuExtCreate = "create"
	HerokuExtRemap  = "remap"
)

// HerokuExtValues are the allowed values of Options.HerokuExt, for the
// schema validator and its description.
var HerokuExtValues = []string{HerokuExtCreate, HerokuExtRemap}

// Allowed values of Options.Verify.
const (
	VerifyNone      = "none"
	VerifyRowCounts = "row_counts"
	VerifyChecksums = "checksums"
)

// VerifyValues are the allowed values of Options.Verify.
var VerifyValues = []string{VerifyNone, VerifyRowCounts, VerifyChecksums}

// SSLModeValues are the libpq sslmode values allowed in
// Options.DefaultSSLMode.
var SSLModeValues = []string{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}

// Backup values of HerokuBackup.Backup.
const BackupLatest = "latest"

// Defaults.
const (
	DefaultAddon   = "DATABASE"
	DefaultSSLMode = "require"
	// DefaultPollInterval is the wait between transfer polls while a
	// backup is captured: the Heroku CLI's minimum --wait-interval for
	// `pg:backups:capture` (3 seconds), see
	// https://github.com/heroku/cli/blob/main/packages/cli/src/commands/pg/backups/capture.ts
	DefaultPollInterval = 3 * time.Second
	HerokuExtSchema     = "heroku_ext"
	// RemapSchema is where HerokuExt "remap" moves the extensions.
	RemapSchema = "public"
)

// HerokuBackup is a Heroku Postgres backup as the source.
type HerokuBackup struct {
	// App is the Heroku app (name or id).
	App string
	// Addon is the database: an attachment name (DATABASE, DATABASE_URL,
	// HEROKU_POSTGRESQL_PINK) or an add-on name or id. Default DATABASE.
	Addon string
	// Backup is "latest" (default) or a backup name such as b042 or a012.
	Backup string
	// Capture takes a new backup first (and restores that one).
	Capture bool
}

// Source is where the data comes from. Exactly one field is set.
type Source struct {
	HerokuBackup *HerokuBackup
	// DatabaseURL is a live database, dumped with pg_dump -Fc.
	DatabaseURL string
	// DumpURL is an http(s) URL of a custom-format dump. It is treated as
	// a secret (it may be signed).
	DumpURL string
	// DumpFile is a custom-format dump file (or a directory-format dump)
	// on this machine, used in place.
	DumpFile string
}

// Options tune the restore.
type Options struct {
	// Jobs is pg_restore --jobs; 0 means runtime.NumCPU().
	Jobs int
	// NoOwner and NoACL are pg_restore --no-owner / --no-acl. Heroku role
	// names do not exist elsewhere, so both should normally be true
	// (DefaultOptions).
	NoOwner, NoACL bool
	// Clean drops the dump's objects in the target first
	// (--clean --if-exists). Without it, a target that already has one of
	// the dump's tables is refused before anything is changed.
	Clean bool
	// Schemas restores only these schemas; ExcludeSchemas skips these;
	// ExcludeTables skips these tables ("table" in any schema, or
	// "schema.table"; * and ? match like a shell), with their data and
	// everything that depends on them (indexes, constraints, views, ...).
	Schemas, ExcludeSchemas, ExcludeTables []string
	// HerokuExt says what to do with Heroku's heroku_ext schema:
	// "create" (default) keeps the extensions in heroku_ext, as on Heroku;
	// "remap" moves them to public after the restore.
	HerokuExt string
	// Extensions are created in the target before the restore, in addition
	// to those the dump needs.
	Extensions []string
	// Analyze runs ANALYZE on the target after the restore.
	Analyze bool
	// PGBinDir holds pg_restore (and pg_dump); default: the directory of
	// pg_restore on PATH.
	PGBinDir string
	// Verify is "none" (default), "row_counts" or "checksums".
	Verify string
	// DefaultSSLMode is the sslmode added to a database URL that sets
	// none and does not point at this machine; default "require".
	DefaultSSLMode string
}

// DefaultOptions are the recommended options: all CPUs, no owners or
// ACLs, extensions kept in heroku_ext, and row counts verified.
func DefaultOptions() Options {
	return Options{
		Jobs:           runtime.NumCPU(),
		NoOwner:        true,
		NoACL:          true,
		HerokuExt:      HerokuExtCreate,
		Verify:         VerifyRowCounts,
		DefaultSSLMode: DefaultSSLMode,
	}
}

// withDefaults fills the zero values.
func (o Options) withDefaults() Options {
	if o.Jobs == 0 {
		o.Jobs = runtime.NumCPU()
	}
	if o.HerokuExt == "" {
		o.HerokuExt = HerokuExtCreate
	}
	if o.Verify == "" {
		o.Verify = VerifyNone
	}
	if o.DefaultSSLMode == "" {
		o.DefaultSSLMode = DefaultSSLMode
	}
	return o
}

// Job is one restore: a source into the target database.
type Job struct {
	Source Source
	// TargetURL is the postgres:// URL of the target database.
	TargetURL string
	Options   Options
}

// TableResult is the verification of one table.
type TableResult struct {
	Schema, Name string
	// SourceRows is what the source holds: counted in the source database
	// (database_url) or in the dump's COPY data. -1 when unknown.
	SourceRows, TargetRows int64
	// Checksums are set when Options.Verify is "checksums" (see the
	// package documentation for how they are computed).
	SourceChecksum, TargetChecksum string
	Match                          bool
}

// Result is what a job did. On error it may be partial.
type Result struct {
	// BackupID is the Heroku backup restored (b042), "" for other sources.
	BackupID              string
	StartedAt, FinishedAt time.Time
	BytesTransferred      int64 // downloaded, or the size of the dump
	TablesRestored        int   // TABLE DATA entries restored
	Warnings              []string
	Tables                []TableResult // when Verify is not "none"
	PGRestoreVersion      string        // e.g. "15.8"
	SourceServerVersion   string        // from the dump header or the source server
	TargetServerVersion   string
	ExtensionsCreated     []string // pre-created in the target, as schema.name
	SkippedDependents     int      // objects left out because they depend on excluded ones
}

// HerokuData is the part of the Heroku Data API the executor uses.
// NewHerokuData adapts a *heroku.Client.
type HerokuData interface {
	ResolveAddon(ctx context.Context, app, addon string) (*heroku.AddonRef, error)
	PGDatabase(ctx context.Context, addonID string) error
	CaptureBackup(ctx context.Context, addonID string) (*heroku.Transfer, error)
	Transfers(ctx context.Context, app string) ([]heroku.Transfer, error)
	Transfer(ctx context.Context, app, uuidOrNum string, verbose bool) (*heroku.Transfer, error)
	BackupPublicURL(ctx context.Context, app string, num int) (string, error)
}

// NewHerokuData adapts c to HerokuData, with dataURL as the Data API base
// URL ("" means heroku.DefaultDataAPIURL).
func NewHerokuData(c *heroku.Client, dataURL string) HerokuData {
	return herokuData{c: c, url: dataURL}
}

type herokuData struct {
	c   *heroku.Client
	url string
}

func (h herokuData) ResolveAddon(ctx context.Context, app, addon string) (*heroku.AddonRef, error) {
	return h.c.ResolveAddonRef(ctx, app, addon)
}

func (h herokuData) PGDatabase(ctx context.Context, addonID string) error {
	return h.c.PGDatabase(ctx, h.url, addonID)
}

func (h herokuData) CaptureBackup(ctx context.Context, addonID string) (*heroku.Transfer, error) {
	return h.c.CaptureBackup(ctx, h.url, addonID)
}

func (h herokuData) Transfers(ctx context.Context, app string) ([]heroku.Transfer, error) {
	return h.c.Transfers(ctx, h.url, app)
}

func (h herokuData) Transfer(ctx context.Context, app, uuidOrNum string, verbose bool) (*heroku.Transfer, error) {
	return h.c.Transfer(ctx, h.url, app, uuidOrNum, verbose)
}

func (h herokuData) BackupPublicURL(ctx context.Context, app string, num int) (string, error) {
	return h.c.BackupPublicURL(ctx, h.url, app, num)
}

// Executor runs jobs.
type Executor interface {
	// Run restores job.Source into job.TargetURL. The Result may be
	// partial when err is not nil. Progress goes to the executor's
	// Logger (see LocalConfig.Logger).
	Run(ctx context.Context, job Job) (*Result, error)
}

// LocalConfig configures the local executor.
type LocalConfig struct {
	// Heroku is needed for heroku_backup sources.
	Heroku HerokuData
	// TempDir is the parent of the private work directory; default
	// os.TempDir(). The dump is downloaded there: it needs room for it.
	TempDir string
	// HTTPClient downloads dumps; default: a client with connect and
	// header timeouts but no overall timeout.
	HTTPClient *http.Client
	// PollInterval is the wait between transfer polls while a backup is
	// captured; default 3s (keep it at least that in production).
	PollInterval time.Duration
	// Clock times the polls, download backoffs, progress intervals and
	// the result's timestamps; nil means clock.Real.
	Clock clock.Clock
	// Logger receives the progress events, at info level, as
	// "pg restore job: <phase>" with the field phase and the phase's
	// fields: bytes, rates, counts and states, never secrets. Phases are
	// "capture", "download", "dump", "restore", "analyze" and "verify"
	// (and "task" for the ECS executor). Nil means no logging.
	Logger *slog.Logger

	// DownloadAttempts bounds consecutive failed download attempts (each
	// resumes where the last one stopped); default 5.
	DownloadAttempts int
	// DownloadStallTimeout aborts (and resumes) a download that receives
	// nothing for this long; default 2m.
	DownloadStallTimeout time.Duration
	// KillGrace is the wait between SIGTERM and SIGKILL when a child
	// process group is stopped; default 10s.
	KillGrace time.Duration
	// ProgressInterval is the minimum interval between two progress events
	// of one phase; default 2s.
	ProgressInterval time.Duration
}
