import twilio from 'twilio';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replies } from '../../db/schema/index.ts';
import { allMessages, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { TWILIO_PUBLIC_URL, TWILIO_TOKEN } from '../webhooks/helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ TWILIO_AUTH_TOKEN: TWILIO_TOKEN, PUBLIC_URL: TWILIO_PUBLIC_URL });
});
afterEach(() => t.cleanup());

const PHONE = '+14155550123';
let sid = 0;
/** A text to our number, signed as Twilio signs it. */
async function text(body: string, from = PHONE) {
  const params = { MessageSid: `SM${String(++sid).padStart(32, '0')}`, From: from, To: '+15005550006', Body: body };
  const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${TWILIO_PUBLIC_URL}/webhooks/twilio/inbound`, params);
  const res = await t.call('POST', '/webhooks/twilio/inbound', { raw: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
  expect(res.status).toBe(200);
  return res;
}

/** A customer who waits by text (a place, with consent) and also has order #1042 waiting. */
async function texter() {
  const shop = await shopWithVariant(t, {}, { quietHours: null, sender: { name: 'Acme', email: 'orders@acme.example', address: '1 Quay St' } });
  expect((await shop.signup({ phone: PHONE, smsConsent: true })).status).toBe(201);
  await t.dispatch();
  return shop;
}
const said = async (shopId: string) => t.deps.db.select().from(replies).where(eq(replies.shopId, shopId)).orderBy(replies.id);

describe('SMS replies', () => {
  it('"Cancel my order" from a place texted back the link to confirm leaving; nothing changes until then', async () => {
    const shop = await texter();
    await text('Cancel my order');
    const [reply] = await said(shop.id);
    expect(reply).toMatchObject({ channel: 'sms', intent: 'cancel', action: 'cancel_link', text: 'Cancel my order' });
    const answer = (await allMessages(t)).find((m) => m.template === 'reply-cancel')!;
    expect(answer).toMatchObject({ channel: 'sms', to: PHONE });
    expect(answer.text).toMatch(/^Acme Goods: stop waiting for Ocean Tee – S\? Confirm here: https:\/\/api\.example-waitlist\.app\/s\//);
    expect((await shop.admin('GET', '/v1/admin/signups')).body.signups[0].status).toBe('waiting');
    // The team reads it too, by email.
    expect((await allMessages(t)).find((m) => m.template === 'reply-forward')).toMatchObject({ to: 'orders@acme.example', headers: {} });
  });

  it('"I want a refund now" while the order waits: the link to cancel it for a full refund, by text', async () => {
    const shop = await texter();
    expect((await shop.admin('POST', '/v1/admin/orders', { id: 'o-1', name: '#1042', email: 'jo@example.com', phone: PHONE, currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] })).status).toBe(201);
    await text('I want a refund now');
    expect((await said(shop.id))[0]).toMatchObject({ intent: 'refund', orderId: 'o-1', action: 'cancel_link' });
    const answer = (await allMessages(t)).find((m) => m.template === 'reply-cancel')!;
    expect(answer.text).toMatch(/^Acme Goods: cancel order #1042 \(Ocean Tee – S\)\? Confirm here: https:\/\/api\.example-waitlist\.app\/s\//);
  });

  it.each([
    ["I'll dispute this with my bank", 'chargeback', 'chargeback'],
    ['Can I get a phone call please', 'call', 'call_request'],
  ])('"%s" on a backorder reaches a person (%s → %s) with the text', async (words, intent, kind) => {
    const shop = await texter();
    expect((await shop.admin('POST', '/v1/admin/orders', { id: 'o-1', name: '#1042', email: 'jo@example.com', phone: PHONE, currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] })).status).toBe(201);
    await text(words);
    const [reply] = await said(shop.id);
    expect(reply).toMatchObject({ intent, orderId: 'o-1' });
    const escalations = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    const escalation = escalations.find((e: { kind: string }) => e.kind === kind);
    expect(escalation).toMatchObject({ orderId: 'o-1', replies: [expect.objectContaining({ text: words, channel: 'sms' })] });
    expect(escalation.summary).toContain(words);
  });

  it('the export carries the replies; an erase keeps the row and drops the words', async () => {
    const shop = await texter();
    await text('Thanks, happy to wait!');
    const exported = (await shop.admin('GET', `/v1/admin/contacts/export?phone=${encodeURIComponent(PHONE)}`)).body;
    expect(exported.replies).toEqual([expect.objectContaining({ channel: 'sms', text: 'Thanks, happy to wait!', intent: 'thanks', action: 'recorded' })]);
    expect((await shop.admin('POST', '/v1/admin/contacts/erase', { phone: PHONE })).status).toBe(200);
    const [kept] = await said(shop.id);
    expect(kept).toMatchObject({ from: '', intent: 'thanks' });
    expect(kept!.text).not.toContain('happy');
  });
});
