package dnscutover

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// Defaults of an owned health check.
const (
	DefaultHealthCheckType             = "HTTPS"
	DefaultHealthCheckRequestInterval  = 30
	DefaultHealthCheckFailureThreshold = 3
)

// inUseWait bounds how long DeleteHealthCheck retries HealthCheckInUse: a
// record that stopped referencing the check a moment ago may still be
// seen as referencing it, since Route 53 applies changes eventually.
const inUseWait = 30 * time.Second

// HealthCheck is a Route 53 health check owned by one side of the pair.
// Route 53 leaves a weighted record whose check is unhealthy out of its
// answers, and answers from the healthy records of weight 0 when every
// record of non-zero weight is unhealthy; see
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html .
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

func (h HealthCheck) port() int {
	switch {
	case h.Port != 0:
		return h.Port
	case h.Type == "HTTP":
		return 80
	}
	return 443
}

// Validate checks a health check; attributes are under attrPrefix, such as
// "aws.health_check.request_interval". The limits are CreateHealthCheck's:
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html .
func (h HealthCheck) Validate(attrPrefix string) problem.List {
	var out problem.List
	errorf := func(name, summary, format string, args ...any) {
		out = append(out, problem.Errorf(attrPrefix+"."+name, summary, format, args...))
	}
	if h.Type != "HTTPS" && h.Type != "HTTP" {
		errorf("type", "Invalid Health Check Type", "%s.type is %q; use \"HTTPS\" or \"HTTP\".", attrPrefix, h.Type)
	}
	if err := ValidHostname(h.FQDN); err != nil {
		errorf("fqdn", "Invalid Health Check Host", "%s.fqdn: %s.", attrPrefix, err)
	}
	if !strings.HasPrefix(h.Path, "/") || len(h.Path) > 255 {
		errorf("path", "Invalid Health Check Path",
			"%s.path must start with \"/\" and hold at most 255 characters, such as \"/health\".", attrPrefix)
	}
	if h.Port < 0 || h.Port > 65535 {
		errorf("port", "Invalid Health Check Port", "%s.port is %d; use 1 to 65535.", attrPrefix, h.Port)
	}
	if h.RequestInterval != 10 && h.RequestInterval != 30 {
		errorf("request_interval", "Invalid Health Check Interval",
			"%s.request_interval is %d; Route 53 checks every 10 or every 30 seconds.", attrPrefix, h.RequestInterval)
	}
	if h.FailureThreshold < 1 || h.FailureThreshold > 10 {
		errorf("failure_threshold", "Invalid Failure Threshold",
			"%s.failure_threshold is %d; use 1 to 10 consecutive checks.", attrPrefix, h.FailureThreshold)
	}
	return out
}

// CreateHealthCheck creates h and returns its id. callerRef makes the call
// idempotent: the same reference with the same configuration returns the
// same check, with another configuration HealthCheckAlreadyExists.
func (e *Engine) CreateHealthCheck(ctx context.Context, callerRef string, h HealthCheck) (string, error) {
	if err := h.Validate("health_check").Err(); err != nil {
		return "", err
	}
	var out *route53.CreateHealthCheckOutput
	err := e.retrying(ctx, "CreateHealthCheck", func() error {
		var err error
		out, err = e.R53.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{
			CallerReference: aws.String(callerRef),
			HealthCheckConfig: &types.HealthCheckConfig{
				Type: types.HealthCheckType(h.Type), FullyQualifiedDomainName: aws.String(h.FQDN),
				ResourcePath: aws.String(h.Path), Port: aws.Int32(int32(h.port())), // validated 1..65535
				RequestInterval:  aws.Int32(int32(h.RequestInterval)),  // validated 10|30
				FailureThreshold: aws.Int32(int32(h.FailureThreshold)), // validated 1..10
				EnableSNI:        aws.Bool(h.EnableSNI),
			},
		})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("creating the health check of %s: %w", h.FQDN, err)
	}
	return aws.ToString(out.HealthCheck.Id), nil
}

// UpdateHealthCheck brings the check id to h, reading its version first
// so that an intervening change is not overwritten (a version mismatch is
// read and tried again, a few times). A change of Type or RequestInterval
// cannot be made in place: the caller must replace the check.
func (e *Engine) UpdateHealthCheck(ctx context.Context, id string, h HealthCheck) error {
	if err := h.Validate("health_check").Err(); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		hc, version, exists, err := e.getHealthCheck(ctx, id)
		switch {
		case err != nil:
			return err
		case !exists:
			return fmt.Errorf("health check %s does not exist", id)
		case hc.Type != h.Type || hc.RequestInterval != h.RequestInterval:
			return fmt.Errorf("health check %s is %s every %ds; a change of type or request_interval needs a new health check",
				id, hc.Type, hc.RequestInterval)
		}
		err = e.retrying(ctx, "UpdateHealthCheck", func() error {
			_, err := e.R53.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{
				HealthCheckId: aws.String(id), HealthCheckVersion: aws.Int64(version),
				FullyQualifiedDomainName: aws.String(h.FQDN), ResourcePath: aws.String(h.Path),
				Port:             aws.Int32(int32(h.port())),           // validated 1..65535
				FailureThreshold: aws.Int32(int32(h.FailureThreshold)), // validated 1..10
				EnableSNI:        aws.Bool(h.EnableSNI),
			})
			return err
		})
		var mismatch *types.HealthCheckVersionMismatch
		if errors.As(err, &mismatch) && attempt < 3 {
			continue
		}
		if err != nil {
			return fmt.Errorf("updating health check %s: %w", id, err)
		}
		return nil
	}
}

// DeleteHealthCheck deletes the check id; one that does not exist counts
// as deleted. HealthCheckInUse (a record still seen referencing it) is
// retried for up to 30 seconds.
func (e *Engine) DeleteHealthCheck(ctx context.Context, id string) error {
	wait, waited := time.Second, time.Duration(0)
	for {
		err := e.retrying(ctx, "DeleteHealthCheck", func() error {
			_, err := e.R53.DeleteHealthCheck(ctx, &route53.DeleteHealthCheckInput{HealthCheckId: aws.String(id)})
			return err
		})
		var missing *types.NoSuchHealthCheck
		var inUse *types.HealthCheckInUse
		switch {
		case err == nil, errors.As(err, &missing):
			return nil
		case errors.As(err, &inUse) && waited < inUseWait:
			e.logger().DebugContext(ctx, "Health check still in use; waiting", "health_check_id", id, "wait", wait.String())
			if serr := e.sleep(ctx, wait); serr != nil {
				return fmt.Errorf("deleting health check %s: %w (still in use when the wait ended)", id, err)
			}
			waited += wait
			wait = min(wait*2, 8*time.Second)
		default:
			return fmt.Errorf("deleting health check %s: %w", id, err)
		}
	}
}

// ReadHealthCheck returns the check id and whether it exists.
func (e *Engine) ReadHealthCheck(ctx context.Context, id string) (HealthCheck, bool, error) {
	h, _, exists, err := e.getHealthCheck(ctx, id)
	return h, exists, err
}

func (e *Engine) getHealthCheck(ctx context.Context, id string) (HealthCheck, int64, bool, error) {
	var out *route53.GetHealthCheckOutput
	err := e.retrying(ctx, "GetHealthCheck", func() error {
		var err error
		out, err = e.R53.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: aws.String(id)})
		return err
	})
	var missing *types.NoSuchHealthCheck
	if errors.As(err, &missing) {
		return HealthCheck{}, 0, false, nil
	}
	if err != nil {
		return HealthCheck{}, 0, false, fmt.Errorf("reading health check %s: %w", id, err)
	}
	c := out.HealthCheck.HealthCheckConfig
	if c == nil {
		c = &types.HealthCheckConfig{}
	}
	return HealthCheck{
		Type: string(c.Type), FQDN: aws.ToString(c.FullyQualifiedDomainName), Path: aws.ToString(c.ResourcePath),
		Port: int(aws.ToInt32(c.Port)), RequestInterval: int(aws.ToInt32(c.RequestInterval)),
		FailureThreshold: int(aws.ToInt32(c.FailureThreshold)), EnableSNI: aws.ToBool(c.EnableSNI),
	}, aws.ToInt64(out.HealthCheck.HealthCheckVersion), true, nil
}
