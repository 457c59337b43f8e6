package dnscutover

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// maxBodyRead is how much of an answer the prober reads (and discards) so
// that the latency covers the answer, not only its headers.
const maxBodyRead = 64 << 10

// Probe sends g.Requests HTTP(S) requests to the AWS side of the record
// recordName, spread evenly over g.Duration, connecting to g.Address or
// awsTarget:port, with recordName as the Host header and TLS server name,
// and measures them against g's thresholds. An error means the probe could
// not run (an invalid gate, ctx ended); a target that fails is a result
// with Passed false.
//
// The probe stops early, failed, as soon as its verdict is certain: when
// even if every remaining request succeeded at once, the success ratio or
// the p95 latency would miss its threshold.
func (e *Engine) Probe(ctx context.Context, recordName, awsTarget string, g Gate) (GateResult, error) {
	if err := g.Validate("gate").Err(); err != nil {
		return GateResult{}, err
	}
	return e.probe(ctx, "gate", recordName, awsTarget, g, g.Requests, g.Duration)
}

// outcome is one completed request.
type outcome struct {
	ok      bool
	status  int
	err     string
	latency time.Duration
}

// probe runs n requests over d with g's target and thresholds; kind
// ("gate" or "watch") names it in logs.
func (e *Engine) probe(ctx context.Context, kind, recordName, awsTarget string, g Gate, n int, d time.Duration) (GateResult, error) {
	clk := clock.Or(e.Clock)
	host := strings.TrimSuffix(FQDN(recordName), ".")
	addr := g.Address
	if addr == "" {
		addr = net.JoinHostPort(strings.TrimSuffix(awsTarget, "."), strconv.Itoa(g.port()))
	}
	client, closeIdle := probeClient(host, addr, g)
	defer closeIdle()
	target := g.scheme() + "://" + host + g.Path

	log := e.logger()
	log.InfoContext(ctx, "Probing the AWS side", "probe", kind, "record", host, "address", addr,
		"requests", n, "duration", d.String())

	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan outcome, n)
	var wg sync.WaitGroup
	res := GateResult{Started: clk.Now()}
	var done []outcome
	collect := func(o outcome) {
		done = append(done, o)
		if !o.ok {
			log.DebugContext(ctx, "Probe request failed", "probe", kind, "status", o.status, "error", o.err,
				"latency", o.latency.String())
		}
	}
	interval := d / time.Duration(n)
	var runErr error
	decided := false
	for i := 0; i < n && !decided; i++ {
		if i > 0 {
			if err := clk.Sleep(ctx, interval); err != nil {
				runErr = err
				break
			}
		}
		for drained := false; !drained; {
			select {
			case o := <-results:
				collect(o)
			default:
				drained = true
			}
		}
		if _, fail := verdict(done, n, g); fail != "" {
			decided = true
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- request(pctx, client, target, host, g)
		}()
	}
	if !decided && runErr == nil {
		// Collect the requests in flight, stopping once the verdict is
		// certain.
		for len(done) < n {
			o := <-results
			collect(o)
			if _, fail := verdict(done, n, g); fail != "" {
				break
			}
		}
	}
	cancel()
	wg.Wait()
	if runErr == nil {
		runErr = ctx.Err()
	}

	res.Finished = clk.Now()
	res.Requests = len(done)
	lat := make([]time.Duration, 0, len(done))
	for _, o := range done {
		lat = append(lat, o.latency)
		if o.ok {
			res.Successes++
		} else if len(res.Failures) < maxReportedFailures {
			res.Failures = append(res.Failures, ProbeFailure{Status: o.status, Error: o.err, Latency: o.latency})
		}
	}
	if res.Requests > 0 {
		res.SuccessRatio = float64(res.Successes) / float64(res.Requests)
	}
	res.P95Latency = p95(lat)
	final, early := verdict(done, n, g)
	switch {
	case early != "":
		res.Threshold = fmt.Sprintf("%s (stopped after %d of %d requests: the verdict was certain)", early, len(done), n)
	case len(done) == n:
		res.Threshold = final
		res.Passed = final == ""
	}
	if runErr != nil {
		return res, fmt.Errorf("the %s's probe of %s was interrupted after %d of %d requests: %w", kind, host, len(done), n, runErr)
	}
	log.InfoContext(ctx, "Probe finished", "probe", kind, "record", host, "passed", res.Passed,
		"requests", res.Requests, "successes", res.Successes, "p95", res.P95Latency.String())
	return res, nil
}

// verdict judges the completed requests out of n planned. final is the
// failed threshold once all n are done ("" for a pass); early is set as
// soon as the thresholds are missed even if every remaining request
// succeeded at once.
func verdict(done []outcome, n int, g Gate) (final, early string) {
	succ := 0
	lat := make([]time.Duration, 0, n)
	for _, o := range done {
		if o.ok {
			succ++
		}
		lat = append(lat, o.latency)
	}
	judge := func(succ int, lat []time.Duration) string {
		var missed []string
		if float64(succ)/float64(n) < g.MinSuccessRatio {
			missed = append(missed, fmt.Sprintf("needs at least %.1f%% successes", g.MinSuccessRatio*100))
		}
		if p := p95(lat); p > g.MaxP95Latency {
			missed = append(missed, fmt.Sprintf("needs a p95 latency of at most %s", g.MaxP95Latency))
		}
		return strings.Join(missed, " and ")
	}
	if len(done) == n {
		return judge(succ, lat), ""
	}
	// The best case: every remaining request succeeds in no time.
	best := append(lat, make([]time.Duration, n-len(done))...)
	return "", judge(succ+n-len(done), best)
}

// p95 is the nearest-rank 95th percentile.
func p95(lat []time.Duration) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	rank := (len(s)*95 + 99) / 100 // ceil(0.95 n)
	return s[max(rank, 1)-1]
}

// probeClient is an HTTP client that connects every request to addr, with
// host as the TLS server name, a new connection per request (each one
// also measures the connection and handshake, as a new client's would),
// no proxy and no redirects followed (a 3xx is an answer).
func probeClient(host, addr string, g Gate) (*http.Client, func()) {
	dialer := &net.Dialer{Timeout: g.Timeout}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{
			ServerName: host, MinVersion: tls.VersionTLS12,
			InsecureSkipVerify: g.InsecureSkipVerify, // the user's choice, for a self-signed target
		},
		DisableKeepAlives:     true,
		TLSHandshakeTimeout:   g.Timeout,
		ResponseHeaderTimeout: g.Timeout,
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, tr.CloseIdleConnections
}

// request sends one GET and reads (at most maxBodyRead of) the answer,
// which it discards: a body may hold secrets.
func request(ctx context.Context, client *http.Client, target, host string, g Gate) outcome {
	ctx, cancel := context.WithTimeout(ctx, g.Timeout)
	defer cancel()
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return outcome{err: probeErrorText(err, g)}
	}
	req.Host = host
	req.Header.Set("User-Agent", "heroku2aws-health-gate")
	resp, err := client.Do(req)
	if err == nil {
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBodyRead))
		_ = resp.Body.Close()
		latency := min(time.Since(start), g.Timeout)
		if err != nil {
			return outcome{status: resp.StatusCode, err: probeErrorText(err, g), latency: latency}
		}
		return outcome{ok: g.success(resp.StatusCode), status: resp.StatusCode, latency: latency}
	}
	return outcome{err: probeErrorText(err, g), latency: min(time.Since(start), g.Timeout)}
}

// probeErrorText is a request's error without the URL (whose path may
// carry a query string with a token) and without anything the server
// sent.
func probeErrorText(err error, g Gate) string {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Sprintf("no answer within %s", g.Timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := err.Error()
	if path, _, hasQuery := strings.Cut(g.Path, "?"); hasQuery {
		msg = strings.ReplaceAll(msg, g.Path, path)
	}
	return msg
}
