package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/dnscutover"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// The Route 53 health checks a side of heroku2aws_weighted_dns_record may
// own: planning their ids, creating them before the records reference
// them, updating them in place, and deleting them once no record does.
// Route 53 leaves a weighted record whose check is unhealthy out of its
// answers, and answers from the healthy records of weight 0 when every
// record of non-zero weight is unhealthy; see
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html .

type healthCheckModel struct {
	Type             types.String `tfsdk:"type"`
	FQDN             types.String `tfsdk:"fqdn"`
	Path             types.String `tfsdk:"path"`
	Port             types.Int64  `tfsdk:"port"`
	RequestInterval  types.Int64  `tfsdk:"request_interval"`
	FailureThreshold types.Int64  `tfsdk:"failure_threshold"`
}

// sideRef points at one side's health-check fields of a model.
type sideRef struct {
	name   string // "heroku" or "aws", the block's name
	id     *types.String
	check  **healthCheckModel
	target types.String // the default fqdn
}

// sideRefs returns the two sides of m (which has both blocks).
func sideRefs(m *weightedDNSRecordModel) []sideRef {
	awsTarget := m.AWS.Target
	if m.AWS.Alias != nil && awsTarget.IsNull() {
		awsTarget = m.AWS.Alias.Name
	}
	return []sideRef{
		{name: "heroku", id: &m.Heroku.HealthCheckID, check: &m.Heroku.HealthCheck, target: m.Heroku.Target},
		{name: "aws", id: &m.AWS.HealthCheckID, check: &m.AWS.HealthCheck, target: awsTarget},
	}
}

// expandHealthCheck converts a side's health_check block. SNI is on for
// HTTPS: the checkers then send fqdn as the TLS server name, as a browser
// would.
func expandHealthCheck(m *healthCheckModel) dnscutover.HealthCheck {
	return dnscutover.HealthCheck{
		Type:             m.Type.ValueString(),
		FQDN:             m.FQDN.ValueString(),
		Path:             m.Path.ValueString(),
		Port:             int(m.Port.ValueInt64()),
		RequestInterval:  int(m.RequestInterval.ValueInt64()),
		FailureThreshold: int(m.FailureThreshold.ValueInt64()),
		EnableSNI:        m.Type.ValueString() == "HTTPS",
	}
}

// flattenHealthCheck copies a check as Route 53 holds it into the block,
// so that a change made outside Terraform shows as an update. A port at
// its type's default stays unset when it was unset.
func flattenHealthCheck(m *healthCheckModel, h dnscutover.HealthCheck) {
	defaultPort := int64(443)
	if h.Type == "HTTP" {
		defaultPort = 80
	}
	m.Type = types.StringValue(h.Type)
	m.FQDN = types.StringValue(h.FQDN)
	m.Path = types.StringValue(h.Path)
	if !m.Port.IsNull() || int64(h.Port) != defaultPort {
		m.Port = types.Int64Value(int64(h.Port))
	}
	m.RequestInterval = types.Int64Value(int64(h.RequestInterval))
	m.FailureThreshold = types.Int64Value(int64(h.FailureThreshold))
}

func healthCheckKnown(m *healthCheckModel) bool {
	return !m.Type.IsUnknown() && !m.FQDN.IsUnknown() && !m.Path.IsUnknown() && !m.Port.IsUnknown() &&
		!m.RequestInterval.IsUnknown() && !m.FailureThreshold.IsUnknown()
}

// sameCheckKind reports whether a check planned as b can be the existing
// check a: Route 53 cannot change a check's type or request interval.
func sameCheckKind(a, b *healthCheckModel) bool {
	return a.Type.Equal(b.Type) && a.RequestInterval.Equal(b.RequestInterval)
}

// planHealthChecks sets each side's fqdn default and health_check_id in
// the plan: the configured id; the owned check's id while it can be kept;
// unknown when a check is to be created; null otherwise. It returns the
// findings of the planned checks.
func planHealthChecks(config, prior, plan *weightedDNSRecordModel) problem.List {
	var out problem.List
	cfgSides := sideRefs(config)
	var priorSides []sideRef
	if prior != nil && prior.Heroku != nil && prior.AWS != nil {
		priorSides = sideRefs(prior)
	}
	for i, s := range sideRefs(plan) {
		hc := *s.check
		if hc == nil {
			*s.id = *cfgSides[i].id
			continue
		}
		if cfg := *cfgSides[i].check; cfg != nil && cfg.FQDN.IsNull() {
			hc.FQDN = s.target
		}
		*s.id = types.StringUnknown()
		if priorSides != nil {
			if p := *priorSides[i].check; p != nil && !priorSides[i].id.IsNull() && !priorSides[i].id.IsUnknown() && sameCheckKind(p, hc) {
				*s.id = *priorSides[i].id
			}
		}
		if healthCheckKnown(hc) {
			out = append(out, expandHealthCheck(hc).Validate(s.name+".health_check")...)
		}
	}
	return out
}

// ownedHealthCheckIDs are the ids of the checks m's sides own.
func ownedHealthCheckIDs(m *weightedDNSRecordModel) []string {
	var ids []string
	for _, s := range sideRefs(m) {
		if *s.check != nil && !s.id.IsNull() && !s.id.IsUnknown() {
			ids = append(ids, s.id.ValueString())
		}
	}
	return ids
}

// healthChecksChanged reports whether an update changes an owned check.
func healthChecksChanged(prior, plan *weightedDNSRecordModel) bool {
	priorSides := sideRefs(prior)
	for i, s := range sideRefs(plan) {
		a, b := *priorSides[i].check, *s.check
		if (a == nil) != (b == nil) || !s.id.Equal(*priorSides[i].id) {
			return true
		}
		if a != nil && *a != *b {
			return true
		}
	}
	return false
}

// createHealthChecks creates the checks whose id the plan leaves unknown,
// and sets their ids in m. It returns the ids it created, also on error.
func createHealthChecks(ctx context.Context, engine *dnscutover.Engine, m *weightedDNSRecordModel) ([]string, error) {
	var created []string
	for _, s := range sideRefs(m) {
		if *s.check == nil || !s.id.IsUnknown() {
			continue
		}
		// The caller reference makes the engine's retries of one creation
		// idempotent; Route 53 refuses a reference used before, even by a
		// deleted check, so each creation takes a new one. See
		// https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHealthCheck.html .
		ref, err := callerReference(s.name)
		if err != nil {
			return created, err
		}
		id, err := engine.CreateHealthCheck(ctx, ref, expandHealthCheck(*s.check))
		if err != nil {
			return created, fmt.Errorf("creating the health check of the %s record: %w", s.name, err)
		}
		created = append(created, id)
		*s.id = types.StringValue(id)
	}
	return created, nil
}

// updateHealthChecks brings the owned checks that keep their id to the
// plan; on an error, that side's block goes back to the prior one, which
// is what Route 53 still holds.
func updateHealthChecks(ctx context.Context, engine *dnscutover.Engine, prior, plan *weightedDNSRecordModel) error {
	priorSides := sideRefs(prior)
	for i, s := range sideRefs(plan) {
		p, hc := *priorSides[i].check, *s.check
		if p == nil || hc == nil || *p == *hc || !s.id.Equal(*priorSides[i].id) {
			continue
		}
		if err := engine.UpdateHealthCheck(ctx, s.id.ValueString(), expandHealthCheck(hc)); err != nil {
			*s.check = p
			return fmt.Errorf("updating the health check of the %s record: %w", s.name, err)
		}
	}
	return nil
}

// deleteUnreferenced deletes the checks of candidates that neither record
// of m references any more (records first, then their checks).
func deleteUnreferenced(ctx context.Context, engine *dnscutover.Engine, m *weightedDNSRecordModel, candidates []string) error {
	var keep []string
	for _, s := range sideRefs(m) {
		keep = append(keep, s.id.ValueString())
	}
	for _, id := range candidates {
		if slices.Contains(keep, id) {
			continue
		}
		if err := engine.DeleteHealthCheck(ctx, id); err != nil {
			return fmt.Errorf("%w; delete the health check %s by hand (aws route53 delete-health-check --health-check-id %s)", err, id, id)
		}
	}
	return nil
}

// refreshHealthChecks reads the owned checks: a check deleted outside
// Terraform leaves its side's id null, so that the plan creates it again.
func refreshHealthChecks(ctx context.Context, engine *dnscutover.Engine, m *weightedDNSRecordModel, diags *diag.Diagnostics) {
	for _, s := range sideRefs(m) {
		if *s.check == nil || s.id.IsNull() {
			continue
		}
		h, exists, err := engine.ReadHealthCheck(ctx, s.id.ValueString())
		switch {
		case err != nil:
			diags.AddError("Error Reading Weighted DNS Record", fmt.Sprintf("Reading the health check of the %s record failed: %s", s.name, err))
			return
		case !exists:
			*s.id = types.StringNull()
		default:
			flattenHealthCheck(*s.check, h)
		}
	}
}

// callerReference is a new CreateHealthCheck reference: the side and 16
// random hex digits (Route 53 allows 64 characters).
func callerReference(side string) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "heroku2aws-" + side + "-" + hex.EncodeToString(b), nil
}

// cleanupHealthChecks deletes checks created by an apply that then
// changed nothing, and reports a failure as a warning.
func cleanupHealthChecks(ctx context.Context, engine *dnscutover.Engine, ids []string, diags *diag.Diagnostics) {
	for _, id := range ids {
		if err := engine.DeleteHealthCheck(ctx, id); err != nil {
			diags.AddWarning("Health Check Left Behind", fmt.Sprintf("The apply created health check %s, then failed; deleting "+
				"the check failed too: %s. Delete it by hand: aws route53 delete-health-check --health-check-id %s", id, err, id))
		}
	}
}
