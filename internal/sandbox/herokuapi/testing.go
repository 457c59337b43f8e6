package herokuapi

import (
	"net/http/httptest"
	"testing"
)

// Start runs a Server for f on an httptest server on 127.0.0.1, closed when
// the test ends (then Server.Close removes its backup files), and returns
// it with its base URL: set heroku-go's Service.URL to it, and use it as
// the Data API URL too. It fails the test if the fixture is invalid.
func Start(t testing.TB, f *Fixture, opts Options) (*Server, string) {
	t.Helper()
	s, err := New(f, opts)
	if err != nil {
		t.Fatalf("herokuapi.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("herokuapi: Close: %v", err)
		}
	})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}
