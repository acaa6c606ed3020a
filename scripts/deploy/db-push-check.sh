# The database half of a deploy, rehearsed on a local cluster that has only what the platform
# provides (scripts/local/bootstrap.sql): `supabase db push`, as the README's hosted path runs
# it, writes config.toml's [db.vault] secrets and applies every migration as `postgres`.
# Sourced after env.sh and cluster.sh; used by `npm run deploy:check` and `npm test`.

# db_push_check DIR PORT: push to the bootstrapped, unmigrated cluster in DIR, then check that
# every migration is recorded, both Vault secrets the cron job reads hold the pushed values, and
# the job exists. Check values only; nothing here is a real secret.
db_push_check() {
  local dir=$1 port=$2 url project_url secret expected recorded missing got
  url="postgresql://postgres:${DB_PASSWORD}@${DB_HOST}:${port}/postgres"
  project_url="http://127.0.0.1:9"
  secret="deploy-check-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  # Set here, so a developer's own PROJECT_URL/SYNC_CRON_SECRET (shell or .env) plays no part.
  (cd "$ROOT" && PROJECT_URL="$project_url" SYNC_CRON_SECRET="$secret" \
    supabase db push --remote="$url" --yes) || { echo "supabase db push failed" >&2; return 1; }

  expected=$(cd "$ROOT/supabase/migrations" && ls -1 *.sql | sed -E 's/_.*//' | sort)
  recorded=$(cluster_psql_super "$dir" "$port" -tAc \
    'select version from supabase_migrations.schema_migrations order by version')
  missing=$(comm -23 <(echo "$expected") <(echo "$recorded"))
  if [ -n "$missing" ]; then
    echo "migrations not recorded after db push: $missing" >&2
    return 1
  fi
  got=$(cluster_psql_super "$dir" "$port" -tAc \
    "select string_agg(name || '=' || decrypted_secret, ' ' order by name) from vault.decrypted_secrets
      where name in ('project_url', 'sync_cron_secret')")
  if [ "$got" != "project_url=$project_url sync_cron_secret=$secret" ]; then
    echo "db push did not write config.toml [db.vault] as expected (names found: $(
      cluster_psql_super "$dir" "$port" -tAc "select string_agg(name, ',') from vault.secrets")" >&2
    return 1
  fi
  got=$(cluster_psql_super "$dir" "$port" -tAc "select count(*) from cron.job where jobname = 'sync-cron'")
  [ "$got" = 1 ] || { echo "the sync-cron job is not scheduled" >&2; return 1; }
  echo "db push: $(echo "$expected" | wc -l) migrations applied, Vault secrets project_url and sync_cron_secret written, sync-cron scheduled"
}

# forget_pushed_vault_secrets DIR PORT: removes the check's two Vault secrets, so a test cluster
# is left as `migration up` would have left it (the cron job then posts nowhere).
forget_pushed_vault_secrets() {
  cluster_psql_super "$1" "$2" -c \
    "delete from vault.secrets where name in ('project_url', 'sync_cron_secret')" >/dev/null
}
