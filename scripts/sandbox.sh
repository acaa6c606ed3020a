#!/usr/bin/env bash
# Runs the local Salesforce sandbox (scripts/sandbox/salesforce) on $SANDBOX_PORT (default 54330).
# Installs the npm dev dependencies first when missing, so a fresh clone needs no other step.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/local/env.sh"
source "$ROOT/scripts/local/install.sh"
ensure_npm_packages
exec deno run --allow-net --allow-env "$ROOT/scripts/sandbox/salesforce/main.ts" "$@"
