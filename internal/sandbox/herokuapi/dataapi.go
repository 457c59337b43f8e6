package herokuapi

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Data API errors.
var (
	errNoDatabase = &apiError{Status: http.StatusNotFound, ID: "not_found", Message: "Couldn't find that database."}
	errNoTransfer = &apiError{Status: http.StatusNotFound, ID: "not_found", Message: "Couldn't find that transfer."}
	errClosedData = &apiError{Status: http.StatusServiceUnavailable, ID: "unavailable", Message: "The service is temporarily unavailable. Please try again later."}
)

func errNoBackupFile(t *transfer) *apiError {
	return &apiError{
		Status:  http.StatusUnprocessableEntity,
		ID:      "unprocessable_entity",
		Message: fmt.Sprintf("Transfer %s is not a finished, successful backup; it has no file to download.", t.name()),
	}
}

// routeData dispatches an authorized Data API request (/client/v11/...).
func (s *Server) routeData(w http.ResponseWriter, r *http.Request, seg []string) {
	get, post := r.Method == http.MethodGet, r.Method == http.MethodPost
	switch {
	case len(seg) < 4 || seg[1] != "v11":
		writeError(w, errNoRoute)
	case seg[2] == "databases" && len(seg) == 4 && get:
		s.serveDatabase(w, r, seg[3])
	case seg[2] == "databases" && len(seg) == 5 && seg[4] == "backups" && post:
		s.serveCapture(w, seg[3])
	case seg[2] == "apps" && len(seg) == 5 && seg[4] == "transfers" && get:
		s.serveTransfers(w, r, seg[3])
	case seg[2] == "apps" && len(seg) == 6 && seg[4] == "transfers" && get:
		s.serveTransfer(w, r, seg[3], seg[5])
	case seg[2] == "apps" && len(seg) == 8 && seg[4] == "transfers" && seg[6] == "actions" && seg[7] == "public-url" && post:
		s.servePublicURL(w, r, seg[3], seg[5])
	default:
		writeError(w, errNoRoute)
	}
}

// database resolves {addon_id}: a provisioned heroku-postgresql add-on,
// by UUID only (as the CLI sends it), with a database behind it.
func (s *Server) database(addonID string) (*addonRecord, string) {
	if !isUUID(addonID) {
		return nil, ""
	}
	ar := s.data.lookupAddon(addonID)
	if ar == nil || ar.service != PostgresService || ar.state != "provisioned" {
		return nil, ""
	}
	s.pg.mu.Lock()
	defer s.pg.mu.Unlock()
	u := s.pg.dbURL[ar.id]
	if u == "" {
		return nil, ""
	}
	return ar, u
}

// dbStats are the live figures of a database.
type dbStats struct {
	version        string
	bytes          int64
	tables         int
	connections    int
	maxConnections int
	xid            int64
	ok             bool
}

// queryStats asks the database for the figures pg:info shows.
func queryStats(ctx context.Context, dbURL string) dbStats {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var st dbStats
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return st
	}
	defer conn.Close(context.WithoutCancel(ctx))
	err = conn.QueryRow(ctx, `SELECT current_setting('server_version'),
		pg_database_size(current_database()),
		(SELECT count(*) FROM information_schema.tables
		  WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')),
		(SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()),
		current_setting('max_connections')::int,
		pg_snapshot_xmax(pg_current_snapshot())::text::bigint`).
		Scan(&st.version, &st.bytes, &st.tables, &st.connections, &st.maxConnections, &st.xid)
	st.ok = err == nil
	if v, _, found := strings.Cut(st.version, " "); found {
		st.version = v // "15.8 (Debian 15.8-0+deb12u1)" → "15.8"
	}
	return st
}

// tenantPlan reports whether a plan runs on shared infrastructure, for
// which Heroku answers the shorter PgDatabaseTenant shape.
func tenantPlan(plan string) bool {
	_, tier, _ := strings.Cut(plan, ":")
	for _, p := range []string{"essential", "mini", "basic", "hobby"} {
		if strings.HasPrefix(tier, p) {
			return true
		}
	}
	return false
}

// planTitle is how pg:info shows a plan: "heroku-postgresql:standard-0" →
// "Standard 0".
func planTitle(plan string) string {
	_, tier, _ := strings.Cut(plan, ":")
	words := strings.Split(tier, "-")
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// humanBytes formats a size the way pg:info does: "7.9 MB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTP"[exp])
}

// serveDatabase answers GET /client/v11/databases/{addon_id}.
func (s *Server) serveDatabase(w http.ResponseWriter, r *http.Request, addonID string) {
	ar, dbURL := s.database(addonID)
	if ar == nil {
		writeError(w, errNoDatabase)
		return
	}
	u, _ := url.Parse(dbURL) // validated when set
	password, _ := u.User.Password()
	port, _ := strconv.Atoi(u.Port())
	if port == 0 {
		port = 5432
	}
	st := queryStats(r.Context(), dbURL)
	status := "Available"
	if !st.ok {
		status = "Unavailable"
	}
	created := dataTime(ar.created)
	createdShort := ar.created.UTC().Format("2006-01-02 15:04 MST")
	dbName := strings.TrimPrefix(u.Path, "/")
	connections := fmt.Sprintf("%d/%d", st.connections, st.maxConnections)

	if tenantPlan(ar.plan) {
		writeJSON(w, http.StatusOK, tenantDatabaseJSON{
			AddonID:      ar.id,
			CreatedAt:    created,
			DatabaseName: dbName,
			DatabaseUser: u.User.Username(),
			Info: []infoJSON{
				{Name: "Plan", Values: []string{planTitle(ar.plan)}},
				{Name: "Status", Values: []string{status}},
				{Name: "Connections", Values: []string{connections}},
				{Name: "PG Version", Values: []string{st.version}},
				{Name: "Created", Values: []string{createdShort}},
				{Name: "Data Size", Values: []string{humanBytes(st.bytes)}},
				{Name: "Tables", Values: []string{strconv.Itoa(st.tables)}},
				{Name: "Fork/Follow", Values: []string{"Unsupported"}},
				{Name: "Rollback", Values: []string{"Unsupported"}},
				{Name: "Continuous Protection", Values: []string{"Off"}},
			},
			Name:        ar.name,
			NumBytes:    st.bytes,
			Plan:        strings.SplitN(ar.plan, ":", 2)[1],
			ResourceURL: dbURL,
		})
		return
	}
	writeJSON(w, http.StatusOK, databaseJSON{
		AddonID:             ar.id,
		AvailableForIngress: true,
		CreatedAt:           created,
		Credentials:         1,
		CurrentTransaction:  st.xid,
		DatabaseName:        dbName,
		DatabasePassword:    password,
		DatabaseUser:        u.User.Username(),
		HerokuResourceID:    "resource" + deriveHex(8, "provider", ar.id),
		Info: []infoJSON{
			{Name: "Plan", Values: []string{planTitle(ar.plan)}},
			{Name: "Status", Values: []string{status}},
			{Name: "Data Size", Values: []string{humanBytes(st.bytes)}},
			{Name: "Tables", Values: []string{strconv.Itoa(st.tables)}},
			{Name: "PG Version", Values: []string{st.version}},
			{Name: "Connections", Values: []string{connections}},
			{Name: "Connection Pooling", Values: []string{"Available"}},
			{Name: "Credentials", Values: []string{"1"}},
			{Name: "Fork/Follow", Values: []string{"Available"}},
			{Name: "Rollback", Values: []string{"earliest from " + createdShort}},
			{Name: "Created", Values: []string{createdShort}},
			{Name: "Data Encryption", Values: []string{"In Use"}},
			{Name: "Continuous Protection", Values: []string{"On"}},
			{Name: "Maintenance", Values: []string{"not required"}},
			{Name: "Maintenance window", Values: []string{"Thursdays 22:00 to Fridays 02:00 UTC"}},
		},
		MetaasSource:    "shogun",
		Name:            ar.name,
		NumBytes:        st.bytes,
		NumConnections:  st.connections,
		NumTables:       st.tables,
		Plan:            dataPlanJSON{ID: planID(ar.plan), Name: strings.SplitN(ar.plan, ":", 2)[1]},
		Port:            port,
		PostgresVersion: st.version,
		ResourceURL:     dbURL,
		Standalone:      true,
		StatusUpdatedAt: dataTime(s.now()),
	})
}

// planID is a stable made-up numeric plan id.
func planID(plan string) int {
	n, _ := strconv.ParseInt(deriveHex(4, "plan", plan), 16, 32)
	return int(n)
}

// serveCapture answers POST /client/v11/databases/{addon_id}/backups.
func (s *Server) serveCapture(w http.ResponseWriter, addonID string) {
	ar, dbURL := s.database(addonID)
	if ar == nil {
		writeError(w, errNoDatabase)
		return
	}
	t, err := s.startCapture(ar, dbURL)
	if err != nil {
		writeError(w, errClosedData)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// appTransfers returns the transfers of app (by name or id), newest last,
// or nil and false when there is no such app. The caller holds pg.mu.
func (s *Server) appTransfersLocked(app string) ([]*transfer, bool) {
	rec := s.data.lookupApp(app)
	if rec == nil {
		return nil, false
	}
	ts := slices.Clone(s.pg.transfers[rec.app.ID])
	slices.SortStableFunc(ts, func(a, b *transfer) int {
		return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.num, b.num))
	})
	return ts, true
}

func verbose(r *http.Request) bool { return r.URL.Query().Get("verbose") == "true" }

// serveTransfers answers GET /client/v11/apps/{app}/transfers: every
// transfer of the databases the app owns, by created_at then num.
func (s *Server) serveTransfers(w http.ResponseWriter, r *http.Request, app string) {
	pg := s.pg
	pg.mu.Lock()
	ts, ok := s.appTransfersLocked(app)
	out := make([]transferJSON, len(ts))
	for i, t := range ts {
		out[i] = t.json(verbose(r))
	}
	pg.mu.Unlock()
	if !ok {
		writeError(w, errNotFound("app", "app"))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// findTransferLocked resolves {uuid_or_num} among the app's transfers.
func (s *Server) findTransferLocked(app, key string) (*transfer, *apiError) {
	ts, ok := s.appTransfersLocked(app)
	if !ok {
		return nil, errNotFound("app", "app")
	}
	num, numErr := strconv.Atoi(key)
	for _, t := range ts {
		if numErr == nil && t.num == num || strings.EqualFold(t.uuid, key) {
			return t, nil
		}
	}
	return nil, errNoTransfer
}

// serveTransfer answers GET /client/v11/apps/{app}/transfers/{uuid_or_num}.
func (s *Server) serveTransfer(w http.ResponseWriter, r *http.Request, app, key string) {
	pg := s.pg
	pg.mu.Lock()
	t, apiErr := s.findTransferLocked(app, key)
	var out transferJSON
	if t != nil {
		out = t.json(verbose(r))
	}
	pg.mu.Unlock()
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// servePublicURL answers POST
// /client/v11/apps/{app}/transfers/{num}/actions/public-url.
func (s *Server) servePublicURL(w http.ResponseWriter, r *http.Request, app, key string) {
	pg := s.pg
	pg.mu.Lock()
	t, apiErr := s.findTransferLocked(app, key)
	var out publicURLJSON
	if t != nil {
		if t.finished == nil || !t.succeeded {
			apiErr = errNoBackupFile(t)
		} else {
			out = s.issueURLLocked(r, t)
		}
	}
	pg.mu.Unlock()
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
