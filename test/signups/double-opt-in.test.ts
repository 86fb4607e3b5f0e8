import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

/**
 * A bot fills a stranger's address into the form, again and again, on every
 * product. With double opt-in the stranger gets one confirmation request and
 * nothing else: no place in line, no offers, no "not this time", no follow-ups,
 * however much stock comes back.
 */
describe('double opt-in against bot-filled addresses', () => {
  it('sends the victim exactly one confirmation request, and nothing after any restock', async () => {
    const shop = await shopWithVariant(t, {}, { doubleOptIn: true, quietHours: null });
    for (const id of ['4402', '4403']) await shop.admin('PUT', `/v1/admin/variants/${id}`, { title: `Tee ${id}`, inventory: 0 });
    const answers = [];
    for (let i = 0; i < 4; i++) {
      for (const variantId of ['4401', '4402', '4403']) {
        answers.push((await shop.signup({ email: 'victim@example.com', variantId }, { 'x-forwarded-for': `203.0.113.${i * 3 + Number(variantId.slice(-1))}` })).status);
      }
    }
    // The per-email limit (5 a minute) cuts the bot off as well.
    expect(answers.filter((s) => s === 429).length).toBeGreaterThan(0);
    // Someone real is waiting too, so restocks have a line to serve.
    await shop.signup({ email: 'real@example.com', variantId: '4401' }, { 'x-forwarded-for': '198.51.100.7' });
    const optin = (await allMessages(t)).find((m) => m.to === 'real@example.com')!;
    expect((await t.call('POST', /https:\/\/waitline\.test(\/confirm\/[\w-]+)/.exec(optin.text)![1]!)).status).toBe(200);

    for (const id of ['4401', '4402', '4403']) await shop.admin('POST', `/v1/admin/variants/${id}/inventory`, { adjust: 5 });
    t.clock.advance(7 * 3_600_000); // past followUpAfter
    await runJobs(t);
    t.clock.advance(25 * 3_600_000); // past every hold
    await runJobs(t);

    const toVictim = (await allMessages(t)).filter((m) => m.to === 'victim@example.com');
    expect(toVictim.map((m) => m.template)).toEqual(['signup-optin']);
    const places = (await shop.admin('GET', '/v1/admin/signups?status=pending')).body.signups;
    expect(places.every((s: { email: string }) => s.email === 'victim@example.com')).toBe(true);
    expect(places.length).toBeGreaterThan(0);
    // The real shopper was offered; the victim's places never entered the line.
    expect((await allMessages(t)).filter((m) => m.to === 'real@example.com').map((m) => m.template)).toContain('offer');
  });

  it('still lets a real shopper confirm each place they asked for, from that one email', async () => {
    const shop = await shopWithVariant(t, {}, { doubleOptIn: true });
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'Cap', inventory: 0 });
    await shop.signup({ email: 'me@example.com' });
    await shop.signup({ email: 'me@example.com', variantId: '4402' });
    const optins = (await allMessages(t)).filter((m) => m.template === 'signup-optin');
    expect(optins).toHaveLength(1);
    const link = /https:\/\/waitline\.test(\/confirm\/[\w-]+)/.exec(optins[0]!.text)![1]!;
    expect((await t.call('POST', link)).status).toBe(200);
    const waiting = (await shop.admin('GET', '/v1/admin/signups?status=waiting')).body.signups;
    expect(waiting.map((s: { variantId: string }) => s.variantId).sort()).toEqual(['4401', '4402']);
    // The address is proven now: a later signup joins at once, with the usual confirmation.
    await shop.admin('PUT', '/v1/admin/variants/4403', { title: 'Bag', inventory: 0 });
    const later = await shop.signup({ email: 'me@example.com', variantId: '4403' });
    expect(later.body.signup).toMatchObject({ status: 'waiting', position: 1 });
    expect((await allMessages(t)).filter((m) => m.template === 'signup-optin')).toHaveLength(1);
  });
});
