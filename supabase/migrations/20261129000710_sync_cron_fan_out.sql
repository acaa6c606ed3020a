-- The sync-cron job fans out: each minute it posts to sync-cron as many times as the integrations
-- now due need, instead of once. One invocation runs in its own isolate with its own 2 s of CPU,
-- and covers a bounded number of runs (60 to 70 idle checks within its CPU budget, as
-- `npm run bench` measures them); with 10,000 integrations on a 15-minute interval about 670
-- fall due each minute, which one invocation a minute cannot cover. The invocations share the work through the claims'
-- `for update skip locked`, so they never take the same integration. Edge functions are the
-- distributed engine here: more isolates, not a bigger tick.
--
-- N = ceil(due / runs_per_invocation), at least 1 (a tick also delivers alerts and takes over
-- expired leases) and at most max_invocations (what the project may spend at once: each
-- invocation is billed, and each holds database connections). Both are rows of
-- private.sync_cron_settings, changed with SQL by whoever operates the project.

create table private.sync_cron_settings (
  singleton boolean primary key default true check (singleton),
  runs_per_invocation integer not null default 60 check (runs_per_invocation between 1 and 10000),
  max_invocations integer not null default 20 check (max_invocations between 1 and 100),
  updated_at timestamptz not null default now()
);
comment on table private.sync_cron_settings is
  'One row: how many sync runs one sync-cron invocation is counted to cover, and how many invocations pg_cron may post per minute.';
insert into private.sync_cron_settings default values;

-- Schema private is not exposed; only the job's owner (postgres) reads or changes the row.
revoke all on private.sync_cron_settings from public, anon, authenticated, service_role;

-- The sizing rule alone, pure, so it can be tested and reasoned about.
create or replace function private.sync_cron_invocations_for(
  p_due integer, p_runs_per_invocation integer, p_max_invocations integer
) returns integer
language sql immutable
set search_path = ''
as $$
  select greatest(1, least(
    greatest(p_max_invocations, 1),
    ceil(greatest(p_due, 0)::numeric / greatest(p_runs_per_invocation, 1))::integer
  ))
$$;
comment on function private.sync_cron_invocations_for(integer, integer, integer) is
  'Invocations for p_due due integrations: ceil(due / per invocation), at least 1, at most the cap.';

-- Integrations a claim would take now (claim_due_syncs' own conditions), counted up to what the
-- cap could use, so the count stays cheap however many are due.
create or replace function private.sync_due_count(p_limit integer) returns integer
language sql stable
set search_path = ''
as $$
  select count(*)::integer from (
    select 1
      from public.integration_sync_state s
      join public.integrations i on i.id = s.integration_id
     where s.sync_enabled
       and s.paused_reason is null
       and s.next_sync_at <= now()
       and (s.lease_expires_at is null or s.lease_expires_at <= now())
       and private.sync_claimable(i.status, i.last_error_code)
     limit p_limit
  ) due
$$;
comment on function private.sync_due_count(integer) is
  'Due, claimable, unleased integrations (as claim_due_syncs sees them), counted up to p_limit.';

-- What this minute needs, from the settings row.
create or replace function private.sync_cron_invocations() returns integer
language sql stable
set search_path = ''
as $$
  select private.sync_cron_invocations_for(
    private.sync_due_count(c.runs_per_invocation * c.max_invocations),
    c.runs_per_invocation, c.max_invocations)
    from private.sync_cron_settings c
$$;
comment on function private.sync_cron_invocations() is
  'The number of sync-cron invocations to post this minute (sync_cron_settings, due integrations).';

-- Invoker functions, for the cron job (run as its owner) and the service; nobody else.
revoke all on function private.sync_cron_invocations_for(integer, integer, integer),
  private.sync_due_count(integer),
  private.sync_cron_invocations()
  from public, anon, authenticated;

-- The job: one post per invocation, each saying which one it is (the function ignores it; the
-- logs and net._http_response show it). The URL and secret are read from Vault at run time, as
-- before; cron.schedule with the same name replaces the job.
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
    body := jsonb_build_object('scheduled_at', now(), 'invocation', i, 'invocations', n),
    timeout_milliseconds := 5000
  ) as request_id
    from (select private.sync_cron_invocations() as n) fan,
         generate_series(1, fan.n) as i
  $job$
);
