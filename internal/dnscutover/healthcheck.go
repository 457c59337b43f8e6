package dnscutover

import (
	"context"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// HealthCheck is a Route 53 health check owned by one side of the pair.
type HealthCheck struct {
	// Type is "HTTPS" or "HTTP".
	Type string
	// FQDN is the host name Route 53's checkers resolve and connect to.
	FQDN string
	// Path is requested by the checkers; it must start with "/".
	Path string
	// Port is 1 to 65535; 0 means 443 for HTTPS, 80 for HTTP.
	Port int
	// RequestInterval is 10 or 30 seconds; it cannot change after
	// creation.
	RequestInterval int
	// FailureThreshold is how many checks in a row flip the status, 1 to 10.
	FailureThreshold int
	// EnableSNI sends FQDN as the TLS server name (HTTPS).
	EnableSNI bool
}

// Validate checks a health check; attributes are under attrPrefix, such as
// "aws.health_check.request_interval".
func (h HealthCheck) Validate(attrPrefix string) problem.List {
	return problem.List{problem.Errorf(attrPrefix, "Not Implemented", "not implemented")}
}

// CreateHealthCheck creates h; callerRef makes the call idempotent.
func (e *Engine) CreateHealthCheck(ctx context.Context, callerRef string, h HealthCheck) (string, error) {
	return "", errNotImplemented
}

// UpdateHealthCheck brings the check id to h, reading its version first.
// A change of Type or RequestInterval cannot be made in place: the caller
// must replace the check.
func (e *Engine) UpdateHealthCheck(ctx context.Context, id string, h HealthCheck) error {
	return errNotImplemented
}

// DeleteHealthCheck deletes the check id; one that does not exist counts
// as deleted.
func (e *Engine) DeleteHealthCheck(ctx context.Context, id string) error {
	return errNotImplemented
}

// ReadHealthCheck returns the check id and whether it exists.
func (e *Engine) ReadHealthCheck(ctx context.Context, id string) (HealthCheck, bool, error) {
	return HealthCheck{}, false, errNotImplemented
}
