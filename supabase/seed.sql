-- Demo data for `npm start`: two businesses with their teams, so a person can call the
-- functions right away and see tenant isolation. Not loaded by tests.
insert into auth.users (id, email, aud, role, raw_app_meta_data, raw_user_meta_data) values
  ('00000000-0000-4000-8000-00000000d001', 'owner@demo.test', 'authenticated', 'authenticated', '{}', '{}'),
  ('00000000-0000-4000-8000-00000000d002', 'member@demo.test', 'authenticated', 'authenticated', '{}', '{}'),
  ('00000000-0000-4000-8000-00000000e001', 'owner@other.test', 'authenticated', 'authenticated', '{}', '{}')
on conflict (id) do nothing;

insert into public.businesses (id, name, slug, created_by) values
  ('00000000-0000-4000-8000-0000000000b1', 'Demo Co', 'demo-co', '00000000-0000-4000-8000-00000000d001'),
  ('00000000-0000-4000-8000-0000000000b2', 'Other Co', 'other-co', '00000000-0000-4000-8000-00000000e001')
on conflict (id) do nothing;

insert into public.team_members (business_id, user_id, role) values
  ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-00000000d002', 'member')
on conflict do nothing;
