package dnscutover

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

const record = "www.acme.test"

// target is an httptest server that records the Host and SNI it saw and
// answers with status(n) for its n-th request (1-based), after delay(n).
type target struct {
	srv    *httptest.Server
	n      atomic.Int64
	mu     sync.Mutex
	hosts  map[string]int
	snis   map[string]int
	paths  map[string]int
	status func(n int64) int
	delay  func(n int64) time.Duration
}

func newTarget(t *testing.T, tlsOn bool, status func(int64) int, delay func(int64) time.Duration) *target {
	t.Helper()
	tg := &target{hosts: map[string]int{}, snis: map[string]int{}, paths: map[string]int{}, status: status, delay: delay}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := tg.n.Add(1)
		tg.mu.Lock()
		tg.hosts[r.Host]++
		tg.paths[r.URL.RequestURI()]++
		if r.TLS != nil {
			tg.snis[r.TLS.ServerName]++
		}
		tg.mu.Unlock()
		if tg.delay != nil {
			time.Sleep(tg.delay(n))
		}
		w.WriteHeader(tg.status(n))
		_, _ = w.Write([]byte("secret-body-canary"))
	})
	tg.srv = httptest.NewUnstartedServer(h)
	// A probe that stops early cancels its requests in flight: quiet the
	// server's log of the handshakes it cut.
	tg.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tlsOn {
		tg.srv.StartTLS()
	} else {
		tg.srv.Start()
	}
	t.Cleanup(tg.srv.Close)
	return tg
}

func (tg *target) addr() string { return tg.srv.Listener.Addr().String() }

func always(code int) func(int64) int { return func(int64) int { return code } }

// badAfter answers 200 to the first k requests and 503 from then on.
func badAfter(k int64) func(int64) int {
	return func(n int64) int {
		if n > k {
			return 503
		}
		return 200
	}
}

// fastGate is a gate on tg with real time kept small.
func fastGate(tg *target, scheme string) Gate {
	g := DefaultGate("/health?token=s3cr3t")
	g.Scheme, g.Address, g.InsecureSkipVerify = scheme, tg.addr(), true
	g.Duration, g.Timeout = 40*time.Millisecond, time.Second
	return g
}

// A healthy TLS target passes; every request carries the record name as
// Host and SNI, the configured path with its query, and the requests are
// spread evenly over the duration on the engine's clock.
func TestProbeHealthyTLS(t *testing.T) {
	t.Parallel()
	tg := newTarget(t, true, always(200), nil)
	clk := clock.NewFake()
	e := &Engine{Clock: clk}
	g := fastGate(tg, "https")
	g.Duration = 30 * time.Second // the default: on the fake clock
	res, err := e.Probe(context.Background(), record+".", "ignored.elb.amazonaws.com", g)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed || res.Requests != 20 || res.Successes != 20 || res.SuccessRatio != 1 || len(res.Failures) != 0 || res.Threshold != "" {
		t.Fatalf("result = %+v", res)
	}
	if got := res.Finished.Sub(res.Started); got != 30*time.Second*19/20 {
		t.Errorf("the probe took %v on the clock, want 28.5s (19 gaps of 1.5s)", got)
	}
	for _, s := range clk.Sleeps() {
		if s != 1500*time.Millisecond {
			t.Fatalf("sleeps = %v, want 19 of 1.5s", clk.Sleeps())
		}
	}
	tg.mu.Lock()
	defer tg.mu.Unlock()
	if tg.hosts[record] != 20 || tg.snis[record] != 20 || tg.paths["/health?token=s3cr3t"] != 20 {
		t.Errorf("hosts %v, SNI %v, paths %v; want %s ×20 and the path with its query", tg.hosts, tg.snis, tg.paths, record)
	}
}

// A plain HTTP target on the default-less port: Host is still the record
// name.
func TestProbeHealthyHTTP(t *testing.T) {
	t.Parallel()
	tg := newTarget(t, false, always(302), nil)
	e := &Engine{Clock: clock.NewFake()}
	res, err := e.Probe(context.Background(), record, "", fastGate(tg, "http"))
	if err != nil || !res.Passed || res.Successes != 20 {
		t.Fatalf("res %+v err %v", res, err)
	}
	if hosts, snis := tg.seen(record); hosts != 20 || snis != 0 {
		t.Errorf("Host %d times, SNI %d times", hosts, snis)
	}
}

// Without Address the prober dials the AWS target on the gate's port.
func TestProbeDialsTheAWSTarget(t *testing.T) {
	t.Parallel()
	tg := newTarget(t, false, always(200), nil)
	host, port, _ := net.SplitHostPort(tg.addr())
	g := fastGate(tg, "http")
	g.Address, g.Requests = "", 3
	g.Port = atoi(t, port)
	res, err := (&Engine{Clock: clock.NewFake()}).Probe(context.Background(), record, host, g)
	if hosts, _ := tg.seen(record); err != nil || !res.Passed || hosts != 3 {
		t.Fatalf("res %+v err %v, Host seen %d times", res, err, hosts)
	}
}

// A target failing one request in four misses 95%; the error names the
// counts and the first failures' statuses, never the body or the query.
func TestProbeFailsAShare(t *testing.T) {
	t.Parallel()
	tg := newTarget(t, true, func(n int64) int {
		if n%4 == 0 {
			return 503
		}
		return 200
	}, nil)
	e := &Engine{Clock: clock.NewFake()}
	g := fastGate(tg, "https")
	g.MinSuccessRatio = 0.5 // never certain early: all 20 run
	res, err := e.Probe(context.Background(), record, "", g)
	if err != nil || !res.Passed || res.Successes != 15 || len(res.Failures) != 5 {
		t.Fatalf("ratio 0.5: res %+v err %v", res, err)
	}
	g.MinSuccessRatio = 0.95
	res, err = e.Probe(context.Background(), record, "", g)
	if err != nil || res.Passed || res.Failures[0].Status != 503 {
		t.Fatalf("ratio 0.95: res %+v err %v", res, err)
	}
	msg := (&GateError{Result: res}).Error()
	for _, want := range []string{"the health gate refused the shift", "requests succeeded", "needs at least 95.0% successes", "HTTP 503 after"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q: %s", want, msg)
		}
	}
	for _, leak := range []string{"secret-body-canary", "s3cr3t", "token"} {
		if strings.Contains(msg, leak) {
			t.Errorf("error holds %q: %s", leak, msg)
		}
	}
}

// A slow target: every request succeeds, but p95 is over the threshold.
func TestProbeSlow(t *testing.T) {
	t.Parallel()
	tg := newTarget(t, false, always(200), func(n int64) time.Duration {
		if n%2 == 0 {
			return 60 * time.Millisecond
		}
		return 0
	})
	g := fastGate(tg, "http")
	g.Requests, g.MaxP95Latency = 6, 50*time.Millisecond
	res, err := (&Engine{Clock: clock.NewFake()}).Probe(context.Background(), record, "", g)
	if err != nil || res.Passed || res.P95Latency <= g.MaxP95Latency || !strings.Contains(res.Threshold, "p95 latency of at most 50ms") {
		t.Fatalf("res %+v err %v", res, err)
	}
	if res.Successes != res.Requests {
		t.Errorf("a slow success counts as a success: %+v", res)
	}
}

// A timeout counts as a failure at the timeout.
func TestProbeTimeout(t *testing.T) {
	t.Parallel()
	tg := newTarget(t, false, always(200), func(int64) time.Duration { return 300 * time.Millisecond })
	g := fastGate(tg, "http")
	g.Requests, g.Timeout, g.MinSuccessRatio = 2, 50*time.Millisecond, 0
	g.MaxP95Latency = time.Second
	res, err := (&Engine{Clock: clock.NewFake()}).Probe(context.Background(), record, "", g)
	if err != nil || !res.Passed || res.Successes != 0 || len(res.Failures) != 2 {
		t.Fatalf("res %+v err %v", res, err)
	}
	if f := res.Failures[0]; f.Error != "no answer within 50ms" || f.Latency != 50*time.Millisecond || f.Status != 0 {
		t.Errorf("failure = %+v", f)
	}
}

// A refused connection fails the gate early: 95% of 20 allows one
// failure, so the gate stops after the second (on the fake clock, more
// requests may have been launched by then).
func TestProbeConnectionRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	g := DefaultGate("/?api_key=s3cr3t")
	g.Address = addr
	res, err := (&Engine{Clock: clock.NewFake()}).Probe(context.Background(), record, "", g)
	if err != nil || res.Passed {
		t.Fatalf("res %+v err %v", res, err)
	}
	if res.Requests == 20 || !strings.Contains(res.Threshold, "stopped after") {
		t.Errorf("did not stop early: %+v", res)
	}
	f := res.Failures[0]
	if !strings.Contains(f.Error, "connection refused") || strings.Contains(f.Error, "s3cr3t") || strings.Contains(f.Error, "api_key") {
		t.Errorf("failure text %q", f.Error)
	}
}

// A TLS target with a certificate for another name fails verification
// unless InsecureSkipVerify.
func TestProbeVerifiesTheCertificate(t *testing.T) {
	t.Parallel()
	tg := newTarget(t, true, always(200), nil)
	g := fastGate(tg, "https")
	g.InsecureSkipVerify, g.Requests = false, 2
	res, err := (&Engine{Clock: clock.NewFake()}).Probe(context.Background(), record, "", g)
	if err != nil || res.Passed || !strings.Contains(res.Failures[0].Error, "certificate") {
		t.Fatalf("res %+v err %v", res, err)
	}
}

// A cancelled context is an error, not a verdict.
func TestProbeCancelled(t *testing.T) {
	t.Parallel()
	tg := newTarget(t, false, always(200), nil)
	ctx, cancel := context.WithCancel(context.Background())
	clk := clock.NewFake()
	clk.OnSleep = func(time.Duration) { cancel() }
	_, err := (&Engine{Clock: clk}).Probe(ctx, record, "", fastGate(tg, "http"))
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v", err)
	}
	if _, err := (&Engine{}).Probe(context.Background(), record, "", Gate{Path: "health"}); err == nil ||
		!strings.Contains(err.Error(), "gate.path") {
		t.Fatalf("an invalid gate: %v", err)
	}
}

func TestP95(t *testing.T) {
	t.Parallel()
	var lat []time.Duration
	for i := 1; i <= 20; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	if got := p95(lat); got != 19*time.Millisecond {
		t.Errorf("p95 of 1..20ms = %v, want 19ms (nearest rank)", got)
	}
	if p95(nil) != 0 || p95(lat[:1]) != time.Millisecond {
		t.Error("p95 of none or one")
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// seen returns how many requests carried host as Host and as SNI.
func (tg *target) seen(host string) (hosts, snis int) {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return tg.hosts[host], tg.snis[host]
}

// The watch detects a target gone bad after the failures the ratio
// allows, plus one: with 40 requests at 95% that is 3 failures, so it
// stops about 3 intervals after the target fails, not at the end of its
// duration. Real time, kept small: 40 requests over 800ms.
func TestProbeStopsOnceCertain(t *testing.T) {
	t.Parallel()
	tg := newTarget(t, false, badAfter(10), nil)
	g := fastGate(tg, "http")
	e := &Engine{}
	start := time.Now()
	res, err := e.probe(context.Background(), "watch", record, "", g, 40, 800*time.Millisecond)
	took := time.Since(start)
	if err != nil || res.Passed || !strings.Contains(res.Threshold, "stopped after") {
		t.Fatalf("res %+v err %v", res, err)
	}
	if res.Requests-res.Successes != 3 || res.Requests > 14 {
		t.Errorf("stopped after %d requests with %d failures, want 3 failures after 10 successes", res.Requests, res.Requests-res.Successes)
	}
	if took > 700*time.Millisecond {
		t.Errorf("took %v; the verdict was certain after about 13 intervals of 20ms", took)
	}
	t.Logf("detected after %v (%d requests)", took, res.Requests)
}
