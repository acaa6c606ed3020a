# Shared environment for every script of the local stack. Source it; it changes nothing on disk.
# Ports and paths can be overridden from the environment.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT
export PATH="$ROOT/node_modules/.bin:$PATH"
# The machines here (and many corporate networks) terminate TLS with a local CA: let Deno
# trust the system store as well as its bundled roots.
export DENO_TLS_CA_STORE="${DENO_TLS_CA_STORE:-system,mozilla}"
export DENO_NO_UPDATE_CHECK=1
export RUST_BACKTRACE=0
export STATE_DIR="${STATE_DIR:-$ROOT/.local}"
export DB_PORT="${DB_PORT:-54322}"
export GATEWAY_PORT="${GATEWAY_PORT:-54321}"
export SANDBOX_PORT="${SANDBOX_PORT:-54330}"
export PROVIDER_SIMULATOR_PORT="${PROVIDER_SIMULATOR_PORT:-54331}"
export DB_HOST=127.0.0.1
export DB_PASSWORD="${DB_PASSWORD:-postgres}"
export DB_ADMIN_URL="postgresql://postgres:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/postgres"
