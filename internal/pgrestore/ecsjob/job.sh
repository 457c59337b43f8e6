exec 2>&1
# heroku2aws restore job: runs in a one-off ECS Fargate task on the stock
# postgres:15-alpine image, as `sh -c "$Script"` (no positional arguments,
# no $0). It needs a POSIX sh (busybox ash or dash), awk, sed, grep, wc,
# date, mktemp, curl or wget, and pg_dump, pg_restore and psql.
#
# The contract (environment, log prefixes, exit codes) is in protocol.go;
# the summary line in summary.go. Everything goes to stdout (stderr is
# folded in by the first line), so the log keeps its order.
#
# Secrets: PGPASSWORD (the target's password), HEROKU2AWS_SOURCE_URL (a
# signed URL) and HEROKU2AWS_SOURCE_SERVICE (a pg_service.conf holding the
# source's password). None of them is ever printed, and none reaches a
# command line, except the URL when only wget is available (see download).
# The only secret written to a file is the service file: 0600, in the
# private work directory, removed right after pg_dump.
#
# `set -e` is deliberately not used: every status that matters is checked.
umask 077

# ---------------------------------------------------------------------------
# Helpers

# phase NAME STATUS [key=value ...]: a progress line.
phase() {
	printf 'HEROKU2AWS_PHASE %s\n' "$*"
}

# die CODE MESSAGE...: the error line, then exit (the EXIT trap cleans up).
die() {
	die_code=$1
	shift
	printf 'HEROKU2AWS_ERROR %s\n' "$*"
	exit "$die_code"
}

# oneline FILE: FILE's text on one line (newlines and tabs become spaces),
# trimmed, for quoting a tool's error message in an error line.
oneline() {
	tr '\n\t\r' '   ' <"$1" | sed 's/  */ /g; s/^ //; s/ $//'
}

# redact: copies stdin to stdout with the source URL removed, and any other
# http(s) URL cut at its query string. The URL reaches awk through its
# environment, never its command line.
redact() {
	H2A_REDACT=$src_url awk '
		BEGIN { secret = ENVIRON["H2A_REDACT"] }
		{
			line = $0
			if (secret != "") {
				out = ""
				while ((i = index(line, secret)) > 0) {
					out = out substr(line, 1, i - 1) "<source url>"
					line = substr(line, i + length(secret))
				}
				line = out line
			}
			gsub(/\?[^ ]*/, "?<redacted>", line)
			print line
		}'
}

# no_space FILE: whether a tool reported a full disk in FILE.
no_space() {
	grep -q 'No space left on device' "$1" 2>/dev/null
}

# now: seconds since the epoch.
now() {
	date +%s
}

# is_uint VALUE: a decimal integer of at most 9 digits.
is_uint() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	[ "${#1}" -le 9 ]
}

# check_bool VARIABLE VALUE: VALUE must be true or false.
check_bool() {
	case $2 in
	true | false) ;;
	*) die 10 "$1 must be true or false" ;;
	esac
}

# Long-running commands run in the background while the shell waits for
# them, so that a TERM (ECS stopping the task) reaches the trap at once
# rather than after the command. $child is the process to kill then.
child=
# waitchild: waits for $child; returns its status.
waitchild() {
	wait "$child"
	waitchild_rc=$?
	child=
	return "$waitchild_rc"
}

# target_psql OUTFILE SQLFILE [psql options]: runs the SQL in SQLFILE
# against the target (libpq variables), output and errors in OUTFILE.
target_psql() {
	tp_out=$1
	tp_sql=$2
	shift 2
	psql -X -w -q -At -v ON_ERROR_STOP=1 "$@" -f "$tp_sql" >"$tp_out" 2>&1 &
	child=$!
	waitchild
}

# ---------------------------------------------------------------------------
# Cleanup and signals

work=
cleanup() {
	if [ -n "$work" ]; then
		rm -rf "$work"
	fi
}
on_signal() {
	trap - INT TERM
	if [ -n "$child" ]; then
		# pg_restore forwards the TERM to its parallel workers.
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	printf 'HEROKU2AWS_ERROR the job was stopped by a signal\n'
	exit 143
}
trap cleanup EXIT
trap on_signal INT TERM

started_at=$(now)

# ---------------------------------------------------------------------------
# Configuration (exit 10)

for v in PGHOST PGUSER PGDATABASE; do
	eval "val=\${$v:-}"
	[ -n "$val" ] || die 10 "$v is not set: the job needs the target's host, user and database"
done

# Keep the sources' secrets in shell variables only, out of the
# environment of every tool run below.
src_kind=${HEROKU2AWS_SOURCE_KIND:-}
src_url=${HEROKU2AWS_SOURCE_URL:-}
src_service=${HEROKU2AWS_SOURCE_SERVICE:-}
unset HEROKU2AWS_SOURCE_URL HEROKU2AWS_SOURCE_SERVICE
case $src_kind in
url)
	[ -n "$src_url" ] || die 10 "HEROKU2AWS_SOURCE_URL is not set"
	;;
database)
	[ -n "$src_service" ] || die 10 "HEROKU2AWS_SOURCE_SERVICE is not set"
	printf '%s\n' "$src_service" | grep -q '^[[:space:]]*\[source\][[:space:]]*$' ||
		die 10 "HEROKU2AWS_SOURCE_SERVICE has no [source] section"
	;;
*)
	die 10 "HEROKU2AWS_SOURCE_KIND must be url or database"
	;;
esac

jobs=${HEROKU2AWS_JOBS:-1}
{ is_uint "$jobs" && [ "$jobs" -ge 1 ]; } || die 10 "HEROKU2AWS_JOBS must be a positive integer"
attempts=${HEROKU2AWS_DOWNLOAD_ATTEMPTS:-5}
{ is_uint "$attempts" && [ "$attempts" -ge 1 ]; } || die 10 "HEROKU2AWS_DOWNLOAD_ATTEMPTS must be a positive integer"
no_owner=${HEROKU2AWS_NO_OWNER:-true}
no_acl=${HEROKU2AWS_NO_ACL:-true}
clean=${HEROKU2AWS_CLEAN:-false}
analyze=${HEROKU2AWS_ANALYZE:-true}
check_bool HEROKU2AWS_NO_OWNER "$no_owner"
check_bool HEROKU2AWS_NO_ACL "$no_acl"
check_bool HEROKU2AWS_CLEAN "$clean"
check_bool HEROKU2AWS_ANALYZE "$analyze"
verify=${HEROKU2AWS_VERIFY:-row_counts}
case $verify in
none | row_counts) ;;
*) die 10 "HEROKU2AWS_VERIFY must be none or row_counts" ;;
esac
extensions=${HEROKU2AWS_EXTENSIONS:-}
for ext in $extensions; do
	case $ext in
	*[!a-z0-9_-]*) die 10 "HEROKU2AWS_EXTENSIONS: \"$ext\" is not an extension name (a-z, 0-9, _ and - only)" ;;
	esac
done

base=${HEROKU2AWS_WORKDIR:-${TMPDIR:-/tmp}}
work=$(mktemp -d "$base/heroku2aws.XXXXXX") || {
	work=
	die 10 "cannot create a work directory in $base"
}
archive=$work/dump.pgdump

# ---------------------------------------------------------------------------
# The target must accept connections before anything is fetched (exit 13).

printf 'SELECT 1;\n' >"$work/ping.sql"
target_psql "$work/ping.out" "$work/ping.sql" ||
	die 13 "cannot connect to the target database: $(oneline "$work/ping.out")"

# ---------------------------------------------------------------------------
# Fetch the dump: download (exit 11) or pg_dump (exit 12); 16 if the disk
# is full.

# http_status FILE: the HTTP status a download tool reported in FILE, if
# any (curl: "The requested URL returned error: 403", busybox wget:
# "server returned error: HTTP/1.1 403 Forbidden", GNU wget: "ERROR 403").
http_status() {
	awk '/returned error|ERROR [0-9]/ && match($0, /[^0-9][1-5][0-9][0-9]([^0-9]|$)/) {
		print substr($0, RSTART + 1, 3)
		exit
	}' "$1"
}

download() {
	phase download started
	t0=$(now)
	n=0
	while :; do
		n=$((n + 1))
		if command -v curl >/dev/null 2>&1; then
			# The URL reaches curl through its config on stdin, never argv.
			# -C - continues from the size of the file left by a cut attempt.
			printf 'url = "%s"\n' "$(printf '%s' "$src_url" | sed 's/\\/\\\\/g; s/"/\\"/g')" |
				(unset PGPASSWORD; exec curl -fsS -L -C - -o "$archive" -K -) \
					>"$work/download.err" 2>&1 &
		else
			# busybox (or GNU) wget takes the URL only as an argument: it is
			# visible in this task's process list while wget runs, an
			# unavoidable exposure inside the task. It is never printed.
			(unset PGPASSWORD; exec wget -q -c -O "$archive" "$src_url") \
				>"$work/download.err" 2>&1 &
		fi
		child=$!
		waitchild
		rc=$?
		if [ "$rc" -eq 0 ]; then
			break
		fi
		redact <"$work/download.err"
		if no_space "$work/download.err"; then
			die 16 "the work directory $base is full: the dump does not fit; give the task more ephemeral storage"
		fi
		status=$(http_status "$work/download.err")
		case $status in
		408 | 429) ;; # worth another attempt
		4*) die 11 "the dump's server answered HTTP $status: the URL has expired or is wrong" ;;
		esac
		if [ "$n" -ge "$attempts" ]; then
			die 11 "downloading the dump failed after $n attempts${status:+ (HTTP $status)}"
		fi
		printf 'download attempt %s of %s failed (exit %s); resuming\n' "$n" "$attempts" "$rc"
		sleep 2
	done
	[ -s "$archive" ] || die 11 "the download is empty"
	bytes=$(($(wc -c <"$archive")))
	phase download finished "bytes=$bytes" "seconds=$(($(now) - t0))"
}

dump() {
	phase dump started
	t0=$(now)
	svc=$work/pg_service.conf
	# umask 077: the file is 0600.
	printf '%s\n' "$src_service" >"$svc" || die 12 "cannot write the service file"
	# A subshell without the target's libpq variables: the source is
	# described by the [source] section only.
	(
		unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSSLMODE PGOPTIONS
		PGSERVICEFILE=$svc
		PGSERVICE=source
		export PGSERVICEFILE PGSERVICE
		exec pg_dump -Fc --no-password -f "$archive"
	) >"$work/dump.err" 2>&1 &
	child=$!
	waitchild
	rc=$?
	rm -f "$svc"
	cat "$work/dump.err"
	if [ "$rc" -ne 0 ]; then
		if no_space "$work/dump.err"; then
			die 16 "the work directory $base is full: the dump does not fit; give the task more ephemeral storage"
		fi
		die 12 "pg_dump of the source database failed (exit $rc)"
	fi
	bytes=$(($(wc -c <"$archive")))
	phase dump finished "bytes=$bytes" "seconds=$(($(now) - t0))"
}

if [ "$src_kind" = url ]; then
	fetch_code=11
	download
else
	fetch_code=12
	dump
fi

# The archive must be a readable custom-format dump; its table of contents
# gives the number of TABLE DATA entries.
pg_restore -l "$archive" >"$work/toc" 2>"$work/toc.err" ||
	die "$fetch_code" "the dump is not a readable custom-format archive: $(oneline "$work/toc.err")"
tables_restored=$(grep -c '^[0-9][0-9]*; [0-9][0-9]* [0-9][0-9]* TABLE DATA ' "$work/toc")

# Did the dump install extensions in heroku_ext, as Heroku does? Then the
# target database gets heroku_ext on its search_path after the restore.
heroku_ext=false
pg_restore -s -f - "$archive" 2>/dev/null | grep '^CREATE EXTENSION ' >"$work/dump_extensions"
grep -q ' WITH SCHEMA heroku_ext;' "$work/dump_extensions" && heroku_ext=true

# ---------------------------------------------------------------------------
# Count the source's rows in the dump's COPY data, table by table, in
# archive order: "ord<TAB>rows<TAB>qualified name" per table in
# $work/counts. The name is exactly as pg_dump wrote it (quoted where
# needed), so it is valid SQL. Blocks naming the same table (data loaded
# through a partition root) are summed. (A quoted identifier holding a
# newline is not supported.)

count_rows() {
	phase count started
	t0=$(now)
	{
		pg_restore --data-only -f - "$archive"
		echo "$?" >"$work/count.rc"
	} 2>"$work/count.err" | awk -v blocks_file="$work/blocks" '
		# name(s): the qualified name at the start of s, up to the first
		# space outside double quotes ("" inside quotes is a quote).
		function name(s,    i, c, n, out, q) {
			out = ""; q = 0; n = length(s)
			for (i = 1; i <= n; i++) {
				c = substr(s, i, 1)
				if (q) {
					if (c == "\"") {
						if (substr(s, i + 1, 1) == "\"") { out = out "\"\""; i++; continue }
						q = 0
					}
				} else if (c == "\"") {
					q = 1
				} else if (c == " ") {
					break
				}
				out = out c
			}
			return out
		}
		inblock {
			if ($0 == "\\.") inblock = 0
			else rows[cur]++
			next
		}
		/^COPY / && / FROM stdin;$/ {
			blocks++
			t = name(substr($0, 6))
			if (!(t in ord)) { ord[t] = ++ntables; names[ntables] = t; rows[ntables] = 0 }
			cur = ord[t]
			inblock = 1
		}
		END {
			if (inblock) { print "unterminated COPY block"; exit 1 }
			print blocks + 0 > blocks_file
			for (i = 1; i <= ntables; i++) printf "%d\t%.0f\t%s\n", i, rows[i], names[i]
		}' >"$work/counts" &
	child=$!
	waitchild
	awk_rc=$?
	if [ "$(cat "$work/count.rc" 2>/dev/null)" != 0 ] || [ "$awk_rc" -ne 0 ]; then
		cat "$work/count.err" "$work/counts"
		die "$fetch_code" "reading the dump's data failed: the dump is damaged or truncated"
	fi
	tables_restored=$(cat "$work/blocks")
	phase count finished "tables=$(wc -l <"$work/counts" | tr -d ' ')" "seconds=$(($(now) - t0))"
}

# values_sql: the tables of $work/counts as SQL VALUES rows
# (ord, 'name literal', source_rows, name as SQL), one per line.
values_sql() {
	awk -F '\t' '
		{
			lit = $3; gsub(/'\''/, "'\'''\''", lit)
			printf "%s(%d, '\''%s'\'', %.0f::bigint", (NR > 1 ? "," : " "), $1, lit, $2
			if (with_count) {
				# Rows of this table itself (COPY TO dumps no inheritance
				# children), or of all partitions when the data was loaded
				# through a partitioned root.
				printf ", (SELECT count(*) FROM %s AS t WHERE t.tableoid = '\''%s'\''::regclass", $3, lit
				printf " OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = '\''%s'\''::regclass) = '\''p'\'')", lit
			}
			print ")"
		}' with_count="$1" "$work/counts"
}

if [ "$verify" = row_counts ] || [ "$clean" = false ]; then
	count_rows
fi

# ---------------------------------------------------------------------------
# Without clean, the target must not have any of the dump's tables yet:
# check before changing anything (exit 13).

if [ "$clean" = false ] && [ -s "$work/counts" ]; then
	{
		cat <<'EOF'
SELECT pg_catalog.string_agg(ident, ', ' ORDER BY ord) FILTER (WHERE n <= 20)
	|| CASE WHEN count(*) > 20 THEN ' and ' || (count(*) - 20) || ' more' ELSE '' END
FROM (SELECT v.ord, v.ident, pg_catalog.row_number() OVER (ORDER BY v.ord) AS n
	FROM (VALUES
EOF
		values_sql 0
		cat <<'EOF'
	) AS v(ord, ident, source_rows)
	WHERE pg_catalog.to_regclass(v.ident) IS NOT NULL) AS found
HAVING count(*) > 0;
EOF
	} >"$work/clash.sql"
	target_psql "$work/clash.out" "$work/clash.sql" ||
		die 13 "checking the target database failed: $(oneline "$work/clash.out")"
	if [ -s "$work/clash.out" ]; then
		die 13 "the target database already has $(oneline "$work/clash.out"); restore into an empty database, or set clean = true to drop the dump's objects first"
	fi
fi

# ---------------------------------------------------------------------------
# Extensions to create before the restore (exit 14).

if [ -n "$extensions" ]; then
	: >"$work/extensions.sql"
	for ext in $extensions; do
		# One the dump creates itself is left to it, in the schema it names
		# (citext in heroku_ext, on Heroku): created here first, it would
		# land in public and the dump's columns of type heroku_ext.citext
		# would fail.
		if grep -q "^CREATE EXTENSION IF NOT EXISTS \"\{0,1\}$ext\"\{0,1\} " "$work/dump_extensions"; then
			continue
		fi
		printf 'CREATE EXTENSION IF NOT EXISTS "%s";\n' "$ext" >>"$work/extensions.sql"
	done
	target_psql "$work/extensions.out" "$work/extensions.sql" || {
		cat "$work/extensions.out"
		die 14 "creating the extensions ($extensions) failed: $(oneline "$work/extensions.out")"
	}
fi

# ---------------------------------------------------------------------------
# Restore. Between the two phase lines the log holds only pg_restore's
# --verbose output: the provider reads its errors from there. Its failure
# does not stop the job: the summary says what was restored, and the exit
# code is 3.

set -- --no-password --verbose "--jobs=$jobs"
[ "$no_owner" = true ] && set -- "$@" --no-owner
[ "$no_acl" = true ] && set -- "$@" --no-acl
[ "$clean" = true ] && set -- "$@" --clean --if-exists
phase restore started "jobs=$jobs"
pg_restore "$@" --dbname="$PGDATABASE" "$archive" &
child=$!
waitchild
restore_exit=$?
phase restore finished "exit=$restore_exit"

warnings=
if [ "$heroku_ext" = true ]; then
	# Heroku puts heroku_ext on every database's search_path; code that
	# calls an extension's functions unqualified relies on it.
	printf '%s\n' \
		"SELECT pg_catalog.format('ALTER DATABASE %I SET search_path = \"\$user\", public, heroku_ext', pg_catalog.current_database()) \\gexec" \
		>"$work/search_path.sql"
	if ! target_psql "$work/search_path.out" "$work/search_path.sql"; then
		warnings="could not add heroku_ext to the database's search_path: $(oneline "$work/search_path.out")"
		printf 'HEROKU2AWS_WARNING %s\n' "$warnings"
	fi
fi

# ---------------------------------------------------------------------------
# ANALYZE and verification (exit 15).

if [ "$analyze" = true ]; then
	phase analyze started
	t0=$(now)
	printf 'ANALYZE;\n' >"$work/analyze.sql"
	target_psql "$work/analyze.out" "$work/analyze.sql" || {
		cat "$work/analyze.out"
		die 15 "ANALYZE failed: $(oneline "$work/analyze.out")"
	}
	phase analyze finished "seconds=$(($(now) - t0))"
fi

# $work/tables.psql is a psql command setting the variable "tables" to the
# JSON array of the verification (empty for verify = none).
printf '%s\n' "\\set tables ''" >"$work/tables.psql"
if [ "$verify" = row_counts ]; then
	phase verify started
	t0=$(now)
	if [ -s "$work/counts" ]; then
		# One query over all tables, in archive order. It writes a psql
		# \set command: the JSON as a psql single-quoted argument (quotes
		# doubled, backslashes escaped).
		{
			cat <<'EOF'
SELECT '\set tables ''' || pg_catalog.replace(pg_catalog.replace(j::text, '\', '\\'), '''', '''''') || ''''
FROM (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
		'schema', n.nspname, 'name', c.relname,
		'source_rows', v.source_rows, 'target_rows', v.target_rows) ORDER BY v.ord) AS j
	FROM (VALUES
EOF
			values_sql 1
			cat <<'EOF'
	) AS v(ord, ident, source_rows, target_rows)
	JOIN pg_catalog.pg_class c ON c.oid = v.ident::regclass
	JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace) AS verified;
EOF
		} >"$work/verify.sql"
		target_psql "$work/tables.psql" "$work/verify.sql" || {
			cat "$work/tables.psql"
			die 15 "verifying the row counts failed: $(oneline "$work/tables.psql")"
		}
	else
		printf '%s\n' "\\set tables '[]'" >"$work/tables.psql"
	fi
	phase verify finished "tables=$(wc -l <"$work/counts" | tr -d ' ')" "seconds=$(($(now) - t0))"
fi

# ---------------------------------------------------------------------------
# Summary: one line, built by psql from script values passed as psql
# variables.

pg_restore_version=$(pg_restore --version | awk '{ print $3; exit }')
duration=$(($(now) - started_at))
{
	cat "$work/tables.psql"
	cat <<'EOF'
SELECT 'HEROKU2AWS_SUMMARY ' || pg_catalog.json_build_object(
	'version', 1,
	'tables_restored', :'tables_restored'::int,
	'bytes', :'bytes'::bigint,
	'duration_seconds', :'duration'::bigint,
	'pg_restore_version', :'pg_restore_version',
	'verify', :'verify',
	'tables', NULLIF(:'tables', '')::json,
	'warnings', CASE WHEN :'warnings' = '' THEN NULL ELSE pg_catalog.to_json(pg_catalog.string_to_array(:'warnings', E'\n')) END,
	'pg_restore_exit', :'restore_exit'::int)::text;
EOF
} >"$work/summary.sql"
target_psql "$work/summary.out" "$work/summary.sql" \
	-v "tables_restored=${tables_restored:-0}" -v "bytes=$bytes" -v "duration=$duration" \
	-v "pg_restore_version=$pg_restore_version" -v "verify=$verify" \
	-v "warnings=$warnings" -v "restore_exit=$restore_exit" || {
	cat "$work/summary.out"
	die 15 "writing the summary failed: $(oneline "$work/summary.out")"
}
cat "$work/summary.out"

if [ "$restore_exit" -ne 0 ]; then
	printf 'HEROKU2AWS_ERROR pg_restore exited with status %s; its errors are above\n' "$restore_exit"
	exit 3
fi
exit 0
