package heroku

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

const testKey = "HRKU-test-key-0000"

type testEnv struct {
	client   *Client
	server   *httptest.Server
	clock    *clock.Fake
	requests atomic.Int64
}

// newEnv starts handler behind httptest and a Client with a fake clock and
// deterministic jitter (always the ceiling). mod adjusts the Config.
func newEnv(t *testing.T, handler http.HandlerFunc, mod func(*Config)) *testEnv {
	t.Helper()
	env := &testEnv{clock: clock.NewFake()}
	env.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env.requests.Add(1)
		handler(w, r)
	}))
	t.Cleanup(env.server.Close)
	cfg := Config{
		APIKey:     testKey,
		APIURL:     env.server.URL + "/",
		HTTPClient: env.server.Client(),
		Clock:      env.clock,
	}
	if mod != nil {
		mod(&cfg)
	}
	env.client = New(cfg)
	env.client.jitter = func(d time.Duration) time.Duration { return d }
	return env
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func herokuError(w http.ResponseWriter, status int, id, msg string) {
	writeJSON(w, status, map[string]string{"id": id, "message": msg})
}

func near(got, want time.Duration) bool {
	d := got - want
	return d > -time.Millisecond && d < time.Millisecond
}

// pagedApps serves n apps with ids app-0000.. in Range pages, like Heroku:
// 206 plus Next-Range while more remain.
func pagedApps(t *testing.T, n int, ranges *[]string, mu *sync.Mutex) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hdr := r.Header.Get("Range")
		mu.Lock()
		*ranges = append(*ranges, hdr)
		mu.Unlock()
		rng, err := ParseRange(hdr)
		if err != nil || rng.Field != "id" {
			herokuError(w, http.StatusBadRequest, "bad_request", "bad range")
			return
		}
		size := rng.Max
		if size == 0 {
			size = 200
		}
		var page []map[string]string
		next := ""
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("app-%04d", i)
			if rng.First != "" && (id < rng.First || (rng.FirstExclusive && id == rng.First)) {
				continue
			}
			if len(page) == size {
				next = Range{Field: "id", First: page[len(page)-1]["id"], FirstExclusive: true, Max: rng.Max}.String()
				break
			}
			page = append(page, map[string]string{"id": id, "name": "name-" + id})
		}
		if next != "" {
			w.Header().Set("Next-Range", next)
			writeJSON(w, http.StatusPartialContent, page)
			return
		}
		writeJSON(w, http.StatusOK, page)
	}
}

func TestAppsPagination(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var ranges []string
	var badHeaders []string
	inner := pagedApps(t, 2500, &ranges, &mu)
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		for k, want := range map[string]string{
			"Accept":        "application/vnd.heroku+json; version=3",
			"Authorization": "Bearer " + testKey,
			"User-Agent":    "terraform-provider-heroku2aws",
		} {
			if got := r.Header.Get(k); got != want {
				mu.Lock()
				badHeaders = append(badHeaders, k)
				mu.Unlock()
			}
		}
		if r.URL.Path != "/apps" || r.Method != http.MethodGet {
			herokuError(w, http.StatusNotFound, "not_found", "wrong path "+r.URL.Path)
			return
		}
		inner(w, r)
	}, nil)

	apps, err := env.client.Apps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := env.requests.Load(); got != 3 {
		t.Errorf("requests = %d, want 3 (pages of 1000, 1000, 500)", got)
	}
	if len(apps) != 2500 {
		t.Fatalf("got %d apps, want 2500", len(apps))
	}
	for i, a := range apps {
		if want := fmt.Sprintf("app-%04d", i); a.ID != want || a.Name != "name-"+want {
			t.Fatalf("apps[%d] = %q/%q, want %q", i, a.ID, a.Name, want)
		}
	}
	wantRanges := []string{"id ..; max=1000", "id ]app-0999..; max=1000", "id ]app-1999..; max=1000"}
	if fmt.Sprint(ranges) != fmt.Sprint(wantRanges) {
		t.Errorf("Range headers = %q, want %q", ranges, wantRanges)
	}
	if len(badHeaders) > 0 {
		t.Errorf("wrong request headers: %v", badHeaders)
	}
}

func TestListPageSize(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var ranges []string
	env := newEnv(t, pagedApps(t, 20, &ranges, &mu), func(c *Config) { c.PageSize = 7 })
	var apps []map[string]any
	if err := env.client.List(context.Background(), Call{Path: "/apps"}, &apps); err != nil {
		t.Fatal(err)
	}
	if len(apps) != 20 || env.requests.Load() != 3 {
		t.Errorf("got %d items in %d requests, want 20 in 3", len(apps), env.requests.Load())
	}
	if ranges[0] != "id ..; max=7" {
		t.Errorf("first Range = %q", ranges[0])
	}
}

func TestListEmptyIsNonNil(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, []any{})
	}, nil)
	doms, err := env.client.Domains(context.Background(), "acme-api")
	if err != nil {
		t.Fatal(err)
	}
	if doms == nil || len(doms) != 0 {
		t.Errorf("Domains = %#v, want empty non-nil", doms)
	}
}

func TestListNextRangeLoopGuard(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Next-Range", "id ]stuck..; max=1000")
		writeJSON(w, http.StatusPartialContent, []map[string]string{{"id": "stuck"}})
	}, nil)
	_, err := env.client.Releases(context.Background(), "acme-api")
	if err == nil || !strings.Contains(err.Error(), "not advancing") {
		t.Fatalf("err = %v, want a pagination loop error", err)
	}
	if got := env.requests.Load(); got != 2 {
		t.Errorf("requests = %d, want 2", got)
	}
}

func TestList206WithoutNextRangeIsDone(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusPartialContent, []map[string]string{{"id": "a"}, {"id": "b"}})
	}, nil)
	addons, err := env.client.AddOns(context.Background(), "acme-api")
	if err != nil {
		t.Fatal(err)
	}
	if len(addons) != 2 || env.requests.Load() != 1 {
		t.Errorf("got %d add-ons in %d requests, want 2 in 1", len(addons), env.requests.Load())
	}
}

func TestListNeedsSlicePointer(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {}, nil)
	var s []int
	for _, out := range []any{nil, s, &struct{}{}, (*[]int)(nil)} {
		if err := env.client.List(context.Background(), Call{Path: "/apps"}, out); err == nil {
			t.Errorf("List(%T) succeeded", out)
		}
	}
	if env.requests.Load() != 0 {
		t.Errorf("requests sent for invalid out")
	}
}

// times records the fake-clock time of each request.
type times struct {
	mu sync.Mutex
	at []time.Duration
}

func (ts *times) add(d time.Duration) {
	ts.mu.Lock()
	ts.at = append(ts.at, d)
	ts.mu.Unlock()
}

func (ts *times) get() []time.Duration {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]time.Duration(nil), ts.at...)
}

func Test429ThenSuccessIsPaced(t *testing.T) {
	t.Parallel()
	var seen times
	var env *testEnv
	env = newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		seen.add(env.clock.Elapsed())
		if env.requests.Load() == 1 {
			w.Header().Set("RateLimit-Remaining", "0")
			herokuError(w, http.StatusTooManyRequests, "rate_limit", "Your account reached the API rate limit")
			return
		}
		w.Header().Set("RateLimit-Remaining", "10")
		writeJSON(w, http.StatusOK, map[string]string{"id": "acct", "email": "a@example.com"})
	}, nil)

	acct, err := env.client.Account(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if acct.Email != "a@example.com" {
		t.Errorf("email = %q", acct.Email)
	}
	at := seen.get()
	if len(at) != 2 {
		t.Fatalf("requests = %d, want 2", len(at))
	}
	// One token refills in 60/75 s = 800ms, which beats the 500ms backoff.
	if gap := at[1] - at[0]; gap < 800*time.Millisecond || gap > 801*time.Millisecond {
		t.Errorf("retry came %v after the 429, want 800ms", gap)
	}
	if got := env.client.RateLimitRemaining(); got != 10 {
		t.Errorf("RateLimitRemaining = %d, want 10", got)
	}
}

func TestPacingWhenRemainingHitsZero(t *testing.T) {
	t.Parallel()
	var seen times
	var env *testEnv
	env = newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		seen.add(env.clock.Elapsed())
		w.Header().Set("RateLimit-Remaining", "0")
		writeJSON(w, http.StatusOK, map[string]string{"id": "acme", "name": "acme-api"})
	}, nil)
	ctx := context.Background()
	if got := env.client.RateLimitRemaining(); got != -1 {
		t.Errorf("RateLimitRemaining before any call = %d, want -1", got)
	}
	for i := 0; i < 3; i++ {
		if _, err := env.client.App(ctx, "acme-api"); err != nil {
			t.Fatal(err)
		}
	}
	if got := env.client.RateLimitRemaining(); got != 0 {
		t.Errorf("RateLimitRemaining = %d, want 0", got)
	}
	at := seen.get()
	if len(at) != 3 {
		t.Fatalf("requests = %d, want 3", len(at))
	}
	// The first call is free (bucket assumed full); then each waits one refill.
	for i, want := range []time.Duration{0, 800 * time.Millisecond, 1600 * time.Millisecond} {
		if !near(at[i], want) {
			t.Errorf("request %d at %v, want %v", i, at[i], want)
		}
	}
	sl := env.clock.Sleeps()
	if len(sl) != 2 || !near(sl[0], 800*time.Millisecond) || !near(sl[1], 800*time.Millisecond) {
		t.Errorf("sleeps = %v, want [800ms 800ms]", sl)
	}
}

// Concurrent requests that find the bucket empty are spread one token
// apart. A fake clock cannot model sleepers that re-check each other's
// progress, so this test runs on the real clock at 10 tokens a second.
func TestPacingSpreadsConcurrentRequests(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var arrivals []time.Time
	var env *testEnv
	env = newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		if env.requests.Load() == 1 {
			w.Header().Set("RateLimit-Remaining", "0")
		}
		writeJSON(w, http.StatusOK, map[string]string{"id": "acct"})
	}, func(c *Config) {
		c.Clock = clock.Real
		c.RateLimit = RateLimit{Bucket: 10, RefillPerMinute: 600}
	})
	ctx := context.Background()
	if _, err := env.client.Account(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := env.client.Account(ctx); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(arrivals) != 5 {
		t.Fatalf("%d requests, want 5", len(arrivals))
	}
	// After the figure 0, four tokens take 400ms to refill: the four requests
	// must arrive spread over that time, not together.
	sort.Slice(arrivals, func(i, j int) bool { return arrivals[i].Before(arrivals[j]) })
	if span := arrivals[4].Sub(arrivals[0]); span < 380*time.Millisecond {
		t.Errorf("four requests after an empty bucket arrived within %v; want them spread over 400ms", span)
	}
	for i := 2; i < 5; i++ {
		if gap := arrivals[i].Sub(arrivals[i-1]); gap < 60*time.Millisecond {
			t.Errorf("requests %d and %d arrived %v apart; want about 100ms (one token)", i-1, i, gap)
		}
	}
}

func Test5xxRetryThenSuccess(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		if env.requests.Load() <= 2 {
			herokuError(w, http.StatusServiceUnavailable, "unavailable", "try again")
			return
		}
		writeJSON(w, http.StatusOK, []map[string]any{{"type": "web", "quantity": 2, "size": "standard-1X"}})
	}, nil)
	f, err := env.client.Formation(context.Background(), "acme-api")
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 1 || f[0].Type != "web" || f[0].Quantity != 2 {
		t.Errorf("formation = %+v", f)
	}
	if got := env.requests.Load(); got != 3 {
		t.Errorf("requests = %d, want 3", got)
	}
	if sl := env.clock.Sleeps(); fmt.Sprint(sl) != "[500ms 1s]" {
		t.Errorf("backoff = %v, want [500ms 1s]", sl)
	}
}

func TestBackoffIsCapped(t *testing.T) {
	t.Parallel()
	c := New(Config{Retry: Retry{BaseDelay: time.Second, MaxDelay: 5 * time.Second}})
	c.jitter = func(d time.Duration) time.Duration { return d }
	var got []time.Duration
	for a := 1; a <= 6; a++ {
		got = append(got, c.backoff(a))
	}
	if fmt.Sprint(got) != "[1s 2s 4s 5s 5s 5s]" {
		t.Errorf("backoff ceilings = %v", got)
	}
	c.jitter = fullJitter
	for i := 0; i < 100; i++ {
		if d := c.backoff(3); d < 0 || d > 4*time.Second {
			t.Fatalf("jittered backoff %v outside [0, 4s]", d)
		}
	}
}

func TestBoundedAttempts(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		herokuError(w, http.StatusInternalServerError, "internal_server_error", "boom")
	}, func(c *Config) { c.Retry.MaxAttempts = 3 })
	_, err := env.client.App(context.Background(), "acme-api")
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if apiErr.StatusCode != 500 || apiErr.ID != "internal_server_error" || apiErr.App != "acme-api" {
		t.Errorf("APIError = %+v", apiErr)
	}
	if !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("error %q does not say how many attempts were made", err)
	}
	if got := env.requests.Load(); got != 3 {
		t.Errorf("requests = %d, want 3", got)
	}
}

func TestRateLimitExhausted(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		herokuError(w, http.StatusTooManyRequests, "rate_limit", "Your account reached the API rate limit")
	}, func(c *Config) { c.Retry.MaxAttempts = 4 })
	_, err := env.client.Apps(context.Background())
	if !IsRateLimited(err) {
		t.Fatalf("err = %v, want rate limited", err)
	}
	for _, want := range []string{"rate limit exhausted", "reduce parallelism", "retry later"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if got := env.requests.Load(); got != 4 {
		t.Errorf("requests = %d, want 4", got)
	}
	// Every wait is at least one token's refill time (800ms).
	sl := env.clock.Sleeps()
	if len(sl) != 3 {
		t.Fatalf("sleeps = %v, want 3", sl)
	}
	for _, d := range sl {
		if d < 800*time.Millisecond {
			t.Errorf("sleeps = %v: a 429 retry came sooner than one token refill", sl)
		}
	}
}

func TestPostBodyRewoundOnRetry(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies, ctypes []string
	var env *testEnv
	env = newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		ctypes = append(ctypes, r.Header.Get("Content-Type"))
		mu.Unlock()
		if r.Method != http.MethodPost || r.URL.Path != "/client/v11/databases/db-1/backups" {
			herokuError(w, http.StatusNotFound, "not_found", "wrong call")
			return
		}
		if env.requests.Load() <= 2 {
			herokuError(w, http.StatusBadGateway, "bad_gateway", "upstream")
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"uuid": "t-1", "num": 7})
	}, nil)
	dataAPI := env.server.URL // stands in for a second base URL
	var out struct {
		UUID string `json:"uuid"`
		Num  int    `json:"num"`
	}
	in := map[string]any{"expire": true, "name": "capture"}
	err := env.client.Do(context.Background(), Call{Method: "POST", BaseURL: dataAPI + "/", Path: "/client/v11/databases/db-1/backups", App: "acme-api"}, in, &out)
	if err != nil {
		t.Fatal(err)
	}
	if out.UUID != "t-1" || out.Num != 7 {
		t.Errorf("out = %+v", out)
	}
	if len(bodies) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(bodies))
	}
	want := `{"expire":true,"name":"capture"}`
	for i, b := range bodies {
		if b != want {
			t.Errorf("body %d = %q, want %q", i, b, want)
		}
		if ctypes[i] != "application/json" {
			t.Errorf("Content-Type %d = %q", i, ctypes[i])
		}
	}
}

func TestGetSendsNoBody(t *testing.T) {
	t.Parallel()
	var ctype atomic.Value
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		ctype.Store(r.Header.Get("Content-Type"))
		writeJSON(w, http.StatusOK, map[string]any{})
	}, nil)
	if err := env.client.Get(context.Background(), Call{Path: "account/rate-limits"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := ctype.Load(); got != "" {
		t.Errorf("Content-Type on a GET without body = %q", got)
	}
}

func TestContextCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		herokuError(w, http.StatusServiceUnavailable, "unavailable", "down")
	}, func(c *Config) {
		c.Clock = nil // the real clock: this test is about a real wait being cut short
		c.Retry = Retry{BaseDelay: time.Hour, MaxDelay: time.Hour}
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := env.client.App(ctx, "acme-api")
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v to notice cancellation", elapsed)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if got := env.requests.Load(); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

func TestContextCancelDuringPacingWait(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("RateLimit-Remaining", "0")
		writeJSON(w, http.StatusOK, map[string]any{"id": "acct"})
	}, func(c *Config) {
		c.Clock = nil
		c.RateLimit.RefillPerMinute = 0.001 // one token every 16 hours
	})
	if _, err := env.client.Account(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := env.client.Account(ctx)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v to notice the deadline", elapsed)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	if got := env.requests.Load(); got != 1 {
		t.Errorf("requests = %d, want 1 (none while waiting for a token)", got)
	}
	// The canceled reservation was given back.
	env.client.pacer.mu.Lock()
	tokens, waiting, inflight := env.client.pacer.tokens, env.client.pacer.waiting, env.client.pacer.inflight
	env.client.pacer.mu.Unlock()
	if tokens < -0.01 || waiting != 0 || inflight != 0 {
		t.Errorf("pacer after cancel: tokens=%v waiting=%d inflight=%d", tokens, waiting, inflight)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	t.Parallel()
	var cur, peak atomic.Int64
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(25 * time.Millisecond)
		cur.Add(-1)
		writeJSON(w, http.StatusOK, map[string]any{"id": "x"})
	}, func(c *Config) { c.MaxConcurrency = 3 })
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if _, err := env.client.App(context.Background(), "app-"+strconv.Itoa(i)); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if got := peak.Load(); got != 3 {
		t.Errorf("peak in-flight = %d, want 3", got)
	}
	if got := env.requests.Load(); got != 12 {
		t.Errorf("requests = %d, want 12", got)
	}
}

func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	const canaryKey = "HRKU-CANARY-7d1f0c4e-key"
	const canaryValue = "CANARY-config-var-value-91ab"
	var log bytes.Buffer // slog's text handler is safe for concurrent use
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		switch r.URL.Path {
		case "/apps/echo-json":
			// A hostile or buggy server echoing the credentials.
			herokuError(w, http.StatusBadRequest, "bad_request "+auth, "you sent "+auth)
		case "/apps/echo-text":
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html>upstream saw "+auth+"</html>")
		case "/apps/bad-json/config-vars":
			writeJSON(w, http.StatusOK, map[string]any{"SECRET": canaryValue, "N": 5})
		case "/apps/good/config-vars":
			writeJSON(w, http.StatusOK, map[string]any{"SECRET": canaryValue})
		case "/account":
			herokuError(w, http.StatusUnauthorized, "unauthorized", "Invalid credentials provided.")
		default:
			herokuError(w, http.StatusNotFound, "not_found", "Couldn't find that app.")
		}
	}, func(c *Config) {
		c.APIKey = canaryKey
		c.Logger = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c.Retry.MaxAttempts = 2
	})
	ctx := context.Background()
	var errs []error
	_, err := env.client.App(ctx, "echo-json")
	errs = append(errs, err)
	_, err = env.client.App(ctx, "echo-text")
	errs = append(errs, err)
	_, err = env.client.ConfigVars(ctx, "bad-json")
	errs = append(errs, err)
	_, err = env.client.Account(ctx)
	errs = append(errs, err)
	vars, err := env.client.ConfigVars(ctx, "good")
	if err != nil || vars["SECRET"] == nil || *vars["SECRET"] != canaryValue {
		t.Fatalf("ConfigVars(good) = %v, %v", vars, err)
	}
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d succeeded", i)
		}
		text := fmt.Sprintf("%v %+v %#v", err, err, err)
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			text += fmt.Sprintf(" %+v", *apiErr)
		}
		for _, secret := range []string{canaryKey, canaryValue, "Bearer"} {
			if strings.Contains(text, secret) {
				t.Errorf("error %d leaks %q: %s", i, secret, text)
			}
		}
	}
	logs := log.String()
	if !strings.Contains(logs, "/apps/echo-json") || !strings.Contains(logs, "status=400") {
		t.Errorf("logs lack method/path/status:\n%s", logs)
	}
	for _, secret := range []string{canaryKey, canaryValue, "Bearer", "Authorization"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs leak %q:\n%s", secret, logs)
		}
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"id": "not_found", "message": "Couldn't find that app.", "resource": "app"})
	}, nil)
	_, err := env.client.App(context.Background(), "acme-api")
	if !IsNotFound(err) || IsUnauthorized(err) || IsRateLimited(err) {
		t.Fatalf("err = %v, want not found", err)
	}
	want := `GET /apps/acme-api (app "acme-api"): 404 not_found: Couldn't find that app.`
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	var apiErr *APIError
	if errors.As(err, &apiErr); apiErr.Resource != "app" {
		t.Errorf("Resource = %q", apiErr.Resource)
	}
	if got := env.requests.Load(); got != 1 {
		t.Errorf("requests = %d, want 1 (404 is not retried)", got)
	}
	if IsNotFound(errors.New("x")) || IsNotFound(nil) {
		t.Error("IsNotFound true for a plain error")
	}
	if !IsNotFound(fmt.Errorf("wrapped: %w", err)) {
		t.Error("IsNotFound false for a wrapped APIError")
	}
}

func TestUnauthorized(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		herokuError(w, http.StatusUnauthorized, "unauthorized", "Invalid credentials provided.")
	}, nil)
	_, err := env.client.Account(context.Background())
	if !IsUnauthorized(err) || IsNotFound(err) {
		t.Fatalf("err = %v, want unauthorized", err)
	}
	var apiErr *APIError
	errors.As(err, &apiErr)
	if apiErr.ID != "unauthorized" || !strings.Contains(apiErr.Message, "authentication failed") ||
		!strings.Contains(apiErr.Message, "API key") {
		t.Errorf("APIError = %+v", apiErr)
	}
	if got := env.requests.Load(); got != 1 {
		t.Errorf("requests = %d, want 1 (401 is not retried)", got)
	}
}

func TestUnauthorizedWithoutBody(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	}, nil)
	_, err := env.client.Account(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.ID != "unauthorized" || !IsUnauthorized(err) {
		t.Fatalf("err = %v", err)
	}
}

func TestMissingAPIKey(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{})
	}, func(c *Config) { c.APIKey = "  " })
	ctx := context.Background()
	_, err1 := env.client.App(ctx, "acme-api")
	_, err2 := env.client.Apps(ctx)
	err3 := env.client.Do(ctx, Call{Method: "POST", Path: "/x"}, map[string]int{"a": 1}, nil)
	for i, err := range []error{err1, err2, err3} {
		if !errors.Is(err, ErrMissingAPIKey) {
			t.Errorf("call %d: err = %v, want ErrMissingAPIKey", i, err)
		}
	}
	if got := env.requests.Load(); got != 0 {
		t.Errorf("requests = %d, want 0", got)
	}
	for _, want := range []string{"heroku_api_key", "HEROKU_API_KEY", "heroku login", ".netrc", "api.heroku.com"} {
		if !strings.Contains(ErrMissingAPIKey.Error(), want) {
			t.Errorf("ErrMissingAPIKey lacks %q", want)
		}
	}
}

func TestConfigVarsNullPreserved(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/apps/acme-api/config-vars" {
			herokuError(w, http.StatusNotFound, "not_found", "no")
			return
		}
		_, _ = io.WriteString(w, `{"DATABASE_URL":"postgres://u:p@h/db","EMPTY":"","UNSET":null}`)
	}, nil)
	vars, err := env.client.ConfigVars(context.Background(), "acme-api")
	if err != nil {
		t.Fatal(err)
	}
	if len(vars) != 3 {
		t.Fatalf("got %d vars, want 3: %v", len(vars), vars)
	}
	if v, ok := vars["UNSET"]; !ok || v != nil {
		t.Errorf("UNSET = %v, %v; want present and nil", v, ok)
	}
	if v := vars["EMPTY"]; v == nil || *v != "" {
		t.Errorf("EMPTY = %v, want empty string", v)
	}
	if v := vars["DATABASE_URL"]; v == nil || *v != "postgres://u:p@h/db" {
		t.Errorf("DATABASE_URL = %v", v)
	}
}

func TestPathSegmentsEscaped(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var uris []string
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		uris = append(uris, r.RequestURI)
		mu.Unlock()
		writeJSON(w, http.StatusOK, []any{})
	}, nil)
	ctx := context.Background()
	if _, err := env.client.Domains(ctx, "a/b c?d"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.client.TeamApps(ctx, "team#1"); err != nil {
		t.Fatal(err)
	}
	want := []string{"/apps/a%2Fb%20c%3Fd/domains", "/teams/team%231/apps"}
	if fmt.Sprint(uris) != fmt.Sprint(want) {
		t.Errorf("request URIs = %q, want %q", uris, want)
	}
	for _, bad := range []string{"", ".", ".."} {
		if _, err := env.client.App(ctx, bad); err == nil {
			t.Errorf("App(%q) succeeded", bad)
		}
	}
}

func TestNonJSONErrorTruncated(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html>"+strings.Repeat("é", 4000)+"</html>")
	}, func(c *Config) { c.Retry.MaxAttempts = 1 })
	_, err := env.client.Apps(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	msg := strings.TrimSuffix(apiErr.Message, " (gave up after 1 attempt)")
	if len(msg) > 512 || !strings.HasPrefix(msg, "<html>é") {
		t.Errorf("message is %d bytes: %.80q", len(msg), msg)
	}
	if !strings.Contains(apiErr.Message, "gave up after 1 attempt") {
		t.Errorf("message = %q", apiErr.Message)
	}
}

func TestTransportErrorRetry(t *testing.T) {
	t.Parallel()
	// The first request of each kind has its connection cut.
	var mu sync.Mutex
	cut := map[string]bool{}
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		first := !cut[r.Method]
		cut[r.Method] = true
		mu.Unlock()
		if first {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": "x"})
	}, nil)
	ctx := context.Background()
	if _, err := env.client.App(ctx, "acme-api"); err != nil {
		t.Fatalf("GET after a cut connection: %v", err)
	}
	if got := env.requests.Load(); got != 2 {
		t.Errorf("GET requests = %d, want 2", got)
	}
	// A POST may have been processed: not retried after the connection drops.
	err := env.client.Do(ctx, Call{Method: "POST", Path: "/apps"}, map[string]string{"name": "x"}, nil)
	if err == nil {
		t.Fatal("POST after a cut connection succeeded")
	}
	if got := env.requests.Load(); got != 3 {
		t.Errorf("requests = %d, want 3 (POST not retried)", got)
	}
}

func TestConnectionRefusedIsRetried(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	clk := clock.NewFake()
	c := New(Config{APIKey: testKey, APIURL: url, Clock: clk, Retry: Retry{MaxAttempts: 3}})
	err := c.Do(context.Background(), Call{Method: "POST", Path: "/apps"}, map[string]string{}, nil)
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error leaks the key: %v", err)
	}
	if n := len(clk.Sleeps()); n != 2 {
		t.Errorf("backoffs = %d, want 2", n)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		if env.requests.Load() == 1 {
			w.Header().Set("Retry-After", "7")
			herokuError(w, http.StatusServiceUnavailable, "unavailable", "maintenance")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{})
	}, nil)
	if _, err := env.client.Account(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sl := env.clock.Sleeps(); len(sl) != 1 || sl[0] != 7*time.Second {
		t.Errorf("sleeps = %v, want [7s]", sl)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c := New(Config{})
	if c.apiURL != "https://api.heroku.com" || c.userAgent != "terraform-provider-heroku2aws" ||
		cap(c.sem) != 8 || c.pageSize != 1000 || c.retry.MaxAttempts != 8 ||
		c.retry.BaseDelay != 500*time.Millisecond || c.retry.MaxDelay != 30*time.Second ||
		c.pacer.capacity != 4500 || c.pacer.perSec != 75.0/60 || c.http == nil {
		t.Errorf("defaults not applied: %+v", c)
	}
	if c.RateLimitRemaining() != -1 {
		t.Errorf("RateLimitRemaining = %d, want -1", c.RateLimitRemaining())
	}
	if c := New(Config{PageSize: 5000}); c.pageSize != 1000 {
		t.Errorf("PageSize 5000 not clamped: %d", c.pageSize)
	}
}

func TestBaseURLOverride(t *testing.T) {
	t.Parallel()
	var dataHits atomic.Int64
	data := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dataHits.Add(1)
		if r.Header.Get("Authorization") != "Bearer "+testKey {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		writeJSON(w, http.StatusOK, []map[string]any{{"uuid": "t-1", "succeeded": true}})
	}))
	defer data.Close()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}, nil)
	var transfers []map[string]any
	err := env.client.Get(context.Background(), Call{BaseURL: data.URL, Path: "/client/v11/apps/acme-api/transfers?verbose=true", App: "acme-api"}, &transfers)
	if err != nil {
		t.Fatal(err)
	}
	if len(transfers) != 1 || dataHits.Load() != 1 || env.requests.Load() != 0 {
		t.Errorf("transfers=%v dataHits=%d platformHits=%d", transfers, dataHits.Load(), env.requests.Load())
	}
}

func TestErrorPathHasNoQuery(t *testing.T) {
	t.Parallel()
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		herokuError(w, http.StatusForbidden, "forbidden", "nope")
	}, nil)
	err := env.client.Get(context.Background(), Call{Path: "/apps/x/transfers?verbose=true", App: "x"}, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Path != "/apps/x/transfers" {
		t.Fatalf("err = %v", err)
	}
	if want := `GET /apps/x/transfers (app "x"): 403 forbidden: nope`; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}
