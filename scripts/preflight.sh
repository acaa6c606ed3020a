#!/usr/bin/env bash
# npm run preflight -- <postgres url>: what our migrations would meet in an existing database
# (scripts/preflight.ts); reads only. Installs the npm dev dependencies first when missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/local/env.sh"
source "$ROOT/scripts/local/install.sh"
ensure_npm_packages
exec deno run --allow-net --allow-env --allow-read "$ROOT/scripts/preflight.ts" "$@"
