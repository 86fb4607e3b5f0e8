import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
interface Escalation {
  id: number;
  kind: string;
  status: string;
  orderId: string;
  backorderId: number | null;
  summary: string;
  recommendedAction: string;
  resolution: string | null;
}

const order = (shop: Shop, id: string, quantity: number) =>
  shop.admin('POST', '/v1/admin/orders', { id, email: `${id}@example.com`, currency: 'USD', total: 2500 * quantity, lineItems: [{ variantId: '4401', quantity, price: 2500 }] });
const restock = (shop: Shop, adjust: number) => shop.admin('POST', '/v1/admin/variants/4401/inventory', { adjust });
const allocated = async (to: string) => (await allMessages(t)).filter((m) => m.to === to && m.template === 'backorder-allocated');
const escalations = async (shop: Shop): Promise<Escalation[]> => (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
const line = async (shop: Shop, orderId: string) => ((await shop.admin('GET', '/v1/admin/backorders')).body.backorders as Array<Record<string, any>>).find((b) => b.orderId === orderId)!;
const confirm = (shop: Shop, id: number, body: Record<string, unknown> = {}) => shop.admin('POST', `/v1/admin/backorders/${id}/confirm-partial`, body);

/** A line of 2 with 1 unit set aside: the partial shipment a person must confirm. */
async function partial(shop: Shop, orderId = 'a', quantity = 2) {
  await order(shop, orderId, quantity);
  expect((await restock(shop, 1)).body.allocation).toMatchObject({ backordersServed: 1 });
  return line(shop, orderId);
}

describe('a partial shipment waits for a person before the customer is told', () => {
  it('sets the units aside and asks a person, tells the customer once on confirmation, and a second confirmation is a 409', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    const held = await partial(shop);
    expect(held).toMatchObject({ status: 'open', quantity: 2, served: 1, awaitingConfirmation: true });
    expect(await allocated('a@example.com')).toEqual([]);
    const [esc] = await escalations(shop);
    expect(esc).toMatchObject({ kind: 'partial_shipment', status: 'open', orderId: 'a', backorderId: held.id });
    expect(esc!.summary).toContain('1 of 2 × Ocean Tee – S in stock and set aside; 1 still owed. The customer has not been told yet.');
    expect(esc!.recommendedAction).toContain(`POST /v1/admin/backorders/${held.id}/confirm-partial`);
    // The status page does not tell it either: the customer still reads both units as owed.
    const statusPath = /https:\/\/waitline\.test(\/s\/[\w-]+)/.exec((await allMessages(t)).find((m) => m.template === 'backorder-ack')!.text ?? '')?.[1];
    const page = async () => (await t.call('GET', statusPath!)).body as string;
    expect(await page()).toContain('2 × Ocean Tee – S');

    const res = await confirm(shop, held.id, { note: 'ships Monday' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ told: true, backorder: { id: held.id, status: 'open', served: 1, awaitingConfirmation: false } });
    const told = await allocated('a@example.com');
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('1 × Ocean Tee – S is back in stock and being packed for you. The other 1 will follow as soon as it arrives.');
    const [done] = await escalations(shop);
    expect(done).toMatchObject({ status: 'resolved', resolution: 'Confirmed: 1 of 2 ship now, 1 to follow. ships Monday' });
    expect(await line(shop, 'a')).toMatchObject({ awaitingConfirmation: false });
    expect(await page()).toContain('1 × Ocean Tee – S');

    const again = await confirm(shop, held.id);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('already settled: Confirmed');
    expect(await allocated('a@example.com')).toHaveLength(1);

    // The rest arrives: the customer hears of the unit they were not told of, and no one is asked again.
    await restock(shop, 1);
    const last = await allocated('a@example.com');
    expect(last).toHaveLength(2);
    expect(last[1]!.text).toContain('1 × Ocean Tee – S is back in stock and set aside for you.');
    expect((await escalations(shop)).filter((e) => e.status === 'open')).toEqual([]);
  });

  it('a double click tells the customer once', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    const held = await partial(shop);
    const answers = await Promise.all([confirm(shop, held.id), confirm(shop, held.id)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(await allocated('a@example.com')).toHaveLength(1);
  });

  it('when the rest is served before anyone confirmed, the customer hears of the whole line and the escalation closes itself', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    const held = await partial(shop);
    await restock(shop, 1);
    expect(await line(shop, 'a')).toMatchObject({ status: 'allocated', served: 2, awaitingConfirmation: false });
    const told = await allocated('a@example.com');
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain("2 × Ocean Tee – S is back in stock and set aside for you. It's being packed now");
    expect(await escalations(shop)).toMatchObject([{ kind: 'partial_shipment', status: 'resolved', resolution: 'Served in full before confirmation' }]);
    const late = await confirm(shop, held.id);
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('no longer waiting');
    expect(await allocated('a@example.com')).toHaveLength(1);
  });

  it('a second part before confirmation replaces the first: one confirmation, with the numbers as they are', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    const held = await partial(shop, 'a', 3);
    await restock(shop, 1);
    const all = await escalations(shop);
    expect(all.map((e) => [e.status, e.resolution])).toEqual([
      ['open', null],
      ['resolved', 'Superseded: 2 of 3 now set aside'],
    ]);
    expect(all[0]!.summary).toContain('2 of 3 × Ocean Tee – S in stock and set aside; 1 still owed.');
    expect(await allocated('a@example.com')).toEqual([]);
    expect((await confirm(shop, held.id)).status).toBe(200);
    const told = await allocated('a@example.com');
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('2 × Ocean Tee – S is back in stock and being packed for you. The other 1 will follow as soon as it arrives.');
  });

  it('409 when nothing awaits confirmation, and nothing is sent', async () => {
    // One shop each: a restock serves the first line waiting, whichever it is.
    const none = await shopWithVariant(t, { inventory: 0 });
    await order(none, 'none', 1);
    const nothingSetAside = await line(none, 'none');
    const waits = await shopWithVariant(t, { inventory: 0 });
    const resolved = await partial(waits, 'resolved');
    const [esc] = await escalations(waits);
    await waits.admin('POST', `/v1/admin/escalations/${esc!.id}/resolve`, { resolution: 'waiting for the rest' });
    const cancels = await shopWithVariant(t, { inventory: 0 });
    const cancelled = await partial(cancels, 'cancelled');
    expect((await cancels.admin('POST', `/v1/admin/backorders/${cancelled.id}/refunded`, {})).status).toBe(200);
    const cases: Array<[string, Shop, number, string]> = [
      ['no units set aside', none, nothingSetAside.id, 'No units of this line are set aside'],
      ['resolved without confirming (the person chose to wait)', waits, resolved.id, 'already settled: waiting for the rest'],
      ['cancelled with its refund', cancels, cancelled.id, 'no longer waiting'],
    ];
    const before = (await allMessages(t)).length;
    for (const [why, shop, id, message] of cases) {
      const res = await confirm(shop, id);
      expect(res.status, why).toBe(409);
      expect(res.body.error.message, why).toContain(message);
    }
    expect((await allMessages(t)).length).toBe(before);
    expect((await allocated('resolved@example.com')).length + (await allocated('cancelled@example.com')).length).toBe(0);
  });

  it("another shop's line is a 404 and stays as it was; a bad body or id is a 400", async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    const other = await shopWithVariant(t, { inventory: 0 });
    const held = await partial(shop);
    const res = await confirm(other, held.id);
    expect(res.status).toBe(404);
    expect(await allocated('a@example.com')).toEqual([]);
    expect(await escalations(shop)).toMatchObject([{ status: 'open' }]);
    expect(await escalations(other)).toEqual([]);
    expect((await confirm(shop, held.id, { note: 'x', send: true })).status).toBe(400);
    expect((await shop.admin('POST', '/v1/admin/backorders/abc/confirm-partial', {})).status).toBe(400);
    expect(await allocated('a@example.com')).toEqual([]);
  });
});
