import fc from 'fast-check';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backorders, messages, platformOrderLines, variants } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { reconcile } from '../../server/services/reconcile.ts';
import { startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';
import { runJobs, setup, type TestEnv } from '../helpers.ts';
import { SHOPIFY_SECRET, shopifySign } from './helpers.ts';

/*
 * SPEC §2 and §4: any arrival order of inventory_levels/update, orders/create and
 * reconciliation gives the same backorders, and those are the part of each order the
 * platform could not cover. Every delivery goes signed through POST /webhooks/shopify
 * and the job runner; reconciliation reads the level "now" from a local Shopify stub.
 */
const RUNS = Math.max(1, Math.round(Number(process.env.FC_RUNS ?? 200) * Number(process.env.PROPERTY_SCALE ?? 1)));
const TOKEN = 'shpat_arrival_order_0123';
const DOMAIN = 'arrival-order.myshopify.com';
const LOCATION = 71234567890;

let t: TestEnv;
let stub: ShopifyStub;
let admin: Awaited<ReturnType<TestEnv['createShop']>>['admin'];
let run = 0;
beforeAll(async () => {
  stub = await startShopifyStub(TOKEN);
  t = await setup({ SHOPIFY_API_ORIGIN: stub.url, WAITLINE_RECONCILE_MS: '600000' });
  admin = (await t.createShop('Arrival Store', { shopify: { domain: DOMAIN, webhookSecret: SHOPIFY_SECRET, accessToken: TOKEN } })).admin;
});
afterAll(async () => {
  await t.cleanup();
  await stub.close();
});

interface Scenario {
  initial: number;
  /** Quantity of each order, in the order the platform placed them. */
  orders: number[];
  /** How long after each order Shopify stamped the level it reported (under the minute between orders). */
  lag: number[];
}

type Delivery = { kind: 'order' | 'level'; k: number } | { kind: 'reconcile' };

let webhookSeq = 0;
async function deliver(topic: string, payload: unknown) {
  const raw = JSON.stringify(payload);
  const res = await t.call('POST', '/webhooks/shopify', {
    raw,
    headers: {
      'content-type': 'application/json',
      'X-Shopify-Topic': topic,
      'X-Shopify-Hmac-Sha256': shopifySign(raw),
      'X-Shopify-Shop-Domain': DOMAIN,
      'X-Shopify-Webhook-Id': `arrival-${++webhookSeq}`,
    },
  });
  expect(res.status).toBe(200);
  await runJobs(t);
}

/** The platform's level right after each order, and the part of each order it could not cover. */
function truth(s: Scenario) {
  let level = s.initial;
  return s.orders.map((q) => {
    level -= q;
    return { level, owed: Math.min(q, Math.max(0, -level)) };
  });
}

/** Plays one scenario in one arrival order on a fresh variant; answers what Waitline recorded and told. */
async function play(s: Scenario, arrivals: Delivery[]) {
  const id = ++run;
  const variantId = `7700${id}`;
  const itemId = `8800${id}`;
  const email = (k: number) => `r${id}-o${k}@example.com`;
  const orderId = (k: number) => `${id}00${k}`;
  await admin('PUT', `/v1/admin/variants/${variantId}`, { title: `Run ${id}`, inventoryItemId: itemId, price: 2500, currency: 'USD' });
  const base = t.clock.now().getTime() - 3_600_000;
  const placed = (k: number) => new Date(base + (k + 1) * 60_000);
  const levels = truth(s);
  const level = (available: number, at: Date) => ({ inventory_item_id: Number(itemId), location_id: LOCATION, available, updated_at: at.toISOString() });
  stub.levels.set(itemId, { [LOCATION]: levels.at(-1)!.level });

  await deliver('inventory_levels/update', level(s.initial, new Date(base)));
  for (const a of arrivals) {
    if (a.kind === 'reconcile') await reconcile(t.deps);
    else if (a.kind === 'level') await deliver('inventory_levels/update', level(levels[a.k]!.level, new Date(placed(a.k).getTime() + s.lag[a.k]!)));
    else
      await deliver('orders/create', {
        id: Number(orderId(a.k)),
        email: email(a.k),
        created_at: placed(a.k).toISOString(),
        currency: 'USD',
        total_price: (25 * s.orders[a.k]!).toFixed(2),
        line_items: [{ variant_id: Number(variantId), quantity: s.orders[a.k]!, price: '25.00' }],
        note_attributes: [],
      });
  }
  const db = t.deps.db;
  const lines = await db.select().from(backorders).where(eq(backorders.variantId, variantId)).orderBy(backorders.createdAt, backorders.id);
  const owed = s.orders.map((_, k) => lines.filter((b) => b.orderId === orderId(k)).reduce((n, b) => n + b.quantity, 0));
  const queued = lines.map((b) => b.orderId);
  const told = async (template: string) =>
    (await db.select({ to: messages.to }).from(messages).where(and(eq(messages.template, template), inArray(messages.to, s.orders.map((_, k) => email(k)))))).map((m) => m.to).sort();
  const pending = await db.select().from(platformOrderLines).where(and(eq(platformOrderLines.variantId, variantId), eq(platformOrderLines.status, 'pending')));
  const [variant] = await db.select().from(variants).where(eq(variants.id, variantId));
  // Settled runs leave the line, so each reconciliation pass asks only about this run's variant.
  await transaction(db, (tx) => tx.update(backorders).set({ status: 'cancelled' }).where(eq(backorders.variantId, variantId)));
  return {
    owed,
    queued,
    acknowledged: await told('backorder-ack'),
    allocated: await told('backorder-allocated'),
    pending: pending.length,
    inventory: variant!.inventory,
    expected: {
      owed: levels.map((l) => l.owed),
      acknowledged: levels.flatMap((l, k) => (l.owed > 0 ? [email(k)] : [])).sort(),
      queued: levels.flatMap((l, k) => (l.owed > 0 ? [orderId(k)] : [])),
    },
  };
}

const scenario = fc
  .integer({ min: 1, max: 4 })
  .chain((n) =>
    fc.record({
      initial: fc.integer({ min: 0, max: 5 }),
      orders: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n }),
      lag: fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: n, maxLength: n }),
      reconciles: fc.integer({ min: 0, max: 2 }),
    }),
  )
  .chain((s) => {
    const deliveries: Delivery[] = [
      ...s.orders.flatMap((_, k) => [{ kind: 'order' as const, k }, { kind: 'level' as const, k }]),
      ...Array.from({ length: s.reconciles }, () => ({ kind: 'reconcile' as const })),
    ];
    return fc.tuple(fc.constant<Scenario>(s), fc.shuffledSubarray(deliveries, { minLength: deliveries.length, maxLength: deliveries.length }));
  });

describe('Shopify arrival order', () => {
  it('1 → 0 reported before the order that took that unit: no backorder, nobody told "on backorder"', async () => {
    const s = { initial: 1, orders: [1], lag: [0] };
    for (const arrivals of [
      [{ kind: 'level', k: 0 }, { kind: 'order', k: 0 }],
      [{ kind: 'level', k: 0 }, { kind: 'order', k: 0 }, { kind: 'reconcile' }],
      [{ kind: 'reconcile' }, { kind: 'order', k: 0 }, { kind: 'level', k: 0 }],
      [{ kind: 'order', k: 0 }, { kind: 'level', k: 0 }],
    ] as Delivery[][]) {
      const r = await play(s, arrivals);
      expect(r).toMatchObject({ owed: [0], acknowledged: [], allocated: [], pending: 0, inventory: 0 });
    }
  });

  it('a shortfall is owed once, whichever arrives first', async () => {
    const s = { initial: 1, orders: [1, 2], lag: [500, 0] };
    for (const arrivals of [
      [{ kind: 'level', k: 1 }, { kind: 'order', k: 1 }, { kind: 'reconcile' }, { kind: 'level', k: 0 }, { kind: 'order', k: 0 }],
      [{ kind: 'order', k: 0 }, { kind: 'order', k: 1 }, { kind: 'level', k: 0 }, { kind: 'level', k: 1 }],
    ] as Delivery[][]) {
      const r = await play(s, arrivals);
      expect(r).toMatchObject({ owed: [0, 2], allocated: [], pending: 0, inventory: -2 });
      expect(r.acknowledged).toEqual(r.expected.acknowledged);
    }
  });

  it(`every arrival order of order webhooks, level webhooks and reconciliation gives the platform's backorders (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([s, arrivals]) => {
        const r = await play(s, arrivals);
        expect(r.owed).toEqual(r.expected.owed);
        // The backorder queue is in the platform's order time, whatever arrived first.
        expect(r.queued).toEqual(r.expected.queued);
        expect(r.acknowledged).toEqual(r.expected.acknowledged);
        expect(r.allocated).toEqual([]);
        expect(r.pending).toBe(0);
        expect(r.inventory).toBe(truth(s).at(-1)!.level);
      }),
      { numRuns: RUNS },
    );
  }, 60_000 + RUNS * 1_000);
});
