package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// Fault matrix rows of the Heroku Platform API: 429 bursts, 5xx,
// a connection reset mid-list and slow responses (the table and runner are in fault_matrix_test.go).

const fmApps = 25 // three pages of 10

// fmAppsCase lists 25 apps in three pages of 10 through heroku2aws_apps
// and checks every name, in order, exactly once.
func fmAppsCase(t *testing.T, tweak func(*heroku.Config)) (*herokuapi.Server, fmCase) {
	f := &herokuapi.Fixture{Apps: herokuapi.GenerateApps(fmApps, "fm")}
	srv, url := startSandbox(t, f, herokuapi.Options{})
	names := make([]knownvalue.Check, fmApps)
	for i := range names {
		names[i] = knownvalue.StringExact(fmt.Sprintf("fm-%04d", i))
	}
	return srv, fmCase{
		factories: fmFactories(func(c *heroku.Config) {
			c.PageSize = 10
			if tweak != nil {
				tweak(c)
			}
		}, nil),
		config: providerBlock(url, testAPIKey) + `data "heroku2aws_apps" "all" {}`,
		verify: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.heroku2aws_apps.all", tfjsonpath.New("names"), knownvalue.ListExact(names)),
			statecheck.ExpectKnownValue("data.heroku2aws_apps.all", tfjsonpath.New("apps"), knownvalue.ListSizeExact(fmApps)),
		},
	}
}

// fmHerokuCount counts the sandbox requests matching f.
func fmHerokuCount(srv *herokuapi.Server, f func(herokuapi.Request) bool) int {
	n := 0
	for _, r := range srv.Requests() {
		if f(r) {
			n++
		}
	}
	return n
}

func fmHerokuRows() []fmRow {
	return []fmRow{
		{name: "429 burst", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			srv, c := fmAppsCase(t, nil)
			c.inject = func() { srv.FailNextRateLimit(3) } // 4 attempts: the 4th gets through
			c.fired = func() error {
				return fmAtLeast("429 answers", fmHerokuCount(srv, func(r herokuapi.Request) bool { return r.Status == 429 }), 3)
			}
			row.exec(t, c)
		}},
		{name: "429 burst beyond the retry budget", outcome: fmClearError,
			want: `(?s)Error Listing Heroku Apps.*rate\s+limit\s+exhausted.*gave\s+up\s+after\s+4\s+attempts.*parallelism`,
			run: func(t *testing.T, row fmRow) {
				srv, c := fmAppsCase(t, nil)
				c.inject = func() { srv.FailNextRateLimit(1000) }
				c.clear = func() { srv.FailNextRateLimit(0) }
				c.fired = func() error {
					return fmAtLeast("429 answers", fmHerokuCount(srv, func(r herokuapi.Request) bool { return r.Status == 429 }), 4)
				}
				row.exec(t, c)
			}},
		{name: "5xx", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			srv, c := fmAppsCase(t, nil)
			c.inject = func() { srv.FailNext(3, http.StatusServiceUnavailable) }
			c.fired = func() error {
				return fmAtLeast("503 answers", fmHerokuCount(srv, func(r herokuapi.Request) bool { return r.Status == 503 }), 3)
			}
			row.exec(t, c)
		}},
		{name: "5xx beyond the retry budget", outcome: fmClearError, want: `(?s)Internal server error.*gave\s+up\s+after\s+4\s+attempts`,
			run: func(t *testing.T, row fmRow) {
				srv, c := fmAppsCase(t, nil)
				c.inject = func() { srv.FailNext(1000, http.StatusInternalServerError) }
				c.clear = func() { srv.FailNext(0, 500) }
				c.fired = func() error {
					return fmAtLeast("500 answers", fmHerokuCount(srv, func(r herokuapi.Request) bool { return r.Status == 500 }), 4)
				}
				row.exec(t, c)
			}},
		{name: "connection reset mid-list (page 2 of 3)", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			srv, c := fmAppsCase(t, nil)
			c.inject = func() { srv.ResetNextRequests("/apps", 1, 1) }
			c.fired = func() error {
				// The reset request carried page 2's Range (it starts after
				// an id), and was then asked again and answered.
				var reset string
				for _, r := range srv.Requests() {
					if r.Path == "/apps" && r.Status == 0 {
						reset = r.Range
					}
				}
				if !strings.HasPrefix(reset, "id ]") {
					return fmt.Errorf("no reset of a later page of /apps (reset Range %q)", reset)
				}
				return fmAtLeast("answers to the reset page's Range", fmHerokuCount(srv, func(r herokuapi.Request) bool {
					return r.Path == "/apps" && r.Range == reset && r.Status == 206
				}), 1)
			}
			row.exec(t, c)
		}},
		{name: "slow responses past the client timeout", outcome: fmClearError,
			want: `(?s)Error Listing Heroku Apps.*Client\.Timeout.*gave\s+up\s+after\s+4\s+attempts`,
			run: func(t *testing.T, row fmRow) {
				srv, c := fmAppsCase(t, func(c *heroku.Config) {
					c.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond}
				})
				c.inject = func() { srv.SetLatency(5 * time.Second) }
				c.clear = func() { srv.SetLatency(0) }
				c.fired = func() error {
					return fmAtLeast("requests that got no answer in time", fmHerokuCount(srv, func(r herokuapi.Request) bool {
						return r.Path == "/apps" && r.Status == 0
					}), 4)
				}
				row.exec(t, c)
			}},
	}
}
