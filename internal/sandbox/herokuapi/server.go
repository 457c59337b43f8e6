package herokuapi

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// Defaults of Options.
const (
	DefaultRateLimitBucket          = 4500
	DefaultRateLimitRefillPerMinute = 75
	DefaultPageSize                 = 200
	DefaultMaxPageSize              = 1000
)

// Options tunes a Server. The zero value gives Heroku's documented limits.
type Options struct {
	// APIKey, when set, overrides the fixture's api_key.
	APIKey string
	// RateLimitBucket is the size of the account's token bucket; 0 means
	// DefaultRateLimitBucket.
	RateLimitBucket int
	// RateLimitRefillPerMinute is the refill rate; 0 means
	// DefaultRateLimitRefillPerMinute, and a negative value disables refill.
	RateLimitRefillPerMinute float64
	// DefaultPageSize is the page size of a list request without max; 0
	// means DefaultPageSize.
	DefaultPageSize int
	// MaxPageSize is the largest page served; larger max values are clamped
	// to it. 0 means DefaultMaxPageSize.
	MaxPageSize int
	// Latency is added to every request. The wait ends early when the
	// request's context is canceled. See also Server.SetLatency.
	Latency time.Duration
	// Clock is the clock for the rate limiter, the request log and the
	// Data API's timestamps and URL expiry; clock.Real when nil. Only its
	// Now is read: latency is a real wait.
	Clock clock.Clock
	// BackupURLTTL is how long a backup's public URL works;
	// DefaultBackupURLTTL (10 minutes) when 0.
	BackupURLTTL time.Duration
	// PGDump is the pg_dump that captures run; "pg_dump" (found on PATH)
	// when empty.
	PGDump string
}

// Request is one entry of the request log. It holds no credentials and no
// bodies.
type Request struct {
	Method string
	// Path is the URL path; "/_backups/{token}" for backup downloads, whose
	// token is a credential.
	Path      string
	RawQuery  string
	Range     string // the Range request header
	Accept    string // the Accept request header
	UserAgent string
	// Authorized reports that the request carried the API key.
	Authorized bool
	// Status is the status code answered; 0 when the client went away
	// before an answer (for example during the injected latency).
	Status int
	// RateLimitRemaining is the RateLimit-Remaining header answered.
	RateLimitRemaining int
	// At is when the request arrived, by Options.Clock.
	At time.Time
}

// Server is a fake Heroku Platform API and Data API. It is an
// http.Handler and safe for concurrent use. The Platform API data never
// changes after New, but for each app's maintenance flag and formation
// (quantity and size), which PATCH requests, SetMaintenance and
// SetFormation change; the Data API's backups change too. Close it to remove the
// backup files it made.
type Server struct {
	data         *dataset
	live         *liveState // maintenance and formation, which PATCHes change
	pg           *pgState
	pgDump       string
	backupURLTTL time.Duration
	apiKey       string
	now          func() time.Time
	defaultPage  int
	maxPage      int
	bucket       *tokenBucket
	latency      atomic.Int64 // time.Duration
	requestSeq   atomic.Uint64

	mu         sync.Mutex
	log        []Request
	failCount  int
	failStatus int
	conn       connFaults // FailNextRateLimit, ResetNextRequests
}

// New validates the fixture and returns a Server answering from it.
func New(f *Fixture, opts Options) (*Server, error) {
	if f == nil {
		return nil, errors.New("herokuapi: nil fixture")
	}
	data, err := buildDataset(f)
	if err != nil {
		return nil, err
	}
	if opts.RateLimitBucket < 0 || opts.DefaultPageSize < 0 || opts.MaxPageSize < 0 || opts.Latency < 0 || opts.BackupURLTTL < 0 {
		return nil, errors.New("herokuapi: negative option")
	}
	s := &Server{
		data:         data,
		pgDump:       opts.PGDump,
		backupURLTTL: opts.BackupURLTTL,
		apiKey:       data.apiKey,
		now:          clock.Or(opts.Clock).Now,
		defaultPage:  opts.DefaultPageSize,
		maxPage:      opts.MaxPageSize,
	}
	if opts.APIKey != "" {
		s.apiKey = opts.APIKey
	}
	if s.pgDump == "" {
		s.pgDump = "pg_dump"
	}
	if s.backupURLTTL == 0 {
		s.backupURLTTL = DefaultBackupURLTTL
	}
	if s.defaultPage == 0 {
		s.defaultPage = DefaultPageSize
	}
	if s.maxPage == 0 {
		s.maxPage = DefaultMaxPageSize
	}
	if s.defaultPage > s.maxPage {
		return nil, fmt.Errorf("herokuapi: DefaultPageSize %d exceeds MaxPageSize %d", s.defaultPage, s.maxPage)
	}
	bucket := opts.RateLimitBucket
	if bucket == 0 {
		bucket = DefaultRateLimitBucket
	}
	refill := opts.RateLimitRefillPerMinute
	switch {
	case refill == 0:
		refill = DefaultRateLimitRefillPerMinute
	case refill < 0:
		refill = 0
	}
	s.bucket = newTokenBucket(bucket, refill, s.now())
	s.latency.Store(int64(opts.Latency))
	s.pg = newPGState(data)
	s.live = newLiveState(data)
	return s, nil
}

// APIKey returns the bearer token the server accepts.
func (s *Server) APIKey() string { return s.apiKey }

// Requests returns a copy of the request log, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// FailNext makes the next n requests that pass authentication (and the rate
// limit) fail with status and a Heroku-shaped error body: 503 answers
// {"id":"unavailable"}, 500 {"id":"internal_server_error"}. A status outside
// 500-599 is treated as 500. n <= 0 cancels pending failures.
func (s *Server) FailNext(n int, status int) {
	if status < 500 || status > 599 {
		status = http.StatusInternalServerError
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failCount = max(n, 0)
	s.failStatus = status
}

// SetLatency changes the latency added to every request from now on.
func (s *Server) SetLatency(d time.Duration) {
	s.latency.Store(int64(max(d, 0)))
}

// RateLimitRemaining returns the whole tokens left in the account's bucket.
func (s *Server) RateLimitRemaining() int {
	return s.bucket.remaining(s.now())
}

// statusWriter calls onHeader with the status code just before the header
// is sent, so that the request log is complete by the time a client sees
// the answer.
type statusWriter struct {
	http.ResponseWriter
	status   int
	onHeader func(status int)
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.onHeader(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (to flush).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ServeHTTP answers one request: latency, authentication, rate limit,
// injected failures, then the route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{
		Method:    r.Method,
		Path:      r.URL.Path,
		RawQuery:  r.URL.RawQuery,
		Range:     r.Header.Get("Range"),
		Accept:    r.Header.Get("Accept"),
		UserAgent: r.Header.Get("User-Agent"),
		At:        s.now(),
	}
	logged := false
	logRequest := func(status int) {
		rec.Status = status
		logged = true
		s.mu.Lock()
		s.log = append(s.log, rec)
		s.mu.Unlock()
	}
	sw := &statusWriter{ResponseWriter: w, onHeader: logRequest}
	defer func() {
		if !logged {
			logRequest(0)
		}
	}()

	// Backup downloads stand in for S3 presigned URLs: no latency, no
	// authorization, no rate limit, no injected 5xx. The token is a
	// credential, so the log leaves it out.
	if strings.HasPrefix(r.URL.Path, backupsPathPrefix) {
		rec.Path = backupsPathPrefix + "{token}"
		s.serveBackup(sw, r)
		return
	}

	if d := time.Duration(s.latency.Load()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}

	rec.Authorized = s.authorized(r)
	free := rec.Authorized && r.Method == http.MethodGet && r.URL.Path == "/account/rate-limits"
	cost := 1.0
	if free {
		cost = 0
	}
	ok, remaining := s.bucket.take(s.now(), cost)
	rec.RateLimitRemaining = remaining

	h := sw.Header()
	h.Set("RateLimit-Remaining", strconv.Itoa(remaining))
	reqID := r.Header.Get("Request-Id")
	if reqID == "" || len(reqID) > 200 {
		reqID = deriveID("request", strconv.FormatUint(s.requestSeq.Add(1), 10))
	}
	h.Set("Request-Id", reqID)

	switch {
	case !rec.Authorized:
		writeError(sw, errUnauthorized)
	case !ok:
		writeError(sw, errRateLimit)
	default:
		if rateLimit, reset := s.takeConnFault(r.URL.Path); rateLimit {
			h.Set("RateLimit-Remaining", "0")
			writeError(sw, errRateLimit)
			return
		} else if reset {
			resetConnection(sw)
			return
		}
		if status := s.takeFailure(); status != 0 {
			writeError(sw, errInjected(status))
			return
		}
		s.route(sw, r)
	}
}

// authorized accepts "Bearer <key>", and Basic auth with the key as the
// password (any user name), as Heroku does.
func (s *Server) authorized(r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(auth, " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.apiKey)) == 1
	}
	if _, password, ok := r.BasicAuth(); ok {
		return subtle.ConstantTimeCompare([]byte(password), []byte(s.apiKey)) == 1
	}
	return false
}

func (s *Server) takeFailure() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failCount == 0 {
		return 0
	}
	s.failCount--
	return s.failStatus
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, errInjected(http.StatusInternalServerError))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	body, _ := json.Marshal(e) // apiError always marshals
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}
