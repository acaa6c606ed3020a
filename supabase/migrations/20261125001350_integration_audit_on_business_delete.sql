-- Deleting a business cascades to its integrations, and the audit trigger then tried to log
-- each deletion with the business_id of the business being erased: a foreign key violation
-- that made every business with an integration impossible to delete. Those audit rows would
-- be deleted with the business anyway, so the trigger now skips deletions whose business is
-- already gone; deleting one integration of a living business is still audited.

create or replace function app.audit_integration_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  old_row jsonb := case when tg_op = 'INSERT' then '{}'::jsonb else to_jsonb(old) end;
  new_row jsonb := case when tg_op = 'DELETE' then '{}'::jsonb else to_jsonb(new) end;
  diff jsonb;
begin
  if tg_op = 'DELETE'
     and not exists (select 1 from public.businesses b where b.id = old.business_id) then
    return null;
  end if;
  select coalesce(jsonb_object_agg(k, jsonb_build_array(old_row -> k, new_row -> k)), '{}'::jsonb)
    into diff
    from (select jsonb_object_keys(old_row || new_row) as k) keys
   where k <> 'updated_at' and (old_row -> k) is distinct from (new_row -> k);
  if diff = '{}'::jsonb then
    return null;
  end if;
  insert into public.integration_audit_log (business_id, integration_id, actor_id, action, changes)
  values (
    coalesce(new.business_id, old.business_id),
    coalesce(new.id, old.id),
    (select auth.uid()),
    lower(tg_op),
    diff
  );
  return null;
end
$$;
comment on function app.audit_integration_change() is
  'Trigger on integrations: appends who changed what to integration_audit_log, except deletions cascading from a deleted business. Runs as definer.';
revoke all on function app.audit_integration_change() from public;
