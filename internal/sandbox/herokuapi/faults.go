package herokuapi

import (
	"net"
	"net/http"
	"strings"
)

// connFaults holds the injected rate-limit answers and connection resets.
// The Server's mu guards it.
type connFaults struct {
	rateLimitN  int
	resetPrefix string
	resetSkip   int
	resetN      int
}

// FailNextRateLimit makes the next n authorized requests answer 429
// {"id":"rate_limit"} with RateLimit-Remaining: 0, as an empty bucket does,
// without draining the bucket: a burst of 429s that clients retry. n <= 0
// cancels pending answers.
func (s *Server) FailNextRateLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn.rateLimitN = max(n, 0)
}

// ResetNextRequests makes the sandbox drop connections: of the authorized
// requests from now on whose path starts with pathPrefix, the first
// afterPage are answered normally, then the next n get no answer at all:
// the connection is closed with a TCP reset. With a list endpoint and
// afterPage = 1, the reset hits page 2. n <= 0 cancels pending resets.
func (s *Server) ResetNextRequests(pathPrefix string, n int, afterPage int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn = connFaults{rateLimitN: s.conn.rateLimitN, resetPrefix: pathPrefix, resetSkip: max(afterPage, 0), resetN: max(n, 0)}
}

// takeConnFault reports whether this request gets an injected 429 or a
// reset.
func (s *Server) takeConnFault(path string) (rateLimit, reset bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn.rateLimitN > 0 {
		s.conn.rateLimitN--
		return true, false
	}
	if s.conn.resetN > 0 && strings.HasPrefix(path, s.conn.resetPrefix) {
		if s.conn.resetSkip > 0 {
			s.conn.resetSkip--
			return false, false
		}
		s.conn.resetN--
		return false, true
	}
	return false, false
}

// resetConnection closes the request's connection without an answer, with
// SO_LINGER 0 so that the client sees a reset rather than a clean EOF.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return // not hijackable (HTTP/2): the handler returns without a body
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
