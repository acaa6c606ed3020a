#!/usr/bin/env bash
# Runs the local Salesforce sandbox (scripts/sandbox/salesforce) on $SANDBOX_PORT (default 54330).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/local/env.sh"
exec deno run --allow-net --allow-env "$ROOT/scripts/sandbox/salesforce/main.ts" "$@"
