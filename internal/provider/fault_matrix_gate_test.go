package provider

import (
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// Fault matrix rows of the health gate and watch of
// heroku2aws_weighted_dns_record (the table and runner are in
// fault_matrix_test.go).

func fmGateRows() []fmRow {
	return []fmRow{
		{name: "gate cannot connect at all", outcome: fmClearError,
			want: `(?s)Error Updating Weighted DNS Record.*health gate refused.*0 of 1 requests\s+succeeded.*connection\s+refused`,
			run:  fmGateUnreachableRow},
		{name: "route53 fails during the watch's revert", outcome: fmClearError,
			want: `(?s)Error Updating Weighted DNS Record.*watch after raising.*failed.*Putting the previous weights.*back\s+failed.*AccessDenied`,
			run:  fmRevertFailsRow},
	}
}

// fmGateCase is a 100/0 pair whose shift to 50/50 is gated by gate (and
// extra).
func fmGateCase(t *testing.T, gate string) (*awsapi.Server, *changeCounter, fmCase) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{})
	zoneID := srv.CreateZone("acme.com")
	counter := &changeCounter{srv: srv}
	cfg := func(h, a int) string { return dnsProviderBlock(herokuURL, awsURL) + pairConfig(zoneID, h, a, gate) }
	return srv, counter, fmCase{
		factories:  factories(nil),
		before:     []resource.TestStep{{Config: cfg(100, 0), ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(expectPair(srv, zoneID, 100, 0, 60))}}},
		config:     cfg(50, 50),
		verify:     []statecheck.StateCheck{sandboxCheck(expectPair(srv, zoneID, 50, 50, 60))},
		verifyPair: func() error { return expectPair(srv, zoneID, 100, 0, 60)(nil) },
	}
}

// fmGateUnreachableRow: nothing listens at the gate's address. The apply
// fails, Route 53 and the state keep 100/0; once the target listens, the
// re-apply shifts.
func fmGateUnreachableRow(t *testing.T, row fmRow) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	gate := fmt.Sprintf(`gate {
    scheme   = "http"
    path     = "/"
    address  = %q
    requests = 3
    duration = "300ms"
    timeout  = "1s"
  }`, addr)
	_, counter, c := fmGateCase(t, gate)
	c.inject = counter.reset
	c.fired = func() error {
		if err := counter.expect(0)(nil); err != nil {
			return err
		}
		return c.verifyPair()
	}
	c.clear = func() {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("the target cannot listen again at %s: %v", addr, err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = srv.Close() })
	}
	c.afterFault = []plancheck.PlanCheck{plancheck.ExpectResourceAction(dnsRes, plancheck.ResourceActionUpdate), priorWeights{100, 0}}
	row.exec(t, c)
}

// fmRevertFailsRow: the watch fails, and Route 53 refuses the revert. The
// error says so, and the state holds what Route 53 holds (50/50); the
// re-apply has nothing to change.
func fmRevertFailsRow(t *testing.T, row fmRow) {
	target := startGateTarget(t, false)
	srv, counter, c := fmGateCase(t, target.gateBlock(`watch {
    duration = "400ms"
    requests = 4
  }`))
	c.inject = func() {
		counter.reset()
		// The gate's 3 requests pass. The watch's first request fails and,
		// as it arrives (after the shift is INSYNC), Route 53 starts
		// refusing changes: the revert meets the refusal.
		refuse := func() { srv.FailRoute53Changes(1, "AccessDenied", 403) }
		target.onBad.Store(&refuse)
		target.setMode("healthy", 3)
	}
	c.fired = func() error {
		if n := fmAWSCount(srv, func(r awsapi.Request) bool { return r.ErrorCode == "AccessDenied" }); n != 1 {
			return fmt.Errorf("%d refused changes, want 1 (the revert)", n)
		}
		return counter.expect(1)(nil)
	}
	c.clear = func() { target.onBad.Store(nil); target.setMode("healthy", 0); srv.ClearFaults() }
	c.afterFault = []plancheck.PlanCheck{plancheck.ExpectResourceAction(dnsRes, plancheck.ResourceActionNoop), priorWeights{50, 50}}
	row.exec(t, c)
}
