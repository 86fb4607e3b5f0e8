import { rmSync } from 'node:fs';
import { and, eq, isNotNull } from 'drizzle-orm';
import { messages } from '../../db/schema/index.ts';
import { dirname } from 'node:path';
import { reply } from '../replies/take-reply.ts';
import { runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

const DAY = 86_400_000;

/**
 * A SQLite file a real shop left behind, written by the services through their
 * routes: two shops, waiting lines in order (a French signup among them), a
 * restock's offers and their messages (sent), one opened, a purchase within the
 * hold (direct) and one after it lapsed (assisted), a claim, orders backordered with
 * their escalations, an unhappy reply, a supplier's purchase order, and days of
 * jobs run. Closed, so the file is all there is. `path` is the file; `remove`
 * deletes it.
 */
export async function seededSqlite(): Promise<{ path: string; remove(): void }> {
  const t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
  try {
    await seed(t);
  } catch (error) {
    await t.cleanup();
    throw error;
  }
  await t.deps.close();
  const path = t.config.dbPath;
  return { path, remove: () => rmSync(dirname(path), { recursive: true, force: true }) };
}

async function seed(t: TestEnv) {
  const ok = (res: { status: number; body: unknown }, what: string) => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const shop = await shopWithVariant(t, { inventory: 0, eta: { earliest: '2026-04-01', latest: '2026-04-20' } }, { holdDuration: 'PT1H' });
  const buy = (id: string, email: string, price: number) =>
    shop.admin('POST', '/v1/admin/orders', { id, email, currency: 'USD', total: price, lineItems: [{ variantId: '4401', quantity: 1, price }] });
  const other = await shopWithVariant(t, { inventory: 0 });
  for (let i = 0; i < 6; i++) ok(await shop.signup({ email: `p${i}@example.com`, ...(i === 2 ? { locale: 'fr' } : {}) }), 'signup');
  for (let i = 0; i < 2; i++) ok(await other.signup({ email: `o${i}@example.com` }), 'signup');
  ok(await shop.admin('PUT', '/v1/admin/variants/4402', { productTitle: 'Ocean Tee', title: 'M', mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' }), 'variant');
  ok(await shop.signup({ email: 'p0@example.com', variantId: '4402' }), 'signup');
  // A restock: two holds go out, one is let lapse and cascades down the line.
  ok(await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 2 }), 'restock');
  await t.dispatch();
  // Analytics: p0 opens the offer (the pixel), p1 buys within the hold (direct), p0 buys after it lapsed (assisted).
  const offerMail = async (to: string) => (await t.deps.db.select().from(messages).where(and(eq(messages.to, to), isNotNull(messages.offerId))).limit(1))[0]!;
  await t.call('GET', `/t/o/${(await offerMail('p0@example.com')).publicId}.gif`);
  t.clock.advance(DAY / 48);
  ok(await buy('paid-1', 'p1@example.com', 2_500), 'purchase');
  t.clock.advance(DAY / 24);
  await runJobs(t);
  await t.dispatch();
  // Orders the shop cannot fill: backorders, escalations (a long ETA, a large total), acknowledgements.
  const order = (id: string, total: number, variantId = '4402') =>
    shop.admin('POST', '/v1/admin/orders', { id, email: `${id}@example.com`, phone: '+14155550123', currency: 'USD', total, lineItems: [{ variantId, quantity: 1, price: total }] });
  ok(await order('small', 2_500), 'order');
  ok(await order('big', 60_000), 'order');
  await reply(t.deps, shop.id, 'sms', '+14155550123', 'This is ridiculous, three weeks and nothing. Terrible.');
  ok(await shop.admin('POST', '/v1/admin/purchase-orders', { supplier: 'Kiln & Co', variantId: '4402', quantity: 10, quotedArrival: '2026-03-20' }), 'po');
  ok(await buy('paid-2', 'p0@example.com', 2_500), 'purchase');
  for (let day = 0; day < 3; day++) {
    t.clock.advance(DAY);
    await runJobs(t);
    await t.dispatch();
  }
}
