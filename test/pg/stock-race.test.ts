import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../../db/raw.ts';
import { backorders, queueActions, shops, signups, type Shop } from '../../db/schema/index.ts';
import type { ServerDeps } from '../../server/deps.ts';
import { cancelBackorder } from '../../server/services/backorders/cancel.ts';
import { ingestOrder } from '../../server/services/orders/ingest.ts';
import { changeInventory } from '../../server/services/restock/inventory.ts';
import { expireDue } from '../../server/services/restock/expire.ts';
import { removeFromQueue } from '../../server/services/signups/manage.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { startReplicas, type Fleet } from './replicas.ts';

/**
 * Several replicas on one PostgreSQL database, each with its own pool and
 * writer: their transactions really run at once under READ COMMITTED. What
 * keeps stock and holds right is the variant's row lock, taken before the
 * variant is read (db/sql/pg/locks.ts). Each case fails without it.
 */

let t: TestEnv;
let fleet: Fleet;
let replicas: ServerDeps[];
const HOUR = 3_600_000;

beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' }, { engine: 'pg' });
  fleet = await startReplicas(t, 4);
  replicas = fleet.replicas;
});
afterEach(async () => {
  await fleet?.close();
  await t.cleanup();
});

const shopRow = async (id: string): Promise<Shop> => (await t.deps.db.select().from(shops).where(eq(shops.id, id)))[0]!;

async function inventoryOf(shopId: string, variantId = '4401'): Promise<number> {
  const [row] = await rows<{ inventory: number }>(t.deps.db, sql`select inventory from variants where shop_id = ${shopId} and id = ${variantId}`);
  return Number(row!.inventory);
}

async function line(shop: Awaited<ReturnType<typeof shopWithVariant>>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await shop.signup({ email: `p${i}@example.com` });
    if (res.status !== 201) throw new Error(`signup ${i}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** What must hold of a variant's line whatever order the replicas committed in. */
async function holdsAndLine(shopId: string) {
  const [doubled] = await rows<{ n: number }>(
    t.deps.db,
    sql`select count(*) as n from (select signup_id from offers where shop_id = ${shopId} and status = 'active' group by signup_id having count(*) > 1) d`,
  );
  const [held] = await rows<{ units: number; offers: number }>(
    t.deps.db,
    sql`select coalesce(sum(units), 0) as units, count(*) as offers from offers where shop_id = ${shopId} and variant_id = '4401' and status = 'active'`,
  );
  const [offered] = await rows<{ n: number }>(t.deps.db, sql`select count(*) as n from signups where shop_id = ${shopId} and variant_id = '4401' and status = 'offered'`);
  // Offers go in line order: everyone offered so far (holding or expired) stood ahead of everyone still waiting.
  const [skipped] = await rows<{ n: number }>(
    t.deps.db,
    sql`select count(*) as n from signups w where w.shop_id = ${shopId} and w.variant_id = '4401' and w.status = 'waiting'
        and exists (select 1 from signups o where o.shop_id = w.shop_id and o.variant_id = w.variant_id and o.status in ('offered', 'expired') and o.seq > w.seq)`,
  );
  return {
    doubled: Number(doubled!.n),
    heldUnits: Number(held!.units),
    activeOffers: Number(held!.offers),
    offeredSignups: Number(offered!.n),
    skipped: Number(skipped!.n),
    inventory: await inventoryOf(shopId),
  };
}

describe('stock and holds with several replicas on PostgreSQL', () => {
  it('concurrent restocks add up: no unit is lost', async () => {
    const { id, sk } = await shopWithVariant(t);
    const shop = await shopRow(id);
    const apps = fleet.apps.map((app) => inventoryRoute(app, sk));
    const ROUNDS = 8;
    for (let round = 0; round < ROUNDS; round++) {
      // Two through the service, two through the admin API, all at once.
      await Promise.all([
        changeInventory(replicas[0]!, shop, '4401', { adjust: 10 }),
        changeInventory(replicas[1]!, shop, '4401', { adjust: 10 }),
        apps[2]!({ adjust: 10 }),
        apps[3]!({ adjust: 10 }),
      ]);
    }
    expect(await inventoryOf(id)).toBe(ROUNDS * 4 * 10);
  });

  it('an expiry cascade beside a restock on another replica keeps one hold per person, holds within stock, and line order', async () => {
    const shop0 = await shopWithVariant(t, {}, { holdDuration: 'PT1H', followUpAfter: 'PT2H' });
    const shop = await shopRow(shop0.id);
    await line(shop0, 48);
    await changeInventory(replicas[0]!, shop, '4401', { available: 2 });
    for (let round = 0; round < 22; round++) {
      t.clock.advance(HOUR);
      // The holds of the last round are due: two replicas run the expiry job while another restocks.
      await Promise.all([
        changeInventory(replicas[0]!, shop, '4401', { adjust: 1 }),
        expireDue(replicas[1]!, shop.id, '4401'),
        expireDue(replicas[2]!, shop.id, '4401'),
      ]);
      const after = await holdsAndLine(shop.id);
      expect(after, `round ${round}`).toMatchObject({ doubled: 0, skipped: 0, offeredSignups: after.activeOffers });
      expect(after.heldUnits, `round ${round}`).toBeLessThanOrEqual(Math.max(0, after.inventory));
      // Back to two units (the newest hold is withdrawn), so the line lasts the rounds.
      await changeInventory(replicas[3]!, shop, '4401', { available: 2 });
    }
    const [gone] = await rows<{ n: number }>(t.deps.db, sql`select count(*) as n from signups where shop_id = ${shop.id} and status = 'expired'`);
    // The rounds really cascaded down the line.
    expect(Number(gone!.n)).toBeGreaterThan(30);
  });

  it('two cancels of the same backorder give its units back once', async () => {
    const { id } = await shopWithVariant(t);
    const shop = await shopRow(id);
    for (let round = 0; round < 10; round++) {
      const before = await inventoryOf(id);
      const order = await ingestOrder(replicas[0]!, shop, { id: `o${round}`, email: `o${round}@example.com`, currency: 'USD', total: 7500, lineItems: [{ variantId: '4401', quantity: 3, price: 2500 }] });
      expect(order.backorders).toHaveLength(1);
      const [owed] = await t.deps.db.select().from(backorders).where(eq(backorders.id, order.backorders[0]!.id));
      const outcomes = await Promise.all([1, 2].map((r) => cancelBackorder(replicas[r]!, owed!.token, { by: 'merchant' })));
      expect(await inventoryOf(id), `round ${round}`).toBe(before);
      expect(outcomes.map((o) => o.outcome).sort(), `round ${round}`).toEqual(['already', 'cancelled']);
    }
  });

  it('two removals of the same offered signup log one removal and pass its hold on once', async () => {
    const shop0 = await shopWithVariant(t);
    const shop = await shopRow(shop0.id);
    await line(shop0, 12);
    await changeInventory(replicas[0]!, shop, '4401', { available: 1 });
    for (let round = 0; round < 10; round++) {
      const [holder] = await t.deps.db.select().from(signups).where(and(eq(signups.shopId, shop.id), eq(signups.status, 'offered')));
      const results = await Promise.allSettled([1, 2].map((r) => removeFromQueue(replicas[r]!, shop, holder!.id, 'asked twice')));
      expect(results.map((r) => r.status).sort(), `round ${round}`).toEqual(['fulfilled', 'rejected']);
      const logged = await t.deps.db.select().from(queueActions).where(eq(queueActions.signupId, holder!.id));
      expect(logged, `round ${round}`).toHaveLength(1);
      const after = await holdsAndLine(shop.id);
      expect(after, `round ${round}`).toMatchObject({ doubled: 0, skipped: 0, activeOffers: 1, offeredSignups: 1 });
    }
  });
});

/** `POST /v1/admin/variants/4401/inventory` through a replica's own app. */
function inventoryRoute(app: Fleet['apps'][number], secretKey: string) {
  return async (body: unknown) => {
    const res = await app.request('/v1/admin/variants/4401/inventory', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secretKey}` },
    });
    if (res.status !== 200) throw new Error(`inventory: ${res.status} ${await res.text()}`);
  };
}
