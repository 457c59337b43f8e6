#!/usr/bin/env bash
# make demo: the main job on the local sandbox, end to end.
#
# 1. builds the provider and the sandbox;
# 2. starts the Heroku sandbox on a free loopback port, seeded with the sample
#    app (internal/sandbox/herokuapi/testdata/sample.json);
# 3. applies examples/inventory against it with the real Terraform CLI, through
#    dev_overrides in a throwaway CLI config (no registry access);
# 4. prints the inventory: formation, add-ons, domains, config var names;
# 5. starts the AWS sandbox beside it and applies examples/migration: the
#    app's config vars go into SSM through the write-only path, then a second
#    plan shows no changes and the state is searched for a secret value;
# 6. copies the app's Heroku Postgres database (a sample database in a
#    throwaway PostgreSQL cluster) into a second cluster through a captured
#    backup, and prints the verified row counts;
# 7. cuts api.acme.com over with a weighted Route 53 pair in the sandbox
#    zone: 100/0, 90/10, 0/100, one change batch per step.
#
# Everything lives in one temp directory that is removed on exit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fixture=${DEMO_FIXTURE:-internal/sandbox/herokuapi/testdata/sample.json}
app=${DEMO_APP:-acme-api}

for tool in go terraform; do
  command -v "$tool" >/dev/null || { echo "demo: $tool is not on PATH" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/heroku2aws-demo.XXXXXX")
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

step() { printf '\n==> %s\n' "$*"; }

# The database step needs PostgreSQL's server binaries for the throwaway
# clusters.
pg_demo=""
if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
  pg_demo="--pg-demo"
fi

step "Building the provider and the sandbox"
go build -o "$work/bin/terraform-provider-heroku2aws" .
go build -o "$work/sandbox" ./internal/sandbox/cmd/sandbox

step "Starting the Heroku sandbox with $fixture"
"$work/sandbox" --fixture "$fixture" --heroku-addr 127.0.0.1:0 --aws-addr 127.0.0.1:0 \
  --route53-zone acme.com --route53-sync-delay 1s $pg_demo \
  --print-env-file "$work/sandbox.env" >"$work/sandbox.out" 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/sandbox.env" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { echo "demo: the sandbox exited:" >&2; cat "$work/sandbox.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/sandbox.env" ] || { echo "demo: the sandbox did not start in 30 s" >&2; cat "$work/sandbox.log" >&2; exit 1; }
# shellcheck disable=SC1091
source "$work/sandbox.env"
echo "Heroku API sandbox at $HEROKU_API_URL"

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "heroku2aws/heroku2aws" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
mkdir -p "$work/inventory"
cp examples/inventory/*.tf "$work/inventory/"

step "terraform apply examples/inventory (app $app)"
if ! terraform -chdir="$work/inventory" apply -auto-approve -input=false -no-color -compact-warnings \
  -var "app=$app" >"$work/apply.out" 2>&1; then
  cat "$work/apply.out" >&2
  echo "demo: terraform apply failed" >&2
  exit 1
fi
# Show what was read; the outputs follow below, and the dev_overrides
# warning is expected here.
grep -E '^data\.|Reading|Read complete|Apply complete' "$work/apply.out" || true

step "Inventory of $app"
terraform -chdir="$work/inventory" output -no-color 2>/dev/null

tf_version=$(terraform version -json | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p')
if [ "$(printf '%s\n%s\n' 1.11.0 "$tf_version" | sort -V | sed -n 1p)" != "1.11.0" ]; then
  echo
  echo "Terraform $tf_version is older than 1.11: skipping the config var import (it uses write-only arguments)."
else
  step "terraform apply examples/migration: config vars -> SSM (write-only, paced)"
  mkdir -p "$work/migration"
  cp examples/migration/*.tf "$work/migration/"
  if ! terraform -chdir="$work/migration" apply -auto-approve -input=false -no-color \
    -var "app=$app" >"$work/migration.out" 2>&1; then
    cat "$work/migration.out" >&2
    echo "demo: terraform apply of examples/migration failed" >&2
    exit 1
  fi
  grep -E '^(heroku2aws_secret_import|Apply complete)' "$work/migration.out" || true
  # The provider's plan-time warnings, such as empty config vars that SSM cannot hold.
  awk '/^Warning: (Empty|Unused)/ { show = 1 } show { print } show && /^$/ && ++blank == 3 { show = 0; blank = 0 }' "$work/migration.out"
  terraform -chdir="$work/migration" output -no-color 2>/dev/null

  step "A second plan finds nothing to change"
  terraform -chdir="$work/migration" plan -input=false -no-color -detailed-exitcode -var "app=$app" >"$work/replan.out" 2>&1 &&
    echo "No changes: the parameters match the config vars (compared by fingerprint)." ||
    { cat "$work/replan.out"; echo "demo: the second plan is not empty" >&2; exit 1; }

  step "The state holds fingerprints, not values"
  secret=$(sed -n 's/.*"SECRET_KEY_BASE": *"\([^"]*\)".*/\1/p' "$fixture" | sed -n 1p)
  if [ -n "$secret" ] && grep -qF "$secret" "$work/migration/terraform.tfstate"; then
    echo "demo: SECRET_KEY_BASE's value was found in the state" >&2
    exit 1
  fi
  grep -o '"fingerprint": "[^"]*"' "$work/migration/terraform.tfstate" | sed -n 1,3p
  echo "SECRET_KEY_BASE's value appears nowhere in terraform.tfstate."

  if [ -n "$pg_demo" ] && [ -n "${HEROKU2AWS_DEMO_TARGET_URL:-}" ]; then
    step "Database: capture a Heroku backup, restore it into the target, verify row counts"
    if ! TF_VAR_database_target_url="$HEROKU2AWS_DEMO_TARGET_URL" terraform -chdir="$work/migration" apply -auto-approve \
      -input=false -no-color -var "app=$app" -var restore_database=true >"$work/restore.out" 2>&1; then
      cat "$work/restore.out" >&2
      echo "demo: the database restore failed" >&2
      exit 1
    fi
    grep -E '^heroku2aws_pg_restore_job' "$work/restore.out" || true
    terraform -chdir="$work/migration" output -no-color database_restore
  else
    echo
    echo "PostgreSQL server binaries not found: skipping the database step (install postgresql-15)."
  fi

  step "DNS cutover of api.acme.com in the sandbox zone ${HEROKU2AWS_ZONE_ID:-?}"
  for weight in 0 10 100; do
    if ! TF_VAR_database_target_url="${HEROKU2AWS_DEMO_TARGET_URL:-}" terraform -chdir="$work/migration" apply -auto-approve \
      -input=false -no-color -var "app=$app" -var "restore_database=$([ -n "$pg_demo" ] && echo true || echo false)" \
      -var "zone_id=$HEROKU2AWS_ZONE_ID" -var "aws_weight=$weight" >"$work/cutover.out" 2>&1; then
      cat "$work/cutover.out" >&2
      echo "demo: the cutover step to aws_weight=$weight failed" >&2
      exit 1
    fi
    printf 'aws_weight=%-3s -> %s\n' "$weight" "$(terraform -chdir="$work/migration" output -raw traffic)"
  done
fi

step "Requests the sandboxes served"
grep -c -E ' (200|206) ' "$work/sandbox.log" || true
echo
echo "Done. The sandbox and the temp directory $work are cleaned up on exit."
