// Package herokuapi is a wire-faithful fake of the Heroku Platform API: an
// http.Handler seeded from a JSON fixture, for tests (in-process through
// Start), benchmarks and the sandbox command. It fails the way Heroku fails,
// and the real heroku-go v5 client accepts every answer, errors included.
//
// # Endpoints
//
// All read-only (GET), with bodies shaped like the heroku-go v5.5.0 types and
// valid against the Platform API schema that ships in heroku-go:
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
//	GET /apps/{app}/releases            []heroku.Release
//	GET /dyno-sizes                     []heroku.DynoSize
//	GET /dyno-sizes/{id_or_name}        heroku.DynoSize (names match case-insensitively)
//
// Anything else answers 404 {"id":"not_found"} with Heroku's "endpoint not
// found" message. A missing app, team or dyno size answers 404 with
// {"id":"not_found","message":"Couldn't find that app.","resource":"app"}
// (and "team", "dyno_size").
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
//     lowercase DNS names outside herokuapp.com.
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
package herokuapi
