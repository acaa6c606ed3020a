-- The Data API may do to an integration only what the integrations function does (issue 14,
-- finding 5). Before this, an owner could, through PostgREST, delete an integration or move an
-- active one to another org (environment, my_domain_url) — two things `DELETE` and `PATCH
-- /integrations/:id` never do without first revoking the grant at the provider, forgetting the
-- tokens in Vault and withdrawing consent.
--
-- Which door does which work, and why:
-- * Delete: the database cannot do the work a disconnect does (revoking is an HTTPS call to the
--   provider with the refresh token), so it must not offer deletion at all. Tenants disconnect
--   through `DELETE /integrations/:id`, which keeps the row, disconnected, for its history; rows
--   go away with their business. The delete grant and policy are removed.
-- * Moving an active integration to another org: a trigger refuses it, for every writer,
--   because a policy cannot compare the old row with the new one. It is the rule the function
--   applies (409 `integration_connected`: disconnect first), now also closing the window
--   between the function's check and its update. Renaming and the API version stay editable
--   through both doors, as before.

revoke delete on public.integrations from authenticated;
drop policy "Owners and admins can delete integrations" on public.integrations;

create or replace function app.refuse_moving_active_integration() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.status = 'active' and (
    new.environment is distinct from old.environment
    or new.my_domain_url is distinct from old.my_domain_url
  ) then
    raise exception 'Disconnect the integration before changing its org'
      using errcode = 'object_not_in_prerequisite_state',
        hint = 'DELETE /integrations/:id revokes the grant; then change the environment and connect again.';
  end if;
  return new;
end
$$;
comment on function app.refuse_moving_active_integration() is
  'Trigger on integrations: an active integration''s org (environment, My Domain) cannot change; disconnect first. Applies to every role, so the Data API and the functions agree.';
revoke all on function app.refuse_moving_active_integration() from public;

create trigger integrations_refuse_moving_active before update of environment, my_domain_url
  on public.integrations
  for each row execute function app.refuse_moving_active_integration();
