package pgrestore

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// redacted replaces passwords in texts.
const redacted = "xxxxx"

var (
	// schemeRE finds the start of a URL of any scheme.
	schemeRE = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.\-]*://`)
	// kvPasswordRE finds password settings in query strings and libpq
	// key/value connection strings.
	kvPasswordRE = regexp.MustCompile(`(?i)\b(password|sslpassword)(\s*=\s*)('(?:[^'\\]|\\.)*'?|"[^"]*"?|[^\s&'"]*)`)
)

// RedactURL replaces the password of every URL inside s
// (postgres://user:secret@host/db, and any other scheme) with "xxxxx", as
// well as password=... settings in query strings and key/value connection
// strings. Everything else is left alone. It errs on the side of hiding
// too much: the user info ends at the last @ before the next whitespace or
// quote, so a password with a raw @ or / is hidden too.
func RedactURL(s string) string {
	if !strings.Contains(s, "://") && !strings.Contains(strings.ToLower(s), "password") {
		return s
	}
	var b strings.Builder
	rest := s
	for {
		loc := schemeRE.FindStringIndex(rest)
		if loc == nil {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:loc[1]])
		rest = rest[loc[1]:]
		end := strings.IndexFunc(rest, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '"' || r == '\'' || r == '`' || r == '<' || r == '>'
		})
		if end < 0 {
			end = len(rest)
		}
		token := rest[:end]
		if at := strings.LastIndexByte(token, '@'); at >= 0 {
			if colon := strings.IndexByte(token[:at], ':'); colon >= 0 {
				token = token[:colon+1] + redacted + token[at:]
			}
		}
		b.WriteString(token)
		rest = rest[end:]
	}
	return kvPasswordRE.ReplaceAllString(b.String(), "${1}${2}"+redacted)
}

// redactor hides known secrets (the decoded passwords of the job's URLs,
// and the dump URL) in addition to what RedactURL finds.
type redactor struct {
	secrets []string
}

// minSecretLen is the shortest secret replaced literally everywhere; a
// shorter one would garble ordinary words, and RedactURL still hides it
// inside URLs.
const minSecretLen = 4

func (r *redactor) add(secret string) {
	if len(secret) < minSecretLen {
		return
	}
	if slices.Contains(r.secrets, secret) {
		return
	}
	r.secrets = append(r.secrets, secret)
	if esc := url.QueryEscape(secret); esc != secret {
		r.secrets = append(r.secrets, esc)
	}
	if esc := url.PathEscape(secret); esc != secret {
		r.secrets = append(r.secrets, esc)
	}
}

func (r *redactor) redact(s string) string {
	if r != nil {
		for _, secret := range r.secrets {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	return RedactURL(s)
}

// redactedError keeps the chain of err (errors.Is/As still work) but
// reports a redacted text.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func (r *redactor) wrap(err error) error {
	if err == nil {
		return nil
	}
	msg := r.redact(err.Error())
	var re *redactedError
	if errors.As(err, &re) && re.msg == msg {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

// errorf is fmt.Errorf with the result redacted.
func (r *redactor) errorf(format string, args ...any) error {
	return r.wrap(fmt.Errorf(format, args...))
}

// dbURL is a parsed postgres:// URL.
type dbURL struct {
	u        *url.URL
	user     string
	password string
	hasPass  bool
	host     string // empty: unix socket or libpq default
	port     string
	dbname   string
}

// parseDBURL parses a postgres:// or postgresql:// URL. Its errors never
// contain the URL (it may hold a password).
func parseDBURL(raw string) (*dbURL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("the URL is empty")
	}
	scheme, _, ok := strings.Cut(raw, "://")
	if !ok {
		if strings.Contains(raw, "=") {
			return nil, errors.New("a key/value connection string was given; use a postgres://user:password@host:port/dbname URL")
		}
		return nil, errors.New("not a URL; use postgres://user:password@host:port/dbname")
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
	default:
		return nil, fmt.Errorf("the scheme is %q; use postgres:// or postgresql://", scheme)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL
		}
		msg := RedactURL(err.Error())
		if strings.Contains(msg, ",") || strings.Count(raw, ",") > 0 {
			msg += " (several hosts in one URL are not supported)"
		}
		return nil, fmt.Errorf("cannot parse the URL: %s", msg)
	}
	d := &dbURL{u: u, host: u.Hostname(), port: u.Port()}
	if u.User != nil {
		d.user = u.User.Username()
		d.password, d.hasPass = u.User.Password()
	}
	q := u.Query()
	if v := q.Get("password"); v != "" && !d.hasPass {
		d.password, d.hasPass = v, true
	}
	if v := q.Get("user"); v != "" && d.user == "" {
		d.user = v
	}
	if v := q.Get("host"); v != "" {
		d.host = v
	}
	if v := q.Get("port"); v != "" && d.port == "" {
		d.port = v
	}
	d.dbname = strings.TrimPrefix(u.Path, "/")
	if v := q.Get("dbname"); v != "" {
		d.dbname = v
	}
	if strings.Contains(d.dbname, "/") {
		return nil, errors.New("the database name (the URL path) contains a slash")
	}
	return d, nil
}

// loopback reports whether the URL points at this machine: localhost, a
// loopback address, or a unix socket (no host, or a host that is a path).
func (d *dbURL) loopback() bool {
	h := strings.ToLower(strings.Trim(d.host, "[]"))
	if h == "" || strings.HasPrefix(h, "/") || h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// sslMode returns the URL's sslmode, or "" when it sets none.
func (d *dbURL) sslMode() string { return d.u.Query().Get("sslmode") }

// withSSL returns a copy of the URL with sslmode=def added when the URL
// sets no sslmode and does not point at this machine.
func (d *dbURL) withSSL(def string) *url.URL {
	u := *d.u
	if d.sslMode() == "" && !d.loopback() && def != "" {
		q := u.Query()
		q.Set("sslmode", def)
		u.RawQuery = q.Encode()
	}
	return &u
}

// connURL is the URL for pgx: the original, with the default sslmode.
func (d *dbURL) connURL(defSSL string) string { return d.withSSL(defSSL).String() }

// noPasswordURL is the connection string for child processes: the URL
// without its password (which goes to a PGPASSFILE), with the default
// sslmode.
func (d *dbURL) noPasswordURL(defSSL string) string {
	u := d.withSSL(defSSL)
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	if q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// display is the redacted URL, for messages.
func (d *dbURL) display() string {
	u := *d.u
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), redacted)
		}
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", redacted)
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// sameDatabase reports whether two URLs name the same database on the
// same server (as far as the URLs tell).
func sameDatabase(a, b *dbURL) bool {
	port := func(p string) string {
		if p == "" {
			return "5432"
		}
		return p
	}
	host := func(h string) string {
		h = strings.ToLower(strings.Trim(h, "[]"))
		if h == "" || h == "localhost" || h == "127.0.0.1" || h == "::1" {
			return "local"
		}
		return h
	}
	return host(a.host) == host(b.host) && port(a.port) == port(b.port) && a.dbname == b.dbname
}

// pgpassLine is a PGPASSFILE line that matches any connection of the child
// it is written for: *:*:*:*:password, with \ and : escaped.
func pgpassLine(password string) string {
	esc := strings.NewReplacer(`\`, `\\`, `:`, `\:`).Replace(password)
	return "*:*:*:*:" + esc + "\n"
}
