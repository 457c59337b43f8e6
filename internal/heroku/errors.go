package heroku

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// ErrMissingAPIKey is returned by every call of a Client built without an API key.
// No request is sent.
var ErrMissingAPIKey = errors.New("no Heroku API key: set heroku_api_key in the provider configuration, " +
	"set the HEROKU_API_KEY environment variable, or log in with `heroku login` " +
	"(which writes a ~/.netrc entry for machine api.heroku.com)")

// APIError is a non-2xx answer from the Heroku API. It never holds the API
// key, request headers or the body of a successful response.
type APIError struct {
	Method     string
	Path       string // request path without host or query, e.g. /apps/acme-api
	App        string // app the call was about; may be empty
	StatusCode int
	ID         string // Heroku error id, e.g. not_found, unauthorized, rate_limit
	Message    string
	Resource   string // Heroku's "resource" field, when given
}

// Error reads like
// `GET /apps/acme-api (app "acme-api"): 404 not_found: Couldn't find that app.`
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	if e.App != "" {
		fmt.Fprintf(&b, " (app %q)", e.App)
	}
	fmt.Fprintf(&b, ": %d", e.StatusCode)
	if e.ID != "" {
		b.WriteByte(' ')
		b.WriteString(e.ID)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// IsNotFound reports whether err is (or wraps) a Heroku 404 / not_found.
func IsNotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && (e.StatusCode == http.StatusNotFound || e.ID == "not_found")
}

// IsUnauthorized reports whether err is (or wraps) a Heroku 401: the API key
// was missing, invalid or revoked.
func IsUnauthorized(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == http.StatusUnauthorized
}

// IsRateLimited reports whether err is (or wraps) a Heroku 429 / rate_limit.
func IsRateLimited(err error) bool {
	var e *APIError
	return errors.As(err, &e) && (e.StatusCode == http.StatusTooManyRequests || e.ID == "rate_limit")
}

// maxErrorText bounds the text taken from a non-JSON error body.
const maxErrorText = 512

// newAPIError builds an APIError from an error response. body is the
// (bounded) error body; secret is redacted from every server-provided text.
func newAPIError(method, path, app string, status int, body []byte, secret string) *APIError {
	e := &APIError{Method: method, Path: path, App: app, StatusCode: status}
	var payload struct {
		ID       string `json:"id"`
		Message  string `json:"message"`
		Resource string `json:"resource"`
	}
	if err := json.Unmarshal(body, &payload); err == nil && (payload.ID != "" || payload.Message != "") {
		e.ID = clean(payload.ID, 128, secret)
		e.Message = clean(payload.Message, 2*maxErrorText, secret)
		e.Resource = clean(payload.Resource, 128, secret)
	} else {
		e.Message = clean(string(body), maxErrorText, secret)
	}
	if e.ID == "" {
		switch status {
		case http.StatusUnauthorized:
			e.ID = "unauthorized"
		case http.StatusForbidden:
			e.ID = "forbidden"
		case http.StatusNotFound:
			e.ID = "not_found"
		case http.StatusTooManyRequests:
			e.ID = "rate_limit"
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	if status == http.StatusUnauthorized {
		e.Message = "authentication failed: Heroku rejected the API key (server said: " + e.Message + ")"
	}
	return e
}

// clean makes server text fit for an error message: valid UTF-8, one line,
// at most limit bytes, and without the secret.
func clean(s string, limit int, secret string) string {
	if secret != "" {
		s = strings.ReplaceAll(s, "Bearer "+secret, "[REDACTED]")
		s = strings.ReplaceAll(s, secret, "[REDACTED]")
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > limit {
		cut := limit - len("…")
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	if secret != "" {
		// Truncation cannot re-create the secret, but be explicit about it.
		s = strings.ReplaceAll(s, secret, "[REDACTED]")
	}
	return s
}
