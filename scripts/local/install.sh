# Installs what the local stack needs when it is missing: Debian packages (PostgreSQL 15,
# pg_cron, pgTAP, pg_prove, plpgsql_check for `supabase db lint`, chromium for the console's
# browser test) and the npm dev dependencies (Deno, Supabase CLI, openapi-fetch served to the
# console, openapi-typescript, playwright-core). Sourced after env.sh; `ensure_installed` is
# idempotent.

APT_PACKAGES=(postgresql-15 postgresql-15-cron postgresql-15-pgtap
  libtap-parser-sourcehandler-pgtap-perl postgresql-15-plpgsql-check chromium)

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

# Each devDependency of package.json must be in node_modules (a checkout made before one was
# added has the others only).
npm_packages_present() {
  local name
  for name in $(node -e 'console.log(Object.keys(require(process.argv[1]).devDependencies).join(" "))' \
    "$ROOT/package.json"); do
    [ -f "$ROOT/node_modules/$name/package.json" ] || return 1
  done
}

ensure_npm_packages() {
  npm_packages_present && return 0
  echo "Installing npm dev dependencies (deno, supabase CLI, openapi and browser-test tools)" >&2
  (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
}

ensure_installed() {
  ensure_apt_packages && ensure_npm_packages && install_local_extensions
}
