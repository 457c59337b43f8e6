package dnscutover

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// hcAPI is a Route 53 health-check API in memory with the errors the
// tests inject: inUse HealthCheckInUse answers to DeleteHealthCheck, and a
// version bump behind the caller's back before the first update.
type hcAPI struct {
	Route53API
	checks   map[string]*types.HealthCheck
	inUse    int
	bumpOnce bool
	calls    []string
}

func (a *hcAPI) CreateHealthCheck(_ context.Context, in *route53.CreateHealthCheckInput, _ ...func(*route53.Options)) (*route53.CreateHealthCheckOutput, error) {
	a.calls = append(a.calls, "Create")
	id := "hc-" + aws.ToString(in.CallerReference)
	c := *in.HealthCheckConfig
	a.checks[id] = &types.HealthCheck{Id: aws.String(id), CallerReference: in.CallerReference, HealthCheckConfig: &c, HealthCheckVersion: aws.Int64(1)}
	return &route53.CreateHealthCheckOutput{HealthCheck: a.checks[id]}, nil
}

func (a *hcAPI) GetHealthCheck(_ context.Context, in *route53.GetHealthCheckInput, _ ...func(*route53.Options)) (*route53.GetHealthCheckOutput, error) {
	a.calls = append(a.calls, "Get")
	hc := a.checks[aws.ToString(in.HealthCheckId)]
	if hc == nil {
		return nil, &types.NoSuchHealthCheck{Message: aws.String("No health check exists with the specified ID")}
	}
	return &route53.GetHealthCheckOutput{HealthCheck: hc}, nil
}

func (a *hcAPI) UpdateHealthCheck(_ context.Context, in *route53.UpdateHealthCheckInput, _ ...func(*route53.Options)) (*route53.UpdateHealthCheckOutput, error) {
	a.calls = append(a.calls, "Update")
	hc := a.checks[aws.ToString(in.HealthCheckId)]
	if a.bumpOnce {
		a.bumpOnce = false
		*hc.HealthCheckVersion++
	}
	if aws.ToInt64(in.HealthCheckVersion) != *hc.HealthCheckVersion {
		return nil, &types.HealthCheckVersionMismatch{Message: aws.String("version mismatch")}
	}
	c := hc.HealthCheckConfig
	c.FullyQualifiedDomainName, c.ResourcePath, c.Port, c.FailureThreshold, c.EnableSNI =
		in.FullyQualifiedDomainName, in.ResourcePath, in.Port, in.FailureThreshold, in.EnableSNI
	*hc.HealthCheckVersion++
	return &route53.UpdateHealthCheckOutput{HealthCheck: hc}, nil
}

func (a *hcAPI) DeleteHealthCheck(_ context.Context, in *route53.DeleteHealthCheckInput, _ ...func(*route53.Options)) (*route53.DeleteHealthCheckOutput, error) {
	a.calls = append(a.calls, "Delete")
	id := aws.ToString(in.HealthCheckId)
	if a.checks[id] == nil {
		return nil, &types.NoSuchHealthCheck{Message: aws.String("No health check exists with the specified ID")}
	}
	if a.inUse > 0 {
		a.inUse--
		return nil, &types.HealthCheckInUse{Message: aws.String("The health check is still referenced")}
	}
	delete(a.checks, id)
	return &route53.DeleteHealthCheckOutput{}, nil
}

var awsCheck = HealthCheck{Type: "HTTPS", FQDN: "alb-1.us-east-1.elb.amazonaws.com", Path: "/health", RequestInterval: 30, FailureThreshold: 3, EnableSNI: true}

// Create, read, update in place (a version changed behind our back is
// read again), delete, and a second delete of a check already gone.
func TestHealthCheckLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	api := &hcAPI{checks: map[string]*types.HealthCheck{}}
	clk := clock.NewFake()
	e := &Engine{R53: api, Clock: clk}
	id, err := e.CreateHealthCheck(ctx, "ref1", awsCheck)
	if err != nil || id != "hc-ref1" {
		t.Fatalf("create: %q %v", id, err)
	}
	got, ok, err := e.ReadHealthCheck(ctx, id)
	if err != nil || !ok || got != (HealthCheck{Type: "HTTPS", FQDN: awsCheck.FQDN, Path: "/health", Port: 443, RequestInterval: 30, FailureThreshold: 3, EnableSNI: true}) {
		t.Fatalf("read: %+v %v %v", got, ok, err)
	}
	upd := awsCheck
	upd.Path, upd.FailureThreshold = "/ready", 5
	api.bumpOnce = true
	if err := e.UpdateHealthCheck(ctx, id, upd); err != nil {
		t.Fatalf("update: %v", err)
	}
	if got, _, _ := e.ReadHealthCheck(ctx, id); got.Path != "/ready" || got.FailureThreshold != 5 {
		t.Errorf("after update: %+v", got)
	}
	if want := "Create Get Get Update Get Update Get"; strings.Join(api.calls, " ") != want {
		t.Errorf("calls %v, want %s", api.calls, want)
	}
	// Interval and type cannot change in place.
	upd.RequestInterval = 10
	if err := e.UpdateHealthCheck(ctx, id, upd); err == nil || !strings.Contains(err.Error(), "needs a new health check") {
		t.Errorf("interval change: %v", err)
	}
	// Still in use twice (records changed a moment ago), then deleted.
	api.inUse = 2
	if err := e.DeleteHealthCheck(ctx, id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if s := clk.Sleeps(); len(s) != 2 || s[0] != time.Second || s[1] != 2*time.Second {
		t.Errorf("in-use waits %v, want [1s 2s]", s)
	}
	if err := e.DeleteHealthCheck(ctx, id); err != nil {
		t.Errorf("deleting a deleted check: %v", err)
	}
	if _, ok, err := e.ReadHealthCheck(ctx, id); ok || err != nil {
		t.Errorf("read after delete: %v %v", ok, err)
	}
	if err := e.UpdateHealthCheck(ctx, id, awsCheck); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("update of a deleted check: %v", err)
	}
}

// A check that stays in use gives up after about 30s of waiting, with
// Route 53's error.
func TestDeleteHealthCheckStaysInUse(t *testing.T) {
	t.Parallel()
	api := &hcAPI{checks: map[string]*types.HealthCheck{}, inUse: 1 << 20}
	clk := clock.NewFake()
	e := &Engine{R53: api, Clock: clk}
	id, _ := e.CreateHealthCheck(context.Background(), "ref", awsCheck)
	err := e.DeleteHealthCheck(context.Background(), id)
	var inUse *types.HealthCheckInUse
	if !errors.As(err, &inUse) || clk.Elapsed() < inUseWait || clk.Elapsed() > inUseWait+10*time.Second {
		t.Fatalf("err %v after %v", err, clk.Elapsed())
	}
	if _, err := e.CreateHealthCheck(context.Background(), "bad", HealthCheck{Type: "TCP"}); err == nil {
		t.Error("an invalid check was created")
	}
}

// Against the Route 53 sandbox: an owned check on each side is attached
// by a shift, Route 53 answers from the healthy side, the check is
// updated in place, its delete waits while a record still names it (the
// sandbox refusing in-use deletes as Route 53 once did), and the same
// caller reference creates once.
func TestHealthChecksOnTheSandbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := clock.NewFake()
	srv, e, p := sandboxEngine(t, clk)
	herokuCheck := HealthCheck{Type: "HTTPS", FQDN: p.Heroku.Target, Path: "/", RequestInterval: 30, FailureThreshold: 3, EnableSNI: true}
	hID, err := e.CreateHealthCheck(ctx, "pair-heroku", herokuCheck)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.CreateHealthCheck(ctx, "pair-heroku", herokuCheck)
	if err != nil || again != hID {
		t.Fatalf("the same caller reference: %q %v, want %q", again, err, hID)
	}
	awsSide := awsCheck
	awsSide.FQDN = p.AWS.Target
	aID, err := e.CreateHealthCheck(ctx, "pair-aws", awsSide)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok, err := e.ReadHealthCheck(ctx, aID); err != nil || !ok || got.Path != "/health" || got.Port != 443 || got.RequestInterval != 30 {
		t.Fatalf("read: %+v %v %v", got, ok, err)
	}
	to := withWeights(p, 0, 100)
	to.Heroku.HealthCheckID, to.AWS.HealthCheckID = hID, aID
	if _, err := e.Shift(ctx, p, to, nil, nil); err != nil {
		t.Fatal(err)
	}
	// The AWS side goes unhealthy: Route 53 answers from Heroku's weight 0.
	if err := srv.SetHealthCheckStatus(aID, false); err != nil {
		t.Fatal(err)
	}
	el, err := srv.EligibleRecords(p.ZoneID, p.Name, RecordType)
	if err != nil || len(el) != 1 || el[0].SetIdentifier != "heroku" {
		t.Fatalf("eligible %+v %v, want Heroku alone", el, err)
	}
	awsSide.Path, awsSide.FailureThreshold = "/ready", 2
	if err := e.UpdateHealthCheck(ctx, aID, awsSide); err != nil {
		t.Fatal(err)
	}
	for _, hc := range srv.HealthChecks() {
		if hc.ID == aID && (hc.ResourcePath != "/ready" || hc.FailureThreshold != 2 || hc.Version != 2 || hc.References != 1) {
			t.Errorf("after update: %+v", hc)
		}
	}
	srv.SetRefuseHealthCheckInUse(true)
	if err := e.DeleteHealthCheck(ctx, aID); err == nil {
		t.Fatal("deleted a check a record still names")
	}
	// Records first, then the checks.
	detached := withWeights(p, 0, 100)
	if _, err := e.Shift(ctx, to, detached, nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{aID, hID, aID} {
		if err := e.DeleteHealthCheck(ctx, id); err != nil {
			t.Fatalf("delete %s: %v", id, err)
		}
	}
	if n := len(srv.HealthChecks()); n != 0 {
		t.Errorf("%d checks left", n)
	}
}
