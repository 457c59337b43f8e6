#!/usr/bin/env bash
# make demo: the main job on the local sandbox, end to end.
#
# 1. builds the provider and the sandbox;
# 2. starts the Heroku sandbox on a free loopback port, seeded with the sample
#    app (internal/sandbox/herokuapi/testdata/sample.json);
# 3. applies examples/inventory against it with the real Terraform CLI, through
#    dev_overrides in a throwaway CLI config (no registry access);
# 4. prints the inventory: formation, add-ons, domains, config var names.
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

step "Building the provider and the sandbox"
go build -o "$work/bin/terraform-provider-heroku2aws" .
go build -o "$work/sandbox" ./internal/sandbox/cmd/sandbox

step "Starting the Heroku sandbox with $fixture"
"$work/sandbox" --fixture "$fixture" --heroku-addr 127.0.0.1:0 --aws-addr 127.0.0.1:0 \
  --print-env-file "$work/sandbox.env" >"$work/sandbox.out" 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/sandbox.env" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { echo "demo: the sandbox exited:" >&2; cat "$work/sandbox.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/sandbox.env" ] || { echo "demo: the sandbox did not start in 10 s" >&2; cat "$work/sandbox.log" >&2; exit 1; }
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

step "Heroku API requests the sandbox served"
grep -c -E ' (200|206) ' "$work/sandbox.log" || true
echo
echo "Done. The sandbox and the temp directory $work are cleaned up on exit."
