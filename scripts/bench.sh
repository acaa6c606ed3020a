#!/usr/bin/env bash
# npm run bench: runs every benchmark in scripts/bench/ (each prints JSON lines with ratios
# measured in the same run) against a throwaway cluster, like the test run.
set -euo pipefail
source "$(dirname "$0")/local/env.sh"
shopt -s nullglob
benches=("$ROOT"/scripts/bench/*.bench.ts)
if [ ${#benches[@]} -eq 0 ]; then
  echo "No benchmarks yet (scripts/bench/*.bench.ts)."
  exit 0
fi
for b in "${benches[@]}"; do deno run -A "$b"; done
