package herokuapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// backupsPathPrefix is where the sandbox serves backup files, standing in
// for the S3 presigned URLs Heroku hands out.
const backupsPathPrefix = "/_backups/"

// backupURL is one issued public URL.
type backupURL struct {
	t       *transfer
	issued  time.Time
	expires time.Time
	expired bool // ExpireBackupURLs
}

// ExpireBackupURLs makes every public URL issued so far expired: they
// answer 403 AccessDenied "Request has expired" from now on. URLs issued
// later work as usual.
func (s *Server) ExpireBackupURLs() {
	pg := s.pg
	pg.mu.Lock()
	defer pg.mu.Unlock()
	for _, u := range pg.urls {
		u.expired = true
	}
}

// CutDownloadsAfter makes the next download of a backup URL send n bytes
// of the file and then abort the connection mid-stream, as a network
// failure would; the download after it works, so a client can resume
// with a Range request. See CutNextDownloads.
func (s *Server) CutDownloadsAfter(n int64) { s.CutNextDownloads(1, n) }

// CutNextDownloads makes the next count downloads of backup URLs (GET
// requests with a valid, unexpired token, Range requests included) each
// send at most n bytes of their body and then abort the connection. A
// download shorter than n completes, and still counts. count <= 0
// cancels pending cuts.
func (s *Server) CutNextDownloads(count int, n int64) {
	pg := s.pg
	pg.mu.Lock()
	defer pg.mu.Unlock()
	pg.cutCount = max(count, 0)
	pg.cutAfter = max(n, 0)
}

// newToken is a random URL token.
func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// issueURL returns a new public URL of t, valid for the TTL. The caller
// holds pg.mu.
func (s *Server) issueURLLocked(r *http.Request, t *transfer) publicURLJSON {
	now := s.now()
	token := newToken()
	u := &backupURL{t: t, issued: now, expires: now.Add(s.backupURLTTL)}
	s.pg.urls[token] = u
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return publicURLJSON{
		ExpiresAt: dataTime(u.expires),
		URL:       scheme + "://" + r.Host + backupsPathPrefix + token,
	}
}

// s3Error is the XML error body S3 answers with.
type s3Error struct {
	XMLName    xml.Name `xml:"Error"`
	Code       string   `xml:"Code"`
	Message    string   `xml:"Message"`
	Key        string   `xml:"Key,omitempty"`
	XAmzExpire string   `xml:"X-Amz-Expires,omitempty"`
	Expires    string   `xml:"Expires,omitempty"`
	ServerTime string   `xml:"ServerTime,omitempty"`
	RequestID  string   `xml:"RequestId"`
	HostID     string   `xml:"HostId"`
}

func writeS3Error(w http.ResponseWriter, status int, e s3Error, requestID string) {
	e.RequestID = requestID
	e.HostID = deriveHex(40, "host-id", requestID)
	body, _ := xml.Marshal(e) // s3Error always marshals
	body = append([]byte(xml.Header), body...)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// serveBackup answers GET /_backups/{token} like an S3 presigned GET URL:
// the file with Range support, or S3's XML errors. It needs no
// authorization and costs no rate-limit token.
func (s *Server) serveBackup(w http.ResponseWriter, r *http.Request) {
	requestID := strings.ToUpper(deriveHex(16, "s3-request", strconv.FormatUint(s.requestSeq.Add(1), 10)))
	w.Header().Set("x-amz-request-id", requestID)
	token := strings.TrimPrefix(r.URL.Path, backupsPathPrefix)
	if r.Method != http.MethodGet {
		// The URL is signed for GET; S3 rejects any other method.
		writeS3Error(w, http.StatusForbidden, s3Error{
			Code:    "SignatureDoesNotMatch",
			Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		}, requestID)
		return
	}
	pg := s.pg
	now := s.now()
	pg.mu.Lock()
	u := pg.urls[token]
	var (
		file, etag string
		modTime    time.Time
		cut        = int64(-1)
	)
	if u != nil {
		file, etag, modTime = u.t.file, u.t.etag, u.t.modTime
	}
	valid := u != nil && !u.expired && now.Before(u.expires)
	if valid && file != "" && pg.cutCount > 0 {
		pg.cutCount--
		cut = pg.cutAfter
	}
	pg.mu.Unlock()

	switch {
	case u == nil:
		writeS3Error(w, http.StatusForbidden, s3Error{Code: "AccessDenied", Message: "Access Denied"}, requestID)
		return
	case !valid:
		writeS3Error(w, http.StatusForbidden, s3Error{
			Code:       "AccessDenied",
			Message:    "Request has expired",
			XAmzExpire: strconv.Itoa(int(u.expires.Sub(u.issued).Seconds())),
			Expires:    u.expires.UTC().Format("2006-01-02T15:04:05Z"),
			ServerTime: now.UTC().Format("2006-01-02T15:04:05Z"),
		}, requestID)
		return
	}
	key := u.t.appID + "/" + u.t.uuid + "/backup.dump"
	if file == "" {
		writeS3Error(w, http.StatusNotFound, s3Error{Code: "NoSuchKey", Message: "The specified key does not exist.", Key: key}, requestID)
		return
	}
	f, err := os.Open(file)
	if err != nil {
		writeS3Error(w, http.StatusNotFound, s3Error{Code: "NoSuchKey", Message: "The specified key does not exist.", Key: key}, requestID)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	if etag != "" {
		h.Set("ETag", `"`+etag+`"`)
	}
	if cut >= 0 {
		w = &cutWriter{ResponseWriter: w, left: cut}
	}
	http.ServeContent(w, r, "", modTime, f)
}

// cutWriter passes on left bytes of the body, then flushes them and
// aborts the connection (http.ErrAbortHandler), so that the client sees
// the body end early.
type cutWriter struct {
	http.ResponseWriter
	left int64
}

func (w *cutWriter) Write(p []byte) (int, error) {
	if int64(len(p)) <= w.left {
		w.left -= int64(len(p))
		return w.ResponseWriter.Write(p)
	}
	_, _ = w.ResponseWriter.Write(p[:w.left])
	w.left = 0
	_ = http.NewResponseController(w.ResponseWriter).Flush()
	panic(http.ErrAbortHandler)
}

func (w *cutWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
