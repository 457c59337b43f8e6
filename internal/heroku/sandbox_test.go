package heroku_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

const key = "sandbox-integration-key"

func sandboxClient(t *testing.T, f *herokuapi.Fixture, opts herokuapi.Options, cfg heroku.Config) (*heroku.Client, *herokuapi.Server) {
	t.Helper()
	f.APIKey = key
	srv, url := herokuapi.Start(t, f, opts)
	cfg.APIKey, cfg.APIURL = key, url
	return heroku.New(cfg), srv
}

// 1,500 apps with Heroku's maximum page of 1,000 take exactly two requests.
func TestSandboxAppsPaginationTwoRequests(t *testing.T) {
	t.Parallel()
	c, srv := sandboxClient(t, &herokuapi.Fixture{Apps: herokuapi.GenerateApps(1500, "page")}, herokuapi.Options{}, heroku.Config{})
	apps, err := c.Apps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 1500 {
		t.Fatalf("got %d apps, want 1500", len(apps))
	}
	seen := map[string]bool{}
	for _, a := range apps {
		if seen[a.ID] {
			t.Fatalf("app %s returned twice", a.Name)
		}
		seen[a.ID] = true
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("want exactly 2 requests, sandbox saw %d: %+v", len(reqs), reqs)
	}
	if reqs[0].Status != 206 || reqs[0].Range != "id ..; max=1000" || reqs[1].Status != 200 {
		t.Fatalf("unexpected page sequence: %+v", reqs)
	}
	t.Logf("1500 apps: %d requests (%d + %d apps)", len(reqs), 1000, 500)
}

// A 20-token bucket that refills at 20 tokens a second: 80 app reads
// (8 at a time) must all succeed, paced by RateLimit-Remaining rather than
// by 429 retry loops.
func TestSandboxSmallBucketPacedByHeader(t *testing.T) {
	t.Parallel()
	const calls, bucket, perMinute = 80, 20, 1200
	c, srv := sandboxClient(t, &herokuapi.Fixture{Apps: herokuapi.GenerateApps(calls, "rl")},
		herokuapi.Options{RateLimitBucket: bucket, RateLimitRefillPerMinute: perMinute},
		heroku.Config{MaxConcurrency: 8, RateLimit: heroku.RateLimit{Bucket: bucket, RefillPerMinute: perMinute}})

	start := time.Now()
	errs := readAll(c, "rl", calls)
	elapsed := time.Since(start)
	for _, err := range errs {
		t.Error(err)
	}
	reqs := srv.Requests()
	var limited int
	for _, r := range reqs {
		if r.Status == 429 {
			limited++
		}
	}
	// Spending 60 tokens beyond the bucket takes 3 s at 20 a second. A client
	// that hammered would finish sooner with a pile of 429s.
	minWait := time.Duration(float64(calls-bucket) / (perMinute / 60.0) * float64(time.Second))
	if elapsed < minWait*8/10 {
		t.Errorf("finished in %v; pacing should take about %v", elapsed, minWait)
	}
	if limited > 2 {
		t.Errorf("%d requests were answered 429; a header-paced client should see almost none", limited)
	}
	if len(reqs) != calls+limited {
		t.Errorf("%d requests for %d reads and %d 429s", len(reqs), calls, limited)
	}
	t.Logf("%d reads through a %d-token bucket: %d requests, %d answered 429, %v", calls, bucket, len(reqs), limited, elapsed.Round(time.Millisecond))
}

// When the client's refill estimate is too optimistic (it assumes twice the
// server's rate), the bucket empties and the sandbox answers 429. Every read
// must still complete, and retries must wait for a token instead of looping.
func TestSandbox429sStillComplete(t *testing.T) {
	t.Parallel()
	const calls, bucket = 60, 20
	c, srv := sandboxClient(t, &herokuapi.Fixture{Apps: herokuapi.GenerateApps(calls, "busy")},
		herokuapi.Options{RateLimitBucket: bucket, RateLimitRefillPerMinute: 1200},
		heroku.Config{
			MaxConcurrency: 8,
			RateLimit:      heroku.RateLimit{Bucket: bucket, RefillPerMinute: 2400},
			Retry:          heroku.Retry{MaxAttempts: 10, BaseDelay: 20 * time.Millisecond, MaxDelay: time.Second},
		})
	for _, err := range readAll(c, "busy", calls) {
		t.Error(err)
	}
	var limited int
	for _, r := range srv.Requests() {
		if r.Status == 429 {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("the scenario should provoke 429s; the test proves nothing otherwise")
	}
	if limited > calls {
		t.Errorf("%d 429s for %d reads: retries are not paced", limited, calls)
	}
	t.Logf("%d reads, %d answered 429, all complete", calls, limited)
}

// readAll reads apps PREFIX-0000 … PREFIX-(n-1) concurrently and returns
// every failure.
func readAll(c *heroku.Client, prefix string, n int) []error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			app, err := c.App(ctx, name)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			} else if app.Name != name {
				errs = append(errs, fmt.Errorf("read %s, got %s", name, app.Name))
			}
		}(fmt.Sprintf("%s-%04d", prefix, i))
	}
	wg.Wait()
	return errs
}
