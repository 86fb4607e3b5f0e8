import { afterEach, beforeEach, expect, it } from 'vitest';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

// The triggers of migration 0004 keep queue_counts; the services' transitions are
// covered by the FIFO property test. Here: what no service does yet but SQL can.
let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

it('follows inserts, status changes, moves between lines and deletes', async () => {
  const shop = await shopWithVariant(t);
  await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M', mode: 'waitlist' });
  for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) await shop.signup({ email });
  const sql = t.deps.db.$client;
  const kept = () =>
    Object.fromEntries((sql.prepare('select variant_id as v, waiting as n from queue_counts where shop_id = ? order by v').all(shop.id) as Array<{ v: string; n: number }>).map((r) => [r.v, r.n]));
  const real = () =>
    Object.fromEntries(
      (sql.prepare(`select variant_id as v, count(*) as n from signups where shop_id = ? and status = 'waiting' group by v order by v`).all(shop.id) as Array<{ v: string; n: number }>).map((r) => [r.v, r.n]),
    );
  const same = () => expect(Object.fromEntries(Object.entries(kept()).filter(([, n]) => n !== 0))).toEqual(real());

  expect(kept()).toEqual({ '4401': 3 });
  sql.prepare(`update signups set status = 'offered' where id = (select min(id) from signups)`).run();
  same();
  sql.prepare(`update signups set status = 'waiting' where status = 'offered'`).run();
  same();
  sql.prepare(`update signups set updated_at = updated_at + 1`).run(); // not a transition
  same();
  sql.prepare(`update signups set variant_id = '4402' where id = (select max(id) from signups)`).run();
  same();
  expect(kept()).toEqual({ '4401': 2, '4402': 1 });
  sql.prepare(`update signups set status = 'cancelled', variant_id = '4401' where variant_id = '4402'`).run();
  same();
  sql.prepare(`delete from messages`).run();
  sql.prepare(`delete from signups where id = (select min(id) from signups)`).run();
  same();
  expect(kept()['4401']).toBe(1);
});
