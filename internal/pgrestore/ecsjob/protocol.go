package ecsjob

import (
	_ "embed"
	"strings"
)

// Script is the job that runs in the Fargate task, as `sh -c Script`. It
// needs only a POSIX sh (dash or busybox ash), awk, curl or wget, and the
// PostgreSQL client tools: the stock postgres:15-alpine image has them.
//
//go:embed job.sh
var Script string

// DefaultImage is the image the task runs when none is given: the Docker
// official PostgreSQL 15 image, from the ECR Public mirror (no Docker Hub
// pull limits, reachable through a NAT gateway or a public IP).
const DefaultImage = "public.ecr.aws/docker/library/postgres:15-alpine"

// Environment the script reads. The target's host, port, user, database
// and sslmode are the libpq variables PGHOST, PGPORT, PGUSER, PGDATABASE
// and PGSSLMODE; PGPASSWORD is a task-definition secret.
const (
	// EnvSourceKind is "url" (download a custom-format dump from
	// EnvSourceURL) or "database" (pg_dump the database described by
	// EnvSourceService).
	EnvSourceKind = "HEROKU2AWS_SOURCE_KIND"
	// EnvSourceURL is a secret: the signed backup URL or dump_url.
	EnvSourceURL = "HEROKU2AWS_SOURCE_URL"
	// EnvSourceService is a secret: a pg_service.conf holding a [source]
	// section (host, port, dbname, user, password, sslmode), so that no
	// part of the source's credentials reaches a command line.
	EnvSourceService = "HEROKU2AWS_SOURCE_SERVICE"

	EnvJobs             = "HEROKU2AWS_JOBS"
	EnvNoOwner          = "HEROKU2AWS_NO_OWNER"
	EnvNoACL            = "HEROKU2AWS_NO_ACL"
	EnvClean            = "HEROKU2AWS_CLEAN"
	EnvAnalyze          = "HEROKU2AWS_ANALYZE"
	EnvVerify           = "HEROKU2AWS_VERIFY"     // none or row_counts
	EnvExtensions       = "HEROKU2AWS_EXTENSIONS" // space-separated names
	EnvDownloadAttempts = "HEROKU2AWS_DOWNLOAD_ATTEMPTS"
	EnvWorkDir          = "HEROKU2AWS_WORKDIR" // default $TMPDIR or /tmp
)

// Source kinds.
const (
	SourceURL      = "url"
	SourceDatabase = "database"
)

// Log line prefixes besides Prefix. The script writes everything to
// stdout (its stderr is folded into it), so the log keeps its order.
const (
	// PhasePrefix starts a progress line: "HEROKU2AWS_PHASE restore
	// started jobs=4". Between "restore started" and "restore finished
	// exit=N" the log holds only pg_restore's --verbose output.
	PhasePrefix = "HEROKU2AWS_PHASE "
	// ErrorPrefix starts the line that says why the job failed, written
	// just before a non-zero exit.
	ErrorPrefix = "HEROKU2AWS_ERROR "
	// WarningPrefix starts a warning that is also in the summary.
	WarningPrefix = "HEROKU2AWS_WARNING "
)

// Exit codes of the script.
const (
	ExitOK            = 0
	ExitRestoreErrors = 3 // pg_restore exited non-zero; the summary was written
	ExitConfig        = 10
	ExitDownload      = 11
	ExitDump          = 12
	ExitTarget        = 13 // cannot connect, or the target already has the dump's tables
	ExitPrepare       = 14 // creating extensions failed
	ExitVerify        = 15 // ANALYZE or the verification query failed
	ExitDisk          = 16 // the work directory is full
)

// ExitMeaning describes an exit code of the script, "" when it is not one.
func ExitMeaning(code int) string {
	switch code {
	case ExitRestoreErrors:
		return "pg_restore reported errors"
	case ExitConfig:
		return "the job's configuration is incomplete"
	case ExitDownload:
		return "downloading the dump failed"
	case ExitDump:
		return "pg_dump of the source database failed"
	case ExitTarget:
		return "the target database refused the restore"
	case ExitPrepare:
		return "preparing the target (extensions) failed"
	case ExitVerify:
		return "analyzing or verifying the target failed"
	case ExitDisk:
		return "the task's ephemeral storage is full"
	}
	return ""
}

// Phase is a parsed progress line.
type Phase struct {
	Name, Status string
	Fields       map[string]string
}

// ParsePhase reads a PhasePrefix line.
func ParsePhase(line string) (Phase, bool) {
	rest, ok := strings.CutPrefix(line, PhasePrefix)
	if !ok {
		return Phase{}, false
	}
	f := strings.Fields(rest)
	if len(f) < 2 {
		return Phase{}, false
	}
	p := Phase{Name: f[0], Status: f[1], Fields: map[string]string{}}
	for _, kv := range f[2:] {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			p.Fields[k] = v
		}
	}
	return p, true
}
