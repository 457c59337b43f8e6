package awsapi

import (
	"net/http/httptest"
	"testing"
)

// Start runs a Server on an httptest server on 127.0.0.1, closed when the
// test ends (after Close), and returns it with its base URL: set the SDK clients'
// BaseEndpoint (or AWS_ENDPOINT_URL) to it. It fails the test if opts are
// invalid.
func Start(t testing.TB, opts Options) (*Server, string) {
	t.Helper()
	if err := opts.Validate(); err != nil {
		t.Fatalf("awsapi.Start: %v", err)
	}
	s := New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	t.Cleanup(s.Close) // runs first: stops the ECS tasks' processes
	return s, ts.URL
}
