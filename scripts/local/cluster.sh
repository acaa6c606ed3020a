# PostgreSQL 15 cluster management for the local stack: create, start, stop, bootstrap and
# migrate a cluster in a folder of the repo. Sourced by stack.sh and test.sh (needs env.sh).
# Every function is idempotent: calling it on a cluster that is already in the wanted state
# does nothing.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_SHAREDIR="${PG_SHAREDIR:-/usr/share/postgresql/15}"

# Run a command as the cluster's OS owner: postgres refuses to run as root.
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then
    # From /, since the postgres user may not be allowed into the current folder.
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# cluster_home NAME: the folder of cluster NAME. It is $STATE_DIR/NAME when the postgres OS user
# can reach it. A checkout inside a private folder (a 0700 mktemp dir, /root) is out of that
# user's reach, so the cluster then lives in a folder under /tmp named for this checkout, and
# $STATE_DIR/NAME links to it so it is still found where the README says.
cluster_home() {
  local name=$1
  mkdir -p "$STATE_DIR"
  if [ "$(id -u)" != 0 ] || runuser -u postgres -- test -x "$STATE_DIR" 2>/dev/null; then
    echo "$STATE_DIR/$name"
    return
  fi
  local outside
  outside="/tmp/crm-sync-$(printf '%s' "$STATE_DIR" | sha256sum | cut -c1-12)"
  mkdir -p "$outside/$name"
  chmod 755 "$outside"
  [ -L "$STATE_DIR/$name" ] || [ ! -e "$STATE_DIR/$name" ] && ln -sfn "$outside/$name" "$STATE_DIR/$name"
  echo "$outside/$name"
}

# cluster_init DIR PORT: initdb with the platform superuser's name, preload pg_cron, listen on
# loopback only. The database that runs cron jobs is `postgres`, as on the platform.
cluster_init() {
  local dir=$1 port=$2
  [ -f "$dir/data/PG_VERSION" ] && return 0
  mkdir -p "$dir/data" "$dir/run" "$dir/log"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
  local pwfile="$dir/run/pwfile"
  printf '%s\n' "$DB_PASSWORD" >"$pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
  as_pg_owner "$PG_BIN/initdb" -D "$dir/data" -U supabase_admin --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/log/initdb.log" 2>&1 ||
    { cat "$dir/log/initdb.log" >&2; return 1; }
  rm -f "$pwfile"
  cat >>"$dir/data/postgresql.conf" <<EOF

# --- local stack (scripts/local/cluster.sh) ---
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/run'
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 20
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
log_statement = 'none'
EOF
}

cluster_running() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] && as_pg_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# cluster_start DIR [PORT]: start unless running; with PORT, on that port (a running cluster on
# another port is restarted), so a changed DB_PORT takes effect on an existing cluster.
cluster_start() {
  local dir=$1 port=${2:-}
  if cluster_running "$dir"; then
    [ -z "$port" ] || [ "$(sed -n 4p "$dir/data/postmaster.pid")" = "$port" ] && return 0
    echo "Postgres: DB_PORT changed to $port; restarting it."
    cluster_stop "$dir"
  fi
  as_pg_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log/postgres.log" -w -t 60 \
    ${port:+-o "-p $port"} start >/dev/null ||
    { tail -20 "$dir/log/postgres.log" >&2; return 1; }
}

cluster_stop() {
  local dir=$1
  cluster_running "$dir" || return 0
  as_pg_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

# The superuser connection (over the cluster's own socket folder) used for bootstrap only.
cluster_psql_super() {
  local dir=$1 port=$2
  shift 2
  as_pg_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/run" -p "$port" -U supabase_admin \
    -d postgres "$@"
}

# cluster_bootstrap DIR PORT: the platform objects, once (a marker table records it).
cluster_bootstrap() {
  local dir=$1 port=$2
  local done
  done=$(cluster_psql_super "$dir" "$port" -tAc \
    "select 1 from pg_namespace where nspname = 'auth'" 2>/dev/null)
  [ "$done" = 1 ] && return 0
  # On stdin: the postgres OS user may not be allowed to read the checkout.
  cluster_psql_super "$dir" "$port" -f - <"$ROOT/scripts/local/bootstrap.sql" >/dev/null
  cluster_psql_super "$dir" "$port" -c "alter role postgres password '$DB_PASSWORD'" >/dev/null
}

# cluster_migrate PORT: apply supabase/migrations with the real CLI, as postgres.
cluster_migrate() {
  local port=$1
  (cd "$ROOT" && supabase migration up --yes \
    --remote="postgresql://postgres:${DB_PASSWORD}@${DB_HOST}:${port}/postgres") >"$STATE_DIR/migrate.log" 2>&1 ||
    { cat "$STATE_DIR/migrate.log" >&2; return 1; }
}

# Copy the stand-in extensions into PostgreSQL's extension folder when they differ.
install_local_extensions() {
  local src="$ROOT/scripts/local/extensions" dst="$PG_SHAREDIR/extension" f
  for f in "$src"/*; do
    if ! cmp -s "$f" "$dst/$(basename "$f")"; then
      if [ -w "$dst" ]; then
        cp "$f" "$dst/"
      else
        sudo -n cp "$f" "$dst/" 2>/dev/null || {
          echo "Cannot write $dst. Run: sudo cp $src/* $dst/" >&2
          return 1
        }
      fi
    fi
  done
}

# A free loopback port in 54400-54999 for a throwaway cluster.
free_port() {
  local port
  for port in $(seq $((54400 + RANDOM % 400)) 54999); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# throwaway_cluster_bare DIR PORT: a fresh cluster with the platform's objects and pgTAP, and
# none of our migrations yet. Remove it with throwaway_cluster_down DIR.
throwaway_cluster_bare() {
  local dir=$1 port=$2
  cluster_init "$dir" "$port" && cluster_start "$dir" &&
    cluster_bootstrap "$dir" "$port" &&
    cluster_psql_super "$dir" "$port" -c 'create extension if not exists pgtap with schema extensions' \
      >/dev/null
}

# throwaway_cluster_up DIR PORT: a fresh cluster, bootstrapped, with pgTAP and our migrations;
# for one test or benchmark run. Remove it with throwaway_cluster_down DIR.
throwaway_cluster_up() {
  local dir=$1 port=$2
  throwaway_cluster_bare "$dir" "$port" && STATE_DIR="$dir" cluster_migrate "$port"
}

throwaway_cluster_down() {
  cluster_stop "$1" >/dev/null 2>&1
  rm -rf "$1"
  [ -L "$STATE_DIR/$(basename "$1")" ] && rm -f "$STATE_DIR/$(basename "$1")"
  # The per-checkout folder under /tmp (see cluster_home) goes once nothing is left in it.
  case "$(dirname "$1")" in /tmp/crm-sync-*) rmdir "$(dirname "$1")" 2>/dev/null ;; esac
  return 0
}
