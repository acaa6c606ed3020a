-- The `app` schema: helpers that RLS policies and triggers call. It is not exposed through
-- the Data API (only `public` is), so nothing here is reachable as /rest/v1/rpc. Policies run
-- helpers with the caller's EXECUTE privilege, hence the grants to the API roles below.
-- Also the shared updated_at trigger, written once and attached to every table that has one.

create schema if not exists app;
revoke all on schema app from public;
grant usage on schema app to authenticated, service_role;

-- Keeps updated_at true on every update, whoever writes the row.
create or replace function app.set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
comment on function app.set_updated_at() is
  'Trigger: stamps updated_at on every update. Attached to every table with that column.';
revoke all on function app.set_updated_at() from public;
