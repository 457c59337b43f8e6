package heroku

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Heroku Data API (Heroku Postgres backups, "transfers"), as the Heroku CLI
// drives it (heroku/cli src/commands/pg/backups/*.ts, src/lib/pg/backups.ts;
// for example
// https://github.com/heroku/cli/blob/main/packages/cli/src/commands/pg/backups/capture.ts).
// What backups are and how they are kept:
// https://devcenter.heroku.com/articles/heroku-postgres-backups
// The Data API lives on its own host but takes the same API token, so these
// calls go through the same Client with Call.BaseURL set to the data URL.
//
// Transfers carry from_url and to_url, which hold database credentials and
// signed storage URLs. Transfer deliberately has no fields for them, so they
// are dropped while decoding and can never reach state, logs or errors. The
// same goes for the public URL of a backup: BackupPublicURL returns it to
// the caller and nothing else ever holds it.

// DefaultDataAPIURL is the Heroku Data API base URL (the CLI's
// HEROKU_DATA_HOST overrides the host).
const DefaultDataAPIURL = "https://api.data.heroku.com"

// PostgresService is the add-on service name of Heroku Postgres.
const PostgresService = "heroku-postgresql"

// BackupToType is the to_type of a transfer that is a backup (a pg_dump
// stored by Heroku); the CLI calls a transfer a backup when it succeeded and
// has this to_type.
const BackupToType = "gof3r"

// Transfer is a Heroku Postgres transfer: a backup, a restore or a copy.
type Transfer struct {
	UUID string `json:"uuid"`
	Num  int    `json:"num"`
	// Name is the CLI's name of the transfer, e.g. b042 (a manual backup),
	// a012 (a scheduled one), r003 (a restore), c004 (a copy) or ob001 (a
	// legacy PGBackups backup). The API does not send it: it is derived
	// from the other fields while decoding (see TransferName).
	Name           string        `json:"name,omitempty"`
	FromName       string        `json:"from_name"`
	FromType       string        `json:"from_type"`
	ToName         string        `json:"to_name"`
	ToType         string        `json:"to_type"`
	CreatedAt      time.Time     `json:"created_at"`
	StartedAt      *time.Time    `json:"started_at,omitempty"`
	FinishedAt     *time.Time    `json:"finished_at,omitempty"`
	CanceledAt     *time.Time    `json:"canceled_at,omitempty"`
	Succeeded      bool          `json:"succeeded"`
	ProcessedBytes int64         `json:"processed_bytes"`
	SourceBytes    int64         `json:"source_bytes"`
	Warnings       int           `json:"warnings"`
	Logs           []TransferLog `json:"logs,omitempty"`
	// Scheduled is true for transfers started by a backup schedule (the
	// API's "schedule" object is present).
	Scheduled bool `json:"scheduled,omitempty"`
	// LegacyName is options.pgbackups_name, set on backups migrated from
	// the old PGBackups add-on.
	LegacyName string `json:"legacy_name,omitempty"`
}

// TransferLog is one line of a transfer's log (GET .../transfers/{id}?verbose=true).
type TransferLog struct {
	CreatedAt time.Time `json:"created_at"`
	Level     string    `json:"level"`
	Message   string    `json:"message"`
}

// IsBackup reports whether t is a backup (to_type gof3r), successful or not.
func (t Transfer) IsBackup() bool { return t.ToType == BackupToType }

// Finished reports whether t has ended (finished_at is set).
func (t Transfer) Finished() bool { return t.FinishedAt != nil }

// LogText joins the transfer's log messages, one per line, for an error
// text. Heroku's transfer logs describe pg_dump's progress and failures;
// they hold no credentials.
func (t Transfer) LogText() string {
	var b strings.Builder
	for _, l := range t.Logs {
		msg := strings.TrimSpace(l.Message)
		if msg == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		if !l.CreatedAt.IsZero() {
			b.WriteString(l.CreatedAt.UTC().Format("2006-01-02 15:04:05Z "))
		}
		b.WriteString(msg)
	}
	return b.String()
}

// TransferName is the CLI's name of a transfer: a prefix and the number
// padded to three digits. The prefix is b for a manual backup, a for a
// scheduled one, r for a restore and c for a copy; legacy PGBackups
// backups are named o<old name>.
func TransferName(t Transfer) string {
	if t.LegacyName != "" {
		return "o" + t.LegacyName
	}
	prefix := "b"
	switch {
	case t.FromType == "pg_dump" && t.ToType == "pg_restore":
		prefix = "c"
	case t.FromType == "pg_dump" && t.Scheduled:
		prefix = "a"
	case t.FromType != "pg_dump" && t.ToType == "pg_restore":
		prefix = "r"
	}
	return fmt.Sprintf("%s%03d", prefix, t.Num)
}

var backupNameRE = regexp.MustCompile(`^[abcr]0*([0-9]{1,9})$`)

// ParseBackupName returns the transfer number in a backup name such as
// "b042" or "a012" (the form the CLI accepts: a, b, c or r and digits).
func ParseBackupName(name string) (int, bool) {
	m := backupNameRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(name)))
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, false
	}
	return n, true
}

// LatestBackup returns the newest successful backup (succeeded and to_type
// gof3r; the newest created_at, then the highest num), like the CLI's
// pg:backups:url without an id.
func LatestBackup(ts []Transfer) (*Transfer, bool) {
	var best *Transfer
	for i := range ts {
		t := ts[i]
		if !t.Succeeded || t.ToType != BackupToType {
			continue
		}
		if best == nil || t.CreatedAt.After(best.CreatedAt) ||
			(t.CreatedAt.Equal(best.CreatedAt) && t.Num > best.Num) {
			tt := t
			best = &tt
		}
	}
	return best, best != nil
}

// FindBackup returns the backup (to_type gof3r) called name: "b042" and
// "a012" are looked up by number, legacy "ob001" names by name. It does not
// check that the backup succeeded.
func FindBackup(ts []Transfer, name string) (*Transfer, bool) {
	name = strings.TrimSpace(name)
	num, byNum := ParseBackupName(name)
	for i := range ts {
		t := ts[i]
		if t.ToType != BackupToType {
			continue
		}
		if (byNum && t.Num == num) || (!byNum && name != "" && strings.EqualFold(TransferName(t), name)) {
			return &t, true
		}
	}
	return nil, false
}

// SortTransfers orders transfers oldest first (created_at, then num).
func SortTransfers(ts []Transfer) {
	sort.SliceStable(ts, func(i, j int) bool {
		if !ts[i].CreatedAt.Equal(ts[j].CreatedAt) {
			return ts[i].CreatedAt.Before(ts[j].CreatedAt)
		}
		return ts[i].Num < ts[j].Num
	})
}

// UnmarshalJSON decodes a transfer as the Data API sends it. Times come as
// "2016-10-08 00:42:54 +0000" (or RFC 3339); num may be a number or a
// string. Unknown fields, from_url and to_url among them, are dropped.
// A time that cannot be parsed is kept as a zero time (a non-nil pointer
// for the optional ones), so that finished_at still says "finished".
func (t *Transfer) UnmarshalJSON(b []byte) error {
	var w struct {
		UUID           string          `json:"uuid"`
		Num            flexInt         `json:"num"`
		Name           string          `json:"name"`
		FromName       string          `json:"from_name"`
		FromType       string          `json:"from_type"`
		ToName         string          `json:"to_name"`
		ToType         string          `json:"to_type"`
		CreatedAt      flexTime        `json:"created_at"`
		StartedAt      flexTime        `json:"started_at"`
		FinishedAt     flexTime        `json:"finished_at"`
		CanceledAt     flexTime        `json:"canceled_at"`
		Succeeded      bool            `json:"succeeded"`
		ProcessedBytes flexInt         `json:"processed_bytes"`
		SourceBytes    flexInt         `json:"source_bytes"`
		Warnings       flexInt         `json:"warnings"`
		Logs           []TransferLog   `json:"logs"`
		Schedule       json.RawMessage `json:"schedule"`
		Scheduled      bool            `json:"scheduled"`
		LegacyName     string          `json:"legacy_name"`
		Options        struct {
			PGBackupsName string `json:"pgbackups_name"`
		} `json:"options"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = Transfer{
		UUID:           w.UUID,
		Num:            int(w.Num),
		Name:           w.Name,
		FromName:       w.FromName,
		FromType:       w.FromType,
		ToName:         w.ToName,
		ToType:         w.ToType,
		CreatedAt:      w.CreatedAt.value(),
		StartedAt:      w.StartedAt.ptr(),
		FinishedAt:     w.FinishedAt.ptr(),
		CanceledAt:     w.CanceledAt.ptr(),
		Succeeded:      w.Succeeded,
		ProcessedBytes: int64(w.ProcessedBytes),
		SourceBytes:    int64(w.SourceBytes),
		Warnings:       int(w.Warnings),
		Logs:           w.Logs,
		Scheduled:      w.Scheduled || isPresent(w.Schedule),
		LegacyName:     w.LegacyName,
	}
	if t.LegacyName == "" {
		t.LegacyName = w.Options.PGBackupsName
	}
	if t.Name == "" {
		t.Name = TransferName(*t)
	}
	return nil
}

// UnmarshalJSON decodes a log line, with the Data API's time format.
func (l *TransferLog) UnmarshalJSON(b []byte) error {
	var w struct {
		CreatedAt flexTime `json:"created_at"`
		Level     string   `json:"level"`
		Message   string   `json:"message"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*l = TransferLog{CreatedAt: w.CreatedAt.value(), Level: w.Level, Message: w.Message}
	return nil
}

func isPresent(raw json.RawMessage) bool {
	s := bytes.TrimSpace(raw)
	return len(s) > 0 && !bytes.Equal(s, []byte("null")) && !bytes.Equal(s, []byte("false"))
}

// flexInt accepts a JSON number, a numeric string or null.
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" || s == `""` {
		*n = 0
		return nil
	}
	s = strings.Trim(s, `"`)
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = flexInt(v)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("not a number: %.40q", s)
	}
	*n = flexInt(int64(f))
	return nil
}

// flexTime accepts the Data API's "2006-01-02 15:04:05 -0700", RFC 3339
// and a few relatives, or null.
type flexTime struct {
	set bool
	t   time.Time
}

var timeLayouts = []string{
	"2006-01-02 15:04:05 -0700",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05 MST",
	"2006-01-02T15:04:05-0700",
	"2006-01-02 15:04:05.999999999-07",
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05",
}

func (f *flexTime) UnmarshalJSON(b []byte) error {
	*f = flexTime{}
	var raw any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	s, ok := raw.(string)
	if !ok {
		return nil // null (or not a string): absent
	}
	v := strings.TrimSpace(s)
	if v == "" {
		*f = flexTime{}
		return nil
	}
	*f = flexTime{set: true}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			f.t = t
			return nil
		}
	}
	return nil // present but unparseable: set, zero time
}

func (f flexTime) value() time.Time { return f.t }

func (f flexTime) ptr() *time.Time {
	if !f.set {
		return nil
	}
	t := f.t
	return &t
}

// AddonRef identifies a Heroku add-on.
type AddonRef struct {
	ID   string
	Name string
	// App is the add-on's billing app: the app whose transfers (backups)
	// the Data API lists for it.
	App string
	// Service is the add-on service (heroku-postgresql), when known.
	Service string
	// Attachment is the attachment name the add-on was found by, if any.
	Attachment string
}

// ResolveAddon finds an app's add-on by attachment name (DATABASE,
// HEROKU_POSTGRESQL_PINK; a trailing _URL as in DATABASE_URL is accepted)
// or by add-on name or id, and returns its id and name. An empty addon
// means DATABASE.
func (c *Client) ResolveAddon(ctx context.Context, app, addon string) (addonID, addonName string, err error) {
	ref, err := c.ResolveAddonRef(ctx, app, addon)
	if err != nil {
		return "", "", err
	}
	return ref.ID, ref.Name, nil
}

// ResolveAddonRef is ResolveAddon that also returns the billing app and the
// service. It uses GET /apps/{app}/addon-attachments, then
// GET /apps/{app}/addons. An add-on of another service than
// heroku-postgresql is an error.
func (c *Client) ResolveAddonRef(ctx context.Context, app, addon string) (*AddonRef, error) {
	want := strings.TrimSpace(addon)
	if want == "" {
		want = "DATABASE"
	}
	atts, err := c.AddOnAttachments(ctx, app)
	if err != nil {
		return nil, fmt.Errorf("resolving add-on %q of app %q: %w", want, app, err)
	}
	var ref *AddonRef
	attName := strings.TrimSuffix(strings.ToUpper(want), "_URL")
	for _, a := range atts {
		n := strings.ToUpper(a.Name)
		if n == strings.ToUpper(want) || n == attName {
			ref = &AddonRef{ID: a.Addon.ID, Name: a.Addon.Name, App: a.Addon.App.Name, Attachment: a.Name}
			break
		}
	}
	addons, err := c.AddOns(ctx, app)
	if err != nil {
		return nil, fmt.Errorf("resolving add-on %q of app %q: %w", want, app, err)
	}
	for _, a := range addons {
		match := ref != nil && a.ID == ref.ID
		if ref == nil {
			match = a.ID == want || a.Name == want
		}
		if !match {
			continue
		}
		if ref == nil {
			ref = &AddonRef{ID: a.ID, Name: a.Name}
		}
		ref.Service = a.AddonService.Name
		if a.App.Name != "" {
			ref.App = a.App.Name
		}
		break
	}
	if ref == nil {
		var names []string
		for _, a := range atts {
			names = append(names, a.Name)
		}
		slices.Sort(names)
		known := "it has no add-on attachments"
		if len(names) > 0 {
			known = "its attachments are " + strings.Join(names, ", ")
		}
		return nil, fmt.Errorf("app %q has no add-on or attachment called %q (%s)", app, want, known)
	}
	if ref.Service != "" && ref.Service != PostgresService {
		return nil, fmt.Errorf("add-on %s (%q on app %q) is a %s add-on, not %s", ref.Name, want, app, ref.Service, PostgresService)
	}
	if ref.App == "" {
		ref.App = app
	}
	return ref, nil
}

func dataCall(dataURL, method, path, app string) Call {
	if dataURL == "" {
		dataURL = DefaultDataAPIURL
	}
	return Call{Method: method, BaseURL: dataURL, Path: path, App: app}
}

func dataSegment(kind, v string) (string, error) {
	if strings.ContainsAny(v, "/?#") {
		return "", fmt.Errorf("invalid Heroku %s %q", kind, v)
	}
	return segment(kind, v)
}

// PGDatabase checks that addonID is a provisioned Heroku Postgres database
// (GET /client/v11/databases/{id}). The answer holds credentials, so it is
// read and discarded. A 404 means that the database is not provisioned yet,
// or that the add-on is not Heroku Postgres; the error says so and still
// satisfies IsNotFound.
func (c *Client) PGDatabase(ctx context.Context, dataURL, addonID string) error {
	id, err := dataSegment("add-on id", addonID)
	if err != nil {
		return err
	}
	err = c.Get(ctx, dataCall(dataURL, "GET", "/client/v11/databases/"+id, ""), nil)
	if IsNotFound(err) {
		return fmt.Errorf("add-on %s is not a provisioned Heroku Postgres database: the Data API does not know it "+
			"(it may still be provisioning; wait with `heroku addons:wait`, or check that it is a %s add-on): %w",
			addonID, PostgresService, err)
	}
	return err
}

// CaptureBackup starts a backup of the database (POST
// /client/v11/databases/{id}/backups) and returns the new transfer. The
// backup runs on Heroku; poll it with Transfer.
func (c *Client) CaptureBackup(ctx context.Context, dataURL, addonID string) (*Transfer, error) {
	id, err := dataSegment("add-on id", addonID)
	if err != nil {
		return nil, err
	}
	var t Transfer
	if err := c.Do(ctx, dataCall(dataURL, "POST", "/client/v11/databases/"+id+"/backups", ""), nil, &t); err != nil {
		return nil, err
	}
	if t.UUID == "" && t.Num == 0 {
		return nil, errors.New("POST /client/v11/databases/" + id + "/backups: the answer has neither uuid nor num")
	}
	return &t, nil
}

// Transfers lists an app's transfers (GET /client/v11/apps/{app}/transfers),
// oldest first. The Data API does not paginate this list.
func (c *Client) Transfers(ctx context.Context, dataURL, app string) ([]Transfer, error) {
	s, err := dataSegment("app", app)
	if err != nil {
		return nil, err
	}
	var ts []Transfer
	if err := c.Get(ctx, dataCall(dataURL, "GET", "/client/v11/apps/"+s+"/transfers", app), &ts); err != nil {
		return nil, err
	}
	if ts == nil {
		ts = []Transfer{}
	}
	SortTransfers(ts)
	return ts, nil
}

// Transfer returns one transfer by uuid or num
// (GET /client/v11/apps/{app}/transfers/{uuid_or_num}); verbose adds logs.
func (c *Client) Transfer(ctx context.Context, dataURL, app, uuidOrNum string, verbose bool) (*Transfer, error) {
	s, err := dataSegment("app", app)
	if err != nil {
		return nil, err
	}
	id, err := dataSegment("transfer", uuidOrNum)
	if err != nil {
		return nil, err
	}
	path := "/client/v11/apps/" + s + "/transfers/" + id
	if verbose {
		path += "?verbose=true"
	}
	var t Transfer
	if err := c.Get(ctx, dataCall(dataURL, "GET", path, app), &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// BackupPublicURL returns a short-lived URL of backup num's dump (POST
// /client/v11/apps/{app}/transfers/{num}/actions/public-url). The URL grants
// access to the dump: never log it or put it in an error. Fetch it just
// before downloading.
func (c *Client) BackupPublicURL(ctx context.Context, dataURL, app string, num int) (string, error) {
	s, err := dataSegment("app", app)
	if err != nil {
		return "", err
	}
	if num <= 0 {
		return "", fmt.Errorf("invalid backup number %d", num)
	}
	path := "/client/v11/apps/" + s + "/transfers/" + strconv.Itoa(num) + "/actions/public-url"
	var out struct {
		URL string `json:"url"`
	}
	if err := c.Do(ctx, dataCall(dataURL, "POST", path, app), nil, &out); err != nil {
		return "", err
	}
	u, err := url.Parse(out.URL)
	if out.URL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// Say nothing about the value: it may be a (malformed) secret.
		return "", fmt.Errorf("POST %s (app %q): the answer has no usable url", pathOnly(path), app)
	}
	return out.URL, nil
}
