package main

import (
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
	demoSourceDB   = "acme"
	demoSourceRole = "acme_owner"
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

// demoSourceSQL builds the sample source database: two schemas, a
// sequence, a view, a few hundred rows, and citext in heroku_ext as Heroku
// installs extensions since 2022, with heroku_ext on the database's
// search_path as on Heroku (pg_dump does not carry that setting over: a
// restore must set it again). It runs as the superuser, and makes the
// application objects as the owner role (SET ROLE), as on Heroku, where
// the app's user owns them.
const demoSourceSQL = `
CREATE SCHEMA heroku_ext;
GRANT USAGE ON SCHEMA heroku_ext TO PUBLIC;
CREATE EXTENSION citext WITH SCHEMA heroku_ext;
ALTER DATABASE ` + demoSourceDB + ` SET search_path = "$user", public, heroku_ext;
SET search_path = "$user", public, heroku_ext;
SET ROLE ` + demoSourceRole + `;
CREATE SCHEMA billing;
CREATE SEQUENCE public.order_number_seq START 1000;
CREATE TABLE public.users (
	id         bigserial PRIMARY KEY,
	email      heroku_ext.citext NOT NULL UNIQUE,
	name       text NOT NULL,
	created_at timestamptz NOT NULL
);
COMMENT ON TABLE public.users IS 'Demo users (sandbox data, not real people).';
CREATE TABLE public.orders (
	id          bigserial PRIMARY KEY,
	number      bigint NOT NULL DEFAULT nextval('public.order_number_seq') UNIQUE,
	user_id     bigint NOT NULL REFERENCES public.users (id),
	total_cents integer NOT NULL CHECK (total_cents >= 0),
	placed_at   timestamptz NOT NULL
);
CREATE INDEX orders_user_id_idx ON public.orders (user_id);
CREATE TABLE billing.invoices (
	id           bigserial PRIMARY KEY,
	order_id     bigint NOT NULL REFERENCES public.orders (id),
	status       text NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'void')),
	amount_cents integer NOT NULL,
	issued_on    date NOT NULL
);
CREATE VIEW billing.revenue_by_month AS
	SELECT date_trunc('month', issued_on)::date AS month, sum(amount_cents) AS cents
	FROM billing.invoices WHERE status = 'paid' GROUP BY 1;
INSERT INTO public.users (email, name, created_at)
	SELECT 'User' || n || '@Example.com', 'Demo User ' || n, timestamptz '2024-01-01 00:00:00+00' + n * interval '1 hour'
	FROM generate_series(1, 200) n;
INSERT INTO public.orders (user_id, total_cents, placed_at)
	SELECT 1 + (n * 7) % 200, (n * 137) % 50000, timestamptz '2024-02-01 00:00:00+00' + n * interval '17 hours'
	FROM generate_series(1, 500) n;
INSERT INTO billing.invoices (order_id, status, amount_cents, issued_on)
	SELECT id, (ARRAY['draft', 'open', 'paid', 'paid', 'void'])[1 + id % 5], total_cents, placed_at::date
	FROM public.orders;
RESET ROLE;
`

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
	if err := d.source.Exec(ctx, demoSourceDB, demoSourceSQL); err != nil {
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
