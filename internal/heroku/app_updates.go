package heroku

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	heroku "github.com/heroku/heroku-go/v5"
)

// The calls that change an app: maintenance mode and the formation
// (https://devcenter.heroku.com/articles/platform-api-reference#app-update,
// #formation-batch-update and #formation-update). Each sends absolute
// values (a flag, a quantity, a size), so sending it twice leaves the app
// as sending it once: the client's bounded retries are safe for them.

// SetMaintenance turns an app's maintenance mode on or off
// (PATCH /apps/{app} with {"maintenance": on}) and returns the updated app.
// Maintenance mode serves the maintenance page to web traffic only
// (https://devcenter.heroku.com/articles/maintenance-mode).
func (c *Client) SetMaintenance(ctx context.Context, app string, on bool) (*heroku.App, error) {
	call, err := appCall(app, "")
	if err != nil {
		return nil, err
	}
	call.Method, call.Idempotent = http.MethodPatch, true
	var out heroku.App
	if err := c.Do(ctx, call, heroku.AppUpdateOpts{Maintenance: &on}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// FormationUpdate is one change of a process type. Quantity nil leaves the
// quantity as it is (a pointer to 0 scales the type to zero); Size ""
// leaves the dyno size as it is.
type FormationUpdate struct {
	Type     string
	Quantity *int
	Size     string
}

func (u FormationUpdate) opts() heroku.FormationUpdateOpts {
	o := heroku.FormationUpdateOpts{Quantity: u.Quantity}
	if u.Size != "" {
		o.Size = &u.Size
	}
	return o
}

// UpdateFormation changes several process types of an app in one call
// (PATCH /apps/{app}/formation with {"updates": [...]}) and returns the
// updated process types. Heroku applies all the updates or none.
func (c *Client) UpdateFormation(ctx context.Context, app string, updates []FormationUpdate) ([]heroku.Formation, error) {
	if len(updates) == 0 {
		return nil, errors.New("UpdateFormation: no updates")
	}
	call, err := appCall(app, "/formation")
	if err != nil {
		return nil, err
	}
	call.Method, call.Idempotent = http.MethodPatch, true
	var body heroku.FormationBatchUpdateOpts
	body.Updates = make([]struct {
		Quantity *int    `json:"quantity,omitempty" url:"quantity,omitempty,key"`
		Size     *string `json:"size,omitempty" url:"size,omitempty,key"`
		Type     string  `json:"type" url:"type,key"`
	}, len(updates))
	for i, u := range updates {
		if u.Type == "" {
			return nil, fmt.Errorf("UpdateFormation: update %d has no process type", i)
		}
		o := u.opts()
		body.Updates[i].Type, body.Updates[i].Quantity, body.Updates[i].Size = u.Type, o.Quantity, o.Size
	}
	var out []heroku.Formation
	if err := c.Do(ctx, call, body, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateFormationType changes one process type of an app, named by type
// (e.g. "worker") or id (PATCH /apps/{app}/formation/{type}), and returns
// it. u.Type is ignored. An unknown type is a 404 not_found; a quantity or
// size the app may not use is a 422.
func (c *Client) UpdateFormationType(ctx context.Context, app, typ string, u FormationUpdate) (*heroku.Formation, error) {
	call, err := appCall(app, "/formation/")
	if err != nil {
		return nil, err
	}
	s, err := segment("process type", typ)
	if err != nil {
		return nil, err
	}
	call.Path += s
	call.Method, call.Idempotent = http.MethodPatch, true
	var out heroku.Formation
	if err := c.Do(ctx, call, u.opts(), &out); err != nil {
		return nil, err
	}
	return &out, nil
}
