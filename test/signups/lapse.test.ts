import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, rowCounts, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { lapseSweep, scheduleLapseSweep } from '../../server/services/signups/lapse.ts';

const DAY = 86_400_000;
let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_SWEEP_MS: '3600000' });
});
afterEach(() => t.cleanup());

const statusOf = async (token: string) => (await t.call('GET', `/v1/storefront/signups/${token}`)).body.signup;
const lapseMessages = async () => (await allMessages(t)).filter((m) => m.template === 'still-interested');

describe('signupTtl: "still interested?", then lapse', () => {
  it('asks a week before the TTL, lapses the unanswered, and keeps those who tap "keep my place"', async () => {
    const shop = await shopWithVariant(t, {}, { signupTtl: 'P30D' });
    const ann = (await shop.signup({ email: 'ann@example.com' })).body.signup;
    const bob = (await shop.signup({ email: 'bob@example.com' })).body.signup;
    t.clock.advance(10 * DAY);
    const cy = (await shop.signup({ email: 'cy@example.com' })).body.signup;

    // Day 22: nobody is near the end yet.
    t.clock.advance(12 * DAY);
    expect(await lapseSweep(t.deps)).toEqual({ asked: 0, lapsed: 0 });
    // Day 23 (30 − 7): Ann and Bob are asked, once, with their place and a deadline.
    t.clock.advance(1 * DAY);
    expect(await lapseSweep(t.deps)).toEqual({ asked: 2, lapsed: 0 });
    expect(await lapseSweep(t.deps)).toEqual({ asked: 0, lapsed: 0 });
    const asked = await lapseMessages();
    expect(asked.map((m) => [m.to, m.subject])).toEqual([
      ['ann@example.com', 'Still want Ocean Tee – S? Keep your place (#1)'],
      ['bob@example.com', 'Still want Ocean Tee – S? Keep your place (#2)'],
    ]);
    expect(asked[0]!.text).toContain(`https://waitline.test/keep/${ann.token}`);
    expect(asked[0]!.text).toContain('Apr 1, 2026');

    // Bob keeps his place: the GET page asks and changes nothing; the button POSTs.
    const page = await t.call('GET', `/keep/${bob.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Keep your place in line for Ocean Tee – S? You're #2.");
    const kept = await t.call('POST', `/keep/${bob.token}`);
    expect(kept.body).toContain("Done: you're still #2 in line for Ocean Tee – S.");

    // Day 30: Ann lapses; Bob moves up to #1; Cy (joined day 10) is not due yet.
    t.clock.advance(7 * DAY);
    expect(await lapseSweep(t.deps)).toEqual({ asked: 0, lapsed: 1 });
    expect((await statusOf(ann.token)).status).toBe('lapsed');
    expect(await statusOf(bob.token)).toMatchObject({ status: 'waiting', position: 1 });
    expect(await statusOf(cy.token)).toMatchObject({ status: 'waiting', position: 2 });

    // Bob's clock restarted at day 23: he is asked again at day 46, Cy at day 33.
    t.clock.advance(3 * DAY);
    expect(await lapseSweep(t.deps)).toEqual({ asked: 1, lapsed: 0 });
    t.clock.advance(13 * DAY);
    expect(await lapseSweep(t.deps)).toEqual({ asked: 1, lapsed: 1 });
    expect((await lapseMessages()).map((m) => m.to)).toEqual(['ann@example.com', 'bob@example.com', 'cy@example.com', 'bob@example.com']);

    // A lapsed shopper can join again, at the back.
    const again = await shop.signup({ email: 'ann@example.com' });
    expect(again.status).toBe(201);
  });

  it('is off by default, never lapses pre-orders or people holding an offer, and ignores other shops', async () => {
    const off = await shopWithVariant(t);
    await off.signup({ email: 'old@example.com' });
    const other = await t.createShop('Other', { signupTtl: 'PT20S' });
    await other.admin('PUT', '/v1/admin/variants/9', { title: 'Mug', mode: 'preorder', inventory: 0 });
    await t.call('POST', '/v1/storefront/signups', { body: { key: other.pk, variantId: '9', email: 'pre@example.com', kind: 'preorder' } });
    await other.admin('PUT', '/v1/admin/variants/10', { title: 'Cup', inventory: 0 });
    const held = (await t.call('POST', '/v1/storefront/signups', { body: { key: other.pk, variantId: '10', email: 'held@example.com' } })).body.signup;
    await other.admin('POST', '/v1/admin/variants/10/inventory', { adjust: 1 });
    t.clock.advance(365 * DAY);
    expect(await lapseSweep(t.deps)).toEqual({ asked: 0, lapsed: 0 });
    expect((await statusOf(held.token)).status).toBe('offered');
  });

  it('runs down to seconds on the scheduled sweep, and an SMS-only contact is texted', async () => {
    await t.cleanup();
    t = await setup({ WAITLINE_SWEEP_MS: '5000' });
    const shop = await shopWithVariant(t, {}, { signupTtl: 'PT20S' });
    const s = (await shop.signup({ phone: '+14155550100', smsConsent: true })).body.signup;
    await scheduleLapseSweep(t.deps); // as server/index.ts does at start
    t.clock.advance(10_000);
    await runJobs(t);
    const texts = (await allMessages(t)).filter((m) => m.template === 'still-interested');
    expect(texts).toHaveLength(1);
    expect(texts[0]!.channel).toBe('sms');
    expect(texts[0]!.text).toContain(`https://waitline.test/keep/${s.token}`);
    expect(texts[0]!.text.length).toBeLessThanOrEqual(160);
    t.clock.advance(10_000);
    await runJobs(t);
    expect((await statusOf(s.token)).status).toBe('lapsed');
  });

  it('answers an unknown or malformed token with a page, not an error, and changes nothing', async () => {
    await shopWithVariant(t, {}, { signupTtl: 'P30D' });
    const before = await rowCounts(t);
    expect((await t.call('GET', '/keep/unknown_token_123')).status).toBe(404);
    expect((await t.call('POST', '/keep/unknown_token_123')).status).toBe(404);
    expect((await t.call('POST', '/keep/<script>')).status).toBe(400);
    expect(await rowCounts(t)).toEqual(before);
  });

  it('says so when the place is gone (cancelled) and does not revive it', async () => {
    const shop = await shopWithVariant(t, {}, { signupTtl: 'P30D' });
    const s = (await shop.signup({ email: 'gone@example.com' })).body.signup;
    await t.call('DELETE', `/v1/storefront/signups/${s.token}`);
    const res = await t.call('POST', `/keep/${s.token}`);
    expect(res.status).toBe(409);
    expect(res.body).toContain('This place is no longer in line');
    expect((await statusOf(s.token)).status).toBe('cancelled');
  });
});
