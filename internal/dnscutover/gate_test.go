package dnscutover

import (
	"strings"
	"testing"
	"time"
)

func TestGateValidate(t *testing.T) {
	t.Parallel()
	if l := DefaultGate("/").Validate("gate"); len(l) != 0 {
		t.Fatalf("the default gate: %v", l)
	}
	for _, tc := range []struct {
		name string
		edit func(*Gate)
		attr string
	}{
		{"scheme", func(g *Gate) { g.Scheme = "ftp" }, "gate.scheme"},
		{"path", func(g *Gate) { g.Path = "health" }, "gate.path"},
		{"empty path", func(g *Gate) { g.Path = "" }, "gate.path"},
		{"port", func(g *Gate) { g.Port = 70000 }, "gate.port"},
		{"negative port", func(g *Gate) { g.Port = -1 }, "gate.port"},
		{"address", func(g *Gate) { g.Address = "10.0.0.1" }, "gate.address"},
		{"no requests", func(g *Gate) { g.Requests = 0 }, "gate.requests"},
		{"too many requests", func(g *Gate) { g.Requests = 1001 }, "gate.requests"},
		{"duration", func(g *Gate) { g.Duration = 0 }, "gate.duration"},
		{"timeout", func(g *Gate) { g.Timeout = -time.Second }, "gate.timeout"},
		{"p95", func(g *Gate) { g.MaxP95Latency = 0 }, "gate.max_p95_latency"},
		{"ratio high", func(g *Gate) { g.MinSuccessRatio = 1.5 }, "gate.min_success_ratio"},
		{"ratio low", func(g *Gate) { g.MinSuccessRatio = -0.1 }, "gate.min_success_ratio"},
		{"status", func(g *Gate) { g.SuccessStatus = []int{200, 999} }, "gate.success_status"},
	} {
		g := DefaultGate("/")
		tc.edit(&g)
		l := g.Validate("gate")
		if len(l) != 1 || l[0].Attribute != tc.attr || l[0].Warning || l[0].Detail == "" {
			t.Errorf("%s: %v, want one error on %s", tc.name, l, tc.attr)
		}
	}
	// The edges that are valid.
	g := DefaultGate("/health?x=1")
	g.Scheme, g.Port, g.Requests, g.MinSuccessRatio, g.Address = "http", 65535, 1000, 0, "10.0.0.1:8080"
	g.SuccessStatus = []int{200, 204}
	if l := g.Validate("gate"); len(l) != 0 {
		t.Errorf("valid edges: %v", l)
	}
	if !g.success(204) || g.success(302) || !DefaultGate("/").success(399) || DefaultGate("/").success(404) {
		t.Error("success statuses")
	}
	if DefaultGate("/").port() != 443 || g.port() != 65535 || (Gate{Scheme: "http"}).port() != 80 {
		t.Error("default ports")
	}
}

func TestWatchValidate(t *testing.T) {
	t.Parallel()
	if l := (Watch{Duration: DefaultWatchDuration, Requests: DefaultWatchRequests}).Validate("watch"); len(l) != 0 {
		t.Fatalf("defaults: %v", l)
	}
	l := Watch{}.Validate("watch")
	if len(l) != 2 || l[0].Attribute != "watch.duration" || l[1].Attribute != "watch.requests" {
		t.Errorf("zero watch: %v", l)
	}
	if l := (Watch{Duration: time.Minute, Requests: 1001}).Validate("watch"); len(l) != 1 {
		t.Errorf("1001 requests: %v", l)
	}
}

func TestHealthCheckValidate(t *testing.T) {
	t.Parallel()
	ok := HealthCheck{Type: "HTTPS", FQDN: "alb-1.us-east-1.elb.amazonaws.com", Path: "/", RequestInterval: 30, FailureThreshold: 3, EnableSNI: true}
	if l := ok.Validate("aws.health_check"); len(l) != 0 {
		t.Fatalf("valid: %v", l)
	}
	for _, tc := range []struct {
		edit func(*HealthCheck)
		attr string
	}{
		{func(h *HealthCheck) { h.Type = "TCP" }, "aws.health_check.type"},
		{func(h *HealthCheck) { h.FQDN = "10.0.0.1" }, "aws.health_check.fqdn"},
		{func(h *HealthCheck) { h.Path = "health" }, "aws.health_check.path"},
		{func(h *HealthCheck) { h.Path = "/" + strings.Repeat("a", 255) }, "aws.health_check.path"},
		{func(h *HealthCheck) { h.Port = 65536 }, "aws.health_check.port"},
		{func(h *HealthCheck) { h.RequestInterval = 20 }, "aws.health_check.request_interval"},
		{func(h *HealthCheck) { h.FailureThreshold = 0 }, "aws.health_check.failure_threshold"},
		{func(h *HealthCheck) { h.FailureThreshold = 11 }, "aws.health_check.failure_threshold"},
	} {
		h := ok
		tc.edit(&h)
		if l := h.Validate("aws.health_check"); len(l) != 1 || l[0].Attribute != tc.attr {
			t.Errorf("%+v: %v, want one error on %s", h, l, tc.attr)
		}
	}
	if (HealthCheck{Type: "HTTP"}).port() != 80 || ok.port() != 443 {
		t.Error("default ports")
	}
}

// The result's summary: counts, ratio, p95, the failed threshold and the
// first failures.
func TestGateResultSummary(t *testing.T) {
	t.Parallel()
	r := GateResult{Requests: 20, Successes: 17, SuccessRatio: 0.85, P95Latency: 1234567 * time.Microsecond,
		Threshold: "needs at least 95.0% successes",
		Failures:  []ProbeFailure{{Status: 503, Latency: 12 * time.Millisecond}, {Error: "no answer within 5s", Latency: 5 * time.Second}}}
	want := "17 of 20 requests succeeded (85.0%), p95 latency 1.235s; needs at least 95.0% successes; " +
		"first failures: HTTP 503 after 12ms, no answer within 5s after 5s"
	if got := r.Summary(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
