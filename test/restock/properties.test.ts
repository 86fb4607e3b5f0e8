import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { statementRows } from '../../db/raw.ts';
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

/**
 * A read by fixed text with `@name` parameters, through the twins' path
 * (db/raw.ts): on SQLite each text is prepared once, where a Drizzle `sql`
 * query is prepared again on every call, and these run a few times per action.
 */
const rows = <T>(text: string, params: Record<string, unknown>) =>
  statementRows<undefined, T>(t.deps.db, { text: () => text, row: (raw) => raw as T }, undefined, params);
const one = async <T>(text: string, params: Record<string, unknown>) => (await rows<T>(text, params))[0] as T;

const ACTIVE_SIGNUP = `select s.token, c.token as "contactToken" from signups s join contacts c on c.id = s.contact_id
  where s.shop_id = @shop and c.email = @email and s.status in ('waiting','offered','pending')`;
const ACTIVE_OFFER = `select o.token from offers o join signups s on s.id = o.signup_id join contacts c on c.id = s.contact_id
  where o.shop_id = @shop and o.status = 'active' and c.email = @email`;
const LATEST_OFFER = `select o.token from offers o join signups s on s.id = o.signup_id join contacts c on c.id = s.contact_id
  where o.shop_id = @shop and c.email = @email order by o.id desc limit 1`;
const WAITING_BACKORDER = `select b.token from backorders b join contacts c on c.id = b.contact_id
  where b.shop_id = @shop and c.email = @email and b.status = 'waiting' order by b.id limit 1`;

const email = (person: number) => `p${person}@example.com`;

function activeSignupOf(shop: Shop, person: number) {
  return one<{ token: string; contactToken: string } | undefined>(ACTIVE_SIGNUP, { shop: shop.id, email: email(person) });
}

async function perform(shop: Shop, a: Action): Promise<void> {
  const deps = t.deps;
  switch (a.kind) {
    case 'signup': {
      const { signup, position } = await createSignup(deps, shop, { variantId: V, email: email(a.who), quantity: a.quantity });
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
      const offer = await one<{ token: string } | undefined>(ACTIVE_OFFER, { shop: shop.id, email: email(a.who) });
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
      const hold = a.withHold ? await one<{ token: string } | undefined>(LATEST_OFFER, { shop: shop.id, email: email(a.who) }) : undefined;
      await ingestOrder(deps, shop, {
        id: `o${steps}`,
        email: email(a.who),
        currency: 'USD',
        total: 100 * a.quantity,
        lineItems: [{ variantId: V, quantity: a.quantity, price: 100 }],
        holdToken: hold?.token,
      });
      return;
    }
    case 'cancelBackorder': {
      const line = await one<{ token: string } | undefined>(WAITING_BACKORDER, { shop: shop.id, email: email(a.who) });
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
  maxOfferId: number;
}

/** The counts the invariants compare, in one statement (each step checks them, on both engines). */
const STATE = `select
  (select inventory from variants where shop_id = @shop and id = @variant) as inventory,
  (select coalesce(sum(units), 0) from offers where shop_id = @shop and status = 'active') as held,
  (select coalesce(sum(quantity - served), 0) from backorders where shop_id = @shop and status = 'waiting') as owed,
  (select count(*) from signups s where s.shop_id = @shop and (
     (s.status = 'offered') != exists(select 1 from offers o where o.signup_id = s.id and o.status = 'active'))) as mismatched,
  (select count(*) from (
     select 1 from messages where shop_id = @shop and offer_id is not null group by offer_id, template, channel having count(*) > 1
     union all
     select 1 from messages where shop_id = @shop and template = 'signup-confirmation' group by signup_id, channel having count(*) > 1) as d) as doubled,
  (select waiting from queue_counts where shop_id = @shop and variant_id = @variant) as kept,
  (select count(*) from signups where shop_id = @shop and variant_id = @variant and status = 'waiting') as real,
  (select coalesce(max(id), 0) from offers) as "maxOfferId"`;
const ACTIVE_COUNT = `select count(*) as n from offers where shop_id = @shop and status = 'active'`;
const WAITING = `select id, seq, quantity from signups where shop_id = @shop and status = 'waiting' order by seq`;
const OFFERS = `select o.id, o.status, s.seq, s.quantity from offers o join signups s on s.id = o.signup_id where o.shop_id = @shop order by o.id`;

type Offer = { id: number; status: string; seq: number; quantity: number };

/** What the invariants read after one action or job; it is also what the next one is checked against. */
interface Observation {
  state: State;
  waiting: Waiting[];
  offers: Offer[];
}

// Nothing writes while the test reads, so on PostgreSQL the three reads may take three of the pool's connections at once.
async function observe(shop: Shop): Promise<Observation> {
  const [state, waiting, offers] = await Promise.all([
    one<State>(STATE, { shop: shop.id, variant: V }),
    rows<Waiting>(WAITING, { shop: shop.id }),
    rows<Offer>(OFFERS, { shop: shop.id }),
  ]);
  return { state, waiting, offers };
}

/** Observes the shop after a change and checks it against what was seen before; answers what it saw. */
async function check(shop: Shop, before: Observation): Promise<Observation> {
  const now = await observe(shop);
  const { state } = now;
  // 1. Active holds never exceed the sellable units, and stock is below zero by exactly what backorders are owed.
  expect(state.held).toBeLessThanOrEqual(Math.max(0, state.inventory));
  expect(state.owed).toBe(Math.max(0, -state.inventory));

  // 2. Nobody is offered while an earlier waiting signup that fit was skipped.
  const fresh = now.offers.filter((o) => o.id > before.state.maxOfferId).sort((a, b) => a.seq - b.seq);
  if (fresh.length > 0) {
    const stillWaiting = new Set(now.waiting.map((r) => r.id));
    const last = fresh.at(-1)!.seq;
    for (const k of before.waiting) {
      if (!stillWaiting.has(k.id) || k.seq > last) continue;
      const after = fresh.filter((o) => o.seq > k.seq).reduce((n, o) => n + o.quantity, 0);
      expect(k.quantity, `signup ${k.id} skipped`).toBeGreaterThan(after);
    }
  }

  // 3. An offer that ended never changes again, and a place and its hold agree.
  const statusNow = new Map(now.offers.map((o) => [o.id, o.status]));
  for (const o of before.offers) if (o.status !== 'active') expect(statusNow.get(o.id), `offer ${o.id}`).toBe(o.status);
  expect(state.mismatched).toBe(0);

  // 4. One message per event: per offer and template, per signup confirmation.
  expect(state.doubled).toBe(0);

  // 5. The waiting count the triggers keep (queue_counts) is the real count.
  expect(state.kept ?? 0).toBe(state.real);
  return now;
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
      // Nothing changes between one check and the next action, so each observation is the next one's "before".
      let seen = await observe(shop);
      for (const a of [...actions, { kind: 'advance', minutes: 24 * 60 } as const]) {
        steps++;
        await perform(shop, a);
        seen = await check(shop, seen);
        if (a.kind === 'tick' || a.kind === 'advance') {
          // Each job is its own round: an expiry and its cascade.
          while ((await runDueJobs(t.deps, jobHandlers, 1)) > 0) seen = await check(shop, seen);
        }
      }
      // 5. Every offer ends in exactly one of purchased, expired or cancelled:
      // let time run until no hold is left (each round may cascade to the next person).
      const active = async () => (await one<{ n: number }>(ACTIVE_COUNT, { shop: shop.id })).n;
      for (let i = 0; i < 50 && (await active()) > 0; i++) {
        t.clock.advance(2 * 3600_000);
        await runDueJobs(t.deps, jobHandlers);
      }
      expect(await active()).toBe(0);
      const statuses = (await rows<{ status: string }>(`select distinct status from offers where shop_id = @shop`, { shop: shop.id })).map((r) => r.status);
      for (const s of statuses) expect(['purchased', 'expired', 'cancelled']).toContain(s);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  expect(runs).toBeGreaterThanOrEqual(RUNS);
  console.log(`restock properties: ${runs} runs, ${steps} actions, seed ${SEED}`);
}, 600_000);
