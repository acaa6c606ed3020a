-- Rate limits for the user-facing functions, kept in Postgres (no other service). One row per
-- (user, function) holds a fixed window's start and hit count; each request is one upsert that
-- either counts the hit or opens a new window, so the table holds one small row per active
-- caller and function. Rows of callers gone quiet are pruned by a daily cron job
-- (_sync_schedule.sql). Service only: the functions call it before serving a request.

create table private.rate_limits (
  user_id uuid not null,
  bucket text not null check (length(bucket) between 1 and 64),
  window_start timestamptz not null,
  hits integer not null,
  primary key (user_id, bucket)
);
comment on table private.rate_limits is 'Fixed-window request counters per user and function. Service only.';
revoke all on private.rate_limits from public, anon, authenticated;
grant select, insert, update, delete on private.rate_limits to service_role;

-- Counts one request and says whether it is within the limit, how many remain, and when the
-- window resets. One statement, whatever the state of the row.
create or replace function private.hit_rate_limit(
  p_user_id uuid, p_bucket text, p_limit integer, p_window_seconds integer
) returns table (allowed boolean, remaining integer, reset_at timestamptz)
language sql volatile security definer
set search_path = ''
as $$
  insert into private.rate_limits as r (user_id, bucket, window_start, hits)
  values (p_user_id, p_bucket, now(), 1)
  on conflict (user_id, bucket) do update
    set window_start = case when r.window_start <= now() - make_interval(secs => p_window_seconds)
                            then now() else r.window_start end,
        hits = case when r.window_start <= now() - make_interval(secs => p_window_seconds)
                    then 1 else r.hits + 1 end
  returning r.hits <= p_limit,
            greatest(p_limit - r.hits, 0),
            r.window_start + make_interval(secs => p_window_seconds)
$$;
comment on function private.hit_rate_limit(uuid, text, integer, integer) is
  'Service only: counts a request of a user against a function''s window; one upsert per request.';

create or replace function private.prune_rate_limits() returns integer
language sql volatile security definer
set search_path = ''
as $$
  with gone as (
    delete from private.rate_limits where window_start < now() - interval '1 day' returning 1
  )
  select count(*)::integer from gone
$$;
comment on function private.prune_rate_limits() is
  'Service and cron: deletes counters idle for a day (every window we use is shorter).';

revoke all on function private.hit_rate_limit(uuid, text, integer, integer),
  private.prune_rate_limits() from public, anon, authenticated;
grant execute on function private.hit_rate_limit(uuid, text, integer, integer),
  private.prune_rate_limits() to service_role;
