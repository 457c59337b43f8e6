package dnscutover

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
)

// sandboxEngine is an engine on a Route 53 sandbox sharing clk, whose
// changes stay PENDING for 2s, and a created pair at heroku 100 / aws 0.
func sandboxEngine(t *testing.T, clk clock.Clock) (*awsapi.Server, *Engine, Pair) {
	t.Helper()
	srv, url := awsapi.Start(t, awsapi.Options{Clock: clk, Route53SyncDelay: 2 * time.Second, Route53TPS: -1})
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDSANDBOX", "sandbox-secret", "")),
		config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}))
	if err != nil {
		t.Fatal(err)
	}
	e := &Engine{R53: route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = aws.String(url) }), Clock: clk}
	p := Pair{
		ZoneID: srv.CreateZone("acme.test"), Name: record, TTL: 60,
		Heroku: Side{SetIdentifier: "heroku", Target: "example-1234.herokudns.com", Weight: 100},
		AWS:    Side{SetIdentifier: "aws", Target: "alb-1.us-east-1.elb.amazonaws.com", Weight: 0},
	}
	id, err := e.Submit(context.Background(), p.ZoneID, CreateBatch(p))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WaitInsync(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	return srv, e, p
}

func withWeights(p Pair, heroku, aws int64) Pair {
	p.Heroku.Weight, p.AWS.Weight = heroku, aws
	return p
}

// weights reads the pair's weights from the sandbox, without the SDK.
func weights(t *testing.T, srv *awsapi.Server, zoneID string) (heroku, aws int64) {
	t.Helper()
	for _, rs := range srv.RecordSets(zoneID) {
		switch rs.SetIdentifier {
		case "heroku":
			heroku = *rs.Weight
		case "aws":
			aws = *rs.Weight
		}
	}
	return heroku, aws
}

// calls counts the requests per operation.
func calls(srv *awsapi.Server) map[string]int {
	out := map[string]int{}
	for _, r := range srv.Requests() {
		out[r.Operation]++
	}
	return out
}

// A failing gate submits nothing: the weights stay, and the only calls
// are none at all to Route 53.
func TestShiftGateRefuses(t *testing.T) {
	t.Parallel()
	srv, e, p := sandboxEngine(t, clock.NewFake())
	tg := newTarget(t, true, always(500), nil)
	g := fastGate(tg, "https")
	res, err := e.Shift(context.Background(), p, withWeights(p, 0, 100), &g, &Watch{Duration: time.Minute, Requests: 10})
	var gerr *GateError
	if !errors.As(err, &gerr) || res.ChangeID != "" || res.Gate == nil || res.Gate.Passed {
		t.Fatalf("res %+v err %v", res, err)
	}
	if !strings.Contains(err.Error(), "HTTP 500 after") || !strings.Contains(err.Error(), "weights were not changed") {
		t.Errorf("error text: %s", err)
	}
	if h, a := weights(t, srv, p.ZoneID); h != 100 || a != 0 {
		t.Errorf("weights heroku=%d aws=%d, want 100/0", h, a)
	}
	if got := calls(srv); len(got) != 0 {
		t.Errorf("Route 53 calls %v, want none", got)
	}
}

// A passing gate and watch: one change batch, the weights moved. The
// calls per gated shift: one ListResourceRecordSets, one
// ChangeResourceRecordSets, and GetChange polls until INSYNC.
func TestShiftGatedAndWatched(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, e, p := sandboxEngine(t, clk)
	tg := newTarget(t, true, always(200), nil)
	g := fastGate(tg, "https")
	g.Duration = DefaultGateDuration
	w := Watch{Duration: 2 * time.Minute, Requests: 24}
	res, err := e.Shift(context.Background(), p, withWeights(p, 50, 50), &g, &w)
	if err != nil || res.ChangeID == "" || res.Gate == nil || !res.Gate.Passed || res.Watch == nil || !res.Watch.Passed {
		t.Fatalf("res %+v err %v", res, err)
	}
	if h, a := weights(t, srv, p.ZoneID); h != 50 || a != 50 {
		t.Errorf("weights heroku=%d aws=%d, want 50/50", h, a)
	}
	got := calls(srv)
	if got["ListResourceRecordSets"] != 1 || got["ChangeResourceRecordSets"] != 1 || got["GetChange"] < 2 || len(got) != 3 {
		t.Errorf("calls %v", got)
	}
	if hosts, snis := tg.seen(record); hosts != 20+24 || snis != 44 {
		t.Errorf("target saw Host %d and SNI %d times, want 44 (gate 20 + watch 24)", hosts, snis)
	}
	// The watch starts after INSYNC and spans its duration on the clock.
	if d := res.Watch.Finished.Sub(res.Watch.Started); d != 2*time.Minute*23/24 {
		t.Errorf("the watch spanned %v", d)
	}
	t.Logf("calls per gated and watched shift: %v; HTTP requests: %d", got, hosts(tg))
}

func hosts(tg *target) int { h, _ := tg.seen(record); return h }

// A target that goes bad in the middle of the watch: the watch puts the
// previous weights back in exactly one more change batch and waits for
// INSYNC; the error says what it saw.
func TestShiftWatchReverts(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, e, p := sandboxEngine(t, clk)
	// The gate's 20 requests pass; from the watch's 5th request on, 503.
	tg := newTarget(t, false, badAfter(24), nil)
	g := fastGate(tg, "http")
	res, err := e.Shift(context.Background(), p, withWeights(p, 0, 100), &g, &Watch{Duration: time.Minute, Requests: 20})
	var werr *WatchError
	if !errors.As(err, &werr) || !werr.Reverted || werr.RevertErr != nil || res.RevertChangeID == "" || res.ChangeID == "" {
		t.Fatalf("res %+v err %v", res, err)
	}
	if status, _ := srv.ChangeStatus(res.RevertChangeID); status != "INSYNC" {
		t.Errorf("the revert is %s", status)
	}
	if h, a := weights(t, srv, p.ZoneID); h != 100 || a != 0 {
		t.Errorf("weights heroku=%d aws=%d, want the previous 100/0", h, a)
	}
	if got := calls(srv); got["ChangeResourceRecordSets"] != 2 {
		t.Errorf("change batches %d, want 2 (the shift and one revert): %v", got["ChangeResourceRecordSets"], got)
	}
	msg := err.Error()
	for _, want := range []string{"the watch after the shift failed", "HTTP 503 after", "previous weights were put back"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q: %s", want, msg)
		}
	}
}

// A revert that Route 53 refuses: the WatchError says so and unwraps to
// Route 53's error.
func TestShiftWatchRevertFails(t *testing.T) {
	t.Parallel()
	srv, e, p := sandboxEngine(t, clock.NewFake())
	tg := newTarget(t, false, badAfter(20), nil)
	g := fastGate(tg, "http")
	srv.FailWrite(2, "AccessDenied", 403, false) // the revert, after the shift's batch
	_, err := e.Shift(context.Background(), p, withWeights(p, 0, 100), &g, &Watch{Duration: time.Minute, Requests: 5})
	var werr *WatchError
	if !errors.As(err, &werr) || werr.Reverted || errorCode(err) != "AccessDenied" {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(err.Error(), "putting the previous weights back failed, Route 53 may still hold the new weights") {
		t.Errorf("error text: %s", err)
	}
	if h, a := weights(t, srv, p.ZoneID); h != 0 || a != 100 {
		t.Errorf("weights heroku=%d aws=%d, want the new 0/100 (the revert was refused)", h, a)
	}
}

// Lowering the AWS weight is never gated nor watched, even with a gate
// that cannot connect.
func TestShiftLoweringIsNeverGated(t *testing.T) {
	t.Parallel()
	srv, e, p := sandboxEngine(t, clock.NewFake())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := DefaultGate("/")
	g.Address = ln.Addr().String()
	_ = ln.Close()
	up := withWeights(p, 0, 100)
	if _, err := e.Submit(context.Background(), p.ZoneID, UpdateBatch(up, currentOf(p))); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	res, err := e.Shift(context.Background(), up, withWeights(p, 100, 0), &g, &Watch{Duration: time.Minute, Requests: 5})
	if err != nil || res.Gate != nil || res.Watch != nil || res.ChangeID == "" {
		t.Fatalf("res %+v err %v", res, err)
	}
	if h, a := weights(t, srv, p.ZoneID); h != 100 || a != 0 {
		t.Errorf("weights heroku=%d aws=%d", h, a)
	}
	// Same weights on the AWS side (only Heroku's changes): not gated.
	res, err = e.Shift(context.Background(), withWeights(p, 100, 0), withWeights(p, 50, 0), &g, nil)
	if err != nil || res.Gate != nil {
		t.Fatalf("an unchanged AWS weight was gated: %+v %v", res, err)
	}
	// A watch without a gate is refused before anything is sent.
	srv.ResetRequests()
	if _, err := e.Shift(context.Background(), p, withWeights(p, 0, 100), nil, &Watch{Duration: time.Minute, Requests: 5}); err == nil ||
		len(srv.Requests()) != 0 {
		t.Fatalf("a watch without a gate: %v, calls %v", err, calls(srv))
	}
}
