package appfreeze

import (
	herokugo "github.com/heroku/heroku-go/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// Validate checks spec against the live app, its formation and add-ons
// (any may be nil when unknown). Findings name the resource's attributes:
// "process_types", "maintenance", "drain_wait", "database", or "" (the
// object).
func Validate(spec Spec, app *herokugo.App, formation []herokugo.Formation, addons []herokugo.AddOn) problem.List {
	return nil
}
