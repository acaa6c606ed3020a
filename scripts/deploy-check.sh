#!/usr/bin/env bash
# npm run deploy:check: every check a deploy to hosted Supabase depends on, without network:
#   1. each function resolves its imports with the import map the CLI picks, and reads no file
#      outside supabase/functions/ (tests/unit/supabase/functions/deployable.test.ts);
#   2. config.toml has each function with its verify_jwt, entrypoint and import map
#      (tests/unit/supabase/config.test.ts);
#   3. `supabase db push` applies every migration to a fresh cluster that has only the
#      platform's roles and schemas, and writes the [db.vault] secrets the cron job reads.
# `npm test` runs all three as part of its own suites (the third on its test cluster).
set -uo pipefail
source "$(dirname "$0")/local/env.sh"
source "$ROOT/scripts/local/cluster.sh"
source "$ROOT/scripts/local/install.sh"
source "$ROOT/scripts/deploy/db-push-check.sh"
cd "$ROOT"
export NO_COLOR=1

ensure_installed >&2 || exit 1
failed=0
echo "== function imports and config.toml"
deno test -A --no-prompt tests/unit/supabase/functions/deployable.test.ts \
  tests/unit/supabase/config.test.ts || failed=1

echo "== db push on a fresh cluster with the platform's roles"
port=$(free_port)
cluster=$(cluster_home "deploy-check-$$")
trap 'throwaway_cluster_down "$cluster"' EXIT
if throwaway_cluster_bare "$cluster" "$port" && db_push_check "$cluster" "$port"; then
  echo "ok"
else
  failed=1
fi

echo
if [ "$failed" -eq 0 ]; then echo "deploy check passed"; else echo "deploy check FAILED"; fi
exit "$failed"
