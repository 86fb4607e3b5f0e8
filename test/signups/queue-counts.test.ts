import { afterEach, beforeEach, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { execute, rows } from '../../db/raw.ts';
import { transaction } from '../../db/transaction.ts';
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
  const kept = async () =>
    Object.fromEntries((await rows<{ v: string; n: number }>(t.deps.db, sql`select variant_id as v, waiting as n from queue_counts where shop_id = ${shop.id} order by v`)).map((r) => [r.v, r.n]));
  const real = async () =>
    Object.fromEntries(
      (await rows<{ v: string; n: number }>(t.deps.db, sql`select variant_id as v, count(*) as n from signups where shop_id = ${shop.id} and status = 'waiting' group by variant_id order by v`)).map((r) => [r.v, r.n]),
    );
  const same = async () => expect(Object.fromEntries(Object.entries(await kept()).filter(([, n]) => n !== 0))).toEqual(await real());
  const run = (statement: SQL) => transaction(t.deps.db, (tx) => execute(tx, statement));

  expect(await kept()).toEqual({ '4401': 3 });
  await run(sql`update signups set status = 'offered' where id = (select min(id) from signups)`);
  await same();
  await run(sql`update signups set status = 'waiting' where status = 'offered'`);
  await same();
  await run(sql`update signups set updated_at = updated_at + 1`); // not a transition
  await same();
  await run(sql`update signups set variant_id = '4402' where id = (select max(id) from signups)`);
  await same();
  expect(await kept()).toEqual({ '4401': 2, '4402': 1 });
  await run(sql`update signups set status = 'cancelled', variant_id = '4401' where variant_id = '4402'`);
  await same();
  await run(sql`delete from messages`);
  await run(sql`delete from signups where id = (select min(id) from signups)`);
  await same();
  expect((await kept())['4401']).toBe(1);
});
