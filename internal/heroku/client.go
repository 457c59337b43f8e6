// Package heroku is the Heroku Platform API (and Data API) client of the
// provider and the code generator.
//
// It decodes into heroku-go v5 payload types but does its own HTTP, because
// heroku-go's typed List methods return only the first page, its retry
// transport retries 429 forever without rewinding bodies or reading
// RateLimit-Remaining, and its Debug mode dumps bodies that hold config vars.
//
// What this client adds: Range pagination to the last page, pacing against
// the account's rate-limit bucket, bounded retries with jittered backoff,
// a concurrency limit, and errors that never carry secrets.
//
// The API it speaks: https://devcenter.heroku.com/articles/platform-api-reference
package heroku

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// Defaults of Config.
const (
	DefaultAPIURL          = "https://api.heroku.com"
	DefaultUserAgent       = "terraform-provider-heroku2aws"
	DefaultMaxConcurrency  = 8
	DefaultPageSize        = 1000 // Heroku's maximum page size: https://devcenter.heroku.com/articles/platform-api-reference#ranges
	DefaultBucket          = 4500
	DefaultRefillPerMinute = 75.0
	DefaultMaxAttempts     = 8
	DefaultBaseDelay       = 500 * time.Millisecond
	DefaultMaxDelay        = 30 * time.Second

	acceptHeader    = "application/vnd.heroku+json; version=3"
	maxPageSize     = 1000
	maxSuccessBody  = 64 << 20 // a page of 1000 releases is a few MB
	maxErrorBody    = 64 << 10
	maxDrain        = 256 << 10
	maxRetryAfter   = 5 * time.Minute
	headerRemaining = "RateLimit-Remaining"
)

// Config configures a Client. Zero values mean the documented defaults.
type Config struct {
	// APIKey is the bearer token. Empty is allowed at construction; every
	// call then fails with ErrMissingAPIKey without sending anything.
	APIKey string
	// APIURL is the Platform API base URL, default https://api.heroku.com.
	// A trailing slash is tolerated.
	APIURL string
	// UserAgent defaults to "terraform-provider-heroku2aws".
	UserAgent string
	// HTTPClient is used for every request when set. Default: a pooled
	// client with dial, TLS and response-header timeouts.
	HTTPClient *http.Client
	// MaxConcurrency bounds the requests in flight, default 8.
	MaxConcurrency int
	// PageSize is the max of the Range header of list calls, default and
	// maximum 1000.
	PageSize int
	// RateLimit describes the account's token bucket, for pacing.
	RateLimit RateLimit
	// Retry bounds retries of 429, 5xx and transport errors.
	Retry Retry
	// Clock paces requests and times backoffs; nil means clock.Real.
	Clock clock.Clock
	// Logger receives request and retry events (method, path, status,
	// attempt, waits and RateLimit-Remaining); nil means no logging.
	// Header values and bodies are never logged.
	Logger *slog.Logger
}

// RateLimit describes Heroku's per-account GCRA bucket.
type RateLimit struct {
	Bucket          int     // tokens in a full bucket, default 4500
	RefillPerMinute float64 // default 75
}

// Retry bounds retries.
type Retry struct {
	MaxAttempts int           // total attempts including the first, default 8
	BaseDelay   time.Duration // first backoff ceiling, default 500ms
	MaxDelay    time.Duration // backoff ceiling, default 30s
}

// Call describes one API call for Get, List and Do.
type Call struct {
	// Method defaults to GET.
	Method string
	// BaseURL overrides Config.APIURL, e.g. for the Data API.
	BaseURL string
	// Path is the already-escaped path, optionally with a query string,
	// e.g. "/apps/acme-api/releases".
	Path string
	// App names the app the call is about, for error texts. May be empty.
	App string
	// Range is the first Range header of a List call; default
	// "id ..; max=<PageSize>". Ignored by Get and Do.
	Range string
	// Idempotent marks a call of another method (a PATCH of absolute
	// values) that may be sent again after a transport error that leaves
	// open whether the server processed it, as GET, PUT and DELETE are.
	Idempotent bool
}

// Client calls the Heroku API. It is safe for concurrent use.
type Client struct {
	apiKey    string
	apiURL    string
	userAgent string
	http      *http.Client
	sem       chan struct{}
	pageSize  int
	retry     Retry
	clock     clock.Clock
	log       *slog.Logger
	pacer     *pacer

	// jitter picks the backoff in [0, ceiling]; replaced in tests.
	jitter func(ceiling time.Duration) time.Duration
}

// New builds a Client. It never does I/O.
func New(cfg Config) *Client {
	c := &Client{
		apiKey:    strings.TrimSpace(cfg.APIKey),
		apiURL:    strings.TrimRight(cfg.APIURL, "/"),
		userAgent: cfg.UserAgent,
		http:      cfg.HTTPClient,
		pageSize:  cfg.PageSize,
		retry:     cfg.Retry,
		clock:     clock.Or(cfg.Clock),
		log:       cfg.Logger,
		jitter:    fullJitter,
	}
	if c.apiURL == "" {
		c.apiURL = DefaultAPIURL
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	n := cfg.MaxConcurrency
	if n <= 0 {
		n = DefaultMaxConcurrency
	}
	c.sem = make(chan struct{}, n)
	if c.http == nil {
		c.http = defaultHTTPClient(n)
	}
	if c.pageSize <= 0 || c.pageSize > maxPageSize {
		c.pageSize = DefaultPageSize
	}
	if c.retry.MaxAttempts <= 0 {
		c.retry.MaxAttempts = DefaultMaxAttempts
	}
	if c.retry.BaseDelay <= 0 {
		c.retry.BaseDelay = DefaultBaseDelay
	}
	if c.retry.MaxDelay <= 0 {
		c.retry.MaxDelay = DefaultMaxDelay
	}
	if c.retry.MaxDelay < c.retry.BaseDelay {
		c.retry.MaxDelay = c.retry.BaseDelay
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	rl := cfg.RateLimit
	if rl.Bucket <= 0 {
		rl.Bucket = DefaultBucket
	}
	if rl.RefillPerMinute <= 0 {
		rl.RefillPerMinute = DefaultRefillPerMinute
	}
	c.pacer = newPacer(c.clock, rl)
	return c
}

func defaultHTTPClient(conns int) *http.Client {
	t := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   max(conns, 2),
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
	}
	return &http.Client{Transport: t, Timeout: 5 * time.Minute}
}

func fullJitter(ceiling time.Duration) time.Duration {
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// RateLimitRemaining is the last RateLimit-Remaining value seen, or -1.
func (c *Client) RateLimitRemaining() int { return c.pacer.lastRemaining() }

// Get sends call (GET unless call.Method says otherwise) and decodes the
// JSON answer into out, which may be nil.
func (c *Client) Get(ctx context.Context, call Call, out any) error {
	_, err := c.send(ctx, call, nil, "", out)
	return err
}

// Do sends call with body JSON-encoded (nil: no body) and decodes the answer
// into out, which may be nil. The encoded body is re-sent on every retry.
func (c *Client) Do(ctx context.Context, call Call, body any, out any) error {
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s: encoding request body: %w", describe(call), err)
		}
		payload = b
	}
	_, err := c.send(ctx, call, payload, "", out)
	return err
}

// List fetches every page of a list endpoint into out, which must be a
// pointer to a slice. It sends a Range header and follows Next-Range while
// the server answers 206. out is only written on success.
func (c *Client) List(ctx context.Context, call Call, out any) error {
	rv := reflect.ValueOf(out)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("%s: List needs a pointer to a slice, got %T", describe(call), out)
	}
	sliceType := rv.Elem().Type()
	all := reflect.MakeSlice(sliceType, 0, 0)
	rng := call.Range
	if rng == "" {
		rng = Range{Field: "id", Max: c.pageSize}.String()
	}
	seen := map[string]bool{rng: true}
	for page := 1; ; page++ {
		pageOut := reflect.New(sliceType)
		res, err := c.send(ctx, call, nil, rng, pageOut.Interface())
		if err != nil {
			return err
		}
		all = reflect.AppendSlice(all, pageOut.Elem())
		if res.status != http.StatusPartialContent || res.nextRange == "" {
			break
		}
		if seen[res.nextRange] {
			return fmt.Errorf("%s: pagination is not advancing: page %d repeated Next-Range %q; giving up instead of looping",
				describe(call), page, res.nextRange)
		}
		seen[res.nextRange] = true
		rng = res.nextRange
	}
	rv.Elem().Set(all)
	return nil
}

// FirstPage fetches only the first page of a list endpoint, with call.Range
// as the Range header, into out (a pointer to a slice). It is for "the
// newest N" reads, such as the latest releases with order=desc.
func (c *Client) FirstPage(ctx context.Context, call Call, out any) error {
	if call.Range == "" {
		return fmt.Errorf("%s: FirstPage needs a Range", describe(call))
	}
	_, err := c.send(ctx, call, nil, call.Range, out)
	return err
}

func describe(call Call) string {
	m := call.Method
	if m == "" {
		m = http.MethodGet
	}
	p, _, _ := strings.Cut(call.Path, "?")
	s := m + " " + p
	if call.App != "" {
		s += fmt.Sprintf(" (app %q)", call.App)
	}
	return s
}

type result struct {
	status    int
	nextRange string
}

// attemptOutcome is what one HTTP attempt produced.
type attemptOutcome struct {
	res        result
	err        error
	retry      bool          // err is worth another attempt
	rateLimit  bool          // err is a 429
	retryAfter time.Duration // from a Retry-After header, if any
}

// send runs call with bounded retries.
func (c *Client) send(ctx context.Context, call Call, body []byte, rangeHdr string, out any) (result, error) {
	if c.apiKey == "" {
		return result{}, ErrMissingAPIKey
	}
	if call.Method == "" {
		call.Method = http.MethodGet
	}
	call.Method = strings.ToUpper(call.Method)
	base := c.apiURL
	if call.BaseURL != "" {
		base = strings.TrimRight(call.BaseURL, "/")
	}
	path := call.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	call.Path = path
	u, err := url.Parse(base + path)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return result{}, fmt.Errorf("%s: invalid API URL %q + path", describe(call), base)
	}
	target := u.String()

	var last attemptOutcome
	for attempt := 1; ; attempt++ {
		last = c.attempt(ctx, call, target, body, rangeHdr, out, attempt)
		if last.err == nil {
			return last.res, nil
		}
		if !last.retry || attempt >= c.retry.MaxAttempts {
			break
		}
		wait := c.backoff(attempt)
		if last.rateLimit {
			// Paced by the refill rate, not a tight loop.
			wait = max(wait, c.pacer.untilToken())
		}
		wait = max(wait, last.retryAfter) // capped at maxRetryAfter by parseRetryAfter
		c.log.WarnContext(ctx, "retrying Heroku API request",
			"method", call.Method,
			"path", pathOnly(call.Path),
			"attempt", attempt,
			"max_attempts", c.retry.MaxAttempts,
			"wait", wait.String(),
			"reason", reason(last.err),
			"ratelimit_remaining", c.pacer.lastRemaining(),
		)
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return result{}, fmt.Errorf("%s: canceled while waiting to retry: %w", describe(call), err)
		}
	}

	var apiErr *APIError
	if errors.As(last.err, &apiErr) && last.retry {
		if last.rateLimit {
			apiErr.Message = fmt.Sprintf("Heroku API rate limit exhausted (gave up %s); "+
				"retry later or reduce parallelism (e.g. terraform -parallelism=2) (server said: %s)",
				c.attemptsText(), apiErr.Message)
		} else {
			apiErr.Message += " (gave up " + c.attemptsText() + ")"
		}
	} else if last.retry {
		return result{}, fmt.Errorf("%w (gave up %s)", last.err, c.attemptsText())
	}
	return result{}, last.err
}

func (c *Client) attemptsText() string {
	if c.retry.MaxAttempts == 1 {
		return "after 1 attempt"
	}
	return fmt.Sprintf("after %d attempts", c.retry.MaxAttempts)
}

func pathOnly(p string) string {
	p, _, _ = strings.Cut(p, "?")
	return p
}

func reason(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return strconv.Itoa(apiErr.StatusCode) + " " + apiErr.ID
	}
	return "transport error"
}

// backoff is exponential with full jitter: uniform in
// [0, min(MaxDelay, BaseDelay*2^(attempt-1))].
func (c *Client) backoff(attempt int) time.Duration {
	ceiling := c.retry.BaseDelay
	for i := 1; i < attempt && ceiling < c.retry.MaxDelay; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, c.retry.MaxDelay)
	return c.jitter(ceiling)
}

// attempt sends one request, holding a concurrency slot and a rate-limit
// token for its duration.
func (c *Client) attempt(ctx context.Context, call Call, target string, body []byte, rangeHdr string, out any, attempt int) attemptOutcome {
	path := pathOnly(call.Path)
	fail := func(err error) attemptOutcome { return attemptOutcome{err: err} }

	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return fail(fmt.Errorf("%s: %w", describe(call), ctx.Err()))
	}
	defer func() { <-c.sem }()

	err := c.pacer.acquire(ctx, func(wait time.Duration) {
		c.log.DebugContext(ctx, "waiting for a Heroku rate-limit token",
			"method", call.Method, "path", path, "attempt", attempt, "wait", wait.String())
	})
	if err != nil {
		return fail(fmt.Errorf("%s: canceled while waiting for a rate-limit token: %w", describe(call), err))
	}

	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body) // fresh reader each attempt: the body is rewound
	}
	req, err := http.NewRequestWithContext(ctx, call.Method, target, rd)
	if err != nil {
		c.pacer.done(-1, false)
		return fail(fmt.Errorf("%s: building request: %w", describe(call), err))
	}
	req.Header.Set("Accept", acceptHeader)
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if rangeHdr != "" {
		req.Header.Set("Range", rangeHdr)
	}

	start := c.clock.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.pacer.done(-1, false)
		if ctx.Err() != nil {
			return fail(fmt.Errorf("%s: %w", describe(call), ctx.Err()))
		}
		retry := retryableTransportError(err, call.Method, call.Idempotent)
		c.log.DebugContext(ctx, "Heroku API request failed",
			"method", call.Method, "path", path, "attempt", attempt, "retryable", retry)
		return attemptOutcome{err: fmt.Errorf("%s: request failed: %w", describe(call), unwrapURLError(err)), retry: retry}
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
		_ = resp.Body.Close()
	}()

	status := resp.StatusCode
	remaining, hasRemaining := parseRemaining(resp.Header.Get(headerRemaining))
	switch {
	case hasRemaining:
		c.pacer.done(remaining, true)
	case status == http.StatusTooManyRequests:
		c.pacer.done(0, false)
	default:
		c.pacer.done(-1, false)
	}
	attrs := []slog.Attr{
		slog.String("method", call.Method),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Int("attempt", attempt),
		slog.Int64("elapsed_ms", c.clock.Now().Sub(start).Milliseconds()),
	}
	if hasRemaining {
		attrs = append(attrs, slog.Int64("ratelimit_remaining", remaining))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "Heroku API request", attrs...)

	if status < 200 || status > 299 {
		data, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		if rerr != nil && ctx.Err() != nil {
			return fail(fmt.Errorf("%s: %w", describe(call), ctx.Err()))
		}
		apiErr := newAPIError(call.Method, path, call.App, status, data, c.apiKey)
		o := attemptOutcome{err: apiErr}
		switch status {
		case http.StatusTooManyRequests:
			o.retry, o.rateLimit = true, true
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			o.retry = true
		}
		if o.retry {
			o.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.clock.Now())
		}
		return o
	}

	data, err := io.ReadAll(io.LimitReader(resp.Body, maxSuccessBody+1))
	if err != nil {
		if ctx.Err() != nil {
			return fail(fmt.Errorf("%s: %w", describe(call), ctx.Err()))
		}
		return attemptOutcome{
			err:   fmt.Errorf("%s: reading response: %w", describe(call), err),
			retry: retryableTransportError(err, call.Method, call.Idempotent),
		}
	}
	if len(data) > maxSuccessBody {
		return fail(fmt.Errorf("%s: response body is larger than %d bytes", describe(call), maxSuccessBody))
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			// encoding/json errors name types and offsets, not values.
			return fail(fmt.Errorf("%s: decoding %d response: %w", describe(call), status, err))
		}
	}
	return attemptOutcome{res: result{status: status, nextRange: resp.Header.Get("Next-Range")}}
}

func parseRemaining(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// retryableTransportError reports whether a request that failed without a
// response may be sent again. A request that never reached the server
// (refused, dial failure) always may; one that may have been processed
// (reset, EOF, timeout) only if its method is idempotent or the call says
// it is.
func retryableTransportError(err error, method string, idempotent bool) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
	default:
		if !idempotent {
			return false
		}
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) { // http.Client.Timeout; the caller's ctx is checked first
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}
