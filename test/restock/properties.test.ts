import { sql, type SQL } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rows as readRows } from '../../db/raw.ts';
import type { Shop } from '../../db/schema/index.ts';
import { jobHandlers } from '../../server/jobs/handlers.ts';
import { runDueJobs } from '../../server/jobs/queue.ts';
import { cancelBackorder } from '../../server/services/backorders/cancel.ts';
import { unsubscribeEmail } from '../../server/services/contacts/unsubscribe.ts';
import { ingestOrder } from '../../server/services/orders/ingest.ts';
import { claimOffer } from '../../server/services/restock/claim.ts';
import { changeInventory } from '../../server/services/restock/inventory.ts';
import { createShop } from '../../server/services/shops/create.ts';
import { createSignup } from '../../server/services/signups/create.ts';
import { cancelSignup } from '../../server/services/signups/status.ts';
import { positionOf } from '../../server/services/signups/position.ts';
import { upsertVariant } from '../../server/services/variants/upsert.ts';
import { setup, type TestEnv } from '../helpers.ts';

/**
 * Random interleavings of signup, restock, claim, expire, cancel, unsubscribe,
 * order and backorder cancel on the real database and a fake clock, each checked against the
 * rules that make the queue fair. Seeded: FC_SEED reproduces a failure.
 */
// PROPERTY_SCALE: the `services-pg` project runs a tenth of the cases (vite.config.ts).
const RUNS = Math.max(1, Math.round(Number(process.env.FC_RUNS ?? 10_000) * Number(process.env.PROPERTY_SCALE ?? 1)));
const SEED = Number(process.env.FC_SEED ?? 20261126);
const V = 'v1';

type Action =
  | { kind: 'signup'; who: number; quantity: number }
  | { kind: 'set'; to: number }
  | { kind: 'adjust'; by: number }
  | { kind: 'advance'; minutes: number }
  | { kind: 'tick' }
  | { kind: 'claim'; who: number }
  | { kind: 'cancel'; who: number }
  | { kind: 'unsubscribe'; who: number }
  | { kind: 'order'; who: number; quantity: number; withHold: boolean }
  | { kind: 'cancelBackorder'; who: number };

const who = fc.integer({ min: 0, max: 7 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('signup' as const), who, quantity: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('set' as const), to: fc.integer({ min: 0, max: 10 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('adjust' as const), by: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 90 }) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('claim' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), who }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('order' as const), who, quantity: fc.integer({ min: 1, max: 3 }), withHold: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancelBackorder' as const), who }) },
);

let t: TestEnv;
let runs = 0;
let steps = 0;
beforeAll(async () => {
  t = await setup();
});
afterAll(() => t.cleanup());

const rows = <T>(query: SQL) => readRows<T>(t.deps.db, query);
const one = async <T>(query: SQL) => (await readRows<T>(t.deps.db, query))[0] as T;

function activeSignupOf(shop: Shop, person: number) {
  return one<{ token: string; contactToken: string } | undefined>(
    sql`select s.token, c.token as "contactToken" from signups s join contacts c on c.id = s.contact_id
     where s.shop_id = ${shop.id} and c.email = ${`p${person}@example.com`} and s.status in ('waiting','offered','pending')`,
  );
}

async function perform(shop: Shop, a: Action): Promise<void> {
  const deps = t.deps;
  switch (a.kind) {
    case 'signup': {
      const { signup, position } = await createSignup(deps, shop, { variantId: V, email: `p${a.who}@example.com`, quantity: a.quantity });
      // A new place comes from the kept count; it must be the counted position.
      expect(position).toBe(await positionOf(deps.db, signup));
      return;
    }
    case 'set':
      await changeInventory(deps, shop, V, { available: a.to });
      return;
    case 'adjust':
      await changeInventory(deps, shop, V, { adjust: a.by });
      return;
    case 'advance':
      t.clock.advance(a.minutes * 60_000);
      return;
    case 'claim': {
      const offer = await one<{ token: string } | undefined>(
        sql`select o.token from offers o join signups s on s.id = o.signup_id join contacts c on c.id = s.contact_id
         where o.shop_id = ${shop.id} and o.status = 'active' and c.email = ${`p${a.who}@example.com`}`,
      );
      if (offer) await claimOffer(deps, offer.token);
      return;
    }
    case 'cancel': {
      const s = await activeSignupOf(shop, a.who);
      if (s) await cancelSignup(deps, s.token);
      return;
    }
    case 'unsubscribe': {
      const s = await activeSignupOf(shop, a.who);
      if (s) await unsubscribeEmail(deps, s.contactToken);
      return;
    }
    case 'order': {
      const hold = a.withHold
        ? await one<{ token: string } | undefined>(
            sql`select o.token from offers o join signups s on s.id = o.signup_id join contacts c on c.id = s.contact_id
             where o.shop_id = ${shop.id} and c.email = ${`p${a.who}@example.com`} order by o.id desc limit 1`,
          )
        : undefined;
      await ingestOrder(deps, shop, {
        id: `o${steps}`,
        email: `p${a.who}@example.com`,
        currency: 'USD',
        total: 100 * a.quantity,
        lineItems: [{ variantId: V, quantity: a.quantity, price: 100 }],
        holdToken: hold?.token,
      });
      return;
    }
    case 'cancelBackorder': {
      const line = await one<{ token: string } | undefined>(
        sql`select b.token from backorders b join contacts c on c.id = b.contact_id
         where b.shop_id = ${shop.id} and c.email = ${`p${a.who}@example.com`} and b.status = 'waiting' order by b.id limit 1`,
      );
      if (line) await cancelBackorder(deps, line.token);
      return;
    }
    case 'tick':
      return; // jobs run below, one at a time
  }
}

type Waiting = { id: number; seq: number; quantity: number };

interface State {
  inventory: number;
  held: number;
  owed: number;
  mismatched: number;
  doubled: number;
  kept: number | null;
  real: number;
}

/** The counts the invariants compare, in one statement (each step checks them, on both engines). */
const stateOf = (shop: Shop) =>
  one<State>(sql`select
     (select inventory from variants where shop_id = ${shop.id} and id = ${V}) as inventory,
     (select coalesce(sum(units), 0) from offers where shop_id = ${shop.id} and status = 'active') as held,
     (select coalesce(sum(quantity - served), 0) from backorders where shop_id = ${shop.id} and status = 'waiting') as owed,
     (select count(*) from signups s where s.shop_id = ${shop.id} and (
        (s.status = 'offered') != exists(select 1 from offers o where o.signup_id = s.id and o.status = 'active'))) as mismatched,
     (select count(*) from (
        select 1 from messages where shop_id = ${shop.id} and offer_id is not null group by offer_id, template, channel having count(*) > 1
        union all
        select 1 from messages where shop_id = ${shop.id} and template = 'signup-confirmation' group by signup_id, channel having count(*) > 1) as d) as doubled,
     (select waiting from queue_counts where shop_id = ${shop.id} and variant_id = ${V}) as kept,
     (select count(*) from signups where shop_id = ${shop.id} and variant_id = ${V} and status = 'waiting') as real`);

async function check(shop: Shop, before: Snapshot) {
  const state = await stateOf(shop);
  // 1. Active holds never exceed the sellable units, and stock is below zero by exactly what backorders are owed.
  expect(state.held).toBeLessThanOrEqual(Math.max(0, state.inventory));
  expect(state.owed).toBe(Math.max(0, -state.inventory));

  // 2. Nobody is offered while an earlier waiting signup that fit was skipped.
  const fresh = await rows<{ seq: number; quantity: number }>(
    sql`select s.seq, s.quantity from offers o join signups s on s.id = o.signup_id where o.shop_id = ${shop.id} and o.id > ${before.maxOfferId} order by s.seq`,
  );
  if (fresh.length > 0) {
    const stillWaiting = new Set((await rows<{ id: number }>(sql`select id from signups where shop_id = ${shop.id} and status = 'waiting'`)).map((r) => r.id));
    const last = fresh.at(-1)!.seq;
    for (const k of before.waiting) {
      if (!stillWaiting.has(k.id) || k.seq > last) continue;
      const after = fresh.filter((o) => o.seq > k.seq).reduce((n, o) => n + o.quantity, 0);
      expect(k.quantity, `signup ${k.id} skipped`).toBeGreaterThan(after);
    }
  }

  // 3. An offer that ended never changes again, and a place and its hold agree.
  if (before.ended.size > 0) {
    const now = new Map((await rows<{ id: number; status: string }>(sql`select id, status from offers where shop_id = ${shop.id}`)).map((r) => [r.id, r.status]));
    for (const [id, status] of before.ended) expect(now.get(id), `offer ${id}`).toBe(status);
  }
  expect(state.mismatched).toBe(0);

  // 4. One message per event: per offer and template, per signup confirmation.
  expect(state.doubled).toBe(0);

  // 5. The waiting count the triggers keep (queue_counts) is the real count.
  expect(state.kept ?? 0).toBe(state.real);
}

interface Snapshot {
  waiting: Waiting[];
  maxOfferId: number;
  ended: Map<number, string>;
}

async function snapshot(shop: Shop): Promise<Snapshot> {
  return {
    waiting: await rows<Waiting>(sql`select id, seq, quantity from signups where shop_id = ${shop.id} and status = 'waiting' order by seq`),
    maxOfferId: (await one<{ n: number }>(sql`select coalesce(max(id), 0) as n from offers`)).n,
    ended: new Map(
      (await rows<{ id: number; status: string }>(sql`select id, status from offers where shop_id = ${shop.id} and status != 'active'`)).map((r) => [r.id, r.status]),
    ),
  };
}

it(`keeps the queue fair over ${RUNS} random interleavings`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 20 }), async (actions) => {
      runs++;
      const { shop } = await createShop(t.deps, {
        name: `Shop ${runs}`,
        settings: { holdDuration: 'PT1H', followUpAfter: 'PT20M', quietHours: null, ranOutNoticeDepth: 5 },
      });
      await upsertVariant(t.deps, shop, V, { title: 'Tee', mode: 'waitlist', inventory: 0 });
      for (const a of [...actions, { kind: 'advance', minutes: 24 * 60 } as const]) {
        steps++;
        const before = await snapshot(shop);
        await perform(shop, a);
        await check(shop, before);
        if (a.kind === 'tick' || a.kind === 'advance') {
          // Each job is its own round: an expiry and its cascade.
          while (true) {
            const b = await snapshot(shop);
            if ((await runDueJobs(t.deps, jobHandlers, 1)) === 0) break;
            await check(shop, b);
          }
        }
      }
      // 5. Every offer ends in exactly one of purchased, expired or cancelled:
      // let time run until no hold is left (each round may cascade to the next person).
      const active = async () => (await one<{ n: number }>(sql`select count(*) as n from offers where shop_id = ${shop.id} and status = 'active'`)).n;
      for (let i = 0; i < 50 && (await active()) > 0; i++) {
        t.clock.advance(2 * 3600_000);
        await runDueJobs(t.deps, jobHandlers);
      }
      expect(await active()).toBe(0);
      const statuses = (await rows<{ status: string }>(sql`select distinct status from offers where shop_id = ${shop.id}`)).map((r) => r.status);
      for (const s of statuses) expect(['purchased', 'expired', 'cancelled']).toContain(s);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  expect(runs).toBeGreaterThanOrEqual(RUNS);
  console.log(`restock properties: ${runs} runs, ${steps} actions, seed ${SEED}`);
}, 600_000);
