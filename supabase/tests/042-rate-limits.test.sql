-- The rate limiter: the 101st request of a window is refused, the window resets, users and
-- functions are counted apart, and no tenant role can touch the counters.
begin;
select plan(8);

create temporary table answers (allowed boolean) on commit drop;
grant insert, select on answers to service_role;
set local role service_role;
-- One statement per request, as the functions make them.
do $$
begin
  for i in 1..100 loop
    insert into answers
    select allowed from private.hit_rate_limit('00000000-0000-4000-8000-000000000001', 'contacts', 100, 900);
  end loop;
end
$$;
select is((select count(*)::int from answers where allowed), 100, 'the first 100 requests of a window are allowed');
select is(
  (select allowed from private.hit_rate_limit('00000000-0000-4000-8000-000000000001', 'contacts', 100, 900)),
  false, 'the 101st is refused'
);
select is(
  (select remaining from private.hit_rate_limit('00000000-0000-4000-8000-000000000001', 'contacts', 100, 900)),
  0, 'nothing remains'
);
select is(
  (select allowed from private.hit_rate_limit('00000000-0000-4000-8000-000000000002', 'contacts', 100, 900)),
  true, 'another user has their own window'
);
select is(
  (select allowed from private.hit_rate_limit('00000000-0000-4000-8000-000000000001', 'integrations', 100, 900)),
  true, 'another function has its own window'
);
reset role;
update private.rate_limits set window_start = now() - interval '16 minutes'
 where user_id = '00000000-0000-4000-8000-000000000001' and bucket = 'contacts';
set local role service_role;
select is(
  (select remaining from private.hit_rate_limit('00000000-0000-4000-8000-000000000001', 'contacts', 100, 900)),
  99, 'after the window the count starts again'
);
select is((select count(*)::int from private.rate_limits), 3, 'one row per user and function, however many requests');
reset role;

select tests.create_user('someone@a.test');
select tests.authenticate_as('someone@a.test');
select throws_ok($$ select private.hit_rate_limit(gen_random_uuid(), 'contacts', 1, 1) $$, '42501', null, 'a signed-in user cannot reach the limiter');
select tests.clear_authentication();

select * from finish();
rollback;
