import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { execute, first, rows } from '../../db/raw.ts';
import { transaction } from '../../db/transaction.ts';
import { allMessages, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

/**
 * Issue 14, points 1–3: a stranger who knows a shopper's email or phone cannot
 * take their place, their hold, their channel or their consent, and a mail
 * scanner's GET confirms nothing.
 */
let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_LINK_RESEND_MS: '60000' });
});
afterEach(() => t.cleanup());

const HOUR = 3_600_000;
const linkIn = (text: string, path: string) => new RegExp(`https://waitline\\.test(/${path}/[\\w-]+)`).exec(text)?.[1];
const contactRow = async (email: string) =>
  (await first<Record<string, unknown>>(t.deps.db, sql`select phone, email, email_opt_out_at as "optOut", sms_consent_at as consent from contacts where email = ${email}`))!;

describe('a repeat signup', () => {
  it('never hands out the place: the attacker gets no token, the owner gets their link by email, once per period', async () => {
    const shop = await shopWithVariant(t, { url: 'https://acme.example/p/tee' }, { quietHours: null });
    const victim = await shop.signup({ email: 'victim@example.com' });
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });

    const attack = await shop.signup({ email: 'Victim@Example.com' }, { 'x-forwarded-for': '203.0.113.9' });
    expect(attack.status).toBe(200);
    expect(attack.body).toEqual({ signup: { status: 'exists', variantId: '4401' } });
    const raw = JSON.stringify(attack.body);
    const holdToken = (await t.call('GET', `/v1/storefront/signups/${victim.body.signup.token}`)).body.signup.offer.claimUrl.split('/claim/')[1];
    expect(raw).not.toContain(victim.body.signup.token);
    expect(raw).not.toContain(holdToken);

    // The owner hears of it, with the place's own link; asking again within the period sends nothing more.
    await shop.signup({ email: 'victim@example.com' }, { 'x-forwarded-for': '203.0.113.10' });
    const reminders = (await allMessages(t)).filter((m) => m.template === 'signup-exists');
    expect(reminders.map((m) => m.to)).toEqual(['victim@example.com']);
    const manage = linkIn(reminders[0]!.text, 's')!;
    expect(manage).toBe(`/s/${victim.body.signup.token}`);
    t.clock.advance(61_000);
    await shop.signup({ email: 'victim@example.com' }, { 'x-forwarded-for': '203.0.113.11' });
    expect((await allMessages(t)).filter((m) => m.template === 'signup-exists')).toHaveLength(2);

    // The owner's page shows the hold; only the owner's link can leave.
    const page = await t.call('GET', manage);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`/claim/${holdToken}`);
    expect((await t.call('GET', `/v1/storefront/signups/${victim.body.signup.token}`)).body.signup.status).toBe('offered');
    const left = await t.call('POST', manage, { raw: 'action=leave', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(left.status).toBe(200);
    expect((await t.call('GET', `/v1/storefront/signups/${victim.body.signup.token}`)).body.signup.status).toBe('cancelled');
  });

  it('texts the link to a contact we can only text', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    await shop.signup({ phone: '+14155550123', smsConsent: true });
    const again = await shop.signup({ phone: '+1 415 555 0123', smsConsent: true });
    expect(again.body).toEqual({ signup: { status: 'exists', variantId: '4401' } });
    const sms = (await allMessages(t)).filter((m) => m.template === 'signup-exists');
    expect(sms.map((m) => [m.channel, m.to])).toEqual([['sms', '+14155550123']]);
    expect(sms[0]!.text).toMatch(/https:\/\/waitline\.test\/s\/[\w-]+/);
  });
});

describe('a signup cannot change who a contact is', () => {
  it('keeps the stored phone until the contact confirms a new one from their own inbox', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    await shop.signup({ email: 'victim@example.com', phone: '+14155550123', smsConsent: true });
    await shop.signup({ email: 'victim@example.com', phone: '+14155559999', smsConsent: true }, { 'x-forwarded-for': '203.0.113.9' });
    expect((await contactRow('victim@example.com')).phone).toBe('+14155550123');

    // A restock texts the number the victim gave, never the attacker's.
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const all = await allMessages(t);
    expect(all.filter((m) => m.to === '+14155559999')).toEqual([]);
    expect(all.filter((m) => m.template === 'offer').map((m) => m.to).sort()).toEqual(['+14155550123', 'victim@example.com']);

    // The confirmation went to the existing inbox, with the new number masked.
    const ask = all.find((m) => m.template === 'contact-confirm')!;
    expect(ask).toMatchObject({ channel: 'email', to: 'victim@example.com' });
    expect(ask.text).toContain('•••9999');
    expect(ask.text).not.toContain('+14155559999');
    const link = linkIn(ask.text, 'confirm')!;
    expect((await t.call('GET', link)).status).toBe(200);
    expect((await contactRow('victim@example.com')).phone).toBe('+14155550123');
    expect((await t.call('POST', link)).status).toBe(200);
    expect((await contactRow('victim@example.com')).phone).toBe('+14155559999');
    expect((await t.call('POST', link)).status).toBe(409);
  });

  it('cannot bomb an inbox with confirmation links by asking for ever new numbers: emailCapPerDay holds', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    await shop.signup({ email: 'victim@example.com' });
    for (let i = 0; i < 8; i++) {
      t.clock.advance(61_000); // past the per-email rate limit: the cap is what must hold
      await shop.signup({ email: 'victim@example.com', phone: `+1415555${String(1000 + i)}`, smsConsent: true }, { 'x-forwarded-for': `203.0.113.${i}` });
    }
    const toVictim = (await allMessages(t)).filter((m) => m.to === 'victim@example.com');
    expect(toVictim.filter((m) => m.status !== 'suppressed')).toHaveLength(5);
    expect((await contactRow('victim@example.com')).phone).toBeNull();
  });

  it('keeps a phone-only contact without the attacker’s email, and asks the phone', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    await shop.signup({ phone: '+14155550123', smsConsent: true });
    await shop.signup({ email: 'attacker@example.com', phone: '+14155550123', smsConsent: true }, { 'x-forwarded-for': '203.0.113.9' });
    const contacts = await rows(t.deps.db, sql`select email, phone from contacts`);
    expect(contacts).toEqual([{ email: null, phone: '+14155550123' }]);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const all = await allMessages(t);
    expect(all.filter((m) => m.to === 'attacker@example.com')).toEqual([]);
    expect(all.find((m) => m.template === 'contact-confirm')).toMatchObject({ channel: 'sms', to: '+14155550123' });
  });

  it('never lifts an opt-out: only a link that reaches that inbox, then a POST, does', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    await shop.signup({ email: 'victim@example.com' });
    const confirmation = (await allMessages(t))[0]!;
    await t.call('POST', confirmation.headers['List-Unsubscribe'].slice(1, -1).replace('https://waitline.test', ''), { raw: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const optedOut = (await contactRow('victim@example.com')).optOut;
    expect(optedOut).not.toBeNull();

    // A bot signs the address up again, twice, on another product too.
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'Cap', inventory: 0 });
    await shop.signup({ email: 'victim@example.com' }, { 'x-forwarded-for': '203.0.113.9' });
    await shop.signup({ email: 'victim@example.com', variantId: '4402' }, { 'x-forwarded-for': '203.0.113.10' });
    expect((await contactRow('victim@example.com')).optOut).toBe(optedOut);
    await shop.admin('POST', '/v1/admin/variants/4402/inventory', { available: 3 });
    await runJobs(t);
    const after = (await allMessages(t)).slice(1);
    // One way back, and nothing else: no confirmation, no offer.
    expect(after.map((m) => m.template)).toEqual(['email-resubscribe']);
    expect(await t.dispatch()).toMatchObject({ sent: 1 });

    const link = linkIn(after[0]!.text, 'confirm')!;
    await t.call('GET', link);
    expect((await contactRow('victim@example.com')).optOut).toBe(optedOut);
    expect((await t.call('POST', link)).status).toBe(200);
    expect((await contactRow('victim@example.com')).optOut).toBeNull();
  });

  it('never lets an order lift an opt-out either', async () => {
    const shop = await shopWithVariant(t, { inventory: 5 }, { quietHours: null });
    await shop.signup({ email: 'buyer@example.com' });
    await transaction(t.deps.db, (tx) => execute(tx, sql`update contacts set email_opt_out_at = ${t.clock.now().getTime()}`));
    await shop.admin('POST', '/v1/admin/orders', { id: 'o-1', email: 'buyer@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
    expect((await contactRow('buyer@example.com')).optOut).not.toBeNull();
  });
});

describe('double opt-in and links', () => {
  it('confirms with a confirm-only token by POST; the signup token and a GET confirm nothing', async () => {
    const shop = await shopWithVariant(t, {}, { doubleOptIn: true });
    const res = await shop.signup({ email: 'a@example.com' });
    const token = res.body.signup.token;
    expect((await t.call('GET', `/confirm/${token}`)).status).toBe(404);
    expect((await t.call('POST', `/confirm/${token}`)).status).toBe(404);
    const link = linkIn((await allMessages(t))[0]!.text, 'confirm')!;
    for (let i = 0; i < 3; i++) expect((await t.call('GET', link)).status).toBe(200);
    expect((await t.call('GET', `/v1/storefront/signups/${token}`)).body.signup.status).toBe('pending');
    // Stored as a hash: the database holds no working link.
    const stored = (await rows<{ hash: string }>(t.deps.db, sql`select token_hash as hash from contact_confirmations`)).map((r) => r.hash);
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toBe(link.split('/').pop());
    expect((await t.call('POST', link)).status).toBe(200);
    expect((await t.call('GET', `/v1/storefront/signups/${token}`)).body.signup.status).toBe('waiting');
  });

  it('expires a confirmation link', async () => {
    const shop = await shopWithVariant(t, {}, { doubleOptIn: true });
    await shop.signup({ email: 'a@example.com' });
    const link = linkIn((await allMessages(t))[0]!.text, 'confirm')!;
    t.clock.advance(7 * 24 * HOUR);
    expect((await t.call('GET', link)).status).toBe(409);
    expect((await t.call('POST', link)).status).toBe(409);
  });
});
