package dnscutover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// changeAPI answers GetChange: first the errors in fail, then PENDING
// until the n-th call, then INSYNC.
type changeAPI struct {
	Route53API
	fail    []error
	pending int
	calls   int
}

func (a *changeAPI) GetChange(context.Context, *route53.GetChangeInput, ...func(*route53.Options)) (*route53.GetChangeOutput, error) {
	a.calls++
	if len(a.fail) > 0 {
		err := a.fail[0]
		a.fail = a.fail[1:]
		return nil, err
	}
	status := types.ChangeStatusInsync
	if a.calls <= a.pending {
		status = types.ChangeStatusPending
	}
	return &route53.GetChangeOutput{ChangeInfo: &types.ChangeInfo{Status: status}}, nil
}

// WaitInsync polls with a growing interval on the engine's clock, and a
// throttled GetChange is retried, each wait logged at debug level.
func TestWaitInsyncOnTheClock(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	var logs bytes.Buffer
	api := &changeAPI{fail: []error{&smithy.GenericAPIError{Code: "Throttling"}}, pending: 4}
	e := &Engine{R53: api, Clock: clk, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if err := e.WaitInsync(context.Background(), "C1"); err != nil {
		t.Fatal(err)
	}
	sleeps := clk.Sleeps()
	if len(sleeps) != 4 || sleeps[0] < 100*time.Millisecond || sleeps[0] >= 300*time.Millisecond ||
		fmt.Sprint(sleeps[1:]) != "[500ms 750ms 1.125s]" {
		t.Errorf("sleeps = %v, want one backoff in [100ms, 300ms) then 500ms 750ms 1.125s", sleeps)
	}
	all := logs.String()
	for _, want := range []string{
		`level=DEBUG msg="Route 53 asked to retry" operation=GetChange attempt=1 code=Throttling wait=`,
		`level=DEBUG msg="Waiting for Route 53 change" change_id=C1 status=PENDING wait=500ms` + "\n",
		`level=DEBUG msg="Waiting for Route 53 change" change_id=C1 status=PENDING wait=1.125s` + "\n",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("logs lack %q:\n%s", want, all)
		}
	}
}

// A nil Clock and Logger mean the real clock and no logging; a done
// context ends the wait at once.
func TestWaitInsyncDefaults(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := &Engine{R53: &changeAPI{pending: 1 << 30}, PollInterval: time.Hour}
	start := time.Now()
	if err := e.WaitInsync(ctx, "C1"); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}
