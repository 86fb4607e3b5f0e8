import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contacts, messages } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { MessageBatch } from '../../server/services/messages/enqueue.ts';
import { receiveResend } from '../../server/services/webhooks/resend.ts';
import { allMessages, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const EMAIL = 'buyer@example.com';
const contact = async () => (await t.deps.db.select().from(contacts).where(eq(contacts.email, EMAIL)))[0]!;
const order = (shop: Shop, id: string) =>
  shop.admin('POST', '/v1/admin/orders', { id, email: EMAIL, currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
const statuses = async () => (await allMessages(t)).filter((m) => m.to === EMAIL).map((m) => `${m.template}:${m.status}`);

/** A waitlist signup, then the one-click unsubscribe from its confirmation. */
async function unsubscribed(shop: Shop) {
  await shop.signup({ email: EMAIL });
  await t.dispatch();
  const link = /https:\/\/waitline\.test(\/u\/[\w-]+)/.exec((await allMessages(t))[0]!.text)![1]!;
  expect((await t.call('POST', link)).status).toBe(200);
  expect(await contact()).toMatchObject({ emailOptOutReason: 'unsubscribed' });
}

describe('after an unsubscribe, the order is still told; marketing is not', () => {
  it('an unsubscribed buyer gets the backorder ack and the in-stock notice, and the opt-out stays', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 }, { quietHours: null });
    await unsubscribed(shop);
    await order(shop, 'o1');
    await t.dispatch();
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 0 });
    await t.dispatch();
    expect(await statuses()).toEqual(['signup-confirmation:sent', 'backorder-ack:sent', 'backorder-allocated:sent']);
    expect((await contact()).emailOptOutAt).not.toBeNull();
  });

  it('unsubscribing while an order notice is queued does not withdraw it', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 }, { quietHours: null });
    await order(shop, 'o1');
    const link = /https:\/\/waitline\.test(\/u\/[\w-]+)/.exec((await allMessages(t))[0]!.text)![1]!;
    expect((await t.call('POST', link)).status).toBe(200);
    await t.dispatch();
    expect(await statuses()).toEqual(['backorder-ack:sent']);
  });

  it('marketing-type mail and non-order templates are refused, both when queued and when dispatched', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 }, { quietHours: null });
    await order(shop, 'o1'); // ack queued while still subscribed
    const [ack] = await allMessages(t);
    const shopRow = await (await import('../../server/services/shops/authenticate.ts')).shopBySecretKey(t.deps.db, shop.sk);
    // Queued before the opt-out: a marketing-type message (not an order notice).
    const them = await contact();
    await transaction(t.deps.db, async (tx) => {
      const batch = MessageBatch.for(tx, t.clock.now());
      batch.email({ shop: shopRow, contact: them, key: 'x:ran-out', template: 'ran-out', props: { item: 'Ocean Tee', position: 2, restocked: 1, leaveUrl: 'https://waitline.test/l' } as never });
      await batch.flush();
    });
    // The opt-out lands after they were queued (a race with the unsubscribe service).
    await transaction(t.deps.db, (tx) => tx.update(contacts).set({ emailOptOutAt: t.clock.now(), emailOptOutReason: 'unsubscribed' }).where(eq(contacts.id, them.id)));
    await t.dispatch();
    const rows = await t.deps.db.select().from(messages).orderBy(messages.id);
    expect(rows.map((m) => `${m.template}:${m.status}`)).toEqual(['backorder-ack:sent', 'ran-out:suppressed']);
    expect(ack!.template).toBe('backorder-ack');
    // And at enqueue time: only an order notice with its backorder line gets through.
    const optedOut = await contact();
    const accepted = await transaction(t.deps.db, async (tx) => {
      const after = MessageBatch.for(tx, t.clock.now());
      return [
        after.email({ shop: shopRow, contact: optedOut, key: 'y:offer', template: 'ran-out', props: {} as never }),
        after.email({ shop: shopRow, contact: optedOut, key: 'y:eta', template: 'eta-changed', props: {} as never }),
        after.email({ shop: shopRow, contact: optedOut, backorderId: rows[0]!.backorderId!, key: 'y:eta2', template: 'eta-changed', props: {} as never }),
      ];
    });
    expect(accepted).toEqual([false, false, true]);
  });
});

describe('after a bounce or a complaint, nothing goes, not even order notices', () => {
  it.each([
    ['email.bounced', 'bounced'],
    ['email.complained', 'complained'],
  ])('%s, even after an earlier unsubscribe: the next order is not acknowledged by email', async (type, reason) => {
    const shop = await shopWithVariant(t, { inventory: 0 }, { quietHours: null });
    await unsubscribed(shop);
    await transaction(t.deps.db, (tx) => tx.update(messages).set({ providerId: 'em_1' }));
    const data = { email_id: 'em_1', ...(type === 'email.bounced' ? { bounce: { type: 'Permanent' } } : {}) };
    expect(await receiveResend(t.deps, 'msg_1', { type, data } as never)).toBe('applied');
    expect(await contact()).toMatchObject({ emailOptOutReason: reason });
    await order(shop, 'o1');
    await t.dispatch();
    expect(await statuses()).toEqual([type === 'email.bounced' ? 'signup-confirmation:bounced' : 'signup-confirmation:sent']);
  });
});
