import { afterEach, describe, expect, it } from 'vitest';
import { rowCounts, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

// The basic per-IP and per-email limits are in storefront-signups.test.ts; these
// are the abuse cases around them: bursts, stored state, and who the client is.
let t: TestEnv;
afterEach(() => t.cleanup());

const from = (ip: string) => ({ 'x-forwarded-for': ip });

describe('signup abuse', () => {
  it('a burst of 30 at once from one IP: exactly 20 are stored, 10 get 429 with Retry-After', async () => {
    t = await setup();
    const shop = await shopWithVariant(t);
    // Concurrent, so they share group commits: the limit is counted before any write.
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => shop.signup({ email: `b${i}@example.com` }, from('203.0.113.7'))));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(10);
    for (const a of limited) {
      expect(a.body.error.code).toBe('rate_limited');
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect(await rowCounts(t)).toMatchObject({ signups: 20, contacts: 20, messages: 20 });
    // Positions are still a clean 1..20.
    const positions = answers.filter((a) => a.status === 201).map((a) => a.body.signup.position);
    expect(positions.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('the 6th signup for one email (from six IPs) is 429 and stores nothing; after the window it is accepted', async () => {
    t = await setup();
    const shop = await shopWithVariant(t);
    for (let i = 0; i < 5; i++) expect((await shop.signup({ email: 'same@example.com' }, from(`198.51.100.${i}`))).status).toBeLessThan(300);
    const before = await rowCounts(t);
    const limited = await shop.signup({ email: 'Same@Example.com' }, from('198.51.100.77'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await rowCounts(t)).toEqual(before);

    t.clock.advance(60_000);
    const again = await shop.signup({ email: 'same@example.com' }, from('198.51.100.78'));
    expect(again.status).toBe(200); // the same place, kept
    expect(again.body.signup).toEqual({ status: 'exists', variantId: '4401' });
  });

  it('the 21st from one IP stores nothing, other shoppers are not affected, and the next minute is open again', async () => {
    t = await setup();
    const shop = await shopWithVariant(t);
    for (let i = 0; i < 20; i++) await shop.signup({ email: `p${i}@example.com` }, from('203.0.113.9'));
    const before = await rowCounts(t);
    const limited = await shop.signup({ email: 'p20@example.com' }, from('203.0.113.9'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await rowCounts(t)).toEqual(before);
    // Invalid bodies count too: a bot cannot probe for free.
    expect((await shop.signup({ email: 'not-an-email' }, from('203.0.113.9'))).status).toBe(429);
    expect((await shop.signup({ email: 'someone@example.com' }, from('203.0.113.10'))).status).toBe(201);
    t.clock.advance(60_000);
    expect((await shop.signup({ email: 'p20@example.com' }, from('203.0.113.9'))).status).toBe(201);
  });

  it('honours X-Forwarded-For only with WAITLINE_TRUST_PROXY', async () => {
    t = await setup({ WAITLINE_TRUST_PROXY: '' });
    const shop = await shopWithVariant(t);
    // Without a trusted proxy a client cannot spread itself over made-up addresses.
    const answers = [];
    for (let i = 0; i < 21; i++) answers.push((await shop.signup({ email: `x${i}@example.com` }, from(`192.0.2.${i}`))).status);
    expect(answers.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(answers[20]).toBe(429);
    await t.cleanup();

    t = await setup({ WAITLINE_TRUST_PROXY: '1' });
    const trusted = await shopWithVariant(t);
    for (let i = 0; i < 21; i++) expect((await trusted.signup({ email: `x${i}@example.com` }, from(`192.0.2.${i}`))).status).toBe(201);
  });
});
