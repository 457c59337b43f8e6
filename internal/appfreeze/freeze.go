package appfreeze

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
)

// Spec is what to freeze.
type Spec struct {
	// App is the app's name or id.
	App string
	// Maintenance turns maintenance mode on (the resource's default is
	// true). Maintenance mode stops web traffic only.
	Maintenance bool
	// ProcessTypes are the process types to scale to zero, in order. nil
	// means every type of the formation but web and release, sorted by
	// name; an empty non-nil slice means none. web, when listed, is scaled
	// last, after DrainWait.
	ProcessTypes []string
	// DrainWait is the wait after scaling the non-web types down, before
	// web and the database freeze (the resource's default is 30s, the time
	// Heroku gives a dyno between SIGTERM and SIGKILL). Skipped when
	// nothing was scaled.
	DrainWait time.Duration
	// Database, when set, also freezes writes at the database.
	Database *Database
}

// Database is the database whose writes a freeze stops.
type Database struct {
	// URL is a postgres:// URL with a credential that owns the database
	// (Heroku's default credential does). It is a secret: never logged,
	// never in errors, never in a Record.
	URL string
}

// Record is exactly what a freeze changed, so that Unfreeze can restore
// it. It goes to Terraform state and holds no secret.
type Record struct {
	// Maintenance is the prior maintenance flag when the freeze turned
	// maintenance on; nil when the freeze did not change it.
	Maintenance *bool
	// Processes are the process types the freeze scaled down, with their
	// prior quantity and size, in the order they were scaled down.
	Processes []ProcessPrior
	// Database is set when the database was frozen.
	Database *DatabasePrior
	// Generation is incremented by every successful Freeze and never
	// decremented (the restore job's trigger).
	Generation int64
	// FrozenAt is when the last successful Freeze ended; zero when the app
	// is not frozen.
	FrozenAt time.Time
}

// ProcessPrior is a process type as it was before the freeze.
type ProcessPrior struct {
	Type     string
	Quantity int
	Size     string
}

// DatabasePrior is the database-level setting a freeze replaced.
type DatabasePrior struct {
	// Name is the database's name (current_database()).
	Name string
	// PriorSetting is the database-level value of
	// default_transaction_read_only before the freeze, as
	// pg_db_role_setting held it; "" when there was none.
	PriorSetting string
}

// Frozen reports whether the record holds anything to restore.
func (r Record) Frozen() bool {
	return r.Maintenance != nil || len(r.Processes) > 0 || r.Database != nil
}

// Engine runs freezes.
type Engine struct {
	// Heroku is the Platform API client.
	Heroku *heroku.Client
	// Clock waits DrainWait; nil means clock.Real.
	Clock clock.Clock
	// Logger receives progress events; nil means no logging. The
	// database URL is never logged.
	Logger *slog.Logger
	// Connect opens a database connection; nil means pgx.Connect. The
	// engine makes the session writable (SET default_transaction_read_only
	// = off) itself.
	Connect func(ctx context.Context, url string) (*pgx.Conn, error)
}

// Drift is what is no longer frozen as recorded.
type Drift struct {
	// MaintenanceOff: the freeze turned maintenance on and it is off now.
	MaintenanceOff bool
	// Processes are recorded process types that run again or were resized
	// (their live quantity and size), or that are gone (Quantity -1).
	Processes []ProcessPrior
	// DatabaseWritable: the database no longer defaults to read-only.
	DatabaseWritable bool
	// DatabaseUnchecked: the database is recorded as frozen but the spec
	// has no URL to check it with.
	DatabaseUnchecked bool
}

// Drifted reports whether anything recorded is no longer frozen.
func (d Drift) Drifted() bool {
	return d.MaintenanceOff || len(d.Processes) > 0 || d.DatabaseWritable
}

var errNotImplemented = errors.New("not implemented")

// Freeze freezes the app as spec says, recording every change in rec and
// calling save(*rec) after every step, so that a failure half-way leaves
// rec true to what was (possibly) changed and the next Freeze or Unfreeze
// converges. Order: maintenance on, the non-web types to zero one by one,
// DrainWait, web to zero, the database freeze.
func (e *Engine) Freeze(ctx context.Context, spec Spec, rec *Record, save func(Record)) error {
	return errNotImplemented
}

// Unfreeze restores what rec recorded, in the reverse order of Freeze,
// removing each entry as it is restored and calling save(*rec) after every
// step. It uses spec.App and spec.Database (the URL, needed when rec holds
// a database freeze); the rest of spec is ignored.
func (e *Engine) Unfreeze(ctx context.Context, spec Spec, rec *Record, save func(Record)) error {
	return errNotImplemented
}

// Observe reports what is no longer frozen as rec recorded, for Read. The
// database is checked only when spec.Database has a URL.
func (e *Engine) Observe(ctx context.Context, spec Spec, rec Record) (Drift, error) {
	return Drift{}, errNotImplemented
}
