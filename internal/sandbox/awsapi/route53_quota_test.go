package awsapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// clockRetryer is the SDK's standard retryer (its retryable and throttle
// classification untouched) whose backoff advances the sandbox clock by
// step instead of sleeping.
func clockRetryer(clk *clock.Fake, step time.Duration) func() aws.Retryer {
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
				clk.Advance(step)
				return 0, nil
			})
		})
	}
}

// wantRetryable checks that the SDK's standard retryer retries err, as a
// throttle.
func wantRetryable(t testing.TB, err error) {
	t.Helper()
	if retry.NewStandard().IsErrorRetryable(err) != true {
		t.Errorf("the standard retryer does not retry %v", err)
	}
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) != aws.TrueTernary {
		t.Errorf("%v is not a throttle", err)
	}
}

func TestRoute53PriorRequestNotComplete(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, url := Start(t, unlimited(Options{Clock: clk, Route53SyncDelay: 30 * time.Second, Route53PriorRequestNotComplete: true}))
	c := r53Client(t, url, false)
	zoneID := srv.CreateZone("acme.com")
	otherID := srv.CreateZone("example.org")
	create := func(c *route53.Client, zone, name string) error {
		_, err := changeBatch(c, zone, change(types.ChangeActionCreate, rr(name, types.RRTypeA, 60, "192.0.2.1")))
		return err
	}
	// Zone creation does not block the first change.
	must[*route53.CreateHostedZoneOutput](t)(c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("new.net"), CallerReference: aws.String("r")}))
	if err := create(c, zoneID, "a.acme.com"); err != nil {
		t.Fatal(err)
	}
	err := create(c, zoneID, "b.acme.com")
	wantErr[*types.PriorRequestNotComplete](t, err)
	if msg := wantCode(t, err, "PriorRequestNotComplete"); msg != msgR53PriorRequest || httpStatus(t, err) != 400 {
		t.Errorf("PriorRequestNotComplete: %q %d", msg, httpStatus(t, err))
	}
	wantRetryable(t, err)
	// Deleting the zone waits too; other zones do not.
	_, err = c.DeleteHostedZone(ctx, &route53.DeleteHostedZoneInput{Id: aws.String(zoneID)})
	wantErr[*types.PriorRequestNotComplete](t, err)
	if err := create(c, otherID, "b.example.org"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(30 * time.Second)
	if err := create(c, zoneID, "b.acme.com"); err != nil {
		t.Fatal(err)
	}

	// The SDK's standard retryer retries until the change is INSYNC.
	cfg := sdkConfig(t, true)
	cfg.Retryer = clockRetryer(clk, 20*time.Second)
	retrying := route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = aws.String(url) })
	srv.ResetRequests()
	if err := create(retrying, zoneID, "c.acme.com"); err != nil {
		t.Fatal(err)
	}
	log := srv.Requests()
	if len(log) != 3 || log[0].ErrorCode != "PriorRequestNotComplete" || log[1].ErrorCode != "PriorRequestNotComplete" ||
		log[2].Status != 200 || log[2].Attempt != 3 {
		t.Errorf("log = %+v", log)
	}

	// Switched off, changes pile up freely.
	srv.SetPriorRequestNotComplete(false)
	if err := create(c, zoneID, "d.acme.com"); err != nil {
		t.Fatal(err)
	}
	srv.SetPriorRequestNotComplete(true)
	wantErr[*types.PriorRequestNotComplete](t, create(c, zoneID, "e.acme.com"))

	// The default retryer, untouched (real backoff), retries an injected
	// PriorRequestNotComplete.
	srv.SetPriorRequestNotComplete(false)
	srv.FailRoute53Changes(1, "PriorRequestNotComplete", 0)
	if err := create(r53Client(t, url, true), zoneID, "f.acme.com"); err != nil {
		t.Fatal(err)
	}
}

func TestRoute53Throttling(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, url := Start(t, Options{Clock: clk})
	c := r53Client(t, url, false)
	zoneID := srv.CreateZone("acme.com") // no quota
	list := func(c *route53.Client) error {
		_, err := c.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID)})
		return err
	}
	for i := range DefaultRoute53TPS {
		if err := list(c); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	// Every Route 53 call shares the bucket.
	_, err := changeBatch(c, zoneID, change(types.ChangeActionCreate, rr("a.acme.com", types.RRTypeA, 60, "192.0.2.1")))
	if msg := wantCode(t, err, "Throttling"); msg != "Rate exceeded" || httpStatus(t, err) != 400 {
		t.Errorf("Throttling: %q %d", msg, httpStatus(t, err))
	}
	wantRetryable(t, err)
	if last := srv.Requests()[DefaultRoute53TPS]; last.ErrorCode != "Throttling" || last.Operation != "ChangeResourceRecordSets" || last.Name != zoneID {
		t.Errorf("log: %+v", last)
	}
	// Other services have their own buckets.
	if _, err := ssmClient(t, url, false).DescribeParameters(ctx, nil); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second / DefaultRoute53TPS)
	if err := list(c); err != nil {
		t.Fatalf("after a refill: %v", err)
	}

	// With its standard retryer the SDK waits out the throttling.
	cfg := sdkConfig(t, true)
	cfg.Retryer = clockRetryer(clk, time.Second)
	retrying := route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = aws.String(url) })
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Go(func() { errs <- list(retrying) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}

	// SetQuota changes and disables it.
	srv.SetQuota(QuotaRoute53, -1, 0)
	for range 20 {
		if err := list(c); err != nil {
			t.Fatal(err)
		}
	}
	srv.SetQuota(QuotaRoute53, 1, 1)
	_ = list(c)
	if err := list(c); err == nil {
		t.Error("1/s quota let two calls through")
	}
	if QuotaRoute53.String() != "route53" {
		t.Error("QuotaRoute53.String")
	}
}

// TestRoute53SDKRetriesBurst: with the standard retryer, real backoff and
// a real clock, a burst beyond the quota succeeds.
func TestRoute53SDKRetriesBurst(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, Options{Route53TPS: 20, Route53Burst: 2})
	zoneID := srv.CreateZone("acme.com")
	// The standard retryer as config.LoadDefaultConfig builds it, with more
	// attempts so that random backoff cannot make the test flaky.
	cfg := sdkConfig(t, true)
	cfg.Retryer = func() aws.Retryer { return retry.AddWithMaxAttempts(retry.NewStandard(), 10) }
	c := route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = aws.String(url) })
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Go(func() {
			_, err := c.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(zoneID),
				ChangeBatch: &types.ChangeBatch{Changes: []types.Change{change(types.ChangeActionCreate, rr(fmt.Sprintf("h%d.acme.com", i), types.RRTypeA, 60, "192.0.2.1"))}}})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	throttled, retried := 0, 0
	for _, r := range srv.Requests() {
		if r.ErrorCode == "Throttling" {
			throttled++
		}
		if r.Attempt > 1 && r.Status == 200 {
			retried++
		}
	}
	if throttled == 0 || retried == 0 || len(srv.RecordSets(zoneID)) != 8 {
		t.Errorf("throttled %d, succeeded on retry %d: %+v", throttled, retried, srv.Requests())
	}

	// The default retryer, untouched, retries an injected Throttling.
	srv.SetQuota(QuotaRoute53, -1, 0)
	srv.FailRoute53Changes(1, "Throttling", 0)
	def := r53Client(t, url, true)
	if _, err := changeBatch(def, zoneID, change(types.ChangeActionCreate, rr("def.acme.com", types.RRTypeA, 60, "192.0.2.1"))); err != nil {
		t.Fatal(err)
	}
	log := srv.Requests()
	if last := log[len(log)-1]; last.Attempt != 2 || last.Status != 200 || log[len(log)-2].ErrorCode != "Throttling" {
		t.Errorf("log tail: %+v", log[len(log)-2:])
	}
}

func TestRoute53Faults(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{})
	zoneID := srv.CreateZone("acme.com")
	otherID := srv.CreateZone("example.org")
	a := func(zone, name string) error {
		_, err := changeBatch(c, zone, change(types.ChangeActionCreate, rr(name, types.RRTypeA, 60, "192.0.2.1")))
		return err
	}

	srv.FailRoute53Changes(2, "InvalidChangeBatch", 0)
	for range 2 {
		wantBatchError(t, a(zoneID, "x.acme.com"), "The sandbox failed this request on purpose.")
	}
	// Reads do not count.
	srv.FailRoute53Changes(1, "NoSuchHostedZone", 0)
	must[*route53.ListResourceRecordSetsOutput](t)(c.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID)}))
	err := a(zoneID, "x.acme.com")
	wantErr[*types.NoSuchHostedZone](t, err)
	if httpStatus(t, err) != 404 {
		t.Errorf("status %d", httpStatus(t, err))
	}
	if err := a(zoneID, "x.acme.com"); err != nil {
		t.Fatal(err)
	}

	// FailNext: Route 53's own 500.
	srv.FailNext(1, 500)
	_, err = c.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(zoneID)})
	if wantCode(t, err, "InternalFailure"); httpStatus(t, err) != 500 {
		t.Errorf("status %d", httpStatus(t, err))
	}
	srv.FailNext(1, 503)
	_, err = c.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(zoneID)})
	wantCode(t, err, "ServiceUnavailable")

	// FailName by zone ID, with or without the prefix; FailWrite counts
	// Route 53 writes.
	srv.FailName("/hostedzone/"+zoneID, "", 0)
	wantCode(t, a(zoneID, "y.acme.com"), "InternalFailure")
	if err := a(otherID, "y.example.org"); err != nil {
		t.Fatal(err)
	}
	srv.ClearFaults()
	srv.FailWrite(2, "ServiceUnavailable", 0, false)
	must[*route53.CreateHostedZoneOutput](t)(c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("z.com"), CallerReference: aws.String("z")}))
	wantCode(t, a(zoneID, "y.acme.com"), "ServiceUnavailable")
	if err := a(zoneID, "y.acme.com"); err != nil {
		t.Fatal(err)
	}
}

// TestRoute53LegacyInvalidChangeBatch: the older error body, rooted at
// <InvalidChangeBatch>, decodes to the same typed error.
func TestRoute53LegacyInvalidChangeBatch(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, unlimited(Options{Route53LegacyInvalidChangeBatch: true}))
	c := r53Client(t, url, false)
	zoneID := srv.CreateZone("acme.com")
	_, err := changeBatch(c, zoneID,
		change(types.ChangeActionCreate, rr("acme.com", types.RRTypeCname, 60, "x.herokudns.com")),
		change(types.ChangeActionDelete, rr("a.acme.com", types.RRTypeA, 60, "192.0.2.1")))
	var icb *types.InvalidChangeBatch
	if !errors.As(err, &icb) || icb.ErrorMessage() != "ChangeBatch errors occurred" || len(icb.Messages) != 2 ||
		icb.Messages[0] != "RRSet of type CNAME with DNS name acme.com. is not permitted at apex in zone acme.com." ||
		icb.Messages[1] != "Tried to delete resource record set [name='a.acme.com.', type='A'] but it was not found" {
		t.Fatalf("err = %v", err)
	}
	_, _, _, body := rawR53(t, http.MethodPost, url+"/2013-04-01/hostedzone/"+zoneID+"/rrset/", sigV4("route53"),
		`<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>DELETE</Action><ResourceRecordSet><Name>a.acme.com</Name><Type>A</Type><TTL>1</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`)
	if !strings.Contains(body, `<InvalidChangeBatch xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Messages><Message>Tried to delete`) {
		t.Errorf("body = %s", body)
	}
}

func TestRoute53Protocol(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, unlimited(Options{}))
	zoneID := srv.CreateZone("acme.com")
	get := url + "/2013-04-01/hostedzone/" + zoneID
	for _, tc := range []struct {
		name, method, url, auth, code string
		status                        int
	}{
		{"missing", http.MethodGet, get, "", "MissingAuthenticationToken", 403},
		{"incomplete", http.MethodGet, get, "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/route53/aws4_request", "IncompleteSignature", 400},
		{"wrong service", http.MethodGet, get, sigV4("ssm"), "SignatureDoesNotMatch", 403},
		{"wrong region", http.MethodGet, get, strings.Replace(sigV4("route53"), "us-east-1", "eu-west-1", 1), "SignatureDoesNotMatch", 403},
		{"unknown path", http.MethodGet, url + "/2013-04-01/healthcheckcount", sigV4("route53"), "UnknownOperationException", 404},
		{"unknown method", http.MethodPut, get, sigV4("route53"), "UnknownOperationException", 404},
		{"long ID", http.MethodGet, get + strings.Repeat("X", 30), sigV4("route53"), "InvalidInput", 400},
		{"bad maxitems", http.MethodGet, get + "/rrset?maxitems=0", sigV4("route53"), "InvalidInput", 400},
		{"not found", http.MethodGet, url + "/2013-04-01/hostedzone/ZNONE/rrset", sigV4("route53"), "NoSuchHostedZone", 404},
	} {
		status, h, e, body := rawR53(t, tc.method, tc.url, tc.auth, "")
		if status != tc.status || e.Error.Code != tc.code || e.Error.Message == "" || e.XMLName.Local != "ErrorResponse" ||
			e.XMLName.Space != route53Namespace || e.RequestID == "" || e.RequestID != h.Get("x-amzn-RequestId") ||
			h.Get("Content-Type") != "text/xml" || !strings.HasPrefix(body, "<?xml") {
			t.Errorf("%s: %d %s", tc.name, status, body)
		}
	}
	// The SDK signs for its own region when given an endpoint: Route 53
	// answers us-east-1 and the sandbox's region.
	euSrv, euURL := Start(t, unlimited(Options{Region: "eu-west-1"}))
	euZone := euSrv.CreateZone("acme.com")
	for _, region := range []string{"eu-west-1", "us-east-1"} {
		cfg := sdkConfig(t, false)
		cfg.Region = region
		c := route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = aws.String(euURL) })
		must[*route53.GetHostedZoneOutput](t)(c.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(euZone)}))
	}
	cfg := sdkConfig(t, false)
	cfg.Region = "ap-south-1"
	_, err := route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = aws.String(euURL) }).
		GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(euZone)})
	wantCode(t, err, "SignatureDoesNotMatch")
	wantMessage(t, err, "Credential should be scoped to a valid region")

	// Anonymous clients send no Authorization header.
	cfg = sdkConfig(t, false)
	cfg.Credentials = aws.AnonymousCredentials{}
	_, err = route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = aws.String(url) }).
		GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(zoneID)})
	wantCode(t, err, "MissingAuthenticationToken")

	// Operations the sandbox does not implement.
	_, err = r53Client(t, url, false).GetHealthCheckCount(ctx, &route53.GetHealthCheckCountInput{})
	wantCode(t, err, "UnknownOperationException")
	// JSON services are unaffected.
	if r := rawCall(t, url, "", sigV4("ssm"), "{}"); r.status != 400 || r.body["__type"] != "UnknownOperationException" {
		t.Errorf("no target: %d %v", r.status, r.body)
	}
}

func TestRoute53RequestLog(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, c := startR53(t, Options{Clock: clk})
	created := createZone(t, c, "acme.com")
	zoneID := strings.TrimPrefix(aws.ToString(created.HostedZone.Id), "/hostedzone/")
	changeID := strings.TrimPrefix(aws.ToString(created.ChangeInfo.Id), "/change/")
	must[*route53.GetChangeOutput](t)(c.GetChange(ctx, &route53.GetChangeInput{Id: created.ChangeInfo.Id}))
	_, err := changeBatch(c, zoneID, change(types.ChangeActionDelete, rr("a.acme.com", types.RRTypeA, 60, "192.0.2.1")))
	wantErr[*types.InvalidChangeBatch](t, err)
	must[*route53.ListHostedZonesByNameOutput](t)(c.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: aws.String("acme.com"), HostedZoneId: aws.String(zoneID)}))
	want := []Request{
		{Service: "route53", Operation: "CreateHostedZone", Name: zoneID, Status: 201},
		{Service: "route53", Operation: "GetChange", Name: changeID, Status: 200},
		{Service: "route53", Operation: "ChangeResourceRecordSets", Name: zoneID, Status: 400, ErrorCode: "InvalidChangeBatch"},
		{Service: "route53", Operation: "ListHostedZonesByName", Name: zoneID, Status: 200},
	}
	log := srv.Requests()
	if len(log) != len(want) {
		t.Fatalf("log = %+v", log)
	}
	for i, w := range want {
		w.Attempt, w.At = 1, clk.Now()
		if g := log[i]; g.Service != w.Service || g.Operation != w.Operation || g.Name != w.Name || g.Status != w.Status ||
			g.ErrorCode != w.ErrorCode || g.Attempt != w.Attempt || !g.At.Equal(w.At) {
			t.Errorf("log[%d] = %+v, want %+v", i, g, w)
		}
	}
}

func TestRoute53Names(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Acme.COM":          "acme.com.",
		" api.acme.com. ":   "api.acme.com.",
		`\052.acme.com`:     "*.acme.com.",
		`a\.b.acme.com`:     "a.b.acme.com.",
		`\065PI.acme.com`:   "5pi.acme.com.",
		"*.Acme.com":        "*.acme.com.",
		"xn--bcher-kva.com": "xn--bcher-kva.com.",
	} {
		if got, problem := canonicalName(in); got != want || problem != "" {
			t.Errorf("canonicalName(%q) = %q, %q; want %q", in, got, problem, want)
		}
	}
	for _, bad := range []string{"", ".", "a..b", strings.Repeat("x", 64) + ".com", strings.Repeat("abcdefghi.", 26) + "com"} {
		if _, problem := canonicalName(bad); problem == "" {
			t.Errorf("canonicalName(%q) accepted", bad)
		}
	}
	if got := escapeName("*.a_b-c.com."); got != `\052.a_b-c.com.` {
		t.Errorf("escapeName = %q", got)
	}
	if got := nameSortKey("www.api.acme.com."); got != "com.acme.api.www." {
		t.Errorf("nameSortKey = %q", got)
	}
	srv := New(Options{})
	for _, bad := range []string{"bad..zone", "*.acme.com", ""} {
		if ValidateZoneName(bad) == nil {
			t.Errorf("ValidateZoneName(%q) = nil", bad)
		}
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("CreateZone accepted a bad name")
			}
		}()
		srv.CreateZone("bad..zone")
	}()
	id := srv.CreateZone("Acme.com")
	z, ok := srv.HostedZone("/hostedzone/" + id)
	if !ok || z.Name != "acme.com." || z.ID != id || len(z.NameServers) != 4 || z.RecordSetCount != 2 {
		t.Errorf("HostedZone = %+v", z)
	}
	if srv.RecordSets("ZNONE") != nil {
		t.Error("RecordSets of a missing zone")
	}
	if _, ok := srv.ChangeStatus("CNONE"); ok {
		t.Error("ChangeStatus of a missing change")
	}
	if (Options{Route53SyncDelay: -1}).Validate() == nil {
		t.Error("negative sync delay accepted")
	}
}
