-- The schedule: every minute pg_cron posts to the sync-cron function with pg_net, as Supabase's
-- "Scheduling Edge Functions" guide does. The function's URL and the shared sync secret are
-- read from Vault when the job runs (named secrets `project_url` and `sync_cron_secret`), so
-- this one migration works in every environment: each environment stores its own values
-- (config.toml [db.vault], `supabase secrets`/SQL on hosted, the local stack on `npm start`).
-- sync-cron runs with verify_jwt = false and checks the secret itself, in constant time.
-- A daily job prunes idle rate-limit counters. cron.schedule replaces a job of the same name,
-- so re-running this is harmless.

create extension if not exists pg_cron with schema pg_catalog;
create extension if not exists pg_net with schema extensions;

select cron.schedule(
  'sync-cron',
  '* * * * *',
  $job$
  select net.http_post(
    url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url')
           || '/functions/v1/sync-cron',
    headers := jsonb_build_object(
      'Content-Type', 'application/json',
      'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets
                                     where name = 'sync_cron_secret')
    ),
    body := jsonb_build_object('scheduled_at', now()),
    timeout_milliseconds := 5000
  ) as request_id
  $job$
);

select cron.schedule(
  'prune-rate-limits',
  '17 3 * * *',
  $job$ select private.prune_rate_limits() $job$
);
