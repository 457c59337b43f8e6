package herokuapi

// Data API wire types. heroku-go has none; these follow the types the
// Heroku CLI declares for the same answers (heroku/cli
// packages/cli/src/lib/pg/types.ts: BackupTransfer, PublicUrlResponse,
// PgDatabaseService, PgDatabaseTenant), field for field. Every field is
// always present, nullable ones as null, except "logs", which Heroku only
// sends with ?verbose=true (the CLI says so: "logs is undefined unless
// verbose=true is passed").
//
// Timestamps are formatted the way the Data API formats them, Ruby's
// Time#to_s in UTC: "2024-02-01 12:00:00 +0000" (dataTimeLayout), not
// RFC 3339 like the Platform API.

// dataTimeLayout is the Data API's timestamp format.
const dataTimeLayout = "2006-01-02 15:04:05 -0700"

// transferJSON mirrors the CLI's BackupTransfer.
type transferJSON struct {
	UUID           string             `json:"uuid"`
	Num            int                `json:"num"`
	FromName       string             `json:"from_name"`
	FromType       string             `json:"from_type"`
	FromURL        string             `json:"from_url"`
	ToName         string             `json:"to_name"`
	ToType         string             `json:"to_type"`
	ToURL          string             `json:"to_url"`
	Options        map[string]any     `json:"options"`
	SourceBytes    int64              `json:"source_bytes"`
	ProcessedBytes int64              `json:"processed_bytes"`
	Succeeded      bool               `json:"succeeded"`
	Warnings       int                `json:"warnings"`
	CreatedAt      string             `json:"created_at"`
	StartedAt      *string            `json:"started_at"`
	CanceledAt     *string            `json:"canceled_at"`
	UpdatedAt      string             `json:"updated_at"`
	FinishedAt     *string            `json:"finished_at"`
	DeletedAt      *string            `json:"deleted_at"`
	PurgedAt       *string            `json:"purged_at"`
	NumKeep        int                `json:"num_keep"`
	Schedule       *scheduleRefJSON   `json:"schedule"`
	Logs           *[]transferLogJSON `json:"logs,omitempty"`
}

type scheduleRefJSON struct {
	UUID string `json:"uuid"`
}

type transferLogJSON struct {
	CreatedAt string `json:"created_at"`
	Level     string `json:"level"`
	Message   string `json:"message"`
}

// publicURLJSON mirrors the CLI's PublicUrlResponse, plus expires_at.
type publicURLJSON struct {
	ExpiresAt string `json:"expires_at"`
	URL       string `json:"url"`
}

// infoJSON is one line of pg:info.
type infoJSON struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

type dataPlanJSON struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// databaseJSON mirrors the CLI's PgDatabaseService: the answer for a
// dedicated database (standard, premium, private and shield plans).
type databaseJSON struct {
	AddonID               string       `json:"addon_id"`
	AvailableForIngress   bool         `json:"available_for_ingress"`
	CreatedAt             string       `json:"created_at"`
	Credentials           int          `json:"credentials"`
	CurrentTransaction    int64        `json:"current_transaction"`
	DatabaseName          string       `json:"database_name"`
	DatabasePassword      string       `json:"database_password"`
	DatabaseUser          string       `json:"database_user"`
	ForkedFrom            *string      `json:"forked_from"`
	HerokuResourceID      string       `json:"heroku_resource_id"`
	HotStandby            bool         `json:"hot_standby?"`
	Info                  []infoJSON   `json:"info"`
	IsInRecovery          bool         `json:"is_in_recovery"`
	Leader                *string      `json:"leader"`
	MetaasSource          string       `json:"metaas_source"`
	Name                  string       `json:"name"`
	NumBytes              int64        `json:"num_bytes"`
	NumConnections        int          `json:"num_connections"`
	NumConnectionsWaiting int          `json:"num_connections_waiting"`
	NumTables             int          `json:"num_tables"`
	Plan                  dataPlanJSON `json:"plan"`
	Port                  int          `json:"port"`
	PostgresVersion       string       `json:"postgres_version"`
	ResourceURL           string       `json:"resource_url"`
	Standalone            bool         `json:"standalone?"`
	StatusUpdatedAt       string       `json:"status_updated_at"`
	TargetTransaction     *string      `json:"target_transaction"`
	Waiting               bool         `json:"waiting?"`
}

// tenantDatabaseJSON mirrors the CLI's PgDatabaseTenant: the answer for a
// database on shared infrastructure (essential, mini, basic, hobby plans).
type tenantDatabaseJSON struct {
	AddonID      string     `json:"addon_id"`
	CreatedAt    string     `json:"created_at"`
	DatabaseName string     `json:"database_name"`
	DatabaseUser string     `json:"database_user"`
	Info         []infoJSON `json:"info"`
	Name         string     `json:"name"`
	NumBytes     int64      `json:"num_bytes"`
	Plan         string     `json:"plan"`
	ResourceURL  string     `json:"resource_url"`
	Waiting      bool       `json:"waiting?"`
}
