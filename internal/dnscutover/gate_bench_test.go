package dnscutover

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// benchTarget is a TLS target whose n-th request (1-based) answers
// status(n).
func benchTarget(b *testing.B, status func(n int64) int) *httptest.Server {
	b.Helper()
	var n atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status(n.Add(1)))
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkGateDefaults is the wall time the pre-shift gate adds at its
// defaults (20 requests over 30 s) against a healthy local target: the
// spacing dominates, so expect about 30 s minus one interval.
//
//	make bench BENCH=GateDefaults
func BenchmarkGateDefaults(b *testing.B) {
	srv := benchTarget(b, func(int64) int { return 200 })
	g := DefaultGate("/")
	g.Address, g.InsecureSkipVerify = srv.Listener.Addr().String(), true
	e := &Engine{}
	for b.Loop() {
		res, err := e.Probe(context.Background(), record, "alb.example.com", g)
		if err != nil || !res.Passed {
			b.Fatalf("gate: %v %+v", err, res)
		}
		b.ReportMetric(res.P95Latency.Seconds()*1000, "p95_ms")
	}
}

// BenchmarkWatchDetection is how long a watch takes to give up on a
// target that goes bad half-way, at the default watch's shape (60
// requests, ratio 0.95) scaled to a tenth of its duration (30 s instead of
// 5 min): it stops at the 4th failure, about 4 intervals after the target
// went bad. At the real default multiply by ten (about 20 s), then add the
// revert's change batch and its INSYNC wait.
//
//	make bench BENCH=WatchDetection
func BenchmarkWatchDetection(b *testing.B) {
	const goodRequests = 20
	g := DefaultGate("/")
	g.Requests, g.Duration = DefaultWatchRequests, DefaultWatchDuration/10
	interval := g.Duration / time.Duration(g.Requests)
	e := &Engine{}
	for b.Loop() {
		srv := benchTarget(b, func(n int64) int {
			if n > goodRequests {
				return 503
			}
			return 200
		})
		g.Address, g.InsecureSkipVerify = srv.Listener.Addr().String(), true
		start := time.Now()
		res, err := e.Probe(context.Background(), record, "alb.example.com", g)
		if err != nil || res.Passed {
			b.Fatalf("watch passed a target that went bad: %v %+v", err, res)
		}
		wentBad := time.Duration(goodRequests) * interval
		b.ReportMetric((time.Since(start) - wentBad).Seconds(), "s_after_bad")
		b.ReportMetric(float64(res.Requests), "requests")
	}
}
