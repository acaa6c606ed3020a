#!/usr/bin/env bash
# npm test: installs what is missing, then runs every check (format, lint, type check, Deno
# tests, pgTAP, the Supabase CLI's db lint and advisors) against a throwaway PostgreSQL
# cluster made for this run, and ends with one line "N passed, N failed" over all suites.
# A suite's own test count is used where it has one; a check without tests counts as one.
set -uo pipefail
source "$(dirname "$0")/local/env.sh"
source "$ROOT/scripts/local/cluster.sh"
source "$ROOT/scripts/local/install.sh"
source "$ROOT/scripts/deploy/db-push-check.sh"
cd "$ROOT"

export NO_COLOR=1
LOG_DIR="$STATE_DIR/test-logs"
mkdir -p "$LOG_DIR"
PASSED=0
FAILED=0

# report NAME PASSED FAILED LOG: one line per suite; the log's tail when something failed.
report() {
  local name=$1 passed=$2 failed=$3 log=$4
  PASSED=$((PASSED + passed))
  FAILED=$((FAILED + failed))
  if [ "$failed" -eq 0 ]; then
    printf '  ok    %-34s %s passed\n' "$name" "$passed"
  else
    printf '  FAIL  %-34s %s passed, %s failed (log: %s)\n' "$name" "$passed" "$failed" "$log"
    tail -n 60 "$log" | sed 's/^/        /'
  fi
}

# check NAME CMD...: a check with no test count of its own passes or fails as one.
check() {
  local name=$1 log="$LOG_DIR/$(echo "$1" | tr ' /' '__').log"
  shift
  if "$@" >"$log" 2>&1; then report "$name" 1 0 "$log"; else report "$name" 0 1 "$log"; fi
}

# deno_suite NAME DIR...: deno test over the folders that hold tests; counts from its summary.
deno_suite() {
  local name=$1 log="$LOG_DIR/$(echo "$1" | tr ' /' '__').log" dirs=() d
  shift
  for d in "$@"; do
    [ -n "$(find "$d" -name '*.test.ts' 2>/dev/null | head -n 1)" ] && dirs+=("$d")
  done
  if [ ${#dirs[@]} -eq 0 ]; then
    echo "no test files in $*" >"$log"
    report "$name" 0 1 "$log"
    return
  fi
  deno test -A --no-prompt "${dirs[@]}" >"$log" 2>&1
  local rc=$? summary passed failed
  # -a: a test may print bytes that make grep take the log for binary.
  summary=$(grep -aE '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -n 1)
  if [ -z "$summary" ]; then
    # No summary: a crash before it (type error, unhandled rejection) or no test run at all.
    passed=0
    failed=1
  else
    passed=$(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$summary")
    failed=$(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary")
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  fi
  report "$name" "${passed:-0}" "${failed:-0}" "$log"
}

# pgtap_suite PORT: pg_prove over supabase/tests; counts the TAP lines it printed.
pgtap_suite() {
  local port=$1 log="$LOG_DIR/pgtap.log"
  PGPASSWORD="$DB_PASSWORD" pg_prove --verbose --host "$DB_HOST" --port "$port" --username postgres \
    --dbname postgres supabase/tests/*.test.sql >"$log" 2>&1
  local rc=$? passed failed
  passed=$(grep -acE '^ *ok [0-9]+' "$log")
  failed=$(grep -acE '^ *not ok [0-9]+' "$log")
  # A file that died mid-way (SQL error, bad plan) fails even when no assertion said "not ok".
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  report "pgTAP (supabase/tests)" "$passed" "$failed" "$log"
}

echo "Setting up (installs what is missing)..."
if ! ensure_installed >"$LOG_DIR/install.log" 2>&1; then
  cat "$LOG_DIR/install.log"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "Static checks"
check "deno fmt --check" deno fmt --check
check "deno lint" deno lint
check "deno check" deno check supabase/functions scripts tests

echo "Tests without a database"
deno_suite "deno test (unit, sandbox)" tests/unit tests/sandbox

echo "A fresh PostgreSQL 15 cluster for this run"
TEST_PORT=$(free_port)
TEST_CLUSTER=$(cluster_home "test-cluster-$$")
trap 'throwaway_cluster_down "$TEST_CLUSTER"' EXIT
failed_before=$FAILED
# Migrated by `supabase db push`, as a hosted deploy is (the database half of deploy:check); the
# check's Vault values are then dropped so the suites see what a plain migration leaves.
test_cluster_up() {
  throwaway_cluster_bare "$@" && db_push_check "$@" && forget_pushed_vault_secrets "$@"
}
check "cluster, bootstrap, db push + Vault" test_cluster_up "$TEST_CLUSTER" "$TEST_PORT"

if [ "$FAILED" -eq "$failed_before" ]; then
  export TEST_DB_URL="postgresql://postgres:${DB_PASSWORD}@${DB_HOST}:${TEST_PORT}/postgres"
  echo "Database suites (port $TEST_PORT)"
  pgtap_suite "$TEST_PORT"
  deno_suite "deno test (integration, e2e)" tests/integration tests/e2e
  check "supabase db lint" supabase db lint --remote="$TEST_DB_URL" --level warning --fail-on warning
  check "supabase db advisors" supabase db advisors --remote="$TEST_DB_URL" --fail-on warn
fi

echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
