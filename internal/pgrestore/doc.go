// Package pgrestore copies a Heroku Postgres database into another
// PostgreSQL (RDS, Aurora, ...): it fetches a dump, restores it with
// pg_restore, and verifies the result. It is the domain logic of the
// heroku2aws_pg_restore_job resource and knows nothing of Terraform.
//
// # Sources
//
// Exactly one of:
//
//   - a Heroku backup: the add-on is resolved through the Platform API
//     (DATABASE, DATABASE_URL, an attachment or add-on name), checked with
//     the Data API, optionally captured (polled every 3 s until finished_at;
//     a failure quotes the transfer's log), or picked ("latest": the newest
//     successful gof3r transfer, or a name like b042); its short-lived
//     public URL is fetched just before the download;
//   - dump_url: any http(s) URL of a custom-format dump;
//   - dump_file: a custom-format file or directory-format dump, used in
//     place;
//   - database_url: a live database, dumped with pg_dump -Fc.
//
// Downloads stream through a 1 MiB buffer into a 0600 file of a private
// 0700 work directory, so memory stays flat whatever the size. A cut
// transfer resumes with "Range: bytes=N-" (a 200 answer restarts the file;
// a 403 fetches a fresh Heroku URL), a stalled one is aborted and resumed,
// and failures without progress back off and give up after a few attempts.
// URLs are secrets: they never reach errors, logs or progress.
//
// The client tools must be at least as new as the source: pg_dump's major
// version is compared with the source's server_version_num, pg_restore's
// with the archive header ("Dumped from database version", "Dumped by
// pg_dump version").
//
// # Restore
//
// The target is connected to first (a wrong password fails before any
// download, naming the user and the redacted URL). sslmode=require is
// added to a URL without sslmode unless it points at this machine.
//
// What to restore is decided in Go, from the archive's table of contents
// (pg_restore --list) and a verbose schema-only pass (pg_restore --verbose
// --schema-only -f -) that gives each entry's dependencies and each
// extension's schema. pg_restore then gets one -L list, so that what is
// restored, verified and reported is one set. exclude_schemas and
// exclude_tables leave out the named objects and everything depending on
// them (indexes, constraints, foreign keys, views, owned sequences), which
// could not be restored anyway; schemas keeps only those schemas, the
// schemas themselves included (unlike pg_restore -n).
//
// pg_restore runs with --no-password, --jobs, --no-owner/--no-acl,
// --clean --if-exists when asked, and -d as a URL without the password: the
// password goes through a 0600 PGPASSFILE in the work directory, never
// argv. Children run in their own process group; on cancellation the
// group gets SIGTERM, then SIGKILL after a grace period, and is waited for
// before the work directory is removed. pg_restore goes on after errors
// unless --exit-on-error is given
// (https://www.postgresql.org/docs/15/app-pgrestore.html);
// its stderr is classified: "must be owner of extension ..." (COMMENT ON
// EXTENSION, DROP EXTENSION), comments on objects owned by others and
// ALTER ... OWNER TO errors are tolerated and reported as warnings, any
// other error fails the job with the offending statements quoted. Without
// clean, a target that already holds one of the dump's tables is refused
// before anything is changed.
//
// # heroku_ext
//
// Since 2022 Heroku installs extensions into a heroku_ext schema
// (https://devcenter.heroku.com/changelog-items/2446). A Heroku
// dump creates its extensions WITH SCHEMA heroku_ext (and uses
// heroku_ext.citext and friends) but may not create the schema. When the
// dump uses heroku_ext, the executor creates the schema and the extensions
// itself (CREATE SCHEMA IF NOT EXISTS heroku_ext; CREATE EXTENSION IF NOT
// EXISTS x WITH SCHEMA heroku_ext), plus Options.Extensions, and leaves
// the dump's own SCHEMA heroku_ext and EXTENSION entries out of the list
// (so that neither "schema already exists" nor --clean's DROP EXTENSION can
// hit them).
//
// heroku_ext = "create" (default) keeps that layout, as on Heroku, and
// sets the target database's search_path to "$user", public, heroku_ext as
// Heroku does (pg_dump does not carry database settings); when the role
// may not alter the database, a warning says what to run. heroku_ext = "remap" restores the same way and then moves every
// extension of heroku_ext to public with ALTER EXTENSION ... SET SCHEMA
// public, and drops the then empty schema. pg_restore cannot rename a
// schema, but moving an extension moves all its member objects, and
// restored columns, defaults, indexes and views refer to them by OID, so
// they follow. Function bodies that spell heroku_ext.f() in their text do
// not; an extension that is not relocatable stays in heroku_ext with a
// warning. An extension that already exists in another schema of the
// target is an error with "create", and is moved into heroku_ext for the
// restore with "remap".
//
// # Verification
//
// "row_counts" and "checksums" compare every restored table (TABLE DATA
// entry) with its source. For a database_url source the source side is
// read from the source itself, in the REPEATABLE READ transaction whose
// snapshot pg_dump used (pg_dump --snapshot), so it sees exactly what was
// dumped. For every other source the dump is the source of truth: its COPY
// data is streamed once (pg_restore --data-only -f -) and counted per COPY
// block, with bounded memory.
//
// Checksums are computed over PostgreSQL's COPY text format on both sides:
// the target side is COPY (SELECT <the dump's column list> FROM ONLY
// table) TO STDOUT. A table's checksum is the sum modulo 2^64 of the first
// 8 bytes of the SHA-256 of each row's line, which does not depend on row
// order but changes with any changed, missing or duplicated row. Sessions
// use pg_dump's output settings plus TimeZone UTC, and timestamptz and
// float columns are normalised (see copystream.go), so that a dump taken
// in another time zone or by an older server compares equal.
// A mismatch fails the job and lists the tables; Result.Tables is filled
// either way.
package pgrestore
