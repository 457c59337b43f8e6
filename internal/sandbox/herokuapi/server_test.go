package herokuapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

func remainingHeader(t *testing.T, r response) int {
	t.Helper()
	v := r.header.Get("RateLimit-Remaining")
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("RateLimit-Remaining = %q", v)
	}
	return n
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	_, base := startSample(t, Options{})
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("owner@example.com:"+testKey))
	wrongBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte(testKey+":nope"))
	for _, c := range []struct {
		auth string
		ok   bool
	}{
		{"Bearer " + testKey, true},
		{"bearer " + testKey, true},
		{basic, true},
		{"", false},
		{"Bearer", false},
		{"Bearer wrong", false},
		{"Bearer " + testKey + "x", false},
		{wrongBasic, false},
		{"Token " + testKey, false},
	} {
		r := do(t, base, "/account", "Authorization", c.auth)
		if c.ok && r.status != 200 {
			t.Errorf("Authorization %q: status %d, want 200", c.auth, r.status)
		}
		if !c.ok {
			body := wantError(t, r, 401, "unauthorized")
			if body["message"] != "Invalid credentials provided." {
				t.Errorf("message = %v", body["message"])
			}
		}
		if r.header.Get("RateLimit-Remaining") == "" {
			t.Errorf("Authorization %q: no RateLimit-Remaining", c.auth)
		}
	}
}

func TestDefaultAPIKey(t *testing.T) {
	t.Parallel()
	f := &Fixture{Apps: GenerateApps(1, "key")}
	s, base := Start(t, f, Options{})
	if s.APIKey() != DefaultAPIKey {
		t.Fatalf("APIKey() = %q", s.APIKey())
	}
	if r := do(t, base, "/apps", "Authorization", "Bearer "+DefaultAPIKey); r.status != 200 {
		t.Errorf("status %d", r.status)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	_, base := startSample(t, Options{})
	for path, resource := range map[string]string{
		"/apps/nope":                                 "app",
		"/apps/nope/formation":                       "app",
		"/apps/nope/config-vars":                     "app",
		"/apps/00000000-0000-0000-0000-000000000000": "app",
		"/teams/nope/apps":                           "team",
		"/dyno-sizes/standard-9x":                    "dyno_size",
		"/nope":                                      "",
		"/apps/acme-api/nope":                        "",
		"/apps/acme-api/formation/web/x":             "",
		"/apps//formation":                           "",
		"/":                                          "",
	} {
		body := wantError(t, get(t, base, path), 404, "not_found")
		if got, _ := body["resource"].(string); got != resource {
			t.Errorf("GET %s: resource = %q, want %q", path, got, resource)
		}
		if resource != "" && body["message"] != fmt.Sprintf("Couldn't find that %s.", strings.ReplaceAll(resource, "_", " ")) {
			t.Errorf("GET %s: message = %v", path, body["message"])
		}
	}
	// The sandbox is read-only: other methods are unknown endpoints.
	req, _ := http.NewRequest(http.MethodDelete, base+"/apps/acme-api", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("DELETE: status %d, want 404", resp.StatusCode)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	s, base := startSample(t, Options{RateLimitBucket: 5, RateLimitRefillPerMinute: 60, Clock: clk})

	for i := 1; i <= 5; i++ {
		r := get(t, base, "/apps")
		if r.status != 200 {
			t.Fatalf("call %d: status %d", i, r.status)
		}
		if got := remainingHeader(t, r); got != 5-i {
			t.Errorf("call %d: RateLimit-Remaining = %d, want %d", i, got, 5-i)
		}
	}
	r := get(t, base, "/apps")
	body := wantError(t, r, 429, "rate_limit")
	if body["message"] != "Your account reached the API rate limit\nPlease wait a few minutes before making new requests" {
		t.Errorf("message = %q", body["message"])
	}
	if got := remainingHeader(t, r); got != 0 {
		t.Errorf("RateLimit-Remaining = %d, want 0", got)
	}
	if r.header.Get("Retry-After") != "" {
		t.Error("Heroku sends no Retry-After")
	}

	// /account/rate-limits is free, even with an empty bucket.
	for range 3 {
		r := get(t, base, "/account/rate-limits")
		if r.status != 200 || strings.TrimSpace(string(r.body)) != `{"remaining":0}` {
			t.Fatalf("rate-limits: %d %s", r.status, r.body)
		}
	}

	// 60 per minute refills one token per second, continuously.
	clk.Advance(500 * time.Millisecond)
	wantError(t, get(t, base, "/apps"), 429, "rate_limit")
	clk.Advance(500 * time.Millisecond)
	if r := get(t, base, "/apps"); r.status != 200 || remainingHeader(t, r) != 0 {
		t.Fatalf("after 1s: status %d, remaining %s", r.status, r.header.Get("RateLimit-Remaining"))
	}
	clk.Advance(time.Hour) // never beyond the bucket
	if got := s.RateLimitRemaining(); got != 5 {
		t.Errorf("RateLimitRemaining() = %d, want 5", got)
	}
	if r := get(t, base, "/account/rate-limits"); strings.TrimSpace(string(r.body)) != `{"remaining":5}` {
		t.Errorf("rate-limits = %s", r.body)
	}

	// Unauthorized calls are charged too.
	do(t, base, "/apps")
	if got := s.RateLimitRemaining(); got != 4 {
		t.Errorf("after a 401: remaining %d, want 4", got)
	}
}

func TestRateLimitDefaults(t *testing.T) {
	t.Parallel()
	s, base := startSample(t, Options{})
	if got := s.RateLimitRemaining(); got != 4500 {
		t.Fatalf("RateLimitRemaining() = %d, want 4500", got)
	}
	if got := remainingHeader(t, get(t, base, "/apps")); got < 4498 || got > 4499 {
		t.Errorf("RateLimit-Remaining = %d, want 4499", got)
	}
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	s, base := startSample(t, Options{})
	// Unauthorized requests do not consume injected failures.
	s.FailNext(2, http.StatusServiceUnavailable)
	wantError(t, do(t, base, "/apps"), 401, "unauthorized")
	wantError(t, get(t, base, "/apps"), 503, "unavailable")
	wantError(t, get(t, base, "/account"), 503, "unavailable")
	if r := get(t, base, "/apps"); r.status != 200 {
		t.Fatalf("third call: %d", r.status)
	}
	s.FailNext(1, 500)
	wantError(t, get(t, base, "/apps/acme-api"), 500, "internal_server_error")
	s.FailNext(5, 502)
	s.FailNext(0, 502)
	if r := get(t, base, "/apps"); r.status != 200 {
		t.Fatalf("after cancel: %d", r.status)
	}
	s.FailNext(1, 418) // not a 5xx: treated as 500
	wantError(t, get(t, base, "/apps"), 500, "internal_server_error")
}

func TestLatency(t *testing.T) {
	t.Parallel()
	s, base := startSample(t, Options{Latency: 30 * time.Millisecond})
	start := time.Now()
	if r := get(t, base, "/account"); r.status != 200 {
		t.Fatal(r.status)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered after %v, want at least 30ms", d)
	}

	// A client that gives up is not kept waiting by the sandbox.
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/apps", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	// The handler returns promptly: its log entry appears with status 0.
	deadline := time.Now().Add(5 * time.Second)
	for {
		reqs := s.Requests()
		if n := len(reqs); n == 2 && reqs[1].Status == 0 && reqs[1].Path == "/apps" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("canceled request not logged: %+v", s.Requests())
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.SetLatency(0)
	if r := get(t, base, "/account"); r.status != 200 {
		t.Fatal(r.status)
	}
}

func TestLatencyHonorsCancellationInProcess(t *testing.T) {
	t.Parallel()
	s, err := New(sample(t), Options{APIKey: testKey, Latency: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/apps", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	done := make(chan struct{})
	go func() {
		s.ServeHTTP(httptest.NewRecorder(), req)
		close(done)
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("ServeHTTP kept sleeping after cancellation")
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	s, base := startSample(t, Options{Clock: clk})
	get(t, base, "/apps", "Range", "name ..; max=1", "User-Agent", "test-agent")
	do(t, base, "/apps/acme-api?x=1")
	reqs := s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests logged", len(reqs))
	}
	want := Request{Method: "GET", Path: "/apps", Range: "name ..; max=1", Accept: "application/vnd.heroku+json; version=3",
		UserAgent: "test-agent", Authorized: true, Status: 206, RateLimitRemaining: 4499, At: clk.Now()}
	if reqs[0] != want {
		t.Errorf("log[0] = %+v\nwant     %+v", reqs[0], want)
	}
	if r := reqs[1]; r.Authorized || r.Status != 401 || r.RawQuery != "x=1" {
		t.Errorf("log[1] = %+v", r)
	}
	s.ResetRequests()
	if n := len(s.Requests()); n != 0 {
		t.Errorf("after reset: %d", n)
	}
}

func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	s, base := startSample(t, Options{RateLimitBucket: 100, RateLimitRefillPerMinute: -1})
	var wg sync.WaitGroup
	statuses := make(chan int, 150)
	for range 150 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, base+"/apps/acme-api/config-vars", nil)
			req.Header.Set("Authorization", "Bearer "+testKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for st := range statuses {
		counts[st]++
	}
	if counts[200] != 100 || counts[429] != 50 {
		t.Errorf("statuses = %v, want 100×200 and 50×429", counts)
	}
	if n := len(s.Requests()); n != 150 {
		t.Errorf("%d requests logged", n)
	}
}

// names decodes a list body and returns the "name" (or "hostname") fields.
func names(t *testing.T, body []byte) []string {
	t.Helper()
	var items []map[string]any
	if err := json.Unmarshal(body, &items); err != nil {
		t.Fatalf("list body: %v", err)
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i], _ = it["name"].(string)
	}
	return out
}

func ids(t *testing.T, body []byte) []string {
	t.Helper()
	var items []struct{ ID string }
	if err := json.Unmarshal(body, &items); err != nil {
		t.Fatalf("list body: %v", err)
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func TestPagination(t *testing.T) {
	t.Parallel()
	f := &Fixture{Apps: GenerateApps(1500, "page")}
	_, base := Start(t, f, Options{APIKey: testKey})

	// Default page: 200, sorted by id, 206 with Next-Range.
	r := get(t, base, "/apps")
	if r.status != 206 || r.header.Get("Accept-Ranges") != "id, name" {
		t.Fatalf("default: status %d, Accept-Ranges %q", r.status, r.header.Get("Accept-Ranges"))
	}
	page := ids(t, r.body)
	if len(page) != 200 || !slices.IsSorted(page) {
		t.Fatalf("default page: %d ids, sorted %v", len(page), slices.IsSorted(page))
	}
	if got, want := r.header.Get("Next-Range"), "id ]"+page[199]+"..; max=200"; got != want {
		t.Errorf("Next-Range = %q, want %q", got, want)
	}

	// max=1000, then follow Next-Range.
	r = get(t, base, "/apps", "Range", "id ..; max=1000")
	first := ids(t, r.body)
	if r.status != 206 || len(first) != 1000 {
		t.Fatalf("page 1: status %d, %d items", r.status, len(first))
	}
	next := r.header.Get("Next-Range")
	if next != "id ]"+first[999]+"..; max=1000" {
		t.Fatalf("Next-Range = %q", next)
	}
	r = get(t, base, "/apps", "Range", next)
	second := ids(t, r.body)
	if r.status != 200 || len(second) != 500 || r.header.Get("Next-Range") != "" {
		t.Fatalf("page 2: status %d, %d items, Next-Range %q", r.status, len(second), r.header.Get("Next-Range"))
	}
	all := append(first, second...)
	if !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != 1500 {
		t.Error("pages overlap or are out of order")
	}

	// A larger max is clamped to 1000.
	if r := get(t, base, "/apps", "Range", "id ..; max=5000"); len(ids(t, r.body)) != 1000 || r.status != 206 ||
		!strings.HasSuffix(r.header.Get("Next-Range"), "; max=1000") {
		t.Errorf("max=5000: status %d, %d items, Next-Range %q", r.status, len(ids(t, r.body)), r.header.Get("Next-Range"))
	}

	// heroku-go's ListRange without a field: "..; max=N,order=desc".
	r = get(t, base, "/apps", "Range", "..; max=3,order=desc")
	desc := ids(t, r.body)
	if want := []string{all[1499], all[1498], all[1497]}; !slices.Equal(desc, want) {
		t.Errorf("desc ids = %v, want %v", desc, want)
	}
	if got := r.header.Get("Next-Range"); got != "id ]"+all[1497]+"..; max=3, order=desc" {
		t.Errorf("desc Next-Range = %q", got)
	}
	r = get(t, base, "/apps", "Range", r.header.Get("Next-Range"))
	if want := []string{all[1496], all[1495], all[1494]}; !slices.Equal(ids(t, r.body), want) {
		t.Errorf("desc page 2 = %v, want %v", ids(t, r.body), want)
	}

	// By name: inclusive and exclusive starts, inclusive and exclusive ends.
	for _, c := range []struct {
		rng  string
		want []string
		next string
	}{
		{"name page-0010..; max=2", []string{"page-0010", "page-0011"}, "name ]page-0011..; max=2"},
		{"name ]page-0010..; max=2", []string{"page-0011", "page-0012"}, "name ]page-0012..; max=2"},
		{"name page-0010..page-0012", []string{"page-0010", "page-0011", "page-0012"}, ""},
		{"name page-0010..page-0012[", []string{"page-0010", "page-0011"}, ""},
		{"name page-0010..page-0013; max=2", []string{"page-0010", "page-0011"}, "name ]page-0011..page-0013; max=2"},
		{"name page-0012..page-0010; order=desc", []string{"page-0012", "page-0011", "page-0010"}, ""},
		{"name ]page-0012..; max=2, order=desc", []string{"page-0011", "page-0010"}, "name ]page-0010..; max=2, order=desc"},
		{"name ..page-0001", []string{"page-0000", "page-0001"}, ""},
		{"name ]page-1499..", []string{}, ""},
		{"name zzz..", []string{}, ""},
	} {
		r := get(t, base, "/apps", "Range", c.rng)
		wantStatus := 200
		if c.next != "" {
			wantStatus = 206
		}
		if got := names(t, r.body); r.status != wantStatus || !slices.Equal(got, c.want) || r.header.Get("Next-Range") != c.next {
			t.Errorf("Range %q: status %d, names %v, Next-Range %q; want %d, %v, %q",
				c.rng, r.status, got, r.header.Get("Next-Range"), wantStatus, c.want, c.next)
		}
	}
}

func TestPaginationErrors(t *testing.T) {
	t.Parallel()
	_, base := startSample(t, Options{})
	for _, rng := range []string{
		"id ..; max=0",
		"id ..; max=-3",
		"id ..; max=lots",
		"id",
		"id ..; limit=3",
		"hostname ..", // not a field of apps
		"id ..; order=sideways",
	} {
		r := get(t, base, "/apps", "Range", rng)
		body := wantError(t, r, 400, "bad_request")
		if rng == "hostname .." && !strings.Contains(body["message"].(string), "id, name") {
			t.Errorf("unknown field message %q should list the acceptable fields", body["message"])
		}
	}
	// Releases range by version numerically.
	r := get(t, base, "/apps/acme-api/releases", "Range", "version 9..; max=2")
	var rel []struct{ Version int }
	if err := json.Unmarshal(r.body, &rel); err != nil || len(rel) != 2 || rel[0].Version != 9 || rel[1].Version != 10 {
		t.Errorf("releases from v9: %s", r.body)
	}
	if got := r.header.Get("Next-Range"); got != "version ]10..; max=2" {
		t.Errorf("Next-Range = %q", got)
	}
	wantError(t, get(t, base, "/apps/acme-api/releases", "Range", "version abc.."), 400, "bad_request")
	if got := get(t, base, "/apps/acme-api/domains").header.Get("Accept-Ranges"); got != "id, hostname" {
		t.Errorf("domains Accept-Ranges = %q", got)
	}
}

func TestOptionsValidation(t *testing.T) {
	t.Parallel()
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New(nil) succeeded")
	}
	if _, err := New(sample(t), Options{DefaultPageSize: 50, MaxPageSize: 10}); err == nil {
		t.Error("DefaultPageSize > MaxPageSize accepted")
	}
	if _, err := New(sample(t), Options{RateLimitBucket: -1}); err == nil {
		t.Error("negative bucket accepted")
	}
	_, base := Start(t, sample(t), Options{APIKey: testKey, DefaultPageSize: 1, MaxPageSize: 1})
	if r := get(t, base, "/apps", "Range", "name ..; max=50"); r.status != 206 || len(names(t, r.body)) != 1 {
		t.Errorf("MaxPageSize 1: status %d, %s", r.status, r.body)
	}
}

// BenchmarkServeAppsPage measures one in-process page of 1000 apps, so that
// benchmarks of clients see the client's cost rather than the sandbox's.
func BenchmarkServeAppsPage(b *testing.B) {
	s, err := New(&Fixture{Apps: GenerateApps(1500, "bench")}, Options{APIKey: testKey, RateLimitBucket: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/apps", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Range", "name ]bench-0100..; max=1000")
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusPartialContent {
			b.Fatalf("status %d", w.Code)
		}
	}
	s.ResetRequests()
}
