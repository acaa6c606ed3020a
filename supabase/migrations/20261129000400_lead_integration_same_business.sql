-- A lead's integration belongs to the lead's business (issue 14, finding 4). The plain foreign
-- key on leads.integration_id let a member of business B insert, through the Data API, a lead in
-- B's campaign that names A's integration; A's "disconnect and purge" then deleted B's lead, and
-- the foreign key error on a random id told B which ids exist in other tenants.
--
-- A composite foreign key (integration_id, business_id) → integrations (id, business_id) closes
-- both: the pair must exist, so another tenant's integration is refused exactly like an id that
-- does not exist at all (same SQLSTATE 23503, same message, naming only the caller's own
-- values), and there is nothing left for an existence probe to tell apart. A constraint rather
-- than a policy, because it holds for every writer (the import function, the Data API, the
-- service) and cannot be forgotten by the next policy.

-- Leads that already point across tenants keep their data but lose the foreign link: it was
-- never theirs to hold. (None exist unless the hole was used.)
update public.leads l
   set integration_id = null
 where l.integration_id is not null
   and not exists (
     select 1 from public.integrations i
      where i.id = l.integration_id and i.business_id = l.business_id
   );

-- The referenced key; id alone is already unique, so this adds no new rule on integrations.
alter table public.integrations
  add constraint integrations_id_business_key unique (id, business_id);

alter table public.leads drop constraint leads_integration_id_fkey;
-- Deleting an integration clears the link only (PostgreSQL 15: SET NULL with a column list),
-- never the lead's business_id, which is not null.
alter table public.leads
  add constraint leads_integration_same_business_fkey
  foreign key (integration_id, business_id)
  references public.integrations (id, business_id)
  on delete set null (integration_id);

-- The index the foreign key's checks and cascades use, covering both of its columns.
drop index public.leads_integration_idx;
create index leads_integration_business_idx on public.leads (integration_id, business_id);
