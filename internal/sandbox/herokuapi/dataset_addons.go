package herokuapi

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

var addonStates = map[string]bool{"provisioning": true, "provisioned": true, "deprovisioned": true}

// defaultAttachmentName names the attachment of an add-on that lists none:
// DATABASE_URL → DATABASE, else the service name (papertrail → PAPERTRAIL).
func defaultAttachmentName(service string, configVars []string) string {
	for _, v := range configVars {
		if base, ok := strings.CutSuffix(v, "_URL"); ok && attachmentNameRE.MatchString(base) {
			return base
		}
	}
	return strings.ToUpper(strings.ReplaceAll(service, "-", "_"))
}

func buildAddons(d *dataset, rec *appRecord, a *App, where string, names, ids map[string]string, errs *problems) {
	app := &rec.app
	appNums := map[int]bool{} // backup numbers of this app
	for j, ad := range a.Addons {
		aw := fmt.Sprintf("%s: addons[%d] %q", where, j, truncate(ad.Name, 64))
		n := len(*errs)
		if !addonNameRE.MatchString(ad.Name) {
			errs.add("%s: name must start with a letter and contain only letters, digits, dashes and underscores", aw)
			continue
		}
		if owner, dup := names[ad.Name]; dup {
			errs.add("%s: add-on name already used by app %q (add-on names are global)", aw, owner)
			continue
		}
		names[ad.Name] = app.Name
		id := strings.ToLower(ad.ID)
		if id == "" {
			id = deriveID("addon", ad.Name)
		} else if !isUUID(id) {
			errs.add("%s: id %q is not a UUID", aw, truncate(ad.ID, 64))
		}
		if owner, dup := ids[id]; dup {
			errs.add("%s: add-on id %s already used by app %q", aw, id, owner)
		}
		ids[id] = app.Name
		service, planName, ok := strings.Cut(ad.Plan, ":")
		if !ok || service == "" || planName == "" || strings.ContainsAny(ad.Plan, " \t\r\n") {
			errs.add("%s: plan %q must look like service:plan", aw, truncate(ad.Plan, 64))
		}
		if ad.Service != "" && ad.Service != service {
			errs.add("%s: service %q does not match plan %q", aw, truncate(ad.Service, 64), truncate(ad.Plan, 64))
		}
		state := ad.State
		if state == "" {
			state = "provisioned"
		} else if !addonStates[state] {
			errs.add("%s: state %q must be provisioning, provisioned or deprovisioned", aw, truncate(state, 32))
		}
		if ad.DatabaseURL != "" {
			if service != PostgresService {
				errs.add("%s: database_url is only for %s add-ons", aw, PostgresService)
			} else if err := validateDatabaseURL(ad.DatabaseURL); err != nil {
				errs.add("%s: database_url: %v", aw, err)
			}
		}
		if len(ad.Backups) > 0 && service != PostgresService {
			errs.add("%s: backups are only for %s add-ons", aw, PostgresService)
		}
		var backups []Backup
		if service == PostgresService {
			backups = buildBackups(ad, aw, appNums, errs)
		}
		if ad.BilledPriceCents < 0 {
			errs.add("%s: billed_price_cents is negative", aw)
		}
		for _, v := range ad.ConfigVars {
			if !configVarNameRE.MatchString(v) || strings.HasPrefix(v, "__") {
				errs.add("%s: config_vars: %q is not a valid config var name", aw, truncate(v, 64))
			}
		}
		if len(*errs) > n {
			continue
		}

		entity := billingEntityJSON{ID: app.ID, Name: app.Name, Type: "app"}
		if app.Team != nil {
			entity = billingEntityJSON{ID: app.Team.ID, Name: app.Team.Name, Type: "team"}
		}
		addon := addonJSON{
			Actions:       []struct{}{},
			AddonService:  idName{ID: deriveID("addon-service", service), Name: service},
			App:           idName{ID: app.ID, Name: app.Name},
			BilledPrice:   &billedPriceJSON{Cents: ad.BilledPriceCents, Unit: "month"},
			BillingEntity: entity,
			ConfigVars:    append([]string{}, ad.ConfigVars...),
			CreatedAt:     app.CreatedAt,
			ID:            id,
			Name:          ad.Name,
			Plan:          idName{ID: deriveID("plan", ad.Plan), Name: ad.Plan},
			ProviderID:    "resource" + deriveHex(8, "provider", id),
			State:         state,
			UpdatedAt:     app.CreatedAt,
			WebURL:        new("https://addons-sso.heroku.com/apps/" + app.ID + "/addons/" + id),
		}
		rec.ownedAddons = append(rec.ownedAddons, addon)
		created, _ := time.Parse(time.RFC3339, app.CreatedAt)
		ar := &addonRecord{
			id: id, name: ad.Name, service: service, plan: ad.Plan, state: state,
			created: created, owner: rec, databaseURL: ad.DatabaseURL,
		}
		ar.backups = backups
		d.addonByKey[id] = ar
		d.addonByKey[ad.Name] = ar
		d.addonOrder = append(d.addonOrder, ar)

		attachments := ad.Attachments
		if len(attachments) == 0 {
			attachments = []Attachment{{Name: defaultAttachmentName(service, ad.ConfigVars)}}
		}
		ar.fromName = attachments[0].Name
		for _, at := range attachments {
			if at.App == "" || at.App == app.Name {
				ar.fromName = at.Name
				break
			}
		}

		for k, at := range attachments {
			tw := fmt.Sprintf("%s: attachments[%d] %q", aw, k, truncate(at.Name, 64))
			if !attachmentNameRE.MatchString(at.Name) {
				errs.add("%s: name must start with a letter and contain only letters, digits and underscores", tw)
				continue
			}
			target := rec
			if at.App != "" {
				target = d.appByKey[at.App]
				if target == nil || target.app.Name != at.App {
					errs.add("%s: app %q is not in the fixture", tw, truncate(at.App, 64))
					continue
				}
			}
			ns := ""
			if at.Namespace != nil {
				ns = *at.Namespace
			}
			if slices.ContainsFunc(target.attached, func(x attachmentJSON) bool {
				return x.Name == at.Name && (x.Namespace == nil && at.Namespace == nil || x.Namespace != nil && at.Namespace != nil && *x.Namespace == ns)
			}) {
				errs.add("%s: app %q already has an attachment with this name and namespace", tw, target.app.Name)
				continue
			}
			var namespace *string
			if at.Namespace != nil {
				namespace = new(ns)
			}
			attID := deriveID("attachment", id, target.app.ID, at.Name, ns)
			target.attached = append(target.attached, attachmentJSON{
				Addon:     attachmentAddonJSON{App: addon.App, ID: addon.ID, Name: addon.Name},
				App:       idName{ID: target.app.ID, Name: target.app.Name},
				CreatedAt: app.CreatedAt,
				ID:        attID,
				Name:      at.Name,
				Namespace: namespace,
				UpdatedAt: app.CreatedAt,
				WebURL:    new("https://addons-sso.heroku.com/apps/" + target.app.ID + "/addons/" + id),
			})
		}
	}
}

// PostgresService is the add-on service of Heroku Postgres, whose add-ons
// the Data API serves.
const PostgresService = "heroku-postgresql"

// validateDatabaseURL checks a postgres:// URL without ever quoting it: it
// holds a password.
func validateDatabaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return errors.New("scheme must be postgres:// or postgresql://")
	}
	if u.Hostname() == "" {
		return errors.New("no host")
	}
	if strings.Trim(u.Path, "/") == "" {
		return errors.New("no database name")
	}
	if u.User == nil || u.User.Username() == "" {
		return errors.New("no user")
	}
	return nil
}

// buildBackups validates the fixture backups of an add-on and numbers
// them; nums holds the numbers already taken in the owning app.
func buildBackups(ad Addon, where string, nums map[int]bool, errs *problems) []Backup {
	var out []Backup
	for j, b := range ad.Backups {
		bw := fmt.Sprintf("%s: backups[%d]", where, j)
		if b.Num < 0 {
			errs.add("%s: num %d is negative", bw, b.Num)
			continue
		}
		if b.Num == 0 {
			b.Num = 1
			for n := range nums {
				b.Num = max(b.Num, n+1)
			}
		}
		if nums[b.Num] {
			errs.add("%s: num %d is already used by a backup of this app", bw, b.Num)
			continue
		}
		if b.SourceBytes < 0 || b.ProcessedBytes < 0 {
			errs.add("%s: sizes must not be negative", bw)
			continue
		}
		nums[b.Num] = true
		out = append(out, b)
	}
	return out
}
