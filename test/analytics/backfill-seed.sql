-- Rows as 0000_init stores them: opens and clicks live on the messages only.
insert into shops (id, name, publishable_key, secret_key_hash, settings, created_at) values ('shop_a', 'A', 'pk_a', 'hash_a', '{}', 0);
insert into contacts (id, shop_id, email, locale, token, created_at) values (1, 'shop_a', 'a@example.com', 'en', 'ct1', 0);
insert into signups (id, shop_id, variant_id, contact_id, seq, kind, quantity, status, token, locale, created_at, updated_at) values
  (1, 'shop_a', 'v', 1, 1, 'waitlist', 1, 'offered', 's1', 'en', 0, 0), (2, 'shop_a', 'w', 1, 2, 'waitlist', 1, 'offered', 's2', 'en', 0, 0),
  (3, 'shop_a', 'x', 1, 3, 'waitlist', 1, 'offered', 's3', 'en', 0, 0), (4, 'shop_a', 'y', 1, 4, 'waitlist', 1, 'offered', 's4', 'en', 0, 0),
  (5, 'shop_a', 'z', 1, 5, 'waitlist', 1, 'offered', 's5', 'en', 0, 0), (6, 'shop_a', 'u', 1, 6, 'waitlist', 1, 'offered', 's6', 'en', 0, 0);
insert into offers (id, shop_id, variant_id, signup_id, units, position, status, token, expires_at, created_at, claimed_at) values
  (1, 'shop_a', 'v', 1, 1, 1, 'active', 'o1', 99999, 100, null), (2, 'shop_a', 'w', 2, 1, 1, 'active', 'o2', 99999, 200, null),
  (3, 'shop_a', 'x', 3, 1, 1, 'active', 'o3', 99999, 300, null), (4, 'shop_a', 'y', 4, 1, 1, 'active', 'o4', 99999, 400, 4000),
  (5, 'shop_a', 'z', 5, 1, 1, 'active', 'o5', 99999, 500, null), (6, 'shop_a', 'u', 6, 1, 1, 'active', 'o6', 99999, 600, null);
insert into messages (shop_id, contact_id, signup_id, offer_id, public_id, template, channel, "to", props, idempotency_key, send_after, created_at, opened_at, clicked_at) values
  ('shop_a', 1, 1, 1, 'm1', 'offer', 'email', 'a@example.com', '{}', 'k1', 0, 0, 1000, null),
  ('shop_a', 1, 2, 2, 'm2', 'offer', 'email', 'a@example.com', '{}', 'k2', 0, 0, 2000, 2000),
  ('shop_a', 1, 3, 3, 'm3', 'offer', 'email', 'a@example.com', '{}', 'k3', 0, 0, null, null),
  ('shop_a', 1, 3, 3, 'm3f', 'offer-followup', 'email', 'a@example.com', '{}', 'k3f', 0, 0, 3500, null),
  ('shop_a', 1, 4, 4, 'm4', 'offer', 'email', 'a@example.com', '{}', 'k4', 0, 0, null, null),
  ('shop_a', 1, 6, 6, 'm6', 'offer', 'email', 'a@example.com', '{}', 'k6', 0, 0, 1800, 1900),
  ('shop_a', 1, 6, 6, 'm6s', 'offer', 'sms', '+15555550100', '{}', 'k6s', 0, 0, 1500, 1600),
  -- Not about an offer: no offer to mark.
  ('shop_a', 1, 5, null, 'mc', 'confirmation', 'email', 'a@example.com', '{}', 'kc', 0, 0, 900, 950);
