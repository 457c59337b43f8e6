package codegen

import (
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// sampleInventory is a hand-built inventory shaped like the sandbox's
// sample fixture: a web+worker app with Postgres, Redis, Scheduler,
// Papertrail and two domains; a worker-only app; an app with no add-ons and
// names that need sanitising; and an app with an add-on nobody maps.
func sampleInventory() *Inventory {
	proc := func(typ, cmd string, qty int, size string) Process {
		spec, _ := inventory.LookupDynoSpec(size)
		return Process{Process: inventory.Process{Type: typ, Command: cmd, Quantity: qty, Size: size, MemoryGB: spec.MemoryGB, Fargate: spec.Fargate()}}
	}
	addon := func(name, plan string, cents int, vars []string, attach ...inventory.Attachment) inventory.AddOn {
		service, _, _ := strings.Cut(plan, ":")
		return inventory.AddOn{Name: name, App: attach[0].App, Service: service, Plan: plan, State: "provisioned", BilledPriceCents: cents,
			ConfigVars: vars, Attachments: attach, AWS: inventory.SuggestAWS(service, plan)}
	}
	inv := &Inventory{
		Team:        "acme",
		AWSRegion:   "us-east-1",
		Environment: "prod",
		Apps: []App{
			{
				Name: "acme-api", ID: "8d1b1a2e-0000-4000-8000-000000000001", HerokuRegion: "us", Stack: "heroku-24", Team: "acme",
				Processes: []Process{
					proc("web", "npm start", 2, "Standard-2X"),
					proc("worker", "node worker.js", 1, "Standard-1X"),
				},
				AddOns: []inventory.AddOn{
					addon("papertrail-angular-22222", "papertrail:choklad", 0, []string{"PAPERTRAIL_API_TOKEN"}, inventory.Attachment{App: "acme-api", Name: "PAPERTRAIL"}),
					addon("postgresql-curved-12345", "heroku-postgresql:standard-0", 5000, []string{"DATABASE_URL"},
						inventory.Attachment{App: "acme-api", Name: "DATABASE"}, inventory.Attachment{App: "acme-worker", Name: "DATABASE"}),
					addon("redis-rugged-67890", "heroku-redis:premium-0", 1500, []string{"REDIS_URL"}, inventory.Attachment{App: "acme-api", Name: "REDIS"}),
					addon("scheduler-spherical-11111", "scheduler:standard", 0, nil, inventory.Attachment{App: "acme-api", Name: "SCHEDULER"}),
				},
				UserConfigVars:  []string{"JWT_PRIVATE_KEY", "NODE_ENV", "SECRET_KEY_BASE", "WEB_CONCURRENCY"},
				EmptyConfigVars: []string{"FEATURE_FLAGS", "LEGACY_UNSET"},
				AddOnConfigVars: []string{"DATABASE_URL", "PAPERTRAIL_API_TOKEN", "REDIS_URL"},
				Domains: []inventory.Domain{
					{Hostname: "api.acme.com", Kind: "custom", CNAME: "flat-otter-2k4yx8fake1q.herokudns.com", Status: "succeeded", ACMStatus: "cert issued"},
					{Hostname: "www.acme.com", Kind: "custom", CNAME: "deep-owl-7h3nq9fake2w.herokudns.com", Status: "succeeded", ACMStatus: "cert issued"},
				},
				Buildpacks:           []string{"heroku/nodejs"},
				BuildpackDescription: "Node.js",
				ReleaseCommand:       "npm run migrate",
				CurrentRelease:       12,
			},
			{
				Name: "acme-worker", HerokuRegion: "us", Stack: "heroku-24", Team: "acme",
				Processes: []Process{proc("worker", "node worker.js", 1, "standard-1X")},
				AddOns: []inventory.AddOn{
					addon("postgresql-curved-12345", "heroku-postgresql:standard-0", 5000, []string{"DATABASE_URL"},
						inventory.Attachment{App: "acme-api", Name: "DATABASE"}, inventory.Attachment{App: "acme-worker", Name: "DATABASE"}),
				},
				UserConfigVars:  []string{"NODE_ENV"},
				AddOnConfigVars: []string{"DATABASE_URL"},
				CurrentRelease:  3,
			},
			{
				Name: "9lives.old-site", HerokuRegion: "eu", Stack: "heroku-22",
				Processes: []Process{
					proc("web", "bundle exec puma", 1, "eco"),
					proc("2fa-sync", "bin/sync", 0, "Basic"),
					proc("2fa.sync", "bin/sync --other", 1, "Performance-M"),
				},
				UserConfigVars: []string{"RAILS_ENV"},
				Buildpacks:     []string{"heroku/ruby", "https://github.com/example/custom-buildpack.git"},
			},
			{
				Name: "acme-search", HerokuRegion: "us", Stack: "heroku-24", Team: "acme",
				Processes: []Process{proc("web", "java -jar app.jar", 3, "Performance-L")},
				AddOns: []inventory.AddOn{
					addon("bonsai-flat-33333", "bonsai:standard-sm", 5000, []string{"BONSAI_URL"}, inventory.Attachment{App: "acme-search", Name: "BONSAI"}),
					addon("quotaguard-44444", "quotaguardstatic:starter", 1900, []string{"QUOTAGUARDSTATIC_URL"}, inventory.Attachment{App: "acme-search", Name: "QUOTAGUARDSTATIC"}),
					addon("postgresql-shiny-55555", "heroku-postgresql:premium-4", 75000, []string{"HEROKU_POSTGRESQL_ONYX_URL"}, inventory.Attachment{App: "acme-search", Name: "HEROKU_POSTGRESQL_ONYX"}),
				},
				AddOnConfigVars: []string{"BONSAI_URL", "HEROKU_POSTGRESQL_ONYX_URL", "QUOTAGUARDSTATIC_URL"},
				Domains:         []inventory.Domain{{Hostname: "search.acme.com", Kind: "custom", CNAME: "tall-fern-1a2b3cfake.herokudns.com", Status: "succeeded"}},
			},
		},
	}
	inv.AssignIdents()
	return inv
}
