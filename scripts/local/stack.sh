#!/usr/bin/env bash
# The local stack without Docker: `stack.sh up|down|status|reset|env`.
#   up      install what is missing, start Postgres (bootstrap + migrations + seed), the
#           Salesforce sandbox, the functions gateway and the pg_net worker; reuse what runs,
#           restart a service whose settings changed
#   down    stop everything (data is kept: the database, and the sandbox's orgs and tokens)
#   status  say what runs where
#   reset   down, delete the database and the sandbox's state, up again
#   env     print the environment a function or a curl session needs
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$ROOT/scripts/local/cluster.sh"
source "$ROOT/scripts/local/install.sh"
source "$ROOT/scripts/local/services.sh"

DEV_CLUSTER=$(cluster_home pg)

cmd=${1:-status}
case "$cmd" in
  up)
    ensure_installed
    mkdir -p "$STATE_DIR"
    cluster_init "$DEV_CLUSTER" "$DB_PORT"
    cluster_start "$DEV_CLUSTER" "$DB_PORT"
    cluster_bootstrap "$DEV_CLUSTER" "$DB_PORT"
    cluster_migrate "$DB_PORT"
    seed_once
    vault_upsert_cron_secrets
    services_up
    print_status
    ;;
  down)
    services_down
    cluster_stop "$DEV_CLUSTER"
    echo "Local stack stopped (data kept in $DEV_CLUSTER and $SANDBOX_STATE_FILE_PATH)."
    ;;
  status) print_status ;;
  reset)
    services_down
    cluster_stop "$DEV_CLUSTER"
    rm -rf "$DEV_CLUSTER" "$STATE_DIR/seeded" "$STATE_DIR/secrets" "$SANDBOX_STATE_FILE_PATH"
    exec "$0" up
    ;;
  env) print_env ;;
  *)
    echo "usage: stack.sh up|down|status|reset|env" >&2
    exit 2
    ;;
esac
