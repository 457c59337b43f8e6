// Package pgtest runs throwaway PostgreSQL clusters for tests, benchmarks
// and the demo: initdb into a temporary directory, a postgres server on
// 127.0.0.1 on a free port, and removal of everything on Stop.
//
//	c := pgtest.StartT(t, pgtest.Options{})
//	if err := c.CreateDatabase(ctx, "app"); err != nil { ... }
//	conn, err := pgx.Connect(ctx, c.URL("app"))
//
// # Binaries
//
// The server binaries (initdb, postgres) come from BinDir: the PG_BIN_DIR
// environment variable when set, else `pg_config --bindir`, else
// /usr/lib/postgresql/15/bin. StartT skips the test, naming what is missing,
// only when these binaries are not installed; every other problem fails it.
//
// # Running as root
//
// PostgreSQL refuses to run as root. When the process is root (CI
// containers), initdb and postgres run as the "postgres" OS user, which the
// postgresql-15 package creates, through syscall.Credential (no sudo or su).
// The cluster directory is owned by that user, and directories above it
// inside os.TempDir() are made traversable (o+x) when they are not. Without
// a postgres user, Start fails and says to install postgresql-15.
//
// # Layout and settings
//
// A cluster lives in Options.Dir (default: a new directory in os.TempDir()):
//
//	DIR/data/          the data directory; its unix socket is here too
//	DIR/postgres.log   initdb and server output, quoted in errors
//
// initdb runs with -A scram-sha-256, -U SUPERUSER, --pwfile (a 0600 file
// removed right after), --no-sync, -E UTF8 and --locale=C.UTF-8 (C when the
// system lacks C.UTF-8). The server is started directly (not through
// pg_ctl, so that it is our child process and dies with us), with every
// setting as a -c option rather than in postgresql.conf:
//
//	listen_addresses=127.0.0.1  port=PORT  unix_socket_directories=DIR/data
//	fsync=off  synchronous_commit=off  full_page_writes=off
//	max_connections=50  shared_buffers=128MB
//	log_min_error_statement=panic   (statements, which may hold passwords,
//	                                 never reach the log)
//
// followed by Options.Settings, which override them. The unix socket is
// left out when DIR is too long for a socket path; clients use TCP anyway.
// Stop is PostgreSQL's fast shutdown (SIGINT, what pg_ctl stop -m fast
// sends), then the directory is removed unless Options.Keep.
//
// # Secrets
//
// The superuser password is never in a command line: initdb reads it from
// the pwfile, and this package talks to the server through pgx. CreateRole
// sends a SCRAM-SHA-256 verifier computed here, so role passwords never
// reach the server in clear text (nor its log).
//
// # Concurrency
//
// Every cluster picks its own free port (retrying on a collision), so tests
// may start clusters in parallel. Each Cluster is safe for concurrent use.
package pgtest
