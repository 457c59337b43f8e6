package herokuapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// DefaultAPIKey is the bearer token the sandbox accepts when neither the
// fixture nor Options name one.
const DefaultAPIKey = "sandbox-api-key"

// Fixture is the seed data of a sandbox. See the package documentation for
// the JSON format, its defaults and its validation rules.
type Fixture struct {
	// APIKey is the bearer token accepted; DefaultAPIKey when empty.
	APIKey string `json:"api_key,omitempty"`
	// Account is the account that owns the API key.
	Account Account `json:"account"`
	// Teams lists the teams the account is a member of.
	Teams []Team `json:"teams,omitempty"`
	// DynoSizes replaces DefaultDynoSizes when non-empty.
	DynoSizes []DynoSize `json:"dyno_sizes,omitempty"`
	// Apps are the apps the account can see, team apps included.
	Apps []App `json:"apps,omitempty"`
}

// Account is the account behind the API key.
type Account struct {
	// ID is a UUID; derived from the email when empty.
	ID string `json:"id,omitempty"`
	// Email defaults to "owner@example.com".
	Email string `json:"email,omitempty"`
}

// Team is a Heroku team.
type Team struct {
	// ID is a UUID; derived from the name when empty.
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

// DynoSize is a dyno size as GET /dyno-sizes reports it.
type DynoSize struct {
	// ID is a UUID; derived from the name when empty.
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	// Memory is in GB.
	Memory float64 `json:"memory"`
	// Compute is the minimum number of vCPUs.
	Compute          int  `json:"compute"`
	Dedicated        bool `json:"dedicated,omitempty"`
	PrivateSpaceOnly bool `json:"private_space_only,omitempty"`
	DynoUnits        int  `json:"dyno_units,omitempty"`
}

// App is one Heroku app and everything the sandbox serves about it.
type App struct {
	// ID is a UUID; derived from the name when empty.
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	// Region defaults to "us".
	Region string `json:"region,omitempty"`
	// Stack defaults to "heroku-24"; BuildStack defaults to Stack.
	Stack      string `json:"stack,omitempty"`
	BuildStack string `json:"build_stack,omitempty"`
	// Team names a team from Fixture.Teams; empty for a personal app.
	Team string `json:"team,omitempty"`
	// Space names a Private Space; empty for the Common Runtime.
	Space string `json:"space,omitempty"`
	// OwnerEmail defaults to the account email, or for a team app to
	// "<team>@herokumanager.com", as Heroku reports team-owned apps.
	OwnerEmail                   string  `json:"owner_email,omitempty"`
	Maintenance                  bool    `json:"maintenance,omitempty"`
	ACM                          bool    `json:"acm,omitempty"`
	BuildpackProvidedDescription *string `json:"buildpack_provided_description,omitempty"`
	// GitURL defaults to https://git.heroku.com/NAME.git and WebURL to
	// https://NAME-<12 hex>.herokuapp.com/ (NAME shortened to fit).
	GitURL string `json:"git_url,omitempty"`
	WebURL string `json:"web_url,omitempty"`
	// CreatedAt defaults to 2024-01-15T10:00:00Z; ReleasedAt to the creation
	// time of the current release.
	CreatedAt  *time.Time `json:"created_at,omitempty"`
	ReleasedAt *time.Time `json:"released_at,omitempty"`

	Formation []Process `json:"formation,omitempty"`
	// ConfigVars may hold null values, as on Heroku.
	ConfigVars map[string]*string `json:"config_vars,omitempty"`
	// Addons are the add-ons this app owns (is billed for).
	Addons  []Addon  `json:"addons,omitempty"`
	Domains []Domain `json:"domains,omitempty"`
	// Releases defaults to a single "Initial release" v1.
	Releases []Release `json:"releases,omitempty"`
	// Buildpacks are the app's buildpack installations in the order they
	// run: a Buildpack Registry name ("heroku/nodejs") or a URL.
	Buildpacks []string `json:"buildpacks,omitempty"`
	// ReleaseCommand is the Procfile's release process type; every slug of
	// the app lists it under process_types "release" with the formation's
	// commands.
	ReleaseCommand string `json:"release_command,omitempty"`
}

// Process is one process type of an app's formation.
type Process struct {
	Type    string `json:"type"`
	Command string `json:"command"`
	// Quantity is the number of dynos; 0 when omitted.
	Quantity int `json:"quantity"`
	// Size is a dyno size name, matched case-insensitively; "standard-1X"
	// when empty. The API reports the size's canonical name.
	Size string `json:"size,omitempty"`
}

// Addon is an add-on owned by the app that lists it.
type Addon struct {
	// ID is a UUID; derived from the name when empty.
	ID string `json:"id,omitempty"`
	// Name is globally unique, for example "postgresql-curved-12345".
	Name string `json:"name"`
	// Service defaults to the part of Plan before the colon.
	Service string `json:"service,omitempty"`
	// Plan is "service:plan", for example "heroku-postgresql:standard-0".
	Plan string `json:"plan"`
	// State is provisioning, provisioned (the default) or deprovisioned.
	State string `json:"state,omitempty"`
	// BilledPriceCents is the monthly price in cents; 0 when omitted.
	BilledPriceCents int `json:"billed_price_cents,omitempty"`
	// ConfigVars names the config vars the add-on sets (names only).
	ConfigVars []string `json:"config_vars,omitempty"`
	// Attachments default to one attachment to the owning app, named after
	// the first config var that ends in _URL (DATABASE_URL → DATABASE),
	// else after the service (papertrail → PAPERTRAIL).
	Attachments []Attachment `json:"attachments,omitempty"`
	// DatabaseURL is the PostgreSQL database behind a heroku-postgresql
	// add-on (postgres://USER:PASSWORD@HOST:PORT/DB), which the Data API
	// describes and captures backups of with pg_dump. Without it the Data
	// API answers 404 for the add-on, as Heroku does for a database that is
	// not provisioned. It holds a password: errors and logs never show it.
	// Server.SetAddonDatabase changes it at run time.
	DatabaseURL string `json:"database_url,omitempty"`
	// Backups seeds finished backups (transfers) of a heroku-postgresql
	// add-on, listed by the Data API. They have no file: their public URL
	// answers S3's 404 NoSuchKey. Server.AddBackup seeds one with a file.
	Backups []Backup `json:"backups,omitempty"`
}

// Backup is a finished backup of a heroku-postgresql add-on, as the Data
// API lists it among the owning app's transfers.
type Backup struct {
	// Num is the transfer number, unique per app (the owning app's
	// transfers of all its databases share one sequence). Default: one
	// more than the app's highest so far. Captures continue after the
	// highest.
	Num int `json:"num,omitempty"`
	// Scheduled marks a scheduled backup (named "a" + num, with a
	// schedule); otherwise it is a manual one ("b" + num).
	Scheduled bool `json:"scheduled,omitempty"`
	// CreatedAt defaults to the app's creation time plus one day per num.
	CreatedAt *time.Time `json:"created_at,omitempty"`
	// Succeeded defaults to true. A failed backup gets Logs as error lines.
	Succeeded *bool `json:"succeeded,omitempty"`
	// SourceBytes is the database size and ProcessedBytes the backup size.
	SourceBytes    int64 `json:"source_bytes,omitempty"`
	ProcessedBytes int64 `json:"processed_bytes,omitempty"`
	// Logs are the transfer's log messages (verbose answers only).
	Logs []string `json:"logs,omitempty"`
}

// Attachment attaches an add-on to an app under a name.
type Attachment struct {
	Name      string  `json:"name"`
	Namespace *string `json:"namespace,omitempty"`
	// App defaults to the add-on's own app.
	App string `json:"app,omitempty"`
}

// Domain is a custom domain. Every app also gets its default herokuapp.com
// domain of kind "heroku" automatically.
type Domain struct {
	Hostname string `json:"hostname"`
	// Kind must be "custom" (the default).
	Kind string `json:"kind,omitempty"`
	// CName is the DNS target; derived (*.herokudns.com) when omitted.
	CName *string `json:"cname,omitempty"`
	// Status defaults to "succeeded".
	Status string `json:"status,omitempty"`
	// ACMStatus defaults to "cert issued" when the app has ACM, else null.
	ACMStatus *string `json:"acm_status,omitempty"`
}

// Release is one release of an app.
type Release struct {
	Version     int    `json:"version"`
	Description string `json:"description,omitempty"`
	// Status is failed, pending or succeeded (the default).
	Status string `json:"status,omitempty"`
	// Current marks the running release; when no release is marked, the
	// highest version is current.
	Current bool `json:"current,omitempty"`
	// CreatedAt defaults to the app's creation time plus one hour per
	// version.
	CreatedAt *time.Time `json:"created_at,omitempty"`
}

// LoadFixture decodes a JSON fixture strictly (unknown fields and trailing
// data are errors) and validates it.
func LoadFixture(r io.Reader) (*Fixture, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading fixture: %w", err)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("fixture: must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	var f Fixture
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("fixture: unexpected data after the JSON object")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// LoadFixtureFile reads and validates the fixture at path.
func LoadFixtureFile(path string) (*Fixture, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	f, err := LoadFixture(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Validate checks the fixture and reports every problem found, each naming
// the offending app and field. It never reports config var values.
func (f *Fixture) Validate() error {
	if f == nil {
		return errors.New("fixture: nil")
	}
	_, err := buildDataset(f)
	return err
}
