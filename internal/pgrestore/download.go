package pgrestore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// downloader streams a dump to a file. It resumes a cut transfer with an
// HTTP Range request, starts over when the server ignores the range, and
// asks for a fresh URL when a signed one has expired (403). The URL is a
// secret: it never appears in errors or progress.
type downloader struct {
	client   *http.Client
	clock    clock.Clock
	attempts int           // consecutive failures allowed
	stall    time.Duration // no bytes for this long: abort and resume
	// refresh returns a new URL (nil: the URL cannot be renewed).
	refresh  func(ctx context.Context) (string, error)
	progress func(done, total int64, rate float64, final bool)
	what     string // "the backup", "the dump_url", for messages

	start time.Time // of the whole download, for the rate
}

// errNoRetry marks errors that another attempt cannot fix.
type errNoRetry struct{ error }

func (e errNoRetry) Unwrap() error { return e.error }

const (
	downloadBuffer   = 1 << 20
	maxURLRefreshes  = 5
	downloadBaseWait = time.Second
	downloadMaxWait  = 30 * time.Second
)

// download writes the content at rawURL to f (empty, opened read-write)
// and returns its size.
func (d *downloader) download(ctx context.Context, rawURL string, f *os.File) (int64, error) {
	var (
		have      int64 // bytes in f
		total     int64 = -1
		failures  int
		refreshes int
		lastErr   error
	)
	d.start = d.clock.Now()
	for {
		if err := ctx.Err(); err != nil {
			return have, err
		}
		now, tot, err := d.attempt(ctx, rawURL, f, have)
		if tot >= 0 {
			total = tot
		}
		progressed := now > have
		have = now
		if err == nil {
			d.report(have, total, true)
			return have, nil
		}
		if ctx.Err() != nil {
			return have, ctx.Err()
		}
		var restart *errRestart
		if errors.As(err, &restart) {
			// The server ignored the range or changed the content: start over.
			if terr := f.Truncate(0); terr != nil {
				return have, terr
			}
			if _, serr := f.Seek(0, io.SeekStart); serr != nil {
				return have, serr
			}
			have, total = 0, -1
			err = restart.cause
		}
		var expired *errExpired
		if errors.As(err, &expired) {
			if d.refresh == nil || refreshes >= maxURLRefreshes {
				return have, fmt.Errorf("downloading %s: the server refused the URL (%d %s); "+
					"it may have expired: give a fresh URL", d.what, expired.status, http.StatusText(expired.status))
			}
			refreshes++
			u, rerr := d.refresh(ctx)
			if rerr != nil {
				return have, fmt.Errorf("downloading %s: getting a fresh URL after a %d: %w", d.what, expired.status, rerr)
			}
			rawURL = u
			continue // no backoff: the new URL should work at once
		}
		var nr errNoRetry
		if errors.As(err, &nr) {
			return have, fmt.Errorf("downloading %s: %w", d.what, err)
		}
		lastErr = err
		if progressed {
			// The stream was cut after some progress: resume at once, with
			// a fresh budget of attempts.
			failures = 0
			continue
		}
		failures++
		if failures >= d.attempts {
			return have, fmt.Errorf("downloading %s: giving up after %d attempts without progress (%d bytes received): %w",
				d.what, failures, have, lastErr)
		}
		wait := downloadBaseWait << (failures - 1)
		if wait > downloadMaxWait {
			wait = downloadMaxWait
		}
		if serr := d.clock.Sleep(ctx, wait); serr != nil {
			return have, serr
		}
	}
}

type errRestart struct{ cause error }

func (e *errRestart) Error() string { return e.cause.Error() }

type errExpired struct{ status int }

func (e *errExpired) Error() string { return fmt.Sprintf("HTTP %d", e.status) }

// attempt does one request from offset have and appends to f. It returns
// the size of f afterwards and the total size when the answer tells it.
func (d *downloader) attempt(ctx context.Context, rawURL string, f *os.File, have int64) (int64, int64, error) {
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, rawURL, nil)
	if err != nil {
		return have, -1, errNoRetry{errors.New("the URL is not valid")}
	}
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
	}
	req.Header.Set("Accept-Encoding", "identity")
	// Headers may stall too: the stall timer covers the whole attempt. It
	// runs on real time, not d.clock: it watches real network I/O.
	stall := time.AfterFunc(d.stall, cancel)
	defer stall.Stop()
	resp, err := d.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return have, -1, ctx.Err()
		}
		return have, -1, describeNetErr(err)
	}
	defer func() {
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
		_ = resp.Body.Close()
	}()

	total := int64(-1)
	switch {
	case resp.StatusCode == http.StatusOK:
		if resp.ContentLength >= 0 {
			total = resp.ContentLength
		}
		if have > 0 {
			// Range ignored: the body is the whole file; start over.
			if err := f.Truncate(0); err != nil {
				return have, -1, errNoRetry{err}
			}
			have = 0
		}
	case resp.StatusCode == http.StatusPartialContent:
		start, tot, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != have {
			return have, -1, &errRestart{cause: fmt.Errorf("the server answered the range request for byte %d with %q", have, resp.Header.Get("Content-Range"))}
		}
		total = tot
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && have > 0:
		if _, tot, ok := parseContentRange(resp.Header.Get("Content-Range")); ok && tot == have {
			return have, tot, nil // we already have all of it
		}
		return have, -1, &errRestart{cause: errors.New("the server cannot serve the rest of the file (416)")}
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized:
		return have, -1, &errExpired{status: resp.StatusCode}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return have, -1, fmt.Errorf("the server answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	default:
		return have, -1, errNoRetry{fmt.Errorf("the server answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	if _, err := f.Seek(have, io.SeekStart); err != nil {
		return have, -1, errNoRetry{err}
	}
	n, err := d.copy(ctx, f, resp.Body, stall, have, total)
	return have + n, total, err
}

// copy streams body into f through a fixed buffer, resetting the stall
// timer on every read and reporting progress.
func (d *downloader) copy(ctx context.Context, f *os.File, body io.Reader, stall *time.Timer, base, total int64) (int64, error) {
	buf := make([]byte, downloadBuffer)
	var n int64
	lastReport := d.clock.Now()
	for {
		m, rerr := body.Read(buf)
		if m > 0 {
			stall.Reset(d.stall)
			if _, werr := f.Write(buf[:m]); werr != nil {
				return n, errNoRetry{fmt.Errorf("writing the dump: %w", werr)}
			}
			n += int64(m)
			if now := d.clock.Now(); now.Sub(lastReport) >= time.Second {
				lastReport = now
				d.report(base+n, total, false)
			}
		}
		if errors.Is(rerr, io.EOF) {
			if total >= 0 && base+n < total {
				return n, io.ErrUnexpectedEOF
			}
			return n, nil
		}
		if rerr != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			return n, describeNetErr(rerr)
		}
	}
}

func (d *downloader) report(done, total int64, final bool) {
	if d.progress == nil {
		return
	}
	rate := 0.0
	if secs := d.clock.Now().Sub(d.start).Seconds(); secs > 0 {
		rate = float64(done) / secs
	}
	d.progress(done, total, rate, final)
}

// describeNetErr strips the URL (which url.Error repeats) from a transport
// error. A canceled attempt context means the stall timer fired (the
// caller checks its own context first).
func describeNetErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.Canceled) {
		return errors.New("no data received for too long (stalled)")
	}
	return errors.New(RedactURL(err.Error()))
}

// parseContentRange parses "bytes 100-199/1000" and "bytes */1000".
// The total is -1 when it is "*".
func parseContentRange(v string) (start, total int64, ok bool) {
	v = strings.TrimSpace(v)
	rest, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	total = -1
	if tot != "*" {
		t, err := strconv.ParseInt(tot, 10, 64)
		if err != nil || t < 0 {
			return 0, 0, false
		}
		total = t
	}
	if rng == "*" {
		return 0, total, true
	}
	first, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	s, err := strconv.ParseInt(first, 10, 64)
	if err != nil || s < 0 {
		return 0, 0, false
	}
	return s, total, true
}
