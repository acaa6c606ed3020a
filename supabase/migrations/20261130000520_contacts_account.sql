-- Contacts link to their synced account (issue 11): account_id references public.accounts so
-- contacts.company can follow an Account rename without re-reading the contacts.
-- account_source_id keeps the source's own key (Salesforce Contact.AccountId) as the sync read
-- it, because a contact can arrive before its account: the sync links the pair when the
-- account lands. custom_fields and source_metadata already exist on contacts.
--
-- The link is a composite foreign key (account_id, business_id) → accounts (id, business_id):
-- a contact can only point at an account of its own business, for every writer, and another
-- tenant's account id is refused exactly like one that does not exist. Deleting an account row
-- clears the link only. Neither column is in the tenants' grants: the sync sets them.

alter table public.contacts
  add column account_id uuid,
  add column account_source_id text check (length(account_source_id) between 1 and 255),
  add constraint contacts_account_same_business_fkey foreign key (account_id, business_id)
    references public.accounts (id, business_id) on delete set null (account_id);
comment on column public.contacts.account_id is
  'The synced account this contact belongs to (same business). Set by the sync.';
comment on column public.contacts.account_source_id is
  'The source''s id of the contact''s account (Salesforce AccountId), kept until the account row exists.';

-- The foreign key's checks and the "contacts of this account" lookup a rename propagates through;
-- linking a late account finds its contacts by source id.
create index contacts_account_business_idx on public.contacts (account_id, business_id);
create index contacts_business_account_source_idx on public.contacts (business_id, account_source_id)
  where account_source_id is not null;
