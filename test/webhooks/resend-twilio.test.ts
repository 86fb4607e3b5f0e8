import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contacts, messages } from '../../db/schema/index.ts';
import { execute, first } from '../../db/raw.ts';
import { transaction } from '../../db/transaction.ts';
import { allMessages, rowCounts, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { fixture, json, RESEND_SECRET, svixHeaders, TWILIO_PUBLIC_URL, TWILIO_TOKEN } from './helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ RESEND_WEBHOOK_SECRET: RESEND_SECRET, TWILIO_AUTH_TOKEN: TWILIO_TOKEN, PUBLIC_URL: TWILIO_PUBLIC_URL, WAITLINE_RATE_PER_IP: '0' });
});
afterEach(() => t.cleanup());

const EMAIL_ID = '4ef9a417-02e9-4d39-ad75-9611e0fcc33c';
const events = async () => (await first<{ n: number }>(t.deps.db, sql`select count(*) as n from webhook_events`))!.n;

/** A shop whose offer email went out through Resend as the fixtures' email id. */
async function offeredThroughResend() {
  const shop = await shopWithVariant(t, {}, { followUpAfter: 'PT6H', quietHours: null });
  await shop.signup({ email: 'jane@example.com' });
  await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
  await t.dispatch();
  const offer = (await allMessages(t)).find((m) => m.template === 'offer')!;
  await transaction(t.deps.db, (tx) => tx.update(messages).set({ providerId: EMAIL_ID, transport: 'resend' }).where(eq(messages.id, offer.id)));
  return { shop, offerId: offer.id as number };
}

/** A fixture event re-signed now: the SDK checks the timestamp against the real clock. */
const resend = (name: string, id = json(`resend/${name}.headers.json`)['svix-id'] as string) => {
  const body = fixture(`resend/${name}.raw-body.json`);
  return t.call('POST', '/webhooks/resend', { raw: body, headers: svixHeaders(body, id, new Date()) });
};
const message = async (id: number) => (await t.deps.db.select().from(messages).where(eq(messages.id, id)))[0]!;

describe('POST /webhooks/resend', () => {
  it('an open stops the follow-up for that offer', async () => {
    const { offerId } = await offeredThroughResend();
    const res = await resend('email.opened');
    expect(res.body).toEqual({ ok: true, status: 'applied' });
    expect((await message(offerId)).openedAt).toEqual(t.clock.now());
    t.clock.advance(6 * 3600_000);
    await runJobs(t);
    expect((await allMessages(t)).filter((m) => m.template === 'offer-followup')).toEqual([]);
  });

  it('clicks, deliveries and failures update the message', async () => {
    const { offerId } = await offeredThroughResend();
    await resend('email.delivered');
    expect((await message(offerId)).status).toBe('delivered');
    await resend('email.clicked');
    expect(await message(offerId)).toMatchObject({ clickedAt: t.clock.now(), openedAt: t.clock.now() });
    await resend('email.failed');
    expect((await message(offerId)).status).toBe('failed');
  });

  it.each(['email.bounced', 'email.complained'])('%s stops email to that contact for that shop', async (name) => {
    await offeredThroughResend();
    await resend(name);
    const [jane] = await t.deps.db.select().from(contacts).where(eq(contacts.email, 'jane@example.com'));
    expect(jane!.emailOptOutAt).toEqual(t.clock.now());
  });

  it.each(['email.sent', 'email.delivery_delayed', 'email.suppressed'])('%s is accepted and ignored', async (name) => {
    const { offerId } = await offeredThroughResend();
    const before = await message(offerId);
    expect((await resend(name)).body.status).toBe('ignored');
    expect(await message(offerId)).toEqual(before);
  });

  it('a repeat delivery (same svix-id) changes nothing', async () => {
    await offeredThroughResend();
    await resend('email.opened');
    const n = await events();
    expect((await resend('email.opened')).body.status).toBe('duplicate');
    expect(await events()).toBe(n);
  });

  it.each([
    ['the stale timestamp Resend signed the fixture with', () => ({ raw: fixture('resend/email.opened.raw-body.json'), headers: json('resend/email.opened.headers.json') })],
    ['a tampered body', () => {
      const raw = fixture('resend/email.opened.raw-body.json');
      return { raw: raw.replace('email.opened', 'email.clicked'), headers: svixHeaders(raw, 'msg_1', new Date()) };
    }],
    ['another secret', () => {
      const raw = fixture('resend/email.opened.raw-body.json');
      return { raw, headers: svixHeaders(raw, 'msg_1', new Date(), 'whsec_' + Buffer.from('another secret entirely').toString('base64')) };
    }],
    ['no signature', () => ({ raw: fixture('resend/email.opened.raw-body.json'), headers: { 'content-type': 'application/json' } })],
  ])('refuses %s with 401 and stores nothing', async (_name, make) => {
    const { offerId } = await offeredThroughResend();
    const { raw, headers } = make();
    const res = await t.call('POST', '/webhooks/resend', { raw, headers: headers as Record<string, string> });
    expect(res.status).toBe(401);
    expect(await events()).toBe(0);
    expect((await message(offerId)).openedAt).toBeNull();
  });
});

/** A Twilio fixture as Twilio signed it: the URL it called, the header, the form body. */
function twilioCall(name: string, over: { body?: string; signature?: string } = {}) {
  const f = json(`twilio/${name}.json`);
  const url = new URL(f.url as string);
  return t.call('POST', `${url.pathname}${url.search}`, {
    raw: over.body ?? fixture(`twilio/${name}.form.txt`).trim(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': over.signature ?? f.headers['X-Twilio-Signature'] },
  });
}

describe('POST /webhooks/twilio/inbound and /status', () => {
  /**
   * The fixtures text from +1 555-555-0123, a number reserved for fiction that
   * signup validation rightly refuses; the shopper signs up with a real one and
   * the row is moved to the fixture's number.
   */
  async function texter() {
    const shop = await shopWithVariant(t, {}, { quietHours: null, contact: 'Call us on 0800 123 456.' });
    await shop.signup({ phone: '+14155550123', smsConsent: true });
    await transaction(t.deps.db, async (tx) => {
      await tx.update(contacts).set({ phone: '+15555550123' }).where(eq(contacts.phone, '+14155550123'));
      await tx.update(messages).set({ to: '+15555550123' }).where(eq(messages.to, '+14155550123'));
    });
    return shop;
  }
  const phoneContact = async () => (await t.deps.db.select().from(contacts).where(eq(contacts.phone, '+15555550123')))[0]!;

  it('STOP suppresses texts (queued ones too), START restores them, HELP answers with the shop line', async () => {
    const shop = await texter();
    const stop = await twilioCall('inbound.stop');
    expect(stop.status).toBe(200);
    expect(stop.headers.get('content-type')).toContain('text/xml');
    expect((await phoneContact()).smsOptOutAt).toEqual(t.clock.now());
    expect((await allMessages(t)).find((m) => m.channel === 'sms')!.status).toBe('suppressed');
    // Texts were the only way to reach them: their place is given up, and a restock texts nobody.
    expect((await shop.admin('GET', '/v1/admin/signups')).body.signups[0].status).toBe('unsubscribed');
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    expect((await allMessages(t)).filter((m) => m.channel === 'sms')).toHaveLength(1);

    await twilioCall('inbound.start');
    expect((await phoneContact()).smsOptOutAt).toBeNull();
    const help = await twilioCall('inbound.help');
    expect(help.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Acme Goods: restock, pre-order and order updates. Call us on 0800 123 456. Reply STOP to opt out.</Message></Response>');
  });

  it('status callbacks update the message; a repeat is done once', async () => {
    await texter();
    await t.dispatch();
    const sms = (await allMessages(t)).find((m) => m.channel === 'sms')!;
    await transaction(t.deps.db, (tx) => tx.update(messages).set({ providerId: 'SM11111111111111111111111111111111', transport: 'twilio' }).where(eq(messages.id, sms.id)));
    await twilioCall('status-callback.delivered');
    expect((await message(sms.id)).status).toBe('delivered');
    await twilioCall('status-callback.undelivered-30003');
    expect(await message(sms.id)).toMatchObject({ status: 'failed', error: 'twilio 30003' });
    const n = await events();
    expect((await twilioCall('status-callback.undelivered-30003')).body.status).toBe('duplicate');
    expect(await events()).toBe(n);
  });

  it('an unhappy reply becomes an escalation', async () => {
    const shop = await texter();
    const body = new URLSearchParams({ MessageSid: 'SM999', From: '+15555550123', To: '+15005550006', Body: 'This is ridiculous and awful, where is it?' }).toString();
    const { default: twilio } = await import('twilio');
    const params = Object.fromEntries(new URLSearchParams(body));
    const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${TWILIO_PUBLIC_URL}/webhooks/twilio/inbound`, params);
    expect((await t.call('POST', '/webhooks/twilio/inbound', { raw: body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } })).status).toBe(200);
    expect((await shop.admin('GET', '/v1/admin/escalations')).body.escalations.map((e: { kind: string }) => e.kind)).toEqual(['negative_reply']);
  });

  it('a reply goes to the shop that last texted the number, not the one whose contact is newest', async () => {
    const { default: twilio } = await import('twilio');
    const reply = async (sid: string, text: string) => {
      const params = { MessageSid: sid, From: '+14155550123', To: '+15005550006', Body: text };
      const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${TWILIO_PUBLIC_URL}/webhooks/twilio/inbound`, params);
      const body = new URLSearchParams(params).toString();
      return t.call('POST', '/webhooks/twilio/inbound', { raw: body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
    };
    const kinds = async (shop: { admin: (m: string, p: string) => Promise<{ body: any }> }) =>
      (await shop.admin('GET', '/v1/admin/escalations')).body.escalations.map((e: { kind: string }) => e.kind);
    const b = await shopWithVariant(t, {}, { quietHours: null });
    await b.signup({ phone: '+14155550123', smsConsent: true });
    await t.dispatch(); // B texts the number
    t.clock.advance(60_000);
    const a = await shopWithVariant(t, {}, { quietHours: null });
    await a.signup({ phone: '+14155550123', smsConsent: true }); // A's contact is newer, its text not sent yet
    expect((await reply('SM1001', 'This is ridiculous and awful, where is it?')).status).toBe(200);
    expect(await kinds(b)).toEqual(['negative_reply']);
    expect(await kinds(a)).toEqual([]);

    t.clock.advance(60_000);
    await t.dispatch(); // now A has texted it last
    t.clock.advance(3600_000);
    await reply('SM1002', 'Terrible, awful service. Can someone call me?');
    // One case for a person, who calls: the summary says the customer is unhappy.
    expect(await kinds(a)).toEqual(['call_request']);
    expect(await kinds(b)).toEqual(['negative_reply']);
  });

  it.each([
    ['a tampered body', { body: fixture('twilio/inbound.stop.form.txt').trim().replace('Body=STOP', 'Body=START') }],
    ['a wrong signature', { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }],
    ['no signature', { signature: '' }],
  ])('refuses %s with 401 and changes nothing', async (_name, over) => {
    await texter();
    const before = await rowCounts(t);
    expect((await twilioCall('inbound.stop', over)).status).toBe(401);
    expect((await phoneContact()).smsOptOutAt).toBeNull();
    expect(await rowCounts(t)).toEqual(before);
    expect(await events()).toBe(0);
  });
});

describe('the published signing vectors', () => {
  it('Svix/Standard Webhooks and Twilio vectors reproduce with the libraries we verify with', async () => {
    const { Webhook } = await import('standardwebhooks');
    const svix = json('resend/svix-published-test-vector.json');
    expect(new Webhook(svix.secret).sign(svix['svix-id'], new Date(Number(svix['svix-timestamp']) * 1000), svix.payload)).toBe(svix.expectedSignature);
    // Our test signer (used to re-sign the Resend fixtures) agrees with it.
    expect(svixHeaders(svix.payload, svix['svix-id'], new Date(Number(svix['svix-timestamp']) * 1000), svix.secret)['svix-signature']).toBe(svix.expectedSignature);
    const { default: twilio } = await import('twilio');
    const v = json('twilio/published-test-vector.json');
    expect(twilio.validateRequest(v.authToken, v.expectedSignature, v.url, v.params)).toBe(true);
  });

  it('a "sent" status callback is recorded as sent', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    await shop.signup({ phone: '+14155550123', smsConsent: true });
    const sms = (await allMessages(t)).find((m) => m.channel === 'sms')!;
    await transaction(t.deps.db, (tx) => tx.update(messages).set({ providerId: 'SM11111111111111111111111111111111', status: 'queued' }).where(eq(messages.id, sms.id)));
    expect((await twilioCall('status-callback.sent')).body.status).toBe('applied');
    expect((await message(sms.id)).status).toBe('sent');
    await twilioCall('status-callback.delivered');
    await transaction(t.deps.db, (tx) => execute(tx, sql`delete from webhook_events`)); // let the same "sent" arrive again, late
    await twilioCall('status-callback.sent');
    expect((await message(sms.id)).status).toBe('delivered');
  });
});
