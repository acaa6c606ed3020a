#!/usr/bin/env bash
# npm run bench: runs every benchmark in scripts/bench/*.bench.ts against a throwaway PostgreSQL
# cluster made for the run (BENCH_DB_URL), like the test run. Each benchmark prints JSON lines
# whose ratios are measured within the same run, so the machine's speed cancels out.
set -euo pipefail
source "$(dirname "$0")/local/env.sh"
source "$ROOT/scripts/local/cluster.sh"
source "$ROOT/scripts/local/install.sh"
cd "$ROOT"

shopt -s nullglob
benches=(scripts/bench/*.bench.ts)
if [ ${#benches[@]} -eq 0 ]; then
  echo "No benchmarks yet (scripts/bench/*.bench.ts)."
  exit 0
fi

ensure_installed
mkdir -p "$STATE_DIR"
BENCH_PORT=$(free_port)
BENCH_CLUSTER=$(cluster_home "bench-cluster-$$")
trap 'throwaway_cluster_down "$BENCH_CLUSTER"' EXIT
throwaway_cluster_up "$BENCH_CLUSTER" "$BENCH_PORT"
export BENCH_DB_URL="postgresql://postgres:${DB_PASSWORD}@${DB_HOST}:${BENCH_PORT}/postgres"
# The benchmark process holds the sandbox's orgs (a million contacts at the default size): give
# it the heap for them. The syncing worker it measures runs with the defaults.
for bench in "${benches[@]}"; do
  deno run -A --v8-flags=--max-old-space-size=12288 "$bench"
done
