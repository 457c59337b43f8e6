package appfreeze

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	herokugo "github.com/heroku/heroku-go/v5"
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

// Freeze freezes the app as spec says, recording every change in rec and
// calling save(*rec) after every step, so that a failure half-way leaves
// rec true to what was (possibly) changed and the next Freeze or Unfreeze
// converges. Order: 1) maintenance on, so that no new writes arrive
// through web; 2) each type of the process types but web to zero, one
// call each, in order; 3) DrainWait (skipped when step 2 scaled nothing);
// 4) web to zero, when listed; 5) the database freeze.
//
// Each step records the prior value in rec before its call and removes it
// again when Heroku or PostgreSQL definitely refused the change. An entry
// rec already holds (from an earlier, partial or drifted, freeze) keeps
// its recorded prior: Freeze only puts the frozen value back. A recorded
// entry that spec no longer asks for (a type dropped from the list,
// maintenance or the database turned off) is restored first. On success
// Generation goes up by one and FrozenAt is set.
func (e *Engine) Freeze(ctx context.Context, spec Spec, rec *Record, save func(Record)) error {
	if rec == nil {
		return errors.New("appfreeze: Freeze needs a record")
	}
	save = orNoSave(save)
	if err := checkSpec(spec); err != nil {
		return err
	}
	log := e.logger()
	app, err := e.Heroku.App(ctx, spec.App)
	if err != nil {
		return err
	}
	formation, err := e.Heroku.Formation(ctx, spec.App)
	if err != nil {
		return err
	}
	types := resolveTypes(spec.ProcessTypes, formation)

	// What rec holds and spec no longer asks for goes back first.
	if err := e.releaseDropped(ctx, spec, types, rec, save); err != nil {
		return err
	}

	// 1) Maintenance mode on.
	if spec.Maintenance && !app.Maintenance {
		if rec.Maintenance == nil {
			rec.Maintenance = new(false)
		}
		log.InfoContext(ctx, "turning maintenance mode on", "app", spec.App)
		_, err := e.Heroku.SetMaintenance(ctx, spec.App, true)
		if err != nil && definite(err) {
			// Refused: maintenance is off as it was before, nothing to restore.
			rec.Maintenance = nil
		}
		save(*rec)
		if err != nil {
			return fmt.Errorf("turning maintenance mode on: %w", err)
		}
	}

	live := map[string]herokugo.Formation{}
	for _, f := range formation {
		live[f.Type] = f
	}
	// 2) The types but web, in order; 3) the drain wait; 4) web.
	scaled := 0
	var web bool
	for _, typ := range types {
		if typ == webType {
			web = true
			continue
		}
		changed, err := e.scaleDown(ctx, spec.App, typ, live, rec, save)
		if err != nil {
			return err
		}
		if changed {
			scaled++
		}
	}
	if scaled > 0 && spec.DrainWait > 0 {
		log.InfoContext(ctx, "waiting for the scaled-down dynos to drain", "app", spec.App, "wait", spec.DrainWait.String())
		if err := clock.Or(e.Clock).Sleep(ctx, spec.DrainWait); err != nil {
			return fmt.Errorf("waiting %s for the dynos to drain: %w", spec.DrainWait, err)
		}
	}
	if web {
		if _, err := e.scaleDown(ctx, spec.App, webType, live, rec, save); err != nil {
			return err
		}
	}

	// 5) The database.
	if spec.Database != nil {
		if err := e.freezeDatabase(ctx, spec.Database.URL, rec, save); err != nil {
			return err
		}
	}

	rec.Generation++
	rec.FrozenAt = clock.Or(e.Clock).Now().UTC()
	save(*rec)
	log.InfoContext(ctx, "app frozen", "app", spec.App, "generation", rec.Generation,
		"process_types", len(rec.Processes), "maintenance", rec.Maintenance != nil, "database", rec.Database != nil)
	return nil
}

// scaleDown scales typ to zero unless it is frozen already, recording its
// prior in rec first. It reports whether it sent a change.
func (e *Engine) scaleDown(ctx context.Context, app, typ string, live map[string]herokugo.Formation, rec *Record, save func(Record)) (bool, error) {
	f, ok := live[typ]
	if !ok {
		return false, fmt.Errorf("the app %q has no process type %q (its formation has %s)", app, typ, formationTypes(live))
	}
	i := slices.IndexFunc(rec.Processes, func(p ProcessPrior) bool { return p.Type == typ })
	var u heroku.FormationUpdate
	u.Quantity = new(0)
	switch {
	case i >= 0:
		// Recorded by an earlier freeze: put the frozen value back if
		// someone scaled it up or resized it since.
		prior := rec.Processes[i]
		if f.Quantity == 0 && f.Size == prior.Size {
			return false, nil
		}
		if f.Size != prior.Size {
			u.Size = prior.Size
		}
	case f.Quantity == 0:
		// Already at zero: the freeze changes nothing, and records nothing.
		return false, nil
	default:
		rec.Processes = append(rec.Processes, ProcessPrior{Type: typ, Quantity: f.Quantity, Size: f.Size})
		i = len(rec.Processes) - 1
	}
	e.logger().InfoContext(ctx, "scaling a process type to zero", "app", app, "type", typ, "quantity", f.Quantity, "size", f.Size)
	_, err := e.Heroku.UpdateFormationType(ctx, app, typ, u)
	if err != nil && definite(err) {
		prior := rec.Processes[i]
		if f.Quantity == prior.Quantity && f.Size == prior.Size {
			// Nothing changed and the live value is the prior one: forget it.
			rec.Processes = slices.Delete(rec.Processes, i, i+1)
		}
	}
	save(*rec)
	if err != nil {
		return false, fmt.Errorf("scaling %s to 0: %w", typ, err)
	}
	return true, nil
}

// releaseDropped restores what rec holds and spec no longer asks for.
func (e *Engine) releaseDropped(ctx context.Context, spec Spec, types []string, rec *Record, save func(Record)) error {
	if rec.Database != nil && spec.Database == nil {
		return errors.New("the database is frozen but no database is configured any more: " +
			"lift the freeze (enabled = false) with the database configured, then remove it")
	}
	for i := len(rec.Processes) - 1; i >= 0; i-- {
		if !slices.Contains(types, rec.Processes[i].Type) {
			if err := e.restoreProcess(ctx, spec.App, i, rec, save); err != nil {
				return err
			}
		}
	}
	if rec.Maintenance != nil && !spec.Maintenance {
		if err := e.restoreMaintenance(ctx, spec.App, rec, save); err != nil {
			return err
		}
	}
	return nil
}

// Unfreeze restores what rec recorded, in the reverse order of Freeze
// (database, process types last scaled first, maintenance), removing each
// entry as it is restored and calling save(*rec) after every step. It
// restores the recorded quantity and size and never touches a type rec
// does not hold. A recorded type that no longer exists (404) is dropped
// with a warning. It uses spec.App and spec.Database (whose URL is needed
// when rec holds a database freeze); the rest of spec is ignored.
// Generation is kept; FrozenAt is zeroed once everything is restored.
func (e *Engine) Unfreeze(ctx context.Context, spec Spec, rec *Record, save func(Record)) error {
	if rec == nil {
		return errors.New("appfreeze: Unfreeze needs a record")
	}
	save = orNoSave(save)
	if spec.App == "" {
		return errors.New("appfreeze: no app")
	}
	if rec.Database != nil {
		if spec.Database == nil || spec.Database.URL == "" {
			return fmt.Errorf("the database %q is frozen and no database URL was given to lift the freeze", rec.Database.Name)
		}
		if err := e.unfreezeDatabase(ctx, spec.Database.URL, rec, save); err != nil {
			return err
		}
	}
	for i := len(rec.Processes) - 1; i >= 0; i-- {
		if err := e.restoreProcess(ctx, spec.App, i, rec, save); err != nil {
			return err
		}
	}
	if rec.Maintenance != nil {
		if err := e.restoreMaintenance(ctx, spec.App, rec, save); err != nil {
			return err
		}
	}
	rec.FrozenAt = time.Time{}
	save(*rec)
	e.logger().InfoContext(ctx, "app unfrozen", "app", spec.App)
	return nil
}

// restoreProcess puts rec.Processes[i] back and removes it from rec.
func (e *Engine) restoreProcess(ctx context.Context, app string, i int, rec *Record, save func(Record)) error {
	p := rec.Processes[i]
	e.logger().InfoContext(ctx, "restoring a process type", "app", app, "type", p.Type, "quantity", p.Quantity, "size", p.Size)
	_, err := e.Heroku.UpdateFormationType(ctx, app, p.Type, heroku.FormationUpdate{Quantity: new(p.Quantity), Size: p.Size})
	if err != nil && heroku.IsNotFound(err) && isProcessTypeError(err) {
		e.logger().WarnContext(ctx, "a frozen process type no longer exists; nothing to restore", "app", app, "type", p.Type)
		err = nil
	}
	if err == nil {
		rec.Processes = slices.Delete(rec.Processes, i, i+1)
	}
	save(*rec)
	if err != nil {
		return fmt.Errorf("restoring %s to %d × %s: %w", p.Type, p.Quantity, p.Size, err)
	}
	return nil
}

// restoreMaintenance puts the prior maintenance flag back.
func (e *Engine) restoreMaintenance(ctx context.Context, app string, rec *Record, save func(Record)) error {
	on := *rec.Maintenance
	e.logger().InfoContext(ctx, "restoring maintenance mode", "app", app, "maintenance", on)
	_, err := e.Heroku.SetMaintenance(ctx, app, on)
	if err == nil {
		rec.Maintenance = nil
	}
	save(*rec)
	if err != nil {
		return fmt.Errorf("turning maintenance mode off: %w", err)
	}
	return nil
}

// Observe reports what is no longer frozen as rec recorded, for Read. The
// database is checked only when spec.Database has a URL; otherwise a
// recorded database freeze is reported as DatabaseUnchecked.
func (e *Engine) Observe(ctx context.Context, spec Spec, rec Record) (Drift, error) {
	var d Drift
	if rec.Maintenance != nil {
		app, err := e.Heroku.App(ctx, spec.App)
		if err != nil {
			return d, err
		}
		d.MaintenanceOff = !app.Maintenance
	}
	if len(rec.Processes) > 0 {
		formation, err := e.Heroku.Formation(ctx, spec.App)
		if err != nil {
			return d, err
		}
		live := map[string]herokugo.Formation{}
		for _, f := range formation {
			live[f.Type] = f
		}
		for _, p := range rec.Processes {
			f, ok := live[p.Type]
			switch {
			case !ok:
				d.Processes = append(d.Processes, ProcessPrior{Type: p.Type, Quantity: -1})
			case f.Quantity != 0 || f.Size != p.Size:
				d.Processes = append(d.Processes, ProcessPrior{Type: p.Type, Quantity: f.Quantity, Size: f.Size})
			}
		}
	}
	if rec.Database != nil {
		if spec.Database == nil || spec.Database.URL == "" {
			d.DatabaseUnchecked = true
		} else {
			ro, err := e.databaseReadOnly(ctx, spec.Database.URL)
			if err != nil {
				return d, err
			}
			d.DatabaseWritable = !ro
		}
	}
	return d, nil
}

const (
	webType     = "web"
	releaseType = "release"
)

// resolveTypes is spec.ProcessTypes, or for nil every type of the
// formation but web and release, sorted by name.
func resolveTypes(listed []string, formation []herokugo.Formation) []string {
	if listed != nil {
		return listed
	}
	var out []string
	for _, f := range formation {
		if f.Type != webType && f.Type != releaseType && !slices.Contains(out, f.Type) {
			out = append(out, f.Type)
		}
	}
	slices.Sort(out)
	return out
}

// checkSpec refuses what Validate reports as errors without the live app.
func checkSpec(spec Spec) error {
	if spec.App == "" {
		return errors.New("appfreeze: no app")
	}
	if err := Validate(spec, nil, nil, nil).Err(); err != nil {
		return err
	}
	return nil
}

func formationTypes(live map[string]herokugo.Formation) string {
	types := slices.Sorted(maps.Keys(live))
	if len(types) == 0 {
		return "no process types"
	}
	return strings.Join(types, ", ")
}

// definite reports whether err is a refusal that changed nothing: a 4xx
// answer (a request timeout aside). Anything else (a 5xx after the
// retries, a lost connection, a cancelled context) may have been applied.
func definite(err error) bool {
	var apiErr *heroku.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != http.StatusRequestTimeout
}

// isProcessTypeError tells a 404 about the process type from one about the
// app: Heroku names the resource it could not find.
func isProcessTypeError(err error) bool {
	var apiErr *heroku.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.Resource != "app" && !strings.Contains(strings.ToLower(apiErr.Message), "find that app")
}

func orNoSave(save func(Record)) func(Record) {
	if save == nil {
		return func(Record) {}
	}
	return save
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}
