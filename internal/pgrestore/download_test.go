package pgrestore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// content is deterministic pseudo-random data of any size, generated on
// the fly so that big downloads need no memory in the test either.
type content struct{ size int64 }

func (c content) ReadAt(p []byte, off int64) (int, error) {
	if off >= c.size {
		return 0, io.EOF
	}
	n := len(p)
	if rem := c.size - off; int64(n) > rem {
		n = int(rem)
	}
	for i := 0; i < n; i++ {
		x := uint64(off+int64(i)) * 0x9E3779B97F4A7C15
		p[i] = byte(x >> 56)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (c content) sum() [32]byte {
	h := sha256.New()
	_, _ = io.Copy(h, io.NewSectionReader(c, 0, c.size))
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}

func fileSum(t *testing.T, f *os.File) [32]byte {
	t.Helper()
	_, err := f.Seek(0, io.SeekStart)
	must(t, err)
	h := sha256.New()
	_, err = io.Copy(h, f)
	must(t, err)
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}

// serveContent serves c with Range support (http.ServeContent), cutting
// the first `cuts` answers after cutAt bytes.
func serveContent(c content, cutAt int64, cuts *atomic.Int32, ranges *[]string, mu *sync.Mutex) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		*ranges = append(*ranges, r.Header.Get("Range"))
		mu.Unlock()
		if cuts.Add(-1) >= 0 {
			w.Header().Set("Content-Length", strconv.FormatInt(c.size, 10))
			w.WriteHeader(http.StatusOK)
			_, _ = io.CopyN(w, io.NewSectionReader(c, 0, c.size), cutAt)
			panic(http.ErrAbortHandler) // the connection is cut
		}
		http.ServeContent(w, r, "x.dump", time.Time{}, io.NewSectionReader(c, 0, c.size))
	}
}

func newTestDownloader(srv *httptest.Server, refresh func(context.Context) (string, error)) (*downloader, *clock.Fake) {
	clk := clock.NewFake()
	return &downloader{
		client:   srv.Client(),
		clock:    clk,
		attempts: 3,
		stall:    5 * time.Second,
		refresh:  refresh,
		what:     "the test dump",
	}, clk
}

func tempFile(t *testing.T) *os.File {
	f, err := os.OpenFile(filepath.Join(t.TempDir(), "d"), os.O_CREATE|os.O_RDWR, 0o600)
	must(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

func TestDownloadResumesWithRange(t *testing.T) {
	t.Parallel()
	c := content{size: 3<<20 + 123}
	var cuts atomic.Int32
	cuts.Store(2)
	var mu sync.Mutex
	var ranges []string
	srv := httptest.NewServer(serveContent(c, 1<<20, &cuts, &ranges, &mu))
	defer srv.Close()
	d, clk := newTestDownloader(srv, nil)
	var reports []int64
	d.progress = func(done, total int64, rate float64, final bool) { reports = append(reports, done) }
	f := tempFile(t)
	n, err := d.download(context.Background(), srv.URL+"/x.dump?sig=secret", f)
	must(t, err)
	if n != c.size || fileSum(t, f) != c.sum() {
		t.Fatalf("downloaded %d bytes (want %d), content equal: %v", n, c.size, fileSum(t, f) == c.sum())
	}
	// First a plain GET cut at 1 MiB; the second request asks for the rest
	// (and is cut again: the 200 it gets restarts the file); the third
	// resumes.
	mu.Lock()
	defer mu.Unlock()
	if len(ranges) != 3 || ranges[0] != "" || ranges[1] != "bytes=1048576-" || ranges[2] != "bytes=1048576-" {
		t.Errorf("Range headers = %q", ranges)
	}
	// The first cut came after progress: resumed at once. The second
	// restarted from 0 and got no further: one backoff.
	if fmt.Sprint(clk.Sleeps()) != "[1s]" {
		t.Errorf("backoff = %v", clk.Sleeps())
	}
	if len(reports) == 0 || reports[len(reports)-1] != c.size {
		t.Errorf("progress = %v", reports)
	}
}

func TestDownloadRestartsWhenRangeIgnored(t *testing.T) {
	t.Parallel()
	c := content{size: 2<<20 + 5}
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.FormatInt(c.size, 10))
		w.WriteHeader(http.StatusOK) // never 206
		if calls.Add(1) == 1 {
			_, _ = io.CopyN(w, io.NewSectionReader(c, 0, c.size), 700_000)
			panic(http.ErrAbortHandler)
		}
		_, _ = io.Copy(w, io.NewSectionReader(c, 0, c.size))
	}))
	defer srv.Close()
	d, _ := newTestDownloader(srv, nil)
	f := tempFile(t)
	n, err := d.download(context.Background(), srv.URL, f)
	must(t, err)
	info, _ := f.Stat()
	if n != c.size || info.Size() != c.size || fileSum(t, f) != c.sum() {
		t.Errorf("n %d, file %d, want %d", n, info.Size(), c.size)
	}
}

func TestDownloadRefreshesExpiredURL(t *testing.T) {
	t.Parallel()
	c := content{size: 1<<20 + 77}
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Query().Get("token")+" "+r.Header.Get("Range"))
		mu.Unlock()
		switch r.URL.Query().Get("token") {
		case "old":
			if r.Header.Get("Range") != "" {
				http.Error(w, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", http.StatusForbidden)
				return
			}
			w.Header().Set("Content-Length", strconv.FormatInt(c.size, 10))
			_, _ = io.CopyN(w, io.NewSectionReader(c, 0, c.size), 300_000)
			panic(http.ErrAbortHandler)
		case "new":
			http.ServeContent(w, r, "x", time.Time{}, io.NewSectionReader(c, 0, c.size))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	var refreshes atomic.Int32
	d, _ := newTestDownloader(srv, func(context.Context) (string, error) {
		refreshes.Add(1)
		return srv.URL + "/x?token=new", nil
	})
	f := tempFile(t)
	n, err := d.download(context.Background(), srv.URL+"/x?token=old", f)
	must(t, err)
	if n != c.size || fileSum(t, f) != c.sum() || refreshes.Load() != 1 {
		t.Errorf("n %d, refreshes %d", n, refreshes.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(seen, "|") != "old |old bytes=300000-|new bytes=300000-" {
		t.Errorf("requests = %q", seen)
	}
}

func TestDownloadErrorsHideTheURL(t *testing.T) {
	t.Parallel()
	const secret = "X-Amz-Signature=Download-Canary-0042"
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		switch r.URL.Path {
		case "/expired":
			w.WriteHeader(http.StatusForbidden)
		case "/flaky":
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	for path, want := range map[string]string{
		"/expired": "the server refused the URL (403 Forbidden); it may have expired",
		"/flaky":   "giving up after 3 attempts without progress (0 bytes received): the server answered 503",
		"/missing": "the server answered 404 Not Found",
	} {
		d, clk := newTestDownloader(srv, nil)
		_, err := d.download(context.Background(), srv.URL+path+"?"+secret, tempFile(t))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), srv.URL) {
			t.Errorf("%s: err = %v", path, err)
		}
		if path == "/flaky" && fmt.Sprint(clk.Sleeps()) != "[1s 2s]" {
			t.Errorf("backoff = %v", clk.Sleeps())
		}
	}
	// A dead host: the transport error does not repeat the URL either.
	d, _ := newTestDownloader(srv, nil)
	d.attempts = 1
	_, err := d.download(context.Background(), "http://127.0.0.1:1/x?"+secret, tempFile(t))
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("dead host: err = %v", err)
	}
}

func TestDownloadStallIsResumed(t *testing.T) {
	t.Parallel()
	c := content{size: 400_000}
	var calls atomic.Int32
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Content-Length", strconv.FormatInt(c.size, 10))
			_, _ = io.CopyN(w, io.NewSectionReader(c, 0, c.size), 100_000)
			w.(http.Flusher).Flush()
			select { // then nothing: a stalled connection
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		http.ServeContent(w, r, "x", time.Time{}, io.NewSectionReader(c, 0, c.size))
	}))
	defer srv.Close()
	d, _ := newTestDownloader(srv, nil)
	d.stall = 200 * time.Millisecond
	f := tempFile(t)
	n, err := d.download(context.Background(), srv.URL, f)
	must(t, err)
	if n != c.size || fileSum(t, f) != c.sum() || calls.Load() != 2 {
		t.Errorf("n %d, calls %d", n, calls.Load())
	}
}

func TestDownloadCancel(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		_, _ = w.Write(bytes.Repeat([]byte{1}, 1000))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	d, _ := newTestDownloader(srv, nil)
	ctx, cancel := context.WithCancel(context.Background())
	d.progress = func(done, total int64, rate float64, final bool) {}
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	_, err := d.download(ctx, srv.URL, tempFile(t))
	if err != context.Canceled {
		t.Errorf("err = %v", err)
	}
}

// The dump streams to the file through a fixed buffer: the heap stays
// flat whatever the size.
func TestDownloadMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads 256 MiB")
	}
	c := content{size: 256 << 20}
	var cuts atomic.Int32
	cuts.Store(1)
	var mu sync.Mutex
	var ranges []string
	srv := httptest.NewServer(serveContent(c, 100<<20, &cuts, &ranges, &mu))
	defer srv.Close()
	d, _ := newTestDownloader(srv, nil)
	f := tempFile(t)
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	n, err := d.download(context.Background(), srv.URL, f)
	close(stop)
	<-sampled
	must(t, err)
	if n != c.size {
		t.Fatalf("n = %d", n)
	}
	t.Logf("256 MiB downloaded with one resume; peak heap in use %.1f MiB", float64(peak.Load())/(1<<20))
	if peak.Load() > 64<<20 {
		t.Errorf("peak heap %d bytes: the download is not streaming", peak.Load())
	}
	if fileSum(t, f) != c.sum() {
		t.Error("content differs")
	}
}

func TestParseContentRange(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][3]int64{
		"bytes 100-199/1000": {100, 1000, 1},
		"bytes 0-0/*":        {0, -1, 1},
		"bytes */1000":       {0, 1000, 1},
		"bytes x-1/2":        {0, 0, 0},
		"items 1-2/3":        {0, 0, 0},
		"":                   {0, 0, 0},
	} {
		s, tot, ok := parseContentRange(in)
		if s != want[0] || tot != want[1] || ok != (want[2] == 1) {
			t.Errorf("%q → %d %d %v", in, s, tot, ok)
		}
	}
}
