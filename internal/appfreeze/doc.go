// Package appfreeze freezes one Heroku app for a migration's cutover
// window, so that no write reaches its database while the final copy is
// taken, and lifts the freeze again (the rollback). It is the domain logic
// of the heroku2aws_app_freeze resource and imports nothing of Terraform.
//
// # What a freeze does, in order
//
//  1. Maintenance mode on (PATCH /apps/{app} {"maintenance": true}). It
//     serves the maintenance page to web traffic only: web dynos keep
//     running without requests, and worker dynos, one-off dynos and
//     Heroku Scheduler jobs keep running
//     (https://devcenter.heroku.com/articles/maintenance-mode).
//  2. Each listed process type but web to zero, one call each in the
//     listed order (PATCH /apps/{app}/formation/{type} {"quantity": 0};
//     https://devcenter.heroku.com/articles/platform-api-reference#formation-update).
//     Unknown types are a 404 not_found, quantities or sizes the app may
//     not use a 422.
//  3. DrainWait: a scaled-down dyno gets SIGTERM and 30 seconds before
//     SIGKILL (https://devcenter.heroku.com/articles/dynos#shutdown), so
//     the resource waits 30 s by default before going on.
//  4. web to zero, when listed. In a Private Space this stops the
//     maintenance page from being served (requests fail instead), so
//     Validate warns about it.
//  5. The database write freeze, when a database is given (database.go).
//
// Unfreeze is the exact reverse and restores exactly what the Record says
// (quantity and size), never touching a process type the freeze did not
// change.
//
// The release process type is the release phase, which runs once per
// deploy: it is never scaled (https://devcenter.heroku.com/articles/release-phase).
// Heroku Scheduler jobs cannot be paused through the Platform API: they
// are disabled by hand in the add-on's dashboard
// (https://devcenter.heroku.com/articles/scheduler), which Validate says.
//
// # A failure half-way
//
// Every step records the prior value in the Record before its call and
// removes it again only on a definite refusal (a 4xx answer, or an
// SQLSTATE error from PostgreSQL); save is called after every step. An
// ambiguous failure (a 5xx after the client's retries, a lost connection)
// keeps the entry, so the Record may list a type the call did not change:
// restoring it is then a no-op. Either way the next Freeze or Unfreeze
// converges. Formation and maintenance PATCHes send absolute values, so
// the client retries them safely.
//
// # The database write freeze
//
// With a credential that owns the database (Heroku Postgres's default
// credential does; it is no superuser):
//
//	ALTER DATABASE <current_database()> SET default_transaction_read_only = on
//
// makes every session opened afterwards start read-only
// (https://www.postgresql.org/docs/15/sql-alterdatabase.html,
// https://www.postgresql.org/docs/15/runtime-config-client.html#GUC-DEFAULT-TRANSACTION-READ-ONLY):
// a write then fails with SQLSTATE 25006 read_only_sql_transaction
// (https://www.postgresql.org/docs/15/errcodes-appendix.html). The prior
// database-level value is read first from pg_db_role_setting (setrole 0;
// https://www.postgresql.org/docs/15/catalog-pg-db-role-setting.html) and
// restored exactly, with RESET when there was none. Then the other
// sessions of the database are ended with pg_terminate_backend, which a
// role may call for sessions of roles it is a member of but never for a
// superuser's (https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-ADMIN-SIGNAL);
// the sessions it cannot end are counted and logged as a warning.
//
// This is a default, not a lock: a session may still run
// SET default_transaction_read_only = off (or BEGIN READ WRITE) and write.
// It stops applications that do not expect it, which is what a cutover
// window needs, not a hostile client.
//
// The database URL is a secret: it is never logged, never in a Record,
// and errors carry it with the password replaced.
package appfreeze
