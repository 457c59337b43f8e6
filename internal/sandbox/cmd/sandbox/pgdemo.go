package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// Names in the --pg-demo databases.
const (
	demoSourceDB   = pgtest.DemoSourceDB
	demoSourceRole = pgtest.DemoSourceRole
	demoTargetDB   = "acme_target"
	demoTargetRole = "migrator"
)

// pgDemo is what --pg-demo starts: a source cluster with a small sample
// database behind the fixture's Postgres add-on, and an empty target.
type pgDemo struct {
	source, target *pgtest.Cluster
	addon          string // the add-on backed by the source database
	sourceURL      string // as the database owner, like Heroku's DATABASE_URL
	targetURL      string // as the target database's owner, not a superuser
}

// demoPostgresAddon is the fixture's first heroku-postgresql add-on.
func demoPostgresAddon(f *herokuapi.Fixture) (string, error) {
	for _, app := range f.Apps {
		for _, ad := range app.Addons {
			service := ad.Service
			if service == "" {
				service, _, _ = strings.Cut(ad.Plan, ":")
			}
			if service == herokuapi.PostgresService {
				return ad.Name, nil
			}
		}
	}
	return "", fmt.Errorf("--pg-demo: the fixture has no %s add-on to back with the demo database", herokuapi.PostgresService)
}

// demoConfigVar is one config var that a database attachment sets.
type demoConfigVar struct{ app, name string }

// demoAttachmentVars lists the <ATTACHMENT>_URL config var of every
// attachment of add-on addon in the fixture: on Heroku each holds the
// database's URL
// (https://devcenter.heroku.com/articles/heroku-postgresql#designating-a-primary-database).
// An attachment without an app is on the add-on's own app; an add-on
// without attachments is attached as DATABASE.
func demoAttachmentVars(f *herokuapi.Fixture, addon string) []demoConfigVar {
	var out []demoConfigVar
	for _, app := range f.Apps {
		for _, ad := range app.Addons {
			if ad.Name != addon {
				continue
			}
			if len(ad.Attachments) == 0 {
				out = append(out, demoConfigVar{app.Name, "DATABASE_URL"})
			}
			for _, at := range ad.Attachments {
				out = append(out, demoConfigVar{cmp.Or(at.App, app.Name), at.Name + "_URL"})
			}
		}
	}
	return out
}

func demoPassword() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// startPGDemo starts both clusters and fills the source.
func startPGDemo(ctx context.Context, f *herokuapi.Fixture) (d *pgDemo, err error) {
	d = &pgDemo{}
	if d.addon, err = demoPostgresAddon(f); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = d.stop()
		}
	}()
	// Both clusters start at once; each takes about a second.
	var targetErr error
	started := make(chan struct{})
	go func() {
		defer close(started)
		d.target, targetErr = pgtest.Start(ctx, pgtest.Options{})
	}()
	d.source, err = pgtest.Start(ctx, pgtest.Options{})
	<-started
	if err != nil {
		return nil, fmt.Errorf("--pg-demo: source cluster: %w", err)
	}
	if targetErr != nil {
		return nil, fmt.Errorf("--pg-demo: target cluster: %w", targetErr)
	}

	sourcePassword := demoPassword()
	if err := d.source.CreateRole(ctx, demoSourceRole, sourcePassword, false); err != nil {
		return nil, fmt.Errorf("--pg-demo: %w", err)
	}
	if err := d.source.Exec(ctx, "postgres", "CREATE DATABASE "+demoSourceDB+" OWNER "+demoSourceRole); err != nil {
		return nil, fmt.Errorf("--pg-demo: %w", err)
	}
	if err := d.source.Exec(ctx, demoSourceDB, pgtest.DemoSourceSQL); err != nil {
		return nil, fmt.Errorf("--pg-demo: filling the source database: %w", err)
	}
	d.sourceURL = d.source.URLFor(demoSourceRole, sourcePassword, demoSourceDB)

	targetPassword := demoPassword()
	if err := d.target.CreateRole(ctx, demoTargetRole, targetPassword, false); err != nil {
		return nil, fmt.Errorf("--pg-demo: %w", err)
	}
	if err := d.target.Exec(ctx, "postgres", "CREATE DATABASE "+demoTargetDB+" OWNER "+demoTargetRole); err != nil {
		return nil, fmt.Errorf("--pg-demo: %w", err)
	}
	d.targetURL = d.target.URLFor(demoTargetRole, targetPassword, demoTargetDB)
	return d, nil
}

// stop stops both clusters and removes their directories.
func (d *pgDemo) stop() error {
	var errs []error
	for _, c := range []*pgtest.Cluster{d.source, d.target} {
		if c != nil {
			errs = append(errs, c.Stop())
		}
	}
	return errors.Join(errs...)
}
