package herokuapi

import (
	"fmt"
	"net/url"
	"strings"
)

// validHostname accepts lowercase DNS names of at least two labels, with an
// optional leading "*." wildcard.
func validHostname(h string) bool {
	h = strings.TrimPrefix(h, "*.")
	if len(h) > 253 {
		return false
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !hostLabelRE.MatchString(l) {
			return false
		}
	}
	return true
}

var dnsWords = []string{
	"angular", "flat", "deep", "shallow", "quiet", "rugged", "curved", "spherical",
	"otter", "owl", "heron", "badger", "lynx", "salmon", "falcon", "marmot",
}

func defaultCNAME(hostname string) string {
	h := deriveHex(15, "cname", hostname)
	w1 := dnsWords[int(h[0])%8]
	w2 := dnsWords[8+int(h[1])%8]
	return fmt.Sprintf("%s-%s-%s.herokudns.com", w1, w2, h[2:])
}

func buildDomains(rec *appRecord, a *App, where string, hostnames map[string]string, errs *problems) {
	app := &rec.app
	web, err := url.Parse(app.WebURL)
	out := make([]domainJSON, 0, len(a.Domains)+1)
	if err == nil && web.Hostname() != "" {
		host := web.Hostname()
		if owner, dup := hostnames[host]; dup {
			errs.add("%s: web_url host %s already belongs to app %q", where, host, owner)
		}
		hostnames[host] = app.Name
		out = append(out, domainJSON{
			App:       idName{ID: app.ID, Name: app.Name},
			CreatedAt: app.CreatedAt,
			Hostname:  host,
			ID:        deriveID("domain", host),
			Kind:      "heroku",
			Status:    "none",
			UpdatedAt: app.CreatedAt,
		})
	}
	for j, dom := range a.Domains {
		dw := fmt.Sprintf("%s: domains[%d] %q", where, j, truncate(dom.Hostname, 64))
		if !validHostname(dom.Hostname) {
			errs.add("%s: hostname must be a lowercase DNS name", dw)
			continue
		}
		if strings.HasSuffix(dom.Hostname, ".herokuapp.com") {
			errs.add("%s: herokuapp.com domains cannot be added; every app gets its own automatically", dw)
			continue
		}
		if owner, dup := hostnames[dom.Hostname]; dup {
			errs.add("%s: hostname already belongs to app %q", dw, owner)
			continue
		}
		hostnames[dom.Hostname] = app.Name
		if dom.Kind != "" && dom.Kind != "custom" {
			errs.add("%s: kind must be \"custom\"; the heroku domain is added automatically", dw)
		}
		cname := dom.CName
		if cname == nil {
			cname = new(defaultCNAME(dom.Hostname))
		} else if !validHostname(*cname) {
			errs.add("%s: cname must be a lowercase DNS name", dw)
		}
		status := dom.Status
		if status == "" {
			status = "succeeded"
		}
		acm := dom.ACMStatus
		if acm == nil && app.ACM {
			acm = new("cert issued")
		}
		out = append(out, domainJSON{
			ACMStatus: acm,
			App:       idName{ID: app.ID, Name: app.Name},
			CName:     cname,
			CreatedAt: app.CreatedAt,
			Hostname:  dom.Hostname,
			ID:        deriveID("domain", dom.Hostname),
			Kind:      "custom",
			Status:    status,
			UpdatedAt: app.CreatedAt,
		})
	}
	rec.domains = newList(out, byID[domainJSON](func(d *domainJSON) string { return d.ID }),
		sortField[domainJSON]{name: "hostname", key: func(d *domainJSON) string { return d.Hostname }})
}
