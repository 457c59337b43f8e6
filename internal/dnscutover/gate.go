package dnscutover

import (
	"errors"
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
	return problem.List{problem.Errorf(attrPrefix, "Not Implemented", "not implemented")}
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
	return problem.List{problem.Errorf(attrPrefix, "Not Implemented", "not implemented")}
}

// GateError is a gate that refused a shift: nothing was submitted.
type GateError struct{ Result GateResult }

func (e *GateError) Error() string { return "not implemented" }

// WatchError is a watch that failed after a shift. Reverted says whether
// the previous weights were put back (and are INSYNC); RevertErr is why
// not.
type WatchError struct {
	Result    GateResult
	Reverted  bool
	RevertErr error
}

func (e *WatchError) Error() string { return "not implemented" }

// Unwrap returns the revert's error, if any.
func (e *WatchError) Unwrap() error { return e.RevertErr }

var errNotImplemented = errors.New("not implemented")
