package herokuapi

import (
	"context"
	"errors"
	"net/http"
	"syscall"
	"testing"
)

func TestFailNextRateLimit(t *testing.T) {
	t.Parallel()
	s, base := startSample(t, Options{})
	before := s.RateLimitRemaining()
	s.FailNextRateLimit(2)
	wantError(t, do(t, base, "/apps"), 401, "unauthorized") // not consumed
	for i := 0; i < 2; i++ {
		r := get(t, base, "/apps")
		wantError(t, r, 429, "rate_limit")
		if got := r.header.Get("RateLimit-Remaining"); got != "0" {
			t.Errorf("RateLimit-Remaining = %q, want 0", got)
		}
	}
	if r := get(t, base, "/apps"); r.status != 200 {
		t.Fatalf("after the burst: %d", r.status)
	}
	if after := s.RateLimitRemaining(); after < before-4 {
		t.Errorf("the injected 429s drained the bucket: %d -> %d", before, after)
	}
	s.FailNextRateLimit(3)
	s.FailNextRateLimit(0)
	if r := get(t, base, "/apps"); r.status != 200 {
		t.Fatalf("after cancel: %d", r.status)
	}
}

func TestResetNextRequests(t *testing.T) {
	t.Parallel()
	s, base := startSample(t, Options{})
	try := func(path string) error {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+testKey)
		req.Header.Set("Accept", "application/vnd.heroku+json; version=3")
		// A fresh transport: no idle connection is reused, so the error is
		// the reset itself, not a retry of it.
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return nil
	}
	s.ResetNextRequests("/apps", 2, 1)
	if err := try("/account"); err != nil { // another path: not counted
		t.Fatal(err)
	}
	if err := try("/apps"); err != nil { // page 1 passes
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		err := try("/apps")
		if err == nil {
			t.Fatalf("request %d after the first was answered", i+1)
		}
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Logf("the reset reached the client as: %v", err)
		}
	}
	if err := try("/apps"); err != nil {
		t.Fatalf("after the resets: %v", err)
	}
	var resets int
	for _, r := range s.Requests() {
		if r.Path == "/apps" && r.Status == 0 {
			resets++
		}
	}
	if resets != 2 {
		t.Errorf("%d unanswered /apps requests in the log, want 2", resets)
	}
	s.ResetNextRequests("/apps", 1, 0)
	s.ResetNextRequests("/apps", 0, 0)
	if err := try("/apps"); err != nil {
		t.Fatalf("after cancel: %v", err)
	}
}
