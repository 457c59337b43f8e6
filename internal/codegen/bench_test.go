package codegen

import (
	"context"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// BenchmarkGenerateTeam200 generates the migration of a 200-app team
// through the Heroku sandbox with 50 ms of latency per request and Heroku's
// real rate limit (4,500 tokens, 75 a minute), once with the default
// concurrency and once serially, side by side in one run. It reports:
//
//	wall-s      the generator's wall time (read + render), concurrency 8
//	serial-s    the same calls made one at a time
//	speedup-x   serial-s / wall-s (target: at least 6)
//	calls       Platform API requests of one run
//	min-calls   the fewest requests the inventory needs
//	429s        requests answered 429 (target: 0)
//
// The serial run alone takes about 80 s: run it with -benchtime=1x.
func BenchmarkGenerateTeam200(b *testing.B) {
	const n = 200
	apps := herokuapi.GenerateApps(n, "bench")
	for i := range apps {
		apps[i].Team = "bench"
	}
	f := &herokuapi.Fixture{APIKey: "bench-key", Teams: []herokuapi.Team{{Name: "bench"}}, Apps: apps}
	modules := moduleDirFS()

	run := func(concurrency int) (time.Duration, int, int) {
		srv, url := herokuapi.Start(b, f, herokuapi.Options{Latency: 50 * time.Millisecond})
		client := heroku.New(heroku.Config{APIKey: srv.APIKey(), APIURL: url, MaxConcurrency: concurrency})
		start := time.Now()
		inv, err := Collect(context.Background(), inventory.NewReader(client), CollectOptions{Team: "bench", Concurrency: concurrency, AWSRegion: "us-east-1", Environment: "prod"})
		if err != nil {
			b.Fatal(err)
		}
		files, err := Generate(inv, modules, DefaultPrices())
		if err != nil {
			b.Fatal(err)
		}
		wall := time.Since(start)
		if len(inv.Apps) != n || len(files) < n {
			b.Fatalf("%d apps, %d files", len(inv.Apps), len(files))
		}
		reqs := srv.Requests()
		limited := 0
		for _, r := range reqs {
			if r.Status == 429 {
				limited++
			}
		}
		return wall, len(reqs), limited
	}

	var wall, serial time.Duration
	var calls, limited int
	for i := 0; i < b.N; i++ {
		w, c, l := run(DefaultConcurrency)
		wall += w
		calls, limited = c, limited+l
	}
	b.StopTimer()
	serial, serialCalls, serialLimited := run(1)
	if serialCalls != calls {
		b.Errorf("the serial run made %d calls, the concurrent one %d", serialCalls, calls)
	}
	mean := wall / time.Duration(b.N)
	b.ReportMetric(mean.Seconds(), "wall-s")
	b.ReportMetric(serial.Seconds(), "serial-s")
	b.ReportMetric(serial.Seconds()/mean.Seconds(), "speedup-x")
	b.ReportMetric(float64(calls), "calls")
	b.ReportMetric(float64(MinimumCalls(n, 0, true, 0)), "min-calls")
	b.ReportMetric(float64(limited+serialLimited), "429s")
}
