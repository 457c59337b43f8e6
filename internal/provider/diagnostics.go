package provider

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// Reusable diagnostic texts. Every Heroku read failure goes through
// addHerokuError, so the wording is the same for every object.
const (
	detailCheckKey = "Check heroku_api_key, the " + envAPIKey + " environment variable, or the " + netrcMachine +
		" entry in ~/.netrc; `heroku auth:token` prints a valid key."
	detailRateLimit = "Heroku's API rate limit (4,500 requests per account, refilled at about 75 a minute) stayed " +
		"exhausted through every retry. Wait a few minutes, or reduce other API traffic from this account, and try again."
)

// addHerokuError adds the diagnostic for a failed Heroku call. operation is
// the summary, such as "Error Reading Heroku Formation"; appAttr, when not
// empty, is the attribute that named the app, so that a missing app is
// reported against it.
func addHerokuError(diags *diag.Diagnostics, operation, appAttr, app string, err error) {
	switch {
	case errors.Is(err, heroku.ErrMissingAPIKey):
		diags.AddError("Missing Heroku API Key",
			"No Heroku API key is configured, so "+lowerFirst(operationGerund(operation))+" is not possible. "+detailCheckKey)
	case heroku.IsUnauthorized(err):
		diags.AddError("Heroku Authentication Failed",
			"Authentication failed: Heroku rejected the API key while "+lowerFirst(operationGerund(operation))+". "+
				detailCheckKey+"\n\nError: "+err.Error())
	case heroku.IsNotFound(err) && appAttr != "":
		diags.AddAttributeError(path.Root(appAttr), operation,
			fmt.Sprintf("Heroku has no app %q that this API key can see. Check the %s attribute: it takes an app "+
				"name or id, and the key's account must own the app or be a collaborator or team member.\n\nError: %s",
				app, appAttr, err))
	case heroku.IsRateLimited(err):
		diags.AddError(operation, detailRateLimit+"\n\nError: "+err.Error())
	default:
		diags.AddError(operation, "The Heroku API call failed. If the error is temporary, run the command again.\n\nError: "+err.Error())
	}
}

// operationGerund turns "Error Reading Heroku App" into "Reading Heroku App".
func operationGerund(operation string) string {
	const prefix = "Error "
	if len(operation) > len(prefix) && operation[:len(prefix)] == prefix {
		return operation[len(prefix):]
	}
	return operation
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

// attrPath turns the dotted attribute names that the domain packages use in
// their problems (such as "aws.alias.zone_id" or "ssm.tier") into a path.
func attrPath(dotted string) path.Path {
	parts := strings.Split(dotted, ".")
	p := path.Root(parts[0])
	for _, part := range parts[1:] {
		p = p.AtName(part)
	}
	return p
}

// addProblems is the one translation of domain findings into diagnostics:
// each at its attribute (and map key), as an error or a warning.
//
// sensitive names the dotted attributes that hold secrets (URLs with
// passwords, signed URLs). A finding on one of them is reported on its
// parent block, or on the object as a whole for a top-level attribute:
// Terraform prints the configuration line an attribute diagnostic points
// at, and with a literal URL in the configuration that line is the secret.
// The finding's detail names the argument instead.
func addProblems(diags *diag.Diagnostics, problems []problem.Problem, sensitive ...string) {
	for _, p := range problems {
		var at *path.Path
		switch {
		case p.Attribute == "":
		case slices.Contains(sensitive, p.Attribute):
			if parent, _, nested := strings.Cut(p.Attribute, "."); nested {
				pp := path.Root(parent)
				at = &pp
			}
		default:
			pp := attrPath(p.Attribute)
			if p.Key != "" {
				pp = pp.AtMapKey(p.Key)
			}
			at = &pp
		}
		switch {
		case at == nil && p.Warning:
			diags.AddWarning(p.Summary, p.Detail)
		case at == nil:
			diags.AddError(p.Summary, p.Detail)
		case p.Warning:
			diags.AddAttributeWarning(*at, p.Summary, p.Detail)
		default:
			diags.AddAttributeError(*at, p.Summary, p.Detail)
		}
	}
}
