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
