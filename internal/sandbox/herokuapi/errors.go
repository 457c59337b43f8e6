package herokuapi

import (
	"fmt"
	"net/http"
)

// apiError is a Heroku-shaped error answer: a status code and the JSON body
// {"id": ..., "message": ...[, "resource": ...]}.
type apiError struct {
	Status   int    `json:"-"`
	ID       string `json:"id"`
	Message  string `json:"message"`
	Resource string `json:"resource,omitempty"`
	// Limit and URL come with cannot_run_above_limit.
	Limit *int   `json:"limit,omitempty"`
	URL   string `json:"url,omitempty"`
}

var (
	errUnauthorized = &apiError{
		Status:  http.StatusUnauthorized,
		ID:      "unauthorized",
		Message: "Invalid credentials provided.",
	}
	errRateLimit = &apiError{
		Status:  http.StatusTooManyRequests,
		ID:      "rate_limit",
		Message: "Your account reached the API rate limit\nPlease wait a few minutes before making new requests",
	}
	// errNoRoute is what Heroku answers for a path or method it does not serve.
	errNoRoute = &apiError{
		Status:  http.StatusNotFound,
		ID:      "not_found",
		Message: "The requested API endpoint was not found. Are you using the right HTTP verb (i.e. `GET` vs. `POST`), and did you specify your intended version with the `Accept` header?",
	}
)

// errNotFound is the 404 for a missing resource, for example
// errNotFound("app", "app") → "Couldn't find that app.".
func errNotFound(resource, noun string) *apiError {
	return &apiError{
		Status:   http.StatusNotFound,
		ID:       "not_found",
		Message:  fmt.Sprintf("Couldn't find that %s.", noun),
		Resource: resource,
	}
}

func errBadRange(message string) *apiError {
	return &apiError{Status: http.StatusBadRequest, ID: "bad_request", Message: message}
}

// errInjected is the answer to a request failed on purpose by FailNext.
func errInjected(status int) *apiError {
	e := &apiError{Status: status}
	switch status {
	case http.StatusServiceUnavailable:
		e.ID, e.Message = "unavailable", "The service is temporarily unavailable. Please try again later."
	case http.StatusBadGateway:
		e.ID, e.Message = "bad_gateway", "The API is temporarily unable to reach a backend service. Please try again later."
	case http.StatusGatewayTimeout:
		e.ID, e.Message = "gateway_timeout", "The request timed out. Please try again later."
	default:
		e.ID, e.Message = "internal_server_error", "Internal server error."
	}
	return e
}
