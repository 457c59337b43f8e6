package pgtest

// Names in the demo source database.
const (
	DemoSourceDB   = "acme"
	DemoSourceRole = "acme_owner"
)

// DemoSourceSQL builds the sample source database of `make demo` (the
// sandbox's --pg-demo) and of the executor benchmark: two schemas, a
// sequence, a view, a few hundred rows, and citext in heroku_ext as Heroku
// installs extensions since 2022, with heroku_ext on the database's
// search_path as on Heroku (pg_dump does not carry that setting over: a
// restore must set it again). It runs as the superuser, and makes the
// application objects as the owner role (SET ROLE), as on Heroku, where
// the app's user owns them.
const DemoSourceSQL = `
CREATE SCHEMA heroku_ext;
GRANT USAGE ON SCHEMA heroku_ext TO PUBLIC;
CREATE EXTENSION citext WITH SCHEMA heroku_ext;
ALTER DATABASE ` + DemoSourceDB + ` SET search_path = "$user", public, heroku_ext;
SET search_path = "$user", public, heroku_ext;
SET ROLE ` + DemoSourceRole + `;
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

// FidelitySQL builds a source database for restore tests with what restores get wrong: two schemas,
// sequences, indexes, foreign keys, a view and a materialized view, a
// partitioned table, a large object, Unicode and NULL-heavy rows, and citext
// installed in heroku_ext as Heroku does.
const FidelitySQL = `
CREATE SCHEMA heroku_ext;
CREATE EXTENSION citext WITH SCHEMA heroku_ext;
CREATE SCHEMA billing;
CREATE TABLE public.users (id bigserial PRIMARY KEY, email heroku_ext.citext UNIQUE NOT NULL, name text, bio text,
  created_at timestamptz NOT NULL DEFAULT '2024-01-01T00:00:00Z');
CREATE INDEX users_name_idx ON public.users (name);
CREATE TABLE billing.invoices (id serial PRIMARY KEY, user_id bigint NOT NULL REFERENCES public.users(id), amount_cents int NOT NULL, note text);
CREATE VIEW billing.invoice_totals AS SELECT user_id, sum(amount_cents) AS total FROM billing.invoices GROUP BY user_id;
CREATE TABLE public.events (id bigint NOT NULL, happened date NOT NULL, payload jsonb) PARTITION BY RANGE (happened);
CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE SEQUENCE billing.invoice_numbers START 1000;
INSERT INTO public.users (email, name, bio)
  SELECT 'User' || g || '@Example.com',
         CASE WHEN g % 3 = 0 THEN NULL ELSE 'naïve 名前 🚀 ' || g END,
         CASE WHEN g % 2 = 0 THEN NULL ELSE repeat('x', g % 50) END
  FROM generate_series(1, 500) g;
INSERT INTO billing.invoices (user_id, amount_cents, note)
  SELECT (g % 500) + 1, g * 7, CASE WHEN g % 4 = 0 THEN NULL ELSE E'line1\nline2\ttab\\back' END FROM generate_series(1, 1200) g;
INSERT INTO public.events SELECT g, date '2024-06-01' + (g % 400), jsonb_build_object('n', g, 'u', 'ü') FROM generate_series(1, 800) g;
SELECT nextval('billing.invoice_numbers') FROM generate_series(1, 5);
CREATE MATERIALIZED VIEW public.user_counts AS SELECT count(*) AS n FROM public.users;
SELECT lo_from_bytea(0, 'large object payload'::bytea);
`
