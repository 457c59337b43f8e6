package dnscutover

import (
	"fmt"
	"math"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// Defaults of a Gate and a Watch, for the resource's schema and for
// DefaultGate.
const (
	DefaultGateScheme      = "https"
	DefaultGateRequests    = 20
	DefaultGateDuration    = 30 * time.Second
	DefaultGateTimeout     = 5 * time.Second
	DefaultMinSuccessRatio = 0.95
	DefaultMaxP95Latency   = 2 * time.Second
	DefaultWatchDuration   = 5 * time.Minute
	DefaultWatchRequests   = 60
	MaxGateRequests        = 1000
	maxReportedFailures    = 5
)

// Gate is the pre-shift probe of the AWS side (and the post-shift watch's
// thresholds). Validate checks the values exactly as given; DefaultGate
// returns one with every default set.
type Gate struct {
	// Scheme is "https" (empty means https) or "http".
	Scheme string
	// Path is requested on every probe; it must start with "/".
	Path string
	// Port is the port to connect to; 0 means 443 for https, 80 for http.
	Port int
	// Address, when set, is the host:port to connect to instead of the AWS
	// target (a private load balancer, or a test server). The Host header
	// and the TLS server name stay the record name.
	Address string
	// Requests is how many requests to send, 1 to 1000.
	Requests int
	// Duration is the time the requests are spread evenly over.
	Duration time.Duration
	// Timeout bounds each request.
	Timeout time.Duration
	// MinSuccessRatio is the share of requests, 0 to 1, that must answer
	// with a status in SuccessStatus.
	MinSuccessRatio float64
	// MaxP95Latency bounds the 95th percentile latency over all requests,
	// failed ones included.
	MaxP95Latency time.Duration
	// SuccessStatus lists the statuses that count as success; empty means
	// 200 to 399.
	SuccessStatus []int
	// InsecureSkipVerify accepts any certificate (a self-signed one).
	InsecureSkipVerify bool
}

// DefaultGate returns a Gate on path with every other field at its
// default.
func DefaultGate(path string) Gate {
	return Gate{
		Scheme: DefaultGateScheme, Path: path, Requests: DefaultGateRequests, Duration: DefaultGateDuration,
		Timeout: DefaultGateTimeout, MinSuccessRatio: DefaultMinSuccessRatio, MaxP95Latency: DefaultMaxP95Latency,
	}
}

// Validate checks a gate without connecting anywhere. Attributes are
// dotted paths under attrPrefix, such as "gate.min_success_ratio".
func (g Gate) Validate(attrPrefix string) problem.List {
	var out problem.List
	attr := func(name string) string { return attrPrefix + "." + name }
	errorf := func(name, summary, format string, args ...any) {
		out = append(out, problem.Errorf(attr(name), summary, format, args...))
	}
	switch g.Scheme {
	case "", "https", "http":
	default:
		errorf("scheme", "Invalid Gate Scheme", "%s is %q; use \"https\" or \"http\".", attr("scheme"), g.Scheme)
	}
	if !strings.HasPrefix(g.Path, "/") {
		errorf("path", "Invalid Gate Path",
			"%s must start with \"/\", such as \"/\" or \"/health\"; it is the path the gate requests on the AWS side.", attr("path"))
	}
	if g.Port < 0 || g.Port > 65535 {
		errorf("port", "Invalid Gate Port", "%s is %d; use a port from 1 to 65535, or leave it unset for 443 (https) or 80 (http).",
			attr("port"), g.Port)
	}
	if g.Address != "" {
		if _, port, err := net.SplitHostPort(g.Address); err != nil || port == "" {
			errorf("address", "Invalid Gate Address",
				"%s must be host:port, such as internal-alb-123.us-east-1.elb.amazonaws.com:443 or 10.0.1.5:8443.", attr("address"))
		}
	}
	if g.Requests < 1 || g.Requests > MaxGateRequests {
		errorf("requests", "Invalid Gate Requests", "%s is %d; send from 1 to %d requests.", attr("requests"), g.Requests, MaxGateRequests)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"duration", g.Duration}, {"timeout", g.Timeout}, {"max_p95_latency", g.MaxP95Latency}} {
		if d.v <= 0 {
			errorf(d.name, "Invalid Gate Duration", "%s is %s; it must be longer than 0, such as \"30s\".", attr(d.name), d.v)
		}
	}
	if g.MinSuccessRatio < 0 || g.MinSuccessRatio > 1 || math.IsNaN(g.MinSuccessRatio) {
		errorf("min_success_ratio", "Invalid Success Ratio",
			"%s is %g; it is a share from 0 to 1, such as 0.95 for 95%% of the requests.", attr("min_success_ratio"), g.MinSuccessRatio)
	}
	for _, st := range g.SuccessStatus {
		if st < 100 || st > 599 {
			errorf("success_status", "Invalid Success Status", "%s holds %d; HTTP statuses run from 100 to 599.", attr("success_status"), st)
			break
		}
	}
	return out
}

// scheme, port and success apply a gate's defaults.
func (g Gate) scheme() string {
	if g.Scheme == "" {
		return DefaultGateScheme
	}
	return g.Scheme
}

func (g Gate) port() int {
	switch {
	case g.Port != 0:
		return g.Port
	case g.scheme() == "http":
		return 80
	}
	return 443
}

func (g Gate) success(status int) bool {
	if len(g.SuccessStatus) == 0 {
		return status >= 200 && status <= 399
	}
	return slices.Contains(g.SuccessStatus, status)
}

// GateResult is what a probe saw.
type GateResult struct {
	// Requests is how many requests completed; Successes how many of them
	// answered with a success status.
	Requests, Successes int
	SuccessRatio        float64
	// P95Latency is the 95th percentile latency over every completed
	// request, a failed one counted at its latency (at most the timeout).
	P95Latency time.Duration
	// Failures holds the first five failed requests.
	Failures []ProbeFailure
	Passed   bool
	// Threshold says which threshold failed, such as "needs at least
	// 95.0%"; empty when Passed.
	Threshold string
	// Started and Finished are by the engine's clock.
	Started, Finished time.Time
}

// ProbeFailure is one failed request: its status, or the error that
// prevented one, and its latency. It never holds a response body.
type ProbeFailure struct {
	Status  int
	Error   string
	Latency time.Duration
}

// Watch is the post-shift probe: the Gate's target and thresholds, with
// its own length and number of requests.
type Watch struct {
	Duration time.Duration
	Requests int
}

// Validate checks a watch; attributes are under attrPrefix, such as
// "watch.duration".
func (w Watch) Validate(attrPrefix string) problem.List {
	var out problem.List
	if w.Duration <= 0 {
		out = append(out, problem.Errorf(attrPrefix+".duration", "Invalid Watch Duration",
			"%s.duration is %s; it must be longer than 0, such as \"5m\".", attrPrefix, w.Duration))
	}
	if w.Requests < 1 || w.Requests > MaxGateRequests {
		out = append(out, problem.Errorf(attrPrefix+".requests", "Invalid Watch Requests",
			"%s.requests is %d; send from 1 to %d requests.", attrPrefix, w.Requests, MaxGateRequests))
	}
	return out
}

// GateError is a gate that refused a shift: nothing was submitted, the
// weights are as they were.
type GateError struct{ Result GateResult }

func (e *GateError) Error() string {
	return "the health gate refused the shift, the weights were not changed: " + e.Result.Summary()
}

// WatchError is a watch that failed after a shift. Reverted says whether
// the previous weights were put back (and are INSYNC); RevertErr is why
// not.
type WatchError struct {
	Result    GateResult
	Reverted  bool
	RevertErr error
}

func (e *WatchError) Error() string {
	s := "the watch after the shift failed: " + e.Result.Summary()
	if e.Reverted {
		return s + "; the previous weights were put back and are in sync"
	}
	return s + fmt.Sprintf("; putting the previous weights back failed, Route 53 may still hold the new weights: %v", e.RevertErr)
}

// Unwrap returns the revert's error, if any.
func (e *WatchError) Unwrap() error { return e.RevertErr }

// Summary is the result in one line: the counts, the success ratio, p95
// and the first failures (status or error, and latency), never a body.
func (r GateResult) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d requests succeeded (%.1f%%), p95 latency %s", r.Successes, r.Requests, r.SuccessRatio*100, roundLatency(r.P95Latency))
	if r.Threshold != "" {
		fmt.Fprintf(&b, "; %s", r.Threshold)
	}
	if len(r.Failures) > 0 {
		b.WriteString("; first failures: ")
		for i, f := range r.Failures {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.String())
		}
	}
	return b.String()
}

// String is "HTTP 503 after 12ms" or "<error> after 5s".
func (f ProbeFailure) String() string {
	if f.Status != 0 {
		return fmt.Sprintf("HTTP %d after %s", f.Status, roundLatency(f.Latency))
	}
	return fmt.Sprintf("%s after %s", f.Error, roundLatency(f.Latency))
}

func roundLatency(d time.Duration) time.Duration {
	if d >= 10*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}
