# The long-running processes of the local stack besides Postgres: the Salesforce sandbox, the
# functions gateway and the pg_net worker. Each runs in the background with a pid file and a
# log under $STATE_DIR. Starting one that already runs with the same settings is a no-op; one
# whose settings changed (a variable it reads, or its command) is restarted, so
# `APP_REDIRECT_ALLOWLIST=... npm start` takes effect on a running stack. Sourced by stack.sh.

RUN_DIR="$STATE_DIR/run"
SANDBOX_STATE_FILE_PATH="$STATE_DIR/sandbox/salesforce.json"
LOG_DIR_SERVICES="$STATE_DIR/logs"

service_pid() { cat "$RUN_DIR/$1.pid" 2>/dev/null; }
service_running() {
  local pid
  pid=$(service_pid "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Names of the variables the functions read: the keys of the zod sections in config.ts, where
# "every key is an environment variable name", so a setting added there is watched here too.
function_setting_names() {
  grep -oE '^ +[A-Z][A-Z0-9_]+:' "$ROOT/supabase/functions/_shared/config.ts" | tr -d ' :' | sort -u
}

# service_settings NAME CMD...: what NAME runs with, one `VAR <sha256 of value>` line per
# variable it reads (hashed: the file must not hold secrets), after its command line.
service_settings() {
  local name=$1 names var
  shift
  case "$name" in
    sandbox) names="GATEWAY_PORT $(compgen -e | grep -E '^SANDBOX_' || true)" ;;
    simulator) names="GATEWAY_PORT $(compgen -e | grep -E '^PROVIDER_SIMULATOR_' || true)" ;;
    gateway) names="$(function_setting_names) GATEWAY_PORT GATEWAY_HOST" ;;
    *) names="SUPABASE_DB_URL" ;;
  esac
  echo "command $*"
  for var in $names; do
    if [ -n "${!var+set}" ]; then
      echo "$var $(printf '%s' "${!var}" | sha256sum | cut -c1-16)"
    fi
  done | sort -u
}

# changed_settings OLD NEW: the names whose lines differ, comma-separated.
changed_settings() {
  diff <(echo "$1") <(echo "$2") | sed -nE 's/^[<>] ([^ ]+).*/\1/p' | sort -u | paste -sd, -
}

# start_service NAME PORT CMD...: start unless running with the same settings (else restart);
# wait until PORT answers (0 = no port).
start_service() {
  local name=$1 port=$2 settings previous
  shift 2
  mkdir -p "$RUN_DIR" "$LOG_DIR_SERVICES"
  settings=$(service_settings "$name" "$@")
  if service_running "$name"; then
    previous=$(cat "$RUN_DIR/$name.settings" 2>/dev/null || true)
    [ "$previous" = "$settings" ] && return 0
    echo "$name: settings changed ($(changed_settings "$previous" "$settings")); restarting it."
    stop_service "$name"
  fi
  if [ "$port" != 0 ] && port_open "$port"; then
    echo "Port $port is taken by another process; set the port variable to use another (see README)." >&2
    return 1
  fi
  setsid nohup "$@" >>"$LOG_DIR_SERVICES/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
  echo "$settings" >"$RUN_DIR/$name.settings"
  local i
  for i in $(seq 1 150); do
    if [ "$port" = 0 ] || port_open "$port"; then return 0; fi
    service_running "$name" || break
    sleep 0.2
  done
  echo "$name did not start; its log:" >&2
  tail -n 30 "$LOG_DIR_SERVICES/$name.log" >&2
  return 1
}

# stop_service NAME: SIGTERM to its process group, then wait for it to exit (the sandbox saves
# its state on the way out, and a restart needs the port back); SIGKILL after 10 s.
stop_service() {
  local pid i
  pid=$(service_pid "$1")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$1 did not stop within 10 s; killing it." >&2
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$RUN_DIR/$1.pid" "$RUN_DIR/$1.settings"
}

dev_db_url() { echo "postgresql://postgres:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/postgres"; }

# What a function sees at run time, locally (values documented in README "Configuration").
function_env() {
  export SUPABASE_URL="http://127.0.0.1:$GATEWAY_PORT"
  export SUPABASE_DB_URL
  SUPABASE_DB_URL=$(dev_db_url)
  export SALESFORCE_LOGIN_URL="${SALESFORCE_LOGIN_URL:-http://127.0.0.1:$SANDBOX_PORT}"
  # The sandbox serves test.salesforce.com under /test, and registers one connected app whose
  # credentials it takes from SANDBOX_CLIENT_ID/SECRET: the functions use the same pair.
  export SALESFORCE_SANDBOX_LOGIN_URL="${SALESFORCE_SANDBOX_LOGIN_URL:-$SALESFORCE_LOGIN_URL/test}"
  export SALESFORCE_CLIENT_ID="${SALESFORCE_CLIENT_ID:-3MVG9sandboxLocalCrmSyncClientId}"
  export SALESFORCE_CLIENT_SECRET="${SALESFORCE_CLIENT_SECRET:-sandbox-local-crm-sync-secret}"
  export SANDBOX_CLIENT_ID="$SALESFORCE_CLIENT_ID" SANDBOX_CLIENT_SECRET="$SALESFORCE_CLIENT_SECRET"
  # The sandbox's orgs, records, grants and tokens outlive `stack down`; `stack reset` deletes it.
  export SANDBOX_STATE_FILE="$SANDBOX_STATE_FILE_PATH"
  # Every other provider's real host is served by the provider simulator under /<host>/; its
  # default clients are sim-<provider>-client-id / sim-<provider>-client-secret.
  export PROVIDER_SIMULATOR_URL="${PROVIDER_SIMULATOR_URL:-http://127.0.0.1:$PROVIDER_SIMULATOR_PORT}"
  local provider id_var secret_var
  for provider in hubspot pipedrive microsoft365 slack asana notion google github gitlab jira \
    trello bamboohr workday dropbox zendesk; do
    id_var="$(echo "$provider" | tr '[:lower:]' '[:upper:]')_CLIENT_ID"
    secret_var="${id_var%_ID}_SECRET"
    [ -n "${!id_var:-}" ] || export "$id_var=sim-$provider-client-id"
    [ -n "${!secret_var:-}" ] || export "$secret_var=sim-$provider-client-secret"
  done
  export PUBLIC_FUNCTIONS_URL="${PUBLIC_FUNCTIONS_URL:-http://127.0.0.1:$GATEWAY_PORT/functions/v1}"
  export APP_REDIRECT_ALLOWLIST="${APP_REDIRECT_ALLOWLIST:-http://127.0.0.1:$GATEWAY_PORT/,http://localhost:3000/}"
  export SYNC_CRON_SECRET
  SYNC_CRON_SECRET=$(local_secret sync-cron-secret)
  # Local receivers are plain http on loopback; hosted alerts must be https.
  export ALERTS_ALLOW_INSECURE_URLS="${ALERTS_ALLOW_INSECURE_URLS:-true}"
}

# A random secret of the local stack, made once and kept under $STATE_DIR (git-ignored).
local_secret() {
  local file="$STATE_DIR/secrets/$1"
  if [ ! -s "$file" ]; then
    mkdir -p "$STATE_DIR/secrets"
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '/+=\n' >"$file")
  fi
  cat "$file"
}

# What `supabase start` upserts from config.toml [db.vault]: the named secrets the pg_cron job
# reads when it calls sync-cron (see the _sync_schedule migration).
vault_upsert_cron_secrets() {
  function_env
  PGPASSWORD="$DB_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h "$DB_HOST" -p "$DB_PORT" -U postgres \
    -d postgres -v url="$SUPABASE_URL" -v secret="$SYNC_CRON_SECRET" >/dev/null <<'SQL'
select vault.update_secret(id, :'url') from vault.secrets where name = 'project_url';
select vault.create_secret(:'url', 'project_url')
 where not exists (select 1 from vault.secrets where name = 'project_url');
select vault.update_secret(id, :'secret') from vault.secrets where name = 'sync_cron_secret';
select vault.create_secret(:'secret', 'sync_cron_secret')
 where not exists (select 1 from vault.secrets where name = 'sync_cron_secret');
SQL
}

services_up() {
  function_env
  start_service sandbox "$SANDBOX_PORT" deno run -A "$ROOT/scripts/sandbox/salesforce/main.ts" \
    --port "$SANDBOX_PORT"
  start_service simulator "$PROVIDER_SIMULATOR_PORT" deno run -A \
    "$ROOT/scripts/sandbox/providers/main.ts"
  # --watch: an edited function is what the next request runs (see gateway.ts).
  start_service gateway "$GATEWAY_PORT" env NO_COLOR=1 deno run -A --no-clear-screen \
    --watch="$ROOT/supabase/functions/,$ROOT/supabase/config.toml" "$ROOT/scripts/local/gateway.ts"
  start_service net-worker 0 deno run -A "$ROOT/scripts/local/net-worker.ts"
}

services_down() {
  stop_service net-worker
  stop_service gateway
  stop_service simulator
  stop_service sandbox
}

seed_once() {
  [ -f "$STATE_DIR/seeded" ] && return 0
  PGPASSWORD="$DB_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h "$DB_HOST" -p "$DB_PORT" -U postgres \
    -d postgres -f "$ROOT/supabase/seed.sql" >/dev/null
  touch "$STATE_DIR/seeded"
}

print_env() {
  function_env
  echo "SUPABASE_URL=$SUPABASE_URL"
  echo "SUPABASE_DB_URL=$SUPABASE_DB_URL"
  echo "SALESFORCE_LOGIN_URL=$SALESFORCE_LOGIN_URL"
  echo "PROVIDER_SIMULATOR_URL=$PROVIDER_SIMULATOR_URL"
}

say_state() {
  if service_running "$1"; then echo "running"; else echo "stopped"; fi
}

print_status() {
  local pg=stopped
  cluster_running "$(cluster_home pg)" && pg=running
  cat <<STATUS
Local stack ($ROOT)
  Postgres 15      $pg   $(dev_db_url)
  Functions        $(say_state gateway)   http://127.0.0.1:$GATEWAY_PORT/functions/v1/<name>
  JWKS             $(say_state gateway)   http://127.0.0.1:$GATEWAY_PORT/auth/v1/.well-known/jwks.json
  Salesforce       $(say_state sandbox)   http://127.0.0.1:$SANDBOX_PORT  (sandbox, the default provider)
  Other providers  $(say_state simulator)   http://127.0.0.1:$PROVIDER_SIMULATOR_PORT  (simulator: /<real host>/<path>, control /__simulator/)
  pg_net worker    $(say_state net-worker)
  Logs             $LOG_DIR_SERVICES
STATUS
}
