package awsapi

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

func httpsCheck(fqdn string) *types.HealthCheckConfig {
	return &types.HealthCheckConfig{Type: types.HealthCheckTypeHttps, FullyQualifiedDomainName: aws.String(fqdn), ResourcePath: aws.String("/health")}
}

func createCheck(t testing.TB, c *route53.Client, ref string, cfg *types.HealthCheckConfig) string {
	t.Helper()
	out, err := c.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{CallerReference: aws.String(ref), HealthCheckConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return *out.HealthCheck.Id
}

func TestRoute53HealthCheckLifecycle(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{Clock: clock.NewFakeAt(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))})

	out, err := c.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{CallerReference: aws.String("ref-1"), HealthCheckConfig: httpsCheck("app.example.com")})
	if err != nil {
		t.Fatal(err)
	}
	hc := out.HealthCheck
	id := *hc.Id
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) {
		t.Errorf("id = %q", id)
	}
	if *out.Location != "https://route53.amazonaws.com/2013-04-01/healthcheck/"+id {
		t.Errorf("Location = %q", *out.Location)
	}
	cfg := hc.HealthCheckConfig
	if *hc.CallerReference != "ref-1" || *hc.HealthCheckVersion != 1 || cfg.Type != types.HealthCheckTypeHttps ||
		*cfg.Port != 443 || *cfg.RequestInterval != 30 || *cfg.FailureThreshold != 3 || !*cfg.EnableSNI ||
		*cfg.ResourcePath != "/health" || *cfg.FullyQualifiedDomainName != "app.example.com" || *cfg.Inverted || *cfg.Disabled {
		t.Errorf("created %+v %+v", hc, cfg)
	}

	// The same reference and settings return the same check.
	again := createCheck(t, c, "ref-1", httpsCheck("app.example.com"))
	if again != id || len(srv.HealthChecks()) != 1 {
		t.Errorf("retry created %q", again)
	}

	got := must[*route53.GetHealthCheckOutput](t)(c.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: &id}))
	if *got.HealthCheck.Id != id || *got.HealthCheck.HealthCheckConfig.Port != 443 {
		t.Errorf("get %+v", got.HealthCheck)
	}

	status := func() []types.HealthCheckObservation {
		t.Helper()
		return must[*route53.GetHealthCheckStatusOutput](t)(c.GetHealthCheckStatus(ctx, &route53.GetHealthCheckStatusInput{HealthCheckId: &id})).HealthCheckObservations
	}
	obs := status()
	if len(obs) != len(hcRegions) {
		t.Fatalf("observations = %d", len(obs))
	}
	for _, o := range obs {
		if *o.StatusReport.Status != "Success: HTTP Status Code 200, OK" || o.Region == "" || *o.IPAddress == "" || o.StatusReport.CheckedTime == nil {
			t.Errorf("observation %+v %+v", o, o.StatusReport)
		}
	}
	if err := srv.SetHealthCheckStatus(id, false); err != nil {
		t.Fatal(err)
	}
	if s := *status()[0].StatusReport.Status; !strings.HasPrefix(s, "Failure: HTTP Status Code 503") {
		t.Errorf("status = %q", s)
	}
	if st := srv.HealthChecks()[0]; st.Healthy || st.Reported || st.ID != id || st.Port != 443 || st.RequestInterval != 30 || st.FQDN != "app.example.com" {
		t.Errorf("state %+v", st)
	}
	if err := srv.SetHealthCheckStatus("missing", true); err == nil {
		t.Error("SetHealthCheckStatus of a missing check succeeded")
	}

	must[*route53.DeleteHealthCheckOutput](t)(c.DeleteHealthCheck(ctx, &route53.DeleteHealthCheckInput{HealthCheckId: &id}))
	if len(srv.HealthChecks()) != 0 {
		t.Error("check still there")
	}
	_, err = c.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: &id})
	wantErr[*types.NoSuchHealthCheck](t, err)
	if httpStatus(t, err) != http.StatusNotFound {
		t.Errorf("status %d", httpStatus(t, err))
	}
	_, err = c.DeleteHealthCheck(ctx, &route53.DeleteHealthCheckInput{HealthCheckId: &id})
	wantErr[*types.NoSuchHealthCheck](t, err)
	_, err = c.GetHealthCheckStatus(ctx, &route53.GetHealthCheckStatusInput{HealthCheckId: &id})
	wantErr[*types.NoSuchHealthCheck](t, err)
	// A reference serves once, even after its check is deleted.
	_, err = c.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{CallerReference: aws.String("ref-1"), HealthCheckConfig: httpsCheck("app.example.com")})
	wantErr[*types.HealthCheckAlreadyExists](t, err)
}
