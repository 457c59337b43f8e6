package codegen

// This file writes migration/apps_<ident>.tf: the call of the
// heroku-app-migration module for one app, in the phase var.phase.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// migrationAppFile writes apps_<ident>.tf for a, and returns the
// attachment names of the databases the app copies.
func migrationAppFile(inv *Inventory, a *App) (*tfWriter, []string) {
	w := newTFWriter(fmt.Sprintf("The migration of Heroku app %s.", a.Name))
	attached := false
	if summary := appSummaryComment(a); len(summary) > 0 {
		w.comment(summary...)
		attached = true
	}
	m := w.block(attached, "module", a.Ident)
	w.set(m, "source", tfLit("./"+ModuleDir))
	m.AppendNewline()
	w.set(m, "app", tfLit(a.Name))
	w.set(m, "environment", tfRef("var", "environment"))
	w.set(m, "config_vars_version", tfRef("var", "config_vars_version"))
	w.set(m, "phase", tfRef("var", "phase"))
	w.set(m, "freeze_drain_wait", tfRef("var", "freeze_drain_wait"))

	var dbs []string
	for _, ad := range a.Postgres() {
		if inv.RestoringApp(ad) == a.Name {
			dbs = append(dbs, a.AttachmentName(ad))
		}
	}
	slices.Sort(dbs)
	if len(dbs) > 0 {
		m.AppendNewline()
		w.set(m, "databases", tfSrc("var.copy_databases ? %s : []", tfStrings(dbs)))
		w.set(m, "database_target_urls", tfCall("lookup", tfRef("var", "database_target_urls"), tfLit(a.Name), tfObj()))
		w.set(m, "database_target_urls_version", tfRef("var", "database_target_urls_version"))
		w.set(m, "database_run", tfRef("var", "database_run"))
		w.set(m, "freeze_database", tfRef("var", "freeze_databases"))
		if writers := sharingApps(inv, a, dbs); len(writers) > 0 {
			// The final copy of a shared database waits for the freezes
			// of every app that writes to it.
			gens := make([]tfExpr, len(writers))
			for j, b := range writers {
				gens[j] = tfRef("module", b.Ident, "freeze_generation")
			}
			w.set(m, "copy_after_freezes", tfList(gens...))
		}
	}
	if len(a.Domains) > 0 {
		hosts := make([]string, len(a.Domains))
		for j, d := range a.Domains {
			hosts[j] = d.Hostname
		}
		target := tfCall("lookup", tfRef("var", "aws_targets"), tfLit(a.Name), tfLit(""))
		m.AppendNewline()
		w.set(m, "aws_target", target)
		w.set(m, "aws_weight", tfCall("lookup", tfRef("var", "aws_weights"), tfLit(a.Name), tfRef("var", "aws_weight")))
		w.set(m, "dns_zones", tfSrc(`%s == "" ? {} : { for host in %s : host => var.dns_zone_ids[host] if contains(keys(var.dns_zone_ids), host) }`,
			target, tfStrings(hosts)))
		migrationGate(w, m, a)
	}
	return w, dbs
}

// migrationGate passes the health gate's settings to the module of a, an
// app with custom domains: its health path (var.health_paths, else the
// one the generator knows) and the shared thresholds.
func migrationGate(w *tfWriter, m *hclwrite.Body, a *App) {
	m.AppendNewline()
	w.set(m, "dns_gate", tfRef("var", "dns_gate"))
	w.set(m, "health_path", tfCall("lookup", tfRef("var", "health_paths"), tfLit(a.Name), tfLit(a.HealthPath())))
	for _, v := range []string{"gate_scheme", "gate_requests", "gate_duration", "gate_min_success_ratio", "gate_max_p95_latency"} {
		w.set(m, v, tfRef("var", v))
	}
	w.set(m, "gate_address", tfCall("lookup", tfRef("var", "gate_addresses"), tfLit(a.Name), tfSrc("null")))
	for _, v := range []string{"gate_insecure_skip_verify", "dns_watch_duration", "dns_health_checks"} {
		w.set(m, v, tfRef("var", v))
	}
}

// sharingApps lists, in inventory order, the other apps of inv attached to
// one of the Postgres add-ons that a copies (dbs are a's attachment names).
func sharingApps(inv *Inventory, a *App, dbs []string) []*App {
	copied := map[string]bool{}
	for _, ad := range a.Postgres() {
		if slices.Contains(dbs, a.AttachmentName(ad)) {
			copied[ad.Name] = true
		}
	}
	var out []*App
	for i := range inv.Apps {
		b := &inv.Apps[i]
		if b.Name == a.Name {
			continue
		}
		if slices.ContainsFunc(b.Postgres(), func(ad inventory.AddOn) bool { return copied[ad.Name] }) {
			out = append(out, b)
		}
	}
	return out
}

// appSummaryComment is a few lines on what the app is made of.
func appSummaryComment(a *App) []string {
	var lines []string
	if len(a.Processes) > 0 {
		var ps []string
		for _, p := range a.Processes {
			ps = append(ps, fmt.Sprintf("%s x%d %s", p.Type, p.Quantity, p.Size))
		}
		lines = append(lines, "Processes: "+strings.Join(ps, ", "))
	}
	if len(a.AddOns) > 0 {
		var as []string
		for _, ad := range a.AddOns {
			as = append(as, ad.Plan)
		}
		lines = append(lines, "Add-ons: "+strings.Join(as, ", "))
	}
	if len(a.UserConfigVars) > 0 {
		lines = append(lines, fmt.Sprintf("Config vars copied to SSM: %d (names in INVENTORY.md)", len(a.UserConfigVars)))
	}
	return lines
}
