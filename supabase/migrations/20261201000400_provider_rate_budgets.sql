-- Shared API budgets of provider accounts (a HubSpot portal), kept in Postgres so that every
-- worker and function instance calling one account draws from one allowance: HubSpot limits
-- each installed account (110 calls per rolling 10 s, 5 searches per rolling second), and a
-- limiter per process lets two workers of one portal spend it twice (facts hubspot.md §7).
-- A token bucket per key: `capacity` calls at once, refilled at `per_second`; a caller takes a
-- token and is told how long to wait before sending (a negative balance is a queue, so callers
-- of one account are served in the order they asked). The user-facing fixed-window limiter
-- (_rate_limits.sql) does not fit: it keys by user and counts fixed windows, which let twice the
-- limit through across a window edge.

create table private.provider_rate_budgets (
  key text primary key check (length(key) between 1 and 200),
  tokens double precision not null,
  updated_at timestamptz not null
);
comment on table private.provider_rate_budgets is
  'Token buckets of provider API allowances, per account key (hubspot:<portal>:burst). Service only.';
revoke all on private.provider_rate_budgets from public, anon, authenticated;
grant select, insert, update, delete on private.provider_rate_budgets to service_role;

-- Takes `p_cost` tokens from the bucket `p_key` (created full) after refilling it for the time
-- passed, and returns the milliseconds the caller must wait before its call fits the allowance
-- (0 when it fits now). One statement; the row lock orders concurrent callers. clock_timestamp,
-- not now(): a caller inside a longer transaction must not see time stand still.
create or replace function private.take_provider_budget(
  p_key text, p_capacity double precision, p_per_second double precision,
  p_cost double precision default 1
) returns double precision
language sql volatile security definer
set search_path = ''
as $$
  insert into private.provider_rate_budgets as b (key, tokens, updated_at)
  values (p_key, p_capacity - p_cost, clock_timestamp())
  on conflict (key) do update
    set tokens = least(p_capacity,
                       b.tokens + p_per_second
                         * greatest(0, extract(epoch from clock_timestamp() - b.updated_at)))
                 - p_cost,
        updated_at = clock_timestamp()
  returning greatest(0, -b.tokens / p_per_second * 1000)
$$;
comment on function private.take_provider_budget(text, double precision, double precision, double precision) is
  'Service only (the sync''s provider clients): takes tokens from an account''s API budget and says how long to wait.';

revoke all on function private.take_provider_budget(text, double precision, double precision, double precision)
  from public, anon, authenticated;
grant execute on function private.take_provider_budget(text, double precision, double precision, double precision)
  to service_role;
