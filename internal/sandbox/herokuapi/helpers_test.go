package herokuapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

const testKey = "test-api-key"

// sample returns a fresh copy of the shipped sample fixture.
func sample(t testing.TB) *Fixture {
	t.Helper()
	f, err := SampleFixture()
	if err != nil {
		t.Fatalf("SampleFixture: %v", err)
	}
	return f
}

// startSample starts a sandbox seeded with the sample fixture.
func startSample(t testing.TB, opts Options) (*Server, string) {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	return Start(t, sample(t), opts)
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// get sends an authorized GET with the headers heroku-go sends plus extra.
func get(t testing.TB, base, path string, extra ...string) response {
	t.Helper()
	return do(t, base, path, append([]string{"Authorization", "Bearer " + testKey}, extra...)...)
}

// do sends a GET with exactly the given header pairs (plus Accept).
func do(t testing.TB, base, path string, headers ...string) response {
	t.Helper()
	return roundTrip(t, http.MethodGet, base, path, nil, headers...)
}

// roundTrip sends one request with the given body and header pairs (plus
// Accept).
func roundTrip(t testing.TB, method, base, path string, body io.Reader, headers ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/vnd.heroku+json; version=3")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// wantError checks a Heroku-shaped error answer.
func wantError(t testing.TB, r response, status int, id string) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, r.body)
	}
	if body["id"] != id {
		t.Errorf("id = %v, want %q", body["id"], id)
	}
	if msg, _ := body["message"].(string); msg == "" {
		t.Errorf("error body has no message: %s", r.body)
	}
	return body
}

// decodeStrict decodes JSON into v, failing on unknown fields.
func decodeStrict(t testing.TB, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decoding into %T: %v\n%s", v, err, data)
	}
}

// patch sends an authorized PATCH with a JSON body.
func patch(t testing.TB, base, path, body string) response {
	t.Helper()
	return roundTrip(t, http.MethodPatch, base, path, strings.NewReader(body),
		"Authorization", "Bearer "+testKey, "Content-Type", "application/json")
}
