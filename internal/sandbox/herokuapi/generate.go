package herokuapi

import (
	"fmt"
	"strconv"
	"time"
)

// GenerateApps returns n realistic personal apps named
// fmt.Sprintf("%s-%04d", prefix, i) for i = 0 .. n-1, for benchmarks and
// pagination tests. Each has a formation, a dozen config vars with fake
// values, a Postgres add-on and, depending on i, Redis, Papertrail, a custom
// domain and several releases. The result is deterministic. prefix must
// make valid app names (a lowercase letter first, at most 25 characters),
// otherwise the fixture will not validate.
func GenerateApps(n int, prefix string) []App {
	if n <= 0 {
		return nil
	}
	webCommands := []string{"npm start", "bundle exec puma -C config/puma.rb", "gunicorn app.wsgi", "java -jar target/app.jar"}
	sizes := []string{"Standard-1X", "Standard-2X", "Performance-M"}
	apps := make([]App, n)
	for i := range apps {
		name := fmt.Sprintf("%s-%04d", prefix, i)
		h := deriveHex(32, "generate", name)
		created := defaultCreatedAt.Add(-time.Duration(i+1) * time.Hour)

		app := App{
			Name:      name,
			Region:    []string{"us", "eu"}[i%2],
			Stack:     []string{"heroku-24", "heroku-22", "heroku-24"}[i%3],
			ACM:       i%2 == 0,
			CreatedAt: &created,
			Formation: []Process{{
				Type:     "web",
				Command:  webCommands[i%len(webCommands)],
				Quantity: 1 + i%4,
				Size:     sizes[i%len(sizes)],
			}},
			ConfigVars: map[string]*string{
				"DATABASE_URL":    new(fmt.Sprintf("postgres://u%s:p%s@ec2-0-0-0-0.compute-1.example.invalid:5432/d%s", h[:8], h[8:24], h[24:])),
				"SECRET_KEY_BASE": new("fake" + h + h),
				"APP_ENV":         new("production"),
				"LOG_LEVEL":       new([]string{"info", "debug", "warn"}[i%3]),
				"WEB_CONCURRENCY": new(strconv.Itoa(2 + i%3)),
				"SENTRY_DSN":      new("https://fake" + h[:16] + "@sentry.example.invalid/" + strconv.Itoa(1000+i)),
				"S3_BUCKET":       new(name + "-assets"),
				"API_TIMEOUT_MS":  new("5000"),
				"FEATURE_FLAGS":   new(""),
				"MAX_UPLOAD_MB":   new("25"),
				"OLD_SETTING":     nil,
			},
			Addons: []Addon{{
				Name:             "postgresql-" + name,
				Plan:             []string{"heroku-postgresql:essential-0", "heroku-postgresql:standard-0", "heroku-postgresql:premium-0"}[i%3],
				BilledPriceCents: []int{500, 5000, 20000}[i%3],
				ConfigVars:       []string{"DATABASE_URL"},
			}},
		}
		if i%2 == 1 {
			app.Formation = append(app.Formation, Process{Type: "worker", Command: "bin/worker", Quantity: 1, Size: "Standard-1X"})
		}
		if i%3 == 0 {
			app.ConfigVars["REDIS_URL"] = new("rediss://:p" + h[:20] + "@ec2-0-0-0-1.compute-1.example.invalid:6380")
			app.Addons = append(app.Addons, Addon{
				Name: "redis-" + name, Plan: "heroku-redis:mini", BilledPriceCents: 300,
				ConfigVars: []string{"REDIS_URL"},
			})
		}
		if i%4 == 0 {
			app.ConfigVars["PAPERTRAIL_API_TOKEN"] = new("fake" + h[:20])
			app.Addons = append(app.Addons, Addon{
				Name: "papertrail-" + name, Plan: "papertrail:choklad",
				ConfigVars: []string{"PAPERTRAIL_API_TOKEN"},
			})
		}
		if i%2 == 0 {
			app.Domains = []Domain{{Hostname: name + ".example.com"}}
		}
		releases := 2 + i%5
		for v := 1; v <= releases; v++ {
			desc := "Deploy " + deriveHex(7, "deploy", name, strconv.Itoa(v))
			if v == 1 {
				desc = "Initial release"
			}
			app.Releases = append(app.Releases, Release{Version: v, Description: desc, Current: v == releases})
		}
		apps[i] = app
	}
	return apps
}
