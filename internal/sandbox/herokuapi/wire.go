package herokuapi

// Wire types: the JSON bodies the sandbox answers with. Each mirrors a
// heroku-go v5.5.0 type and the matching definition of the Platform API
// schema field for field. Every property is always present (nullable ones
// as null), as on Heroku; the tests check both directions against the schema
// and decode every body into the heroku-go types with unknown fields
// disallowed.

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type nameOnly struct {
	Name string `json:"name"`
}

type emailID struct {
	Email string `json:"email"`
	ID    string `json:"id"`
}

type idOnly struct {
	ID string `json:"id"`
}

// accountJSON mirrors heroku.Account.
type accountJSON struct {
	AllowTracking       bool    `json:"allow_tracking"`
	Beta                bool    `json:"beta"`
	CountryOfResidence  *string `json:"country_of_residence"`
	CreatedAt           string  `json:"created_at"`
	DefaultOrganization *idName `json:"default_organization"`
	DefaultTeam         *idName `json:"default_team"`
	DelinquentAt        *string `json:"delinquent_at"`
	Email               string  `json:"email"`
	Federated           bool    `json:"federated"`
	ID                  string  `json:"id"`
	IdentityProvider    *struct {
		ID           string   `json:"id"`
		Name         string   `json:"name"`
		Organization nameOnly `json:"organization"`
		Owner        struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"owner"`
		Team nameOnly `json:"team"`
	} `json:"identity_provider"`
	LastLogin               *string `json:"last_login"`
	Name                    *string `json:"name"`
	SmsNumber               *string `json:"sms_number"`
	SuspendedAt             *string `json:"suspended_at"`
	TwoFactorAuthentication bool    `json:"two_factor_authentication"`
	UpdatedAt               string  `json:"updated_at"`
	Verified                bool    `json:"verified"`
}

// rateLimitJSON mirrors heroku.RateLimit.
type rateLimitJSON struct {
	Remaining int `json:"remaining"`
}

type spaceJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Shield bool   `json:"shield"`
}

// appJSON mirrors heroku.App.
type appJSON struct {
	ACM                          bool       `json:"acm"`
	ArchivedAt                   *string    `json:"archived_at"`
	BuildStack                   idName     `json:"build_stack"`
	BuildpackProvidedDescription *string    `json:"buildpack_provided_description"`
	CreatedAt                    string     `json:"created_at"`
	GitURL                       string     `json:"git_url"`
	ID                           string     `json:"id"`
	InternalRouting              *bool      `json:"internal_routing"`
	Maintenance                  bool       `json:"maintenance"`
	Name                         string     `json:"name"`
	Organization                 *idName    `json:"organization"`
	Owner                        emailID    `json:"owner"`
	Region                       idName     `json:"region"`
	ReleasedAt                   *string    `json:"released_at"`
	RepoSize                     *int       `json:"repo_size"`
	SlugSize                     *int       `json:"slug_size"`
	Space                        *spaceJSON `json:"space"`
	Stack                        idName     `json:"stack"`
	Team                         *idName    `json:"team"`
	UpdatedAt                    string     `json:"updated_at"`
	WebURL                       string     `json:"web_url"`
}

// teamSpaceJSON is the space of a team app, which has no shield flag.
type teamSpaceJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// teamAppJSON mirrors heroku.TeamApp.
type teamAppJSON struct {
	ArchivedAt                   *string        `json:"archived_at"`
	BuildStack                   idName         `json:"build_stack"`
	BuildpackProvidedDescription *string        `json:"buildpack_provided_description"`
	CreatedAt                    string         `json:"created_at"`
	GitURL                       string         `json:"git_url"`
	ID                           string         `json:"id"`
	InternalRouting              *bool          `json:"internal_routing"`
	Joined                       bool           `json:"joined"`
	Locked                       bool           `json:"locked"`
	Maintenance                  bool           `json:"maintenance"`
	Name                         string         `json:"name"`
	Owner                        *emailID       `json:"owner"`
	Region                       idName         `json:"region"`
	ReleasedAt                   *string        `json:"released_at"`
	RepoSize                     *int           `json:"repo_size"`
	SlugSize                     *int           `json:"slug_size"`
	Space                        *teamSpaceJSON `json:"space"`
	Stack                        idName         `json:"stack"`
	Team                         *nameOnly      `json:"team"`
	UpdatedAt                    string         `json:"updated_at"`
	WebURL                       string         `json:"web_url"`
}

// formationJSON mirrors heroku.Formation.
type formationJSON struct {
	App       idName `json:"app"`
	Command   string `json:"command"`
	CreatedAt string `json:"created_at"`
	ID        string `json:"id"`
	Quantity  int    `json:"quantity"`
	Size      string `json:"size"`
	Type      string `json:"type"`
	UpdatedAt string `json:"updated_at"`
}

// dynoSizeJSON mirrors heroku.DynoSize.
type dynoSizeJSON struct {
	Compute          int       `json:"compute"`
	Cost             *struct{} `json:"cost"`
	Dedicated        bool      `json:"dedicated"`
	DynoUnits        int       `json:"dyno_units"`
	ID               string    `json:"id"`
	Memory           float64   `json:"memory"`
	Name             string    `json:"name"`
	PrivateSpaceOnly bool      `json:"private_space_only"`
}

type billedPriceJSON struct {
	Cents    int    `json:"cents"`
	Contract bool   `json:"contract"`
	Unit     string `json:"unit"`
}

type billingEntityJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// addonJSON mirrors heroku.AddOn.
type addonJSON struct {
	Actions       []struct{}        `json:"actions"`
	AddonService  idName            `json:"addon_service"`
	App           idName            `json:"app"`
	BilledPrice   *billedPriceJSON  `json:"billed_price"`
	BillingEntity billingEntityJSON `json:"billing_entity"`
	ConfigVars    []string          `json:"config_vars"`
	CreatedAt     string            `json:"created_at"`
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Plan          idName            `json:"plan"`
	ProviderID    string            `json:"provider_id"`
	State         string            `json:"state"`
	UpdatedAt     string            `json:"updated_at"`
	WebURL        *string           `json:"web_url"`
}

type attachmentAddonJSON struct {
	App  idName `json:"app"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// attachmentJSON mirrors heroku.AddOnAttachment.
type attachmentJSON struct {
	Addon       attachmentAddonJSON `json:"addon"`
	App         idName              `json:"app"`
	CreatedAt   string              `json:"created_at"`
	ID          string              `json:"id"`
	LogInputURL *string             `json:"log_input_url"`
	Name        string              `json:"name"`
	Namespace   *string             `json:"namespace"`
	UpdatedAt   string              `json:"updated_at"`
	WebURL      *string             `json:"web_url"`
}

// domainJSON mirrors heroku.Domain.
type domainJSON struct {
	ACMStatus       *string `json:"acm_status"`
	ACMStatusReason *string `json:"acm_status_reason"`
	App             idName  `json:"app"`
	CName           *string `json:"cname"`
	CreatedAt       string  `json:"created_at"`
	Hostname        string  `json:"hostname"`
	ID              string  `json:"id"`
	Kind            string  `json:"kind"`
	SniEndpoint     *idName `json:"sni_endpoint"`
	Status          string  `json:"status"`
	UpdatedAt       string  `json:"updated_at"`
}

// releaseJSON mirrors heroku.Release.
type releaseJSON struct {
	AddonPlanNames  []string `json:"addon_plan_names"`
	App             idName   `json:"app"`
	CreatedAt       string   `json:"created_at"`
	Current         bool     `json:"current"`
	Description     string   `json:"description"`
	ID              string   `json:"id"`
	OutputStreamURL *string  `json:"output_stream_url"`
	Slug            *idOnly  `json:"slug"`
	Status          string   `json:"status"`
	UpdatedAt       string   `json:"updated_at"`
	User            emailID  `json:"user"`
	Version         int      `json:"version"`
}

type slugBlobJSON struct {
	Method string `json:"method"`
	URL    string `json:"url"`
}

type slugJSON struct {
	Blob                         slugBlobJSON      `json:"blob"`
	BuildpackProvidedDescription *string           `json:"buildpack_provided_description"`
	Checksum                     *string           `json:"checksum"`
	Commit                       *string           `json:"commit"`
	CommitDescription            *string           `json:"commit_description"`
	CreatedAt                    string            `json:"created_at"`
	ID                           string            `json:"id"`
	ProcessTypes                 map[string]string `json:"process_types"`
	Size                         *int              `json:"size"`
	Stack                        idName            `json:"stack"`
	UpdatedAt                    string            `json:"updated_at"`
}

type buildpackInstallationJSON struct {
	Buildpack struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"buildpack"`
	Ordinal int `json:"ordinal"`
}
