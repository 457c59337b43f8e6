package heroku_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

func updatesFixture() *herokuapi.Fixture {
	return &herokuapi.Fixture{Apps: []herokuapi.App{{
		Name: "shop",
		Formation: []herokuapi.Process{
			{Type: "web", Command: "npm start", Quantity: 2, Size: "Standard-2X"},
			{Type: "worker", Command: "node worker.js", Quantity: 3, Size: "Standard-1X"},
			{Type: "clock", Command: "node clock.js", Quantity: 1, Size: "Standard-1X"},
		},
	}}}
}

func formationState(t *testing.T, srv *herokuapi.Server) map[string]herokuapi.FormationState {
	t.Helper()
	_, f, ok := srv.AppState("shop")
	if !ok {
		t.Fatal("no app shop")
	}
	return f
}

func TestSetMaintenance(t *testing.T) {
	t.Parallel()
	c, srv := sandboxClient(t, updatesFixture(), herokuapi.Options{}, heroku.Config{})
	ctx := context.Background()
	for _, on := range []bool{true, false} {
		app, err := c.SetMaintenance(ctx, "shop", on)
		if err != nil {
			t.Fatal(err)
		}
		if app.Maintenance != on || app.Name != "shop" {
			t.Errorf("answer: maintenance %v name %q, want %v", app.Maintenance, app.Name, on)
		}
		if got, _, _ := srv.AppState("shop"); got != on {
			t.Errorf("sandbox maintenance = %v, want %v", got, on)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Method != http.MethodPatch || reqs[0].Path != "/apps/shop" {
		t.Errorf("requests = %+v", reqs)
	}
	if _, err := c.SetMaintenance(ctx, "nope", true); !heroku.IsNotFound(err) {
		t.Errorf("unknown app: err = %v", err)
	}
}

func TestUpdateFormationType(t *testing.T) {
	t.Parallel()
	c, srv := sandboxClient(t, updatesFixture(), herokuapi.Options{}, heroku.Config{})
	ctx := context.Background()
	// A pointer to 0 is sent: the type goes to zero, its size unchanged.
	f, err := c.UpdateFormationType(ctx, "shop", "worker", heroku.FormationUpdate{Quantity: new(0)})
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != "worker" || f.Quantity != 0 || f.Size != "Standard-1X" {
		t.Errorf("answer = %+v", f)
	}
	// Size only.
	if _, err := c.UpdateFormationType(ctx, "shop", "clock", heroku.FormationUpdate{Size: "Standard-2X"}); err != nil {
		t.Fatal(err)
	}
	got := formationState(t, srv)
	want := map[string]herokuapi.FormationState{
		"web": {Quantity: 2, Size: "Standard-2X"}, "worker": {Quantity: 0, Size: "Standard-1X"}, "clock": {Quantity: 1, Size: "Standard-2X"},
	}
	for typ, w := range want {
		if got[typ] != w {
			t.Errorf("%s = %+v, want %+v", typ, got[typ], w)
		}
	}
	// Heroku's refusals.
	_, err = c.UpdateFormationType(ctx, "shop", "sidekiq", heroku.FormationUpdate{Quantity: new(1)})
	if !heroku.IsNotFound(err) {
		t.Errorf("unknown type: err = %v", err)
	}
	_, err = c.UpdateFormationType(ctx, "shop", "worker", heroku.FormationUpdate{Quantity: new(-1)})
	if apiErr, ok := err.(*heroku.APIError); !ok || apiErr.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("negative quantity: err = %v", err)
	}
	if _, err := c.UpdateFormationType(ctx, "shop", "..", heroku.FormationUpdate{}); err == nil {
		t.Error("a type of .. was sent")
	}
}

func TestUpdateFormationBatch(t *testing.T) {
	t.Parallel()
	c, srv := sandboxClient(t, updatesFixture(), herokuapi.Options{}, heroku.Config{})
	ctx := context.Background()
	out, err := c.UpdateFormation(ctx, "shop", []heroku.FormationUpdate{
		{Type: "worker", Quantity: new(0)},
		{Type: "clock", Quantity: new(2), Size: "Standard-2X"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 2 {
		t.Fatalf("answer = %+v", out)
	}
	got := formationState(t, srv)
	if got["worker"] != (herokuapi.FormationState{Quantity: 0, Size: "Standard-1X"}) ||
		got["clock"] != (herokuapi.FormationState{Quantity: 2, Size: "Standard-2X"}) ||
		got["web"] != (herokuapi.FormationState{Quantity: 2, Size: "Standard-2X"}) {
		t.Errorf("state = %+v", got)
	}
	// All or nothing: an unknown type refuses the whole batch.
	_, err = c.UpdateFormation(ctx, "shop", []heroku.FormationUpdate{{Type: "web", Quantity: new(0)}, {Type: "sidekiq", Quantity: new(0)}})
	if !heroku.IsNotFound(err) {
		t.Errorf("err = %v", err)
	}
	if formationState(t, srv)["web"].Quantity != 2 {
		t.Error("web changed by a refused batch")
	}
	if _, err := c.UpdateFormation(ctx, "shop", nil); err == nil {
		t.Error("an empty batch was sent")
	}
}

// A 503 on a PATCH is retried (absolute values: sending twice is safe),
// and the retry applies the change.
func TestUpdateFormationRetried(t *testing.T) {
	t.Parallel()
	c, srv := sandboxClient(t, updatesFixture(), herokuapi.Options{}, heroku.Config{Clock: clock.NewFake()})
	srv.FailFormationUpdate(1, http.StatusServiceUnavailable)
	if _, err := c.UpdateFormationType(context.Background(), "shop", "worker", heroku.FormationUpdate{Quantity: new(0)}); err != nil {
		t.Fatal(err)
	}
	if q := formationState(t, srv)["worker"].Quantity; q != 0 {
		t.Errorf("worker quantity = %d", q)
	}
	var patches []int
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPatch {
			patches = append(patches, r.Status)
		}
	}
	if len(patches) != 2 || patches[0] != 503 || patches[1] != 200 {
		t.Errorf("PATCH statuses = %v", patches)
	}
}
