#!/usr/bin/env bash
# Runs the provider simulator (scripts/sandbox/providers) on $PROVIDER_SIMULATOR_PORT (default
# 54331). Installs the npm dev dependencies first when missing, so a fresh clone needs no other step.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/local/env.sh"
source "$ROOT/scripts/local/install.sh"
ensure_npm_packages
exec deno run --allow-net --allow-env "$ROOT/scripts/sandbox/providers/main.ts" "$@"
