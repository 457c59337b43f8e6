// Package herokuapi is a wire-faithful fake of the Heroku Platform API and
// of the Heroku Postgres backups part of the Data API: an http.Handler
// seeded from a JSON fixture, for tests (in-process through Start),
// benchmarks and the sandbox command. It fails the way Heroku fails, and
// the real heroku-go v5 client accepts every Platform API answer, errors
// included.
//
// # Endpoints
//
// Bodies are shaped like the heroku-go v5.5.0 types and valid against the
// Platform API schema that ships in heroku-go, requests and answers alike:
//
//	GET /account                        heroku.Account
//	GET /account/rate-limits            heroku.RateLimit (free: costs no token)
//	GET /apps                           []heroku.App (every app, team apps included)
//	GET /apps/{app_id_or_name}          heroku.App
//	GET /teams/{team_id_or_name}/apps   []heroku.TeamApp
//	GET /apps/{app}/formation           []heroku.Formation
//	GET /apps/{app}/config-vars         heroku.ConfigVarInfoForAppResult (null values stay null)
//	GET /apps/{app}/addons              []heroku.AddOn (owned and attached)
//	GET /apps/{app}/addon-attachments   []heroku.AddOnAttachment
//	GET /apps/{app}/domains             []heroku.Domain
//	GET /apps/{app}/releases            []heroku.Release ("Deploy ..." releases have a slug)
//	GET /apps/{app}/slugs/{slug_id}     heroku.Slug (process_types: formation + release_command)
//	GET /apps/{app}/buildpack-installations []heroku.BuildpackInstallation
//	GET /dyno-sizes                     []heroku.DynoSize
//	GET /dyno-sizes/{id_or_name}        heroku.DynoSize (names match case-insensitively)
//
//	PATCH /apps/{app}                        heroku.App ({"maintenance": bool} only)
//	PATCH /apps/{app}/formation              []heroku.Formation (the updated types, in request order)
//	PATCH /apps/{app}/formation/{type_or_id} heroku.Formation
//
// # Maintenance and formation updates
//
// The fixture data is immutable but for each app's maintenance flag and
// each process type's quantity and size, which the PATCHes change (and
// Server.SetMaintenance and Server.SetFormation, behind the API's back,
// to simulate someone scaling in the dashboard). GET /apps, /apps/{app},
// /teams/{team}/apps and /apps/{app}/formation reflect them; updated_at
// moves to Options.Clock's now when a value changes, not when a PATCH
// repeats it. Server.AppState reads them without a request. Fidelity
// notes:
//
//   - PATCH /apps/{app} takes maintenance only: name and build_stack answer
//     422 {"id":"invalid_params"} "Updating name is not supported by this
//     sandbox: only maintenance is." (Heroku would rename the app or change
//     its stack). An empty body answers the app unchanged.
//   - A process type is named as in the Procfile (case-sensitive) or by
//     formation id (case-insensitive); "release" is no formation type.
//     Unknown: 404 {"id":"not_found","resource":"formation"} "Couldn't find
//     that process type (worker).".
//   - A batch is all or nothing: every update is checked against the
//     formation as it would be after the whole batch, and an error changes
//     nothing. The same type twice: the later update wins.
//   - Sizes are matched case-insensitively and answered canonically. An
//     unknown size, or a Private/Shield size for an app outside a Private
//     Space, answers 422 invalid_params "No such size as X. Available dyno
//     sizes are A, B and C." (a Private Space app may use every size: the
//     sandbox does not restrict it to Private and Shield sizes).
//   - Tiers do not mix: Eco only with Eco, Basic only with Basic; Standard,
//     Performance, Private and Shield together. Checked when an update
//     changes a size: 422 invalid_params "Cannot use the following dyno
//     types in the same app: Eco and Standard-1X".
//   - Limits (Cedar's defaults): 1 dyno per type on Eco and Basic, 10 per
//     type on Performance, Private and Shield: 422 invalid_params "Cannot
//     update to more than 1 Basic size dynos per process type."; at most 2
//     Eco dynos and 100 dynos per app: 422
//     {"id":"cannot_run_above_limit","limit":2,"url":...} "Cannot run more
//     than 2 Eco size dynos." / "Cannot run more than 100 dynos.". Only
//     updates that add dynos are checked: scaling down always works.
//   - A negative or fractional quantity, a field the schema does not list
//     and a batch without updates or an update without type answer 422
//     invalid_params; a body that is not a JSON object 400 bad_request.
//     These texts are the sandbox's own.
//   - Server.FailFormationUpdate(nth, status) fails the nth formation PATCH
//     from now (batch and single counted together) and
//     Server.FailNextMaintenance(status) the next app PATCH, with Heroku's
//     body for that status, changing nothing.
//   - The request log records PATCHes like every request: method, path,
//     status, never the body.
//
// Anything else (any other method or path) answers 404 {"id":"not_found"}
// with Heroku's "endpoint not found" message. A missing app, team or dyno size answers 404 with
// {"id":"not_found","message":"Couldn't find that app.","resource":"app"}
// (and "team", "dyno_size").
//
// # Data API (Heroku Postgres backups)
//
// Heroku serves these from https://api.data.heroku.com; the sandbox serves
// them from the same base URL as the Platform API (the sandbox command
// prints it as both HEROKU_API_URL and HEROKU_DATA_API_URL), behind the
// same authentication, rate limit, latency, injected failures and request
// log. heroku-go has no types for them; the bodies follow the Heroku CLI's
// (heroku/cli src/lib/pg/types.ts), and timestamps are the Data API's
// "2024-02-01 12:00:00 +0000" (Ruby's Time#to_s in UTC), not RFC 3339.
//
//	GET  /client/v11/databases/{addon_id}
//	POST /client/v11/databases/{addon_id}/backups
//	GET  /client/v11/apps/{app}/transfers[?verbose=true]
//	GET  /client/v11/apps/{app}/transfers/{uuid_or_num}[?verbose=true]
//	POST /client/v11/apps/{app}/transfers/{uuid_or_num}/actions/public-url
//	GET  /_backups/{token}                (the "public URL"; see below)
//
// {addon_id} is the UUID of a provisioned heroku-postgresql add-on that
// has a database behind it (the fixture's database_url, or
// Server.SetAddonDatabase); anything else, add-on names included, answers
// 404 {"id":"not_found","message":"Couldn't find that database."}, which
// the CLI reads as "not yet provisioned".
//
// GET .../databases/{addon_id} describes the database, like the CLI's
// PgDatabaseService (standard, premium, private, shield plans): addon_id,
// name, plan {id, name}, database_name, database_user, database_password,
// port, resource_url (the database URL, password included, as on Heroku:
// the CLI matches it against config var values), num_bytes, num_tables,
// num_connections, postgres_version, created_at, "waiting?", and info:
// [{name, values}] for pg:info ("Plan": "Standard 0", "Status":
// "Available", "Data Size", "Tables", "PG Version", "Connections",
// "Continuous Protection": "On", ...). Sizes and counts are read from the
// live database on every request; a database that does not answer is
// "Status": "Unavailable". Essential, mini, basic and hobby plans get the
// shorter PgDatabaseTenant shape (plan is a string).
//
// POST .../backups starts a capture and answers 200 with the new transfer,
// running: a real `pg_dump --format=custom --verbose` of the database
// (Options.PGDump, default pg_dump on PATH), its output streamed through a
// pipe into a 0600 file in a sandbox temp directory, as Heroku streams it
// to S3 (so the archive has no data offsets; pg_restore -j copes). The
// password reaches pg_dump in PGPASSWORD, never in its arguments, and no
// other PG* variable of ours does. pg_dump's stderr lines become log lines
// as they come: level "error" for errors (with their detail and hint
// lines), "warning" (counted in warnings) and "info".
//
// A transfer has exactly the fields the CLI's BackupTransfer lists:
//
//	uuid, num, from_name, from_type, from_url, to_name, to_type, to_url,
//	options, source_bytes, processed_bytes, succeeded, warnings,
//	created_at, started_at, canceled_at, updated_at, finished_at,
//	deleted_at, purged_at, num_keep, schedule, logs[{created_at, level, message}]
//
// Of these:
//
//   - num counts from 1 per app: the add-on's owning (billing) app, whose
//     databases share one sequence. Transfers are listed under that app
//     only; an app the database is merely attached to lists none, which is
//     why the CLI hints at "a non-billing application".
//   - from_name is the add-on's attachment name on its owning app
//     ("DATABASE"), from_type "pg_dump", to_name "BACKUP", to_type "gof3r".
//   - from_url is the database URL without credentials (a deviation: the
//     sandbox never serves the password in a transfer); to_url is a
//     made-up S3 URL that nothing serves.
//   - options is {}; schedule is {"uuid": ...} for scheduled backups and
//     null for manual ones. The CLI names a backup "a" (scheduled) or "b"
//     (manual) plus num zero-padded to three digits: b001, a012. There is
//     no name field.
//   - processed_bytes grows while pg_dump writes; started_at is set at
//     once, finished_at (null until then) and succeeded when pg_dump is
//     done; a failed dump has succeeded false, its file removed, and its
//     pg_dump error lines in logs. A successful one ends with Heroku's
//     "waiting for pg_dump to complete", "pg_dump done", "waiting for
//     upload to complete", "upload done".
//   - logs is only present with ?verbose=true, list or single; Heroku
//     leaves it out otherwise ("logs is undefined unless verbose=true is
//     passed", says the CLI).
//
// GET .../transfers lists the app's transfers by created_at, then num.
// Clients must not rely on the order (the CLI sorts by created_at
// itself). "Latest backup" is the client's to compute, as the CLI does for
// pg:backups:url: among transfers with succeeded true and to_type "gof3r",
// the newest created_at. GET .../transfers/{uuid_or_num} takes the number
// or the UUID (not a name such as b001: the CLI converts those); an
// unknown one answers 404 {"id":"not_found","message":"Couldn't find that
// transfer."}, an unknown app 404 with "resource": "app".
//
// POST .../public-url answers {"expires_at": ..., "url": ...} for a
// finished, successful backup (422 {"id":"unprocessable_entity"} for a
// running or failed one): url is BASE/_backups/{random token}, standing
// in for the S3 presigned URL Heroku hands out. It works for
// Options.BackupURLTTL (DefaultBackupURLTTL, 10 minutes) by Options.Clock;
// fetch it just before downloading. GET on it behaves like S3: no
// authorization, no rate-limit token, no latency or injected 5xx; the file
// as application/octet-stream with ETag (the MD5), Last-Modified,
// Accept-Ranges and Range/If-Range support (206 Partial Content). Errors
// are S3 XML (application/xml):
//
//	403 AccessDenied "Request has expired"   an expired URL (with X-Amz-Expires, Expires, ServerTime)
//	403 AccessDenied "Access Denied"         an unknown token
//	403 SignatureDoesNotMatch                any method but GET (the URL is signed for GET)
//	404 NoSuchKey                            a backup without a file (fixture-seeded, or after Close)
//
// The request log records these requests with Path "/_backups/{token}":
// the token is a credential.
//
// Faults, at run time:
//
//   - Server.FailNextCapture(logs...): the next capture ends with
//     succeeded false and these error lines, without running pg_dump.
//   - Server.SetCaptureDelay(d): captures started from now on stay
//     running (finished_at null, processed_bytes visible) for at least d.
//   - Server.ExpireBackupURLs(): every URL issued so far expires now.
//   - Server.CutDownloadsAfter(n), Server.CutNextDownloads(count, n): the
//     next download(s) send n bytes of the body and then abort the
//     connection (the client sees an unexpected EOF); the next download
//     works, so a client can resume with Range.
//
// Server.AddBackup(app, file) registers an existing file (left in place)
// as a finished manual backup, without pg_dump. Server.Close ends running
// captures (canceled_at set), and removes every file the sandbox made;
// Start calls it when the test ends.
//
// # Failure modes
//
// Every request goes through, in order:
//
//   - Latency (Options.Latency, Server.SetLatency). A client that gives up
//     during the wait gets nothing; its log entry has Status 0.
//   - Authentication: "Authorization: Bearer <key>", or Basic auth with the
//     key as the password. Otherwise 401
//     {"id":"unauthorized","message":"Invalid credentials provided."}.
//   - Rate limit: one token bucket for the account, RateLimitBucket tokens
//     (4500) refilled continuously at RateLimitRefillPerMinute (75), like
//     Heroku's GCRA limiter. Every request costs one token, unauthorized ones
//     included (the sandbox has a single account, so they are charged to it);
//     an authorized GET /account/rate-limits is free. Every answer carries
//     RateLimit-Remaining. An empty bucket answers 429 {"id":"rate_limit"},
//     without Retry-After, as Heroku does.
//   - Injected failures (Server.FailNext): 503 {"id":"unavailable"}, 500
//     {"id":"internal_server_error"}, and so on.
//
// The Accept header is recorded in the request log but not enforced.
//
// # Pagination
//
// List endpoints honor the Range header (see Range and ParseRange):
//
//	Range: <field> [<first>]..[<last>][; max=<n>][, order=desc]
//
// A first value prefixed with "]" is exclusive. The default page is 200
// items and the largest 1000 (a larger max is clamped). Results are sorted by
// the field (order=desc reverses). A truncated page answers 206 Partial
// Content with "Next-Range: <field> ]<last value>..; max=<n>", keeping the
// order; the last page answers 200. Accept-Ranges lists the fields: "id,
// name" for apps, team apps, add-ons, attachments and dyno sizes; "id, type"
// for formation; "id, hostname" for domains; "id, version" for releases
// (version compares numerically). Without a field, "id" is used. A malformed
// header, max < 1 or an unknown field answers 400 {"id":"bad_request"}.
//
// # Fixture format
//
// A fixture is one JSON object, decoded strictly: unknown fields and trailing
// data are errors. Every field but the app names is optional.
//
//	{
//	  "api_key": "sandbox-api-key",          // the bearer token accepted (default "sandbox-api-key")
//	  "account": {"id": "<uuid>", "email": "owner@example.com"},
//	  "teams": [{"id": "<uuid>", "name": "acme"}],
//	  "dyno_sizes": [                        // replaces the built-in list of Heroku sizes
//	    {"id": "<uuid>", "name": "Standard-1X", "memory": 0.5, "compute": 1,
//	     "dedicated": false, "private_space_only": false, "dyno_units": 1}
//	  ],
//	  "apps": [{
//	    "id": "<uuid>",                      // default: derived from the name
//	    "name": "acme-api",
//	    "region": "us",                      // default "us"
//	    "stack": "heroku-24",                // default "heroku-24"
//	    "build_stack": "heroku-24",          // default: stack
//	    "team": "acme",                      // a team from "teams"; omit for a personal app
//	    "space": "acme-space",               // a Private Space; omit for the Common Runtime
//	    "owner_email": "owner@example.com",  // default: the account email, or TEAM@herokumanager.com
//	    "maintenance": false,
//	    "acm": true,
//	    "buildpack_provided_description": "Node.js",
//	    "buildpacks": ["heroku/nodejs"],     // buildpack installations, in order
//	    "release_command": "npm run migrate", // the slugs' "release" process type
//	    "git_url": "https://git.heroku.com/acme-api.git",      // default: derived from the name
//	    "web_url": "https://acme-api-0123456789ab.herokuapp.com/", // default: NAME-<12 hex>
//	    "created_at": "2023-03-01T09:30:00Z",// default 2024-01-15T10:00:00Z
//	    "released_at": "2024-02-01T12:00:00Z", // default: when the current release was created
//	    "formation": [
//	      {"type": "web", "command": "npm start", "quantity": 2, "size": "Standard-2X"}
//	    ],
//	    "config_vars": {"NODE_ENV": "production", "UNSET": null},
//	    "addons": [{
//	      "id": "<uuid>",
//	      "name": "postgresql-curved-12345",
//	      "service": "heroku-postgresql",    // default: the plan's prefix
//	      "plan": "heroku-postgresql:standard-0",
//	      "state": "provisioned",            // provisioning, provisioned (default), deprovisioned
//	      "billed_price_cents": 5000,
//	      "config_vars": ["DATABASE_URL"],   // names only
//	      "attachments": [
//	        {"name": "DATABASE"},
//	        {"name": "DATABASE", "namespace": null, "app": "acme-worker"}
//	      ],
//	      // heroku-postgresql only: the PostgreSQL database behind the
//	      // add-on, for the Data API (a password: never logged or quoted).
//	      // Not the DATABASE_URL config var, which stays as the fixture says.
//	      "database_url": "postgres://user:pass@127.0.0.1:5432/acme",
//	      // heroku-postgresql only: finished backups, without files.
//	      "backups": [
//	        {"num": 1,                       // default: the app's highest + 1
//	         "scheduled": true,              // "a001"; default false ("b001")
//	         "created_at": "2024-02-01T02:00:00Z", // default: app created_at + num days
//	         "succeeded": true,              // default true
//	         "source_bytes": 104857600, "processed_bytes": 20971520,
//	         "logs": ["pg_dump: error: ..."]} // error lines when not succeeded
//	      ]
//	    }],
//	    "domains": [{"hostname": "api.acme.com", "kind": "custom",
//	                 "cname": "flat-otter-2k4yx8fake1q.herokudns.com",
//	                 "status": "succeeded", "acm_status": "cert issued"}],
//	    "releases": [{"version": 12, "description": "Deploy abc1234",
//	                  "status": "succeeded", "current": true,
//	                  "created_at": "2024-02-01T12:00:00Z"}]
//	  }]
//	}
//
// Derived data:
//
//   - IDs left out are derived deterministically from names (a version 5
//     style UUID over SHA-1), so they are stable across runs.
//   - Every app also gets its default domain of kind "heroku" (cname null),
//     whose hostname is the host of web_url, as on Heroku.
//   - A custom domain without cname gets a derived *.herokudns.com target;
//     acm_status defaults to "cert issued" when the app has ACM, else null.
//   - An add-on without attachments is attached to its own app, named after
//     its first *_URL config var (DATABASE_URL → DATABASE) or its service.
//     GET /apps/{app}/addons lists the add-ons an app owns and those attached
//     to it from other apps.
//   - An app without releases has v1 "Initial release". When no release is
//     marked current, the highest version is.
//   - A process type without size is "standard-1X"; formation answers report
//     the canonical size name from the dyno size list.
//
// Validation (LoadFixture, Fixture.Validate and New) reports every problem,
// each naming the app and field, and never a config var value:
//
//   - app names follow Heroku's rule (3-30 characters, a lowercase letter,
//     then lowercase letters, digits and dashes) and are unique; ids are
//     UUIDs and unique;
//   - team references name a listed team; attachments name a fixture app;
//   - config var names match ^[A-Za-z0-9_]+$ and do not start with "__";
//     names and values together stay within Heroku's 32 KB per app;
//   - formation types are unique, quantities are not negative, sizes name a
//     dyno size case-insensitively ("standard-1x" == "Standard-1X"), and
//     private-space-only sizes need a space;
//   - add-on names are globally unique, plans look like service:plan, states
//     and release statuses are Heroku's; domain hostnames are unique
//     lowercase DNS names outside herokuapp.com;
//   - database_url and backups only on heroku-postgresql add-ons;
//     database_url is a postgres:// or postgresql:// URL with a user, a
//     host and a database name; backup nums are positive and unique per
//     owning app, sizes not negative.
//
// testdata/sample.json (also SampleFixture) is a complete example.
//
// # Use in tests
//
//	f, _ := herokuapi.SampleFixture()
//	srv, url := herokuapi.Start(t, f, herokuapi.Options{})
//	h := heroku.NewService(&http.Client{Transport: &heroku.Transport{
//		BearerToken: srv.APIKey(), Transport: http.DefaultTransport}})
//	h.URL = url
//	app, err := h.AppInfo(ctx, "acme-api")
//
// With a real database behind the Postgres add-on (package pgtest):
//
//	c := pgtest.StartT(t, pgtest.Options{})
//	srv.SetAddonDatabase("postgresql-curved-12345", c.URL("postgres"))
//	// POST url+"/client/v11/databases/"+addonID+"/backups", poll, ...
package herokuapi
