package heroku_test

import (
	"context"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// BenchmarkListApps1500 lists 1,500 apps through the sandbox with 5 ms of
// added latency per request, at Heroku's maximum page (1,000, what this
// client asks for) and at the default page (200, what a client that sends no
// Range max gets, e.g. heroku-go's typed List methods). The requests/op
// metric is the figure to compare: 2 against 8.
func BenchmarkListApps1500(b *testing.B) {
	for _, bc := range []struct {
		name     string
		pageSize int
	}{{"max=1000", 1000}, {"max=200", 200}} {
		b.Run(bc.name, func(b *testing.B) {
			f := &herokuapi.Fixture{APIKey: key, Apps: herokuapi.GenerateApps(1500, "bench")}
			srv, url := herokuapi.Start(b, f, herokuapi.Options{Latency: 5 * time.Millisecond, RateLimitBucket: 1 << 30})
			c := heroku.New(heroku.Config{APIKey: key, APIURL: url, PageSize: bc.pageSize,
				RateLimit: heroku.RateLimit{Bucket: 1 << 30, RefillPerMinute: 1 << 30}})
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				apps, err := c.Apps(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if len(apps) != 1500 {
					b.Fatalf("got %d apps", len(apps))
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(len(srv.Requests()))/float64(b.N), "requests/op")
		})
	}
}
