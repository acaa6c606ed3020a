# Installs what the local stack needs when it is missing: Debian packages (PostgreSQL 15,
# pg_cron, pgTAP, pg_prove, plpgsql_check for `supabase db lint`) and the npm dev
# dependencies (Deno, Supabase CLI). Sourced after env.sh; `ensure_installed` is idempotent.

APT_PACKAGES=(postgresql-15 postgresql-15-cron postgresql-15-pgtap
  libtap-parser-sourcehandler-pgtap-perl postgresql-15-plpgsql-check)

missing_apt_packages() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || printf '%s ' "$p"
  done
}

ensure_apt_packages() {
  local missing
  missing=$(missing_apt_packages)
  [ -z "$missing" ] && return 0
  echo "Installing Debian packages: $missing" >&2
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "Missing packages and no root. Run: sudo apt-get update && sudo apt-get install -y $missing" >&2
      return 1
    fi
  fi
  # Debian's cluster auto-creation is not wanted: the stack makes its own clusters.
  mkdir -p /etc/postgresql-common 2>/dev/null || true
  [ -w /etc/postgresql-common ] && ! grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf &&
    echo 'create_main_cluster = false' >>/etc/postgresql-common/createcluster.conf
  "${sudo[@]}" apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq $missing >/dev/null
}

ensure_npm_packages() {
  [ -x "$ROOT/node_modules/.bin/deno" ] && [ -x "$ROOT/node_modules/.bin/supabase" ] && return 0
  echo "Installing npm dev dependencies (deno, supabase CLI)" >&2
  (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
}

ensure_installed() {
  ensure_apt_packages && ensure_npm_packages && install_local_extensions
}
