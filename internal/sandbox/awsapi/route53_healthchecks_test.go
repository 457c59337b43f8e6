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

func TestRoute53HealthCheckErrors(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{})
	create := func(ref string, cfg *types.HealthCheckConfig) error {
		_, err := c.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{CallerReference: aws.String(ref), HealthCheckConfig: cfg})
		return err
	}
	id := createCheck(t, c, "a", httpsCheck("a.example.com"))

	// Same reference, other settings.
	err := create("a", httpsCheck("b.example.com"))
	wantErr[*types.HealthCheckAlreadyExists](t, err)
	if httpStatus(t, err) != http.StatusConflict || wantCode(t, err, "HealthCheckAlreadyExists") != msgR53HealthCheckExists {
		t.Errorf("already exists: %v", err)
	}
	for _, tc := range []struct {
		name string
		cfg  *types.HealthCheckConfig
		msg  string
	}{
		{"interval range", &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, IPAddress: aws.String("192.0.2.1"), RequestInterval: aws.Int32(5)},
			"1 validation error detected: Value '5' at 'healthCheckConfig.requestInterval' failed to satisfy constraint: Member must have value greater than or equal to 10"},
		{"interval 20", &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, IPAddress: aws.String("192.0.2.1"), RequestInterval: aws.Int32(20)},
			"Invalid parameter : RequestInterval must be 10 or 30."},
		{"threshold", &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, IPAddress: aws.String("192.0.2.1"), FailureThreshold: aws.Int32(11)},
			"1 validation error detected: Value '11' at 'healthCheckConfig.failureThreshold' failed to satisfy constraint: Member must have value less than or equal to 10"},
		{"port", &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, IPAddress: aws.String("192.0.2.1"), Port: aws.Int32(70000)},
			"1 validation error detected: Value '70000' at 'healthCheckConfig.port' failed to satisfy constraint: Member must have value less than or equal to 65535"},
		{"no endpoint", &types.HealthCheckConfig{Type: types.HealthCheckTypeHttps},
			"Invalid parameter : An endpoint health check needs an IPAddress or a FullyQualifiedDomainName."},
		{"tcp port", &types.HealthCheckConfig{Type: types.HealthCheckTypeTcp, IPAddress: aws.String("192.0.2.1")},
			"Invalid parameter : A TCP health check needs a Port."},
		{"search string", &types.HealthCheckConfig{Type: types.HealthCheckTypeHttpStrMatch, IPAddress: aws.String("192.0.2.1")},
			"Invalid parameter : A HTTP_STR_MATCH health check needs a SearchString."},
		{"alarm on basic", &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, IPAddress: aws.String("192.0.2.1"), AlarmIdentifier: &types.AlarmIdentifier{Name: aws.String("x"), Region: types.CloudWatchRegionUsEast1}},
			"Invalid parameter : Basic health checks must not have an metric region specified."},
		{"calculated", &types.HealthCheckConfig{Type: types.HealthCheckTypeCalculated, ChildHealthChecks: []string{id}},
			"Invalid parameter : A CALCULATED health check needs a HealthThreshold."},
		{"long path", &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, IPAddress: aws.String("192.0.2.1"), ResourcePath: aws.String("/" + strings.Repeat("p", 255))},
			"1 validation error detected: Value '/" + strings.Repeat("p", 255) + "' at 'healthCheckConfig.resourcePath' failed to satisfy constraint: Member must have length less than or equal to 255"},
	} {
		wantInvalidInput(t, create("ref-"+tc.name, tc.cfg), tc.msg)
	}
	// A missing child.
	wantInvalidInput(t, create("calc", &types.HealthCheckConfig{Type: types.HealthCheckTypeCalculated, ChildHealthChecks: []string{"nope"}, HealthThreshold: aws.Int32(1)}),
		"Invalid parameter : The child health check nope does not exist.")
	// A too long ID in the path.
	_, err = c.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: aws.String(strings.Repeat("x", 65))})
	wantInvalidInput(t, err, "1 validation error detected: Value '"+strings.Repeat("x", 65)+"' at 'healthCheckId' failed to satisfy constraint: Member must have length less than or equal to 64")

	// UpdateHealthCheck: the version, then NoSuchHealthCheck.
	_, err = c.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: &id, HealthCheckVersion: aws.Int64(2), ResourcePath: aws.String("/x")})
	wantErr[*types.HealthCheckVersionMismatch](t, err)
	if httpStatus(t, err) != http.StatusConflict {
		t.Errorf("status %d", httpStatus(t, err))
	}
	_, err = c.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: aws.String("nope"), ResourcePath: aws.String("/x")})
	wantErr[*types.NoSuchHealthCheck](t, err)
	_, err = c.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: &id, FailureThreshold: aws.Int32(0)})
	wantInvalidInput(t, err, "1 validation error detected: Value '0' at 'failureThreshold' failed to satisfy constraint: Member must have value greater than or equal to 1")
	if st := srv.HealthChecks()[0]; st.Version != 1 || st.ResourcePath != "/health" {
		t.Errorf("a failed update changed %+v", st)
	}

	// TooManyHealthChecks at the quota.
	for i := len(srv.HealthChecks()); i < MaxHealthChecks; i++ {
		createCheck(t, c, "fill-"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+time.Duration(i).String(), httpsCheck("a.example.com"))
	}
	err = create("one-more", httpsCheck("a.example.com"))
	wantErr[*types.TooManyHealthChecks](t, err)
}

func TestRoute53UpdateAndListHealthChecks(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{})
	id := createCheck(t, c, "a", &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, FullyQualifiedDomainName: aws.String("a.example.com"), ResourcePath: aws.String("/"), RequestInterval: aws.Int32(10)})
	up := must[*route53.UpdateHealthCheckOutput](t)(c.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{
		HealthCheckId: &id, HealthCheckVersion: aws.Int64(1), ResourcePath: aws.String("/ready"), FailureThreshold: aws.Int32(5), Port: aws.Int32(8080),
	})).HealthCheck
	cfg := up.HealthCheckConfig
	if *up.HealthCheckVersion != 2 || *cfg.ResourcePath != "/ready" || *cfg.FailureThreshold != 5 || *cfg.Port != 8080 ||
		*cfg.RequestInterval != 10 || *cfg.FullyQualifiedDomainName != "a.example.com" || *cfg.EnableSNI {
		t.Errorf("updated %+v %+v", up, cfg)
	}
	// Without a version the update applies; ResetElements clears.
	up = must[*route53.UpdateHealthCheckOutput](t)(c.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{
		HealthCheckId: &id, IPAddress: aws.String("192.0.2.7"), ResetElements: []types.ResettableElementName{types.ResettableElementNameResourcePath, types.ResettableElementNameFullyQualifiedDomainName},
	})).HealthCheck
	if *up.HealthCheckVersion != 3 || up.HealthCheckConfig.ResourcePath != nil || up.HealthCheckConfig.FullyQualifiedDomainName != nil || *up.HealthCheckConfig.IPAddress != "192.0.2.7" {
		t.Errorf("reset %+v", up.HealthCheckConfig)
	}
	// Resetting the only endpoint is refused.
	_, err := c.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: &id, ResetElements: []types.ResettableElementName{types.ResettableElementNameFullyQualifiedDomainName}, IPAddress: aws.String("")})
	wantInvalidInput(t, err, "Invalid parameter : An endpoint health check needs an IPAddress or a FullyQualifiedDomainName.")

	// ListHealthChecks pages in creation order.
	ids := []string{id}
	for _, ref := range []string{"b", "c", "d", "e"} {
		ids = append(ids, createCheck(t, c, ref, httpsCheck(ref+".example.com")))
	}
	var listed []string
	p := route53.NewListHealthChecksPaginator(c, &route53.ListHealthChecksInput{MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		page := must[*route53.ListHealthChecksOutput](t)(p.NextPage(ctx))
		if *page.MaxItems != 2 || len(page.HealthChecks) > 2 {
			t.Errorf("page %+v", page)
		}
		for _, hc := range page.HealthChecks {
			listed = append(listed, *hc.Id)
		}
	}
	if strings.Join(listed, ",") != strings.Join(ids, ",") {
		t.Errorf("listed %q, want %q", listed, ids)
	}
	all := must[*route53.ListHealthChecksOutput](t)(c.ListHealthChecks(ctx, &route53.ListHealthChecksInput{}))
	if *all.MaxItems != 100 || all.IsTruncated || len(all.HealthChecks) != 5 {
		t.Errorf("all: %d %v", len(all.HealthChecks), all.IsTruncated)
	}
	_, err = c.ListHealthChecks(ctx, &route53.ListHealthChecksInput{Marker: aws.String("nope")})
	wantInvalidInput(t, err, "Invalid marker: nope")
	if len(srv.HealthChecks()) != 5 {
		t.Error("HealthChecks")
	}
}

func TestRoute53RecordsAndHealthChecks(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{})
	zoneID := srv.CreateZone("acme.com")
	id := createCheck(t, c, "a", httpsCheck("aws.example.com"))

	// A record set must name a health check that exists; the batch then
	// changes nothing.
	missing := weighted("api.acme.com", "aws", 10, "aws.example.com")
	missing.HealthCheckId = aws.String("0f0f0f0f-0000-4000-8000-000000000000")
	_, err := changeBatch(c, zoneID, change(types.ChangeActionCreate, weighted("api.acme.com", "heroku", 90, "heroku.example.com")), change(types.ChangeActionCreate, missing))
	wantErr[*types.NoSuchHealthCheck](t, err)
	if httpStatus(t, err) != http.StatusNotFound || wantCode(t, err, "NoSuchHealthCheck") != msgR53NoSuchHealthCheck {
		t.Errorf("missing check: %v", err)
	}
	if len(srv.RecordSets(zoneID)) != 2 {
		t.Error("a failed batch changed the zone")
	}
	good := weighted("api.acme.com", "aws", 10, "aws.example.com")
	good.HealthCheckId = &id
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, change(types.ChangeActionCreate, good),
		change(types.ChangeActionCreate, weighted("api.acme.com", "heroku", 90, "heroku.example.com"))))
	if st := srv.HealthChecks()[0]; st.References != 1 {
		t.Errorf("references = %d", st.References)
	}

	// Route 53 deletes a check still in use; the option refuses as it
	// once did.
	srv.SetRefuseHealthCheckInUse(true)
	_, err = c.DeleteHealthCheck(ctx, &route53.DeleteHealthCheckInput{HealthCheckId: &id})
	wantErr[*types.HealthCheckInUse](t, err)
	if httpStatus(t, err) != http.StatusBadRequest || wantCode(t, err, "HealthCheckInUse") != msgR53HealthCheckInUse {
		t.Errorf("in use: %v", err)
	}
	// A DELETE of the record may still name the check.
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, change(types.ChangeActionDelete, good)))
	must[*route53.DeleteHealthCheckOutput](t)(c.DeleteHealthCheck(ctx, &route53.DeleteHealthCheckInput{HealthCheckId: &id}))

	srv.SetRefuseHealthCheckInUse(false)
	id2 := createCheck(t, c, "b", httpsCheck("aws.example.com"))
	good.HealthCheckId = &id2
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, change(types.ChangeActionCreate, good)))
	must[*route53.DeleteHealthCheckOutput](t)(c.DeleteHealthCheck(ctx, &route53.DeleteHealthCheckInput{HealthCheckId: &id2}))
	// The dangling reference counts as unhealthy: only heroku is eligible.
	recs, err := srv.EligibleRecords(zoneID, "api.acme.com", "CNAME")
	if err != nil || len(recs) != 1 || recs[0].SetIdentifier != "heroku" {
		t.Errorf("eligible %+v %v", recs, err)
	}
}
