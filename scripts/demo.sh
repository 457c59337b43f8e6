#!/usr/bin/env bash
# make demo: the main job on the local sandboxes, end to end.
#
# 1. builds the provider (which is also the generator) and the sandbox;
# 2. starts the Heroku, AWS and Route 53 sandboxes on free loopback ports,
#    seeded with the sample team (internal/sandbox/herokuapi/testdata/
#    sample.json: web, worker and release phase, Postgres, Redis, Scheduler,
#    Papertrail and two custom domains), plus two throwaway PostgreSQL
#    clusters: the Heroku database and the target standing in for RDS;
# 3. runs `terraform-provider-heroku2aws generate --team acme`;
# 4. applies the generated migration/ with the real Terraform CLI, after a plain `terraform init` from the release zip, with
#    variables pointing at the local target cluster and the sandbox zone:
#    config vars to SSM (write-only), the database copied and verified, a
#    weighted DNS pair per domain at Heroku 100 / AWS 0; a second plan is
#    empty and the state holds no secret;
# 5. runs the cutover window as phases of the same migration, each one
#    apply: cutover (freeze Heroku, its database made read-only, final
#    copy verified, DNS to AWS 100; a write after the freeze fails),
#    a rollback drill (Heroku unfrozen with its exact quantities, DNS back
#    to Heroku 100), then cutover again; it prints the window's length
#    phase by phase (freeze, final copy, verify, DNS) from the apply's
#    machine-readable UI (terraform apply -json), the restore job's
#    started_at/finished_at and the provider's log;
#    every shift towards AWS is gated on the AWS side's health: a local
#    python3 -m http.server stands in for the load balancer (the gate's
#    address points at it; it answers 200 for / and 404 for a missing
#    path). Before the window, a canary with a health path that answers 404
#    is refused and the weights do not move; the cutover's gate on / passes
#    and its figures are printed;
# 6. prints a summary, and removes everything on exit.
#
# target/ is generated and checked with `terraform fmt`, not applied: the
# hashicorp/aws provider cannot be installed offline.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fixture=${DEMO_FIXTURE:-internal/sandbox/herokuapi/testdata/sample.json}
team=${DEMO_TEAM:-acme}
started=$(date +%s)

for tool in go terraform; do
  command -v "$tool" >/dev/null || { echo "demo: $tool is not on PATH" >&2; exit 1; }
done

# umask 077: the env file and the tfvars file hold a database password.
umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/heroku2aws-demo.XXXXXX")
sandbox_pid=""
http_pid=""
cleanup() {
  if [ -n "$http_pid" ]; then kill "$http_pid" 2>/dev/null || true; wait "$http_pid" 2>/dev/null || true; fi
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Terraform installs the provider the way users do: the host zip of
# `make release` in a filesystem_mirror, then a plain `terraform init`
# (no dev_overrides, no registry).
cat >"$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/heroku2aws/heroku2aws"]
  }
  direct {
    exclude = ["registry.terraform.io/heroku2aws/heroku2aws"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

tf_version=$(terraform version -json | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p')
if [ "$(printf '%s\n%s\n' 1.11.0 "$tf_version" | sort -V | sed -n 1p)" != "1.11.0" ]; then
  echo "demo: Terraform $tf_version is older than 1.11; the generated migration uses write-only arguments." >&2
  exit 1
fi


step() { printf '\n==> %s\n' "$*"; }
fail() { echo "demo: $*" >&2; exit 1; }

pg_demo=""
if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
  pg_demo="--pg-demo"
else
  echo "PostgreSQL server binaries not found: the database step is skipped (install postgresql-15)."
fi

step "Building the provider (and generator) and the sandbox"
go build -o "$work/bin/terraform-provider-heroku2aws" .
make --no-print-directory release PLATFORMS=host DIST="$work/dist" VERSION=0.1.0 >"$work/release.out" 2>&1 ||
  { cat "$work/release.out" >&2; fail "make release failed"; }
(cd "$work/dist" && sha256sum --quiet -c terraform-provider-heroku2aws_0.1.0_SHA256SUMS)
mkdir -p "$work/mirror/registry.terraform.io/heroku2aws/heroku2aws"
cp "$work/dist/terraform-provider-heroku2aws_0.1.0_$(go env GOOS)_$(go env GOARCH).zip" \
  "$work/mirror/registry.terraform.io/heroku2aws/heroku2aws/"
go build -o "$work/sandbox" ./internal/sandbox/cmd/sandbox

step "Starting the sandboxes with $fixture"
"$work/sandbox" --fixture "$fixture" --heroku-addr 127.0.0.1:0 --aws-addr 127.0.0.1:0 \
  --route53-zone acme.com --route53-sync-delay 1s $pg_demo \
  --print-env-file "$work/sandbox.env" >"$work/sandbox.out" 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/sandbox.env" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; fail "the sandbox exited"; }
  sleep 0.1
done
[ -s "$work/sandbox.env" ] || { cat "$work/sandbox.log" >&2; fail "the sandbox did not start in 30 s"; }
# shellcheck disable=SC1091
source "$work/sandbox.env"
echo "Heroku API sandbox at $HEROKU_API_URL, AWS sandbox at $AWS_ENDPOINT_URL, zone acme.com = $HEROKU2AWS_ZONE_ID"

step "terraform-provider-heroku2aws generate --team $team --out $work/out"
"$work/bin/terraform-provider-heroku2aws" generate --team "$team" --out "$work/out" --aws-region "$AWS_REGION"
(cd "$work/out" && find . -type f | sort | sed 's|^\./|  |')

step "target/ is terraform fmt-clean (not applied: hashicorp/aws cannot be installed offline)"
terraform fmt -check -recursive "$work/out/target" && echo "  $(ls "$work/out/target" | wc -l) files, all formatted"

step "INVENTORY.md (first lines)"
sed -n 1,40p "$work/out/INVENTORY.md"

mig="$work/out/migration"

# The health gate's target: a local HTTP server standing in for the app's
# load balancer (the gate connects to gate_addresses instead of the AWS
# target, with the domain as Host). It answers 200 for / and 404 for a
# path that does not exist. Without python3 the demo turns the gate off.
gate=false
gate_vars=""
if command -v python3 >/dev/null; then
  step "A stand-in for the AWS load balancer: python3 -m http.server on loopback"
  mkdir -p "$work/www"
  python3 -u -m http.server --bind 127.0.0.1 --directory "$work/www" 0 >"$work/http.out" 2>"$work/http.log" &
  http_pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\).*/\1/p' "$work/http.out")
    [ -n "$port" ] && break
    kill -0 "$http_pid" 2>/dev/null || { cat "$work/http.log" >&2; fail "python3 -m http.server exited"; }
    sleep 0.1
  done
  [ -n "$port" ] || fail "python3 -m http.server did not start in 10 s"
  echo "  http://127.0.0.1:$port/ answers $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/"), /healthz $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")"
  gate=true
  # The demo's gate: 10 requests over 2 s (the defaults are 20 over 30 s).
  gate_vars='"gate_scheme": "http", "gate_addresses": {"acme-api": "127.0.0.1:'$port'"}, "gate_requests": 10, "gate_duration": "2s",'
else
  echo "python3 not found: the demo runs without the health gate."
  gate_vars='"dns_gate": false,'
fi

# What an operator copies from `terraform -chdir=target output -json`: the
# load balancer per app and the RDS URLs. Here: the local target cluster.
# With --pg-demo the sandbox points the apps' DATABASE_URL config var at
# the demo source database, so the cutover's freeze makes it read-only
# (freeze_databases); without it there is no database to copy or freeze.
copy=false
[ -n "${HEROKU2AWS_DEMO_TARGET_URL:-}" ] && copy=true
cat >"$mig/target.auto.tfvars.json" <<JSON
{
  "aws_targets": {"acme-api": "acme-api-alb-123456.us-east-1.elb.amazonaws.com"},
  "copy_databases": $copy,
  "database_target_urls": {"acme-api": {"DATABASE": "${HEROKU2AWS_DEMO_TARGET_URL:-}"}},
  "freeze_databases": $copy,
  $gate_vars
  "dns_zone_ids": {"api.acme.com": "$HEROKU2AWS_ZONE_ID", "www.acme.com": "$HEROKU2AWS_ZONE_ID"}
}
JSON

step "terraform apply migration/: config vars -> SSM, database -> target, DNS pairs at Heroku 100 / AWS 0"
terraform -chdir="$mig" init -input=false -no-color >"$work/init.out" 2>&1 ||
  { cat "$work/init.out" >&2; fail "terraform init of the generated migration failed"; }
grep -E 'Installed heroku2aws/heroku2aws' "$work/init.out"
if ! terraform -chdir="$mig" apply -auto-approve -input=false -no-color >"$work/apply.out" 2>&1; then
  cat "$work/apply.out" >&2
  fail "terraform apply of the generated migration failed"
fi
grep -E '^module\..*(Creation complete|Still creating)|^Apply complete' "$work/apply.out" | grep -v 'Still' || true

step "A second plan finds nothing to change"
terraform -chdir="$mig" plan -input=false -no-color -detailed-exitcode >"$work/replan.out" 2>&1 ||
  { cat "$work/replan.out"; fail "the second plan is not empty"; }
echo "No changes."

step "The state holds fingerprints, not values"
secret=$(sed -n 's/.*"SECRET_KEY_BASE": *"\([^"]*\)".*/\1/p' "$fixture" | sed -n 1p)
if [ -n "$secret" ] && grep -qF "$secret" "$mig/terraform.tfstate"; then
  fail "SECRET_KEY_BASE's value was found in the state"
fi
echo "SECRET_KEY_BASE's value appears nowhere in terraform.tfstate."

# epoch seconds (with fractions) of an RFC 3339 time.
epoch() { date -u -d "$1" +%s.%N; }
# secs A B: B - A in seconds, two decimals.
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# ui_time FILE TYPE PATTERN first|last: the @timestamp of the first or
# last message of TYPE (apply_start, apply_complete) whose resource
# address matches PATTERN, in the JSON UI of an apply.
ui_time() {
  local sel=first
  [ "$4" = last ] && sel=last
  jq -r --arg type "$2" --arg re "$3" \
    'select(.type == $type and (.hook.resource.addr // "" | test($re))) | .["@timestamp"]' "$1" |
    sort | { if [ "$sel" = first ]; then sed -n 1p; else tail -n 1; fi; }
}

# log_time FILE PATTERN first|last: the time of the first or last line of
# a TF_LOG file matching PATTERN.
log_time() {
  local lines
  lines=$(sed -n "s/^\([0-9][0-9TZ:.+-]*\) .*$2.*/\1/p" "$1")
  if [ "$3" = first ]; then sed -n 1p <<<"$lines"; else tail -n 1 <<<"$lines"; fi
}

# apply_phase PHASE: one terraform apply of the migration in PHASE, timed,
# with the JSON UI in $work/PHASE.json and the provider's log in
# $work/PHASE.log. The demo's drain wait is 3 s instead of 30 s.
apply_phase() {
  local phase=$1 t0 t1
  t0=$(date -u +%s.%N)
  if ! TF_LOG_PROVIDER=info TF_LOG_PATH="$work/$phase.log" terraform -chdir="$mig" apply -auto-approve -input=false -json \
    -var "phase=${phase%-*}" -var freeze_drain_wait=3s >"$work/$phase.json" 2>&1; then
    jq -r 'select(.["@level"] == "error") | .diagnostic | "\(.summary): \(.detail)"' "$work/$phase.json" >&2 || cat "$work/$phase.json" >&2
    fail "terraform apply with phase=${phase%-*} failed"
  fi
  t1=$(date -u +%s.%N)
  apply_seconds=$(secs "$t0" "$t1")
  apply_started=$t0
}

# window PHASE: the cutover window of an apply, step by step.
window() {
  local ui="$work/$1.json" log="$work/$1.log"
  local f0 f1 c0 v0 c1 d0 d1
  f0=$(epoch "$(ui_time "$ui" apply_start 'heroku2aws_app_freeze' first)")
  f1=$(epoch "$(ui_time "$ui" apply_complete 'heroku2aws_app_freeze' last)")
  d0=$(epoch "$(ui_time "$ui" apply_start 'heroku2aws_weighted_dns_record' first)")
  d1=$(epoch "$(ui_time "$ui" apply_complete 'heroku2aws_weighted_dns_record' last)")
  local what="maintenance on, non-web types to 0, 3s drain wait"
  [ "$copy" = true ] && what="$what, the database read-only"
  printf '  %-12s %6s s  (%s)\n' freeze "$(secs "$f0" "$f1")" "$what"
  if [ "$copy" = true ]; then
    # The job's log lines (millisecond times) split the copy from its
    # verification; its started_at/finished_at (whole seconds) bound both.
    local copies started finished
    copies=$(terraform -chdir="$mig" output -json window)
    started=$(jq -r '[.[].copies[].started_at] | min' <<<"$copies")
    finished=$(jq -r '[.[].copies[].finished_at] | max' <<<"$copies")
    c0=$(log_time "$log" 'pg restore job: ' first)
    v0=$(log_time "$log" 'pg restore job: verify' first)
    c1=$(log_time "$log" 'pg restore job: verify.*status=finished' last)
    if [ -n "$c0" ] && [ -n "$v0" ] && [ -n "$c1" ]; then
      printf '  %-12s %6s s  (capture, download, pg_restore)\n' "final copy" "$(secs "$(epoch "$c0")" "$(epoch "$v0")")"
      printf '  %-12s %6s s  (row counts, table by table)\n' verify "$(secs "$(epoch "$v0")" "$(epoch "$c1")")"
    else
      printf '  %-12s %6s s  (capture, download, pg_restore and row counts)\n' "copy+verify" "$(secs "$(epoch "$started")" "$(epoch "$finished")")"
    fi
    printf '  %-12s %s -> %s (the restore job'"'"'s started_at -> finished_at)\n' "" "$started" "$finished"
  fi
  local dns_note="one Route 53 batch per domain, until INSYNC"
  [ "$gate" = true ] && dns_note="the health gate (10 requests over 2 s), then $dns_note"
  printf '  %-12s %6s s  (%s)\n' DNS "$(secs "$d0" "$d1")" "$dns_note"
  printf '  %-12s %6s s  from the first freeze to DNS at AWS 100 (the apply took %s s)\n' window "$(secs "$f0" "$d1")" "$apply_seconds"
}

# source_write: one write on the demo source database, in a new session,
# with the app's own credential (DATABASE_URL's), rolled back; it prints
# PostgreSQL's answer. The settings go through libpq's environment, never
# argv: the URL holds a password.
source_write() {
  local re='^postgres(ql)?://([^:@/]+):([^@/]*)@([^:/]+):([0-9]+)/([^?]+)'
  [[ ${HEROKU2AWS_DEMO_SOURCE_URL:-} =~ $re ]] || { echo "no demo source URL"; return 2; }
  PGUSER=${BASH_REMATCH[2]} PGPASSWORD=${BASH_REMATCH[3]} PGHOST=${BASH_REMATCH[4]} PGPORT=${BASH_REMATCH[5]} \
    PGDATABASE=${BASH_REMATCH[6]} PGSSLMODE=disable \
    "$(pg_config --bindir)/psql" -X -q -v ON_ERROR_STOP=1 \
    -c "BEGIN; INSERT INTO public.users (email, name, created_at) VALUES ('demo-write@example.com', 'Demo Write', now()); ROLLBACK;" 2>&1
}

traffic_is() {
  local got
  got=$(terraform -chdir="$mig" output -json traffic | jq -r '[.[][]] | unique | join(", ")')
  echo "  traffic: $got"
  case "$got" in *"$1"*) ;; *) fail "expected traffic $1" ;; esac
}

# weights: the weights Route 53 holds for the sandbox zone, as the aws CLI
# reads them (ListResourceRecordSets).
weights() {
  aws route53 list-resource-record-sets --endpoint-url "$AWS_ENDPOINT_URL" --hosted-zone-id "$HEROKU2AWS_ZONE_ID" --output json |
    jq -r '[.ResourceRecordSets[] | select(.Weight != null) | "\(.Name | rtrimstr(".")) \(.SetIdentifier)=\(.Weight)"] | join(", ")'
}

if [ "$gate" = true ]; then
  step "A gated canary that is refused: aws_weight=10, with a health path the AWS side answers 404"
  before=$(weights)
  echo "  Route 53 before: $before"
  if terraform -chdir="$mig" apply -auto-approve -input=false -json -var aws_weight=10 \
    -var 'health_paths={"acme-api" = "/healthz"}' >"$work/refused.json" 2>&1; then
    fail "the gate let a shift through to an AWS side that answers 404"
  fi
  jq -r 'select(.["@level"] == "error") | .diagnostic | "  \(.address // ""): \(.summary)\n\(.detail | split("\n") | map(select(. != "") | "    " + .) | .[0:4] | join("\n"))"' "$work/refused.json"
  after=$(weights)
  echo "  Route 53 after:  $after"
  [ "$before" = "$after" ] || fail "the refused shift moved the weights"
  echo "  the weights did not move, and a plan at aws_weight=0 finds nothing to change:"
  terraform -chdir="$mig" plan -input=false -no-color -detailed-exitcode >"$work/refused-plan.out" 2>&1 ||
    { cat "$work/refused-plan.out"; fail "the plan after the refused shift is not empty"; }
  echo "  No changes."
fi

step "Cutover window: phase=cutover (freeze Heroku, final copy verified, then DNS to AWS 100)"
apply_phase cutover
window cutover
traffic_is "heroku 0% / aws 100%"
if [ "$gate" = true ]; then
  echo "  the health gates that let the shift through (GET / on the stand-in, per domain):"
  terraform -chdir="$mig" output -json dns_gates |
    jq -r 'to_entries[] | .key as $app | .value | to_entries[] | "    \(.key): \(.value.successes)/\(.value.requests) answered 2xx-3xx (ratio \(.value.success_ratio)), p95 \(.value.p95_latency_ms) ms, checked at \(.value.checked_at)"'
fi
terraform -chdir="$mig" output -json freeze |
  jq -r 'to_entries[] | "  \(.key): frozen=\(.value.in_effect), was \(.value.prior_formation | to_entries | map("\(.key) \(.value)") | join(", ")), maintenance was \(.value.prior_maintenance), database frozen=\(.value.database_frozen)"'
if [ "$copy" = true ]; then
  if answer=$(source_write); then
    fail "a write on the Heroku database succeeded after the freeze"
  fi
  echo "  a write on the Heroku database after the freeze (a new session, DATABASE_URL's credential): $(sed -n 's/^.*ERROR: *//p' <<<"$answer" | sed -n 1p)"
fi

step "Rollback drill: phase=rollback (Heroku unfrozen first, then DNS back to Heroku 100, one apply)"
apply_phase rollback
r1=$(epoch "$(ui_time "$work/rollback.json" apply_complete 'heroku2aws_app_freeze' last)")
d1=$(epoch "$(ui_time "$work/rollback.json" apply_complete 'heroku2aws_weighted_dns_record' last)")
echo "  Heroku serving unfrozen $(secs "$apply_started" "$r1") s after the apply started; DNS at Heroku 100 after $(secs "$apply_started" "$d1") s (apply: $apply_seconds s)"
if jq -e 'select(.type == "apply_start" and (.hook.resource.addr // "" | test("pg_restore_job")))' "$work/rollback.json" >/dev/null; then
  fail "the rollback copied a database again"
fi
echo "  no database copied"
if [ "$copy" = true ]; then
  answer=$(source_write) || fail "the Heroku database is still read-only after the rollback: $answer"
  echo "  a write on the Heroku database after the rollback: accepted (rolled back)"
fi
traffic_is "heroku 100% / aws 0%"
terraform -chdir="$mig" output -json freeze |
  jq -r 'to_entries[] | "  \(.key): frozen=\(.value.in_effect)"'

step "Cutover again: phase=cutover (a new freeze generation, so a new final copy)"
apply_phase cutover-2
window cutover-2
traffic_is "heroku 0% / aws 100%"

if [ "$copy" = true ]; then
  password=$(sed -n 's|^postgres[a-z]*://[^:]*:\([^@]*\)@.*|\1|p' <<<"$HEROKU2AWS_DEMO_SOURCE_URL")
  if [ -n "$password" ] && grep -qF "$password" "$mig/terraform.tfstate"; then
    fail "the Heroku database's password (DATABASE_URL, read by the freeze) was found in the state"
  fi
  echo "  the Heroku database's password, which the freeze read from DATABASE_URL, appears nowhere in terraform.tfstate."
fi

step "Summary"
terraform -chdir="$mig" output -no-color
echo
echo "Done in $(($(date +%s) - started)) s. The sandboxes and $work are removed on exit."
