import { afterEach, beforeEach, expect, it } from 'vitest';
import { allMessages, runJobs, setup, type TestEnv } from '../helpers.ts';
import { fixture, RESEND_SECRET, shopifyHeaders, svixHeaders, TWILIO_PUBLIC_URL, TWILIO_TOKEN } from './helpers.ts';
import { eq } from 'drizzle-orm';
import { contacts, messages } from '../../db/schema/index.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ RESEND_WEBHOOK_SECRET: RESEND_SECRET, TWILIO_AUTH_TOKEN: TWILIO_TOKEN, PUBLIC_URL: TWILIO_PUBLIC_URL, WAITLINE_RATE_PER_IP: '0' });
});
afterEach(() => t.cleanup());

/**
 * The providers' story through the HTTP API only: Shopify says the item is back,
 * offers go out; Resend says one was opened, so only the others get a follow-up;
 * Twilio says a texter replied STOP, so nobody texts them again.
 */
it('Shopify restock → offers; Resend open → no follow-up for that person; Twilio STOP → no more texts', async () => {
  const shop = await t.createShop('Demo Store', { shopify: { domain: 'demo-store.myshopify.com', webhookSecret: 'test_shopify_app_client_secret_123' }, quietHours: null });
  const shopify = (name: string) => t.call('POST', '/webhooks/shopify', { raw: fixture(`shopify/${name}.raw-body.json`), headers: shopifyHeaders(name) });
  await shopify('products-update');
  await runJobs(t);
  await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '44012345678901', email: 'jane@example.com' } });
  await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '44012345678901', email: 'sam@example.com', phone: '+14155550123', smsConsent: true } });

  expect((await shopify('inventory_levels-update.restock')).status).toBe(200);
  await runJobs(t);
  await t.dispatch();
  const offers = (await allMessages(t)).filter((m) => m.template === 'offer');
  expect(offers.map((m) => `${m.channel}:${m.to}`).sort()).toEqual(['email:jane@example.com', 'email:sam@example.com', 'sms:+14155550123']);

  // Resend reports Jane's offer opened (its id is the provider id the send recorded).
  const jane = offers.find((m) => m.to === 'jane@example.com')!;
  const body = fixture('resend/email.opened.raw-body.json').replace('4ef9a417-02e9-4d39-ad75-9611e0fcc33c', jane.providerId);
  expect((await t.call('POST', '/webhooks/resend', { raw: body, headers: svixHeaders(body, 'msg_story', new Date()) })).body.status).toBe('applied');

  // Sam replies STOP to the text (the fixture's number is fictional; Sam's is real).
  const stop = Object.fromEntries(new URLSearchParams(fixture('twilio/inbound.stop.form.txt').trim()));
  stop.From = '+14155550123';
  const { default: twilio } = await import('twilio');
  const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${TWILIO_PUBLIC_URL}/webhooks/twilio/inbound`, stop);
  const stopped = await t.call('POST', '/webhooks/twilio/inbound', { raw: new URLSearchParams(stop).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
  expect(stopped.status).toBe(200);
  expect((await t.deps.db.select().from(contacts).where(eq(contacts.phone, '+14155550123')))[0]!.smsOptOutAt).not.toBeNull();
  const texts = async () => (await t.deps.db.select().from(messages)).filter((m) => m.channel === 'sms');
  const textsBefore = (await texts()).length;

  t.clock.advance(6 * 3600_000);
  await runJobs(t);
  await t.dispatch();
  const followUps = (await allMessages(t)).filter((m) => m.template === 'offer-followup');
  expect(followUps.map((m) => `${m.channel}:${m.to}`)).toEqual(['email:sam@example.com']);
  expect(await texts()).toHaveLength(textsBefore); // nothing new for the number that said STOP
});
