import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

/** Issue 15, points 3, 4, 6 (footers), 8 and 9: what the outbox says after scripted stories is true. */
let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const DAY = 86_400_000;
const ETA = { earliest: '2026-03-20', latest: '2026-03-27' };
const mail = async (to: string) => (await allMessages(t)).filter((m) => m.to === to && m.channel === 'email');
const body = (text: string) => text.split('\n--\n')[0]!;
const footer = (text: string) => text.split('\n--\n')[1]!;
const order = (shop: Shop, id: string) =>
  shop.admin('POST', '/v1/admin/orders', { id, email: `${id}@example.com`, currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });

async function advanceDays(days: number) {
  for (let i = 0; i < days; i++) {
    t.clock.advance(DAY);
    await runJobs(t);
  }
}

/** The day-3 mail after the ETA did `move` (or nothing) on day 1. */
async function dayThree(move: Record<string, string> | null) {
  const shop = await shopWithVariant(t, { eta: ETA });
  await order(shop, 'o1');
  t.clock.advance(DAY);
  if (move) expect((await shop.admin('POST', '/v1/admin/variants/4401/eta', move)).body).toMatchObject({ changed: true });
  await advanceDays(2);
  return (await mail('o1@example.com')).find((m) => m.props.stage === 'refine')!;
}

describe('3. every customer-facing ETA is a range', () => {
  it('the ETA-change subject names both ends of the new range', async () => {
    const shop = await shopWithVariant(t, { eta: ETA });
    await order(shop, 'o1');
    await shop.admin('POST', '/v1/admin/variants/4401/eta', { earliest: '2026-04-10', latest: '2026-04-17' });
    const changed = (await mail('o1@example.com')).find((m) => m.template === 'eta-changed')!;
    expect(changed.subject).toBe('New dates for Ocean Tee – S: Apr 10, 2026 – Apr 17, 2026');
  });

  it('"shipping soon" gives the range, not "expected from" one date', async () => {
    const shop = await shopWithVariant(t, { mode: 'preorder', preorderLimit: 10, eta: { earliest: '2026-03-22', latest: '2026-03-29' } });
    await shop.signup({ email: 'a@example.com' });
    t.clock.set('2026-03-19T00:00:00Z');
    await runJobs(t);
    const soon = (await mail('a@example.com')).find((m) => m.props.stage === 'soon')!;
    expect(soon.text).toContain('Ocean Tee – S is expected between Mar 22, 2026 and Mar 29, 2026.');
    expect(soon.text).not.toContain('expected from');
  });
});

describe('4. the day-3 mail says what the date did, with the reason', () => {
  it('a slip of three weeks is "later", with the reason, never "good news" or "confirmed"', async () => {
    const refine = await dayThree({ earliest: '2026-04-10', latest: '2026-04-17', reason: 'The supplier missed the sailing.' });
    expect(refine.text).toContain('We are sorry: Ocean Tee – S is now expected between Apr 10, 2026 and Apr 17, 2026, later than the Mar 20, 2026 – Mar 27, 2026 we told you.');
    expect(refine.text).toContain('Why: The supplier missed the sailing.');
    expect(refine.text).not.toMatch(/good news|confirmed/i);
    expect(refine.props).toMatchObject({ outcome: 'later', told: ETA });
  });

  it('a move forward is "earlier"', async () => {
    const refine = await dayThree({ earliest: '2026-03-12', latest: '2026-03-16', reason: 'Air freight.' });
    expect(refine.text).toContain('Sooner than we said: Ocean Tee – S is now expected between Mar 12, 2026 and Mar 16, 2026, earlier than the Mar 20, 2026 – Mar 27, 2026 we told you.');
    expect(refine.text).toContain('Why: Air freight.');
  });

  it('an ETA that did not move says it still holds', async () => {
    const refine = await dayThree(null);
    expect(refine.text).toContain('Your date has not changed: Ocean Tee – S is still expected between Mar 20, 2026 and Mar 27, 2026.');
    expect(refine.text).not.toMatch(/good news|checking/i);
  });
});

describe('6. the footer says why this person gets this message', () => {
  it('an order hears about its order, with no waitlist to leave', async () => {
    const shop = await shopWithVariant(t, { eta: ETA });
    await order(shop, 'o1');
    await shop.admin('POST', '/v1/admin/variants/4401/eta', { earliest: '2026-04-10', latest: '2026-04-17' });
    const [ack, changed] = await mail('o1@example.com');
    for (const m of [ack!, changed!]) {
      expect(footer(m.text)).toContain('You are getting this because you placed an order for Ocean Tee – S at Acme Goods.');
      expect(m.text).not.toMatch(/waitlist/i);
      expect(m.html).not.toMatch(/waitlist/i);
    }
  });

  it('a waitlist place and a pre-order each hear their own reason', async () => {
    const shop = await shopWithVariant(t);
    await shop.signup({ email: 'w@example.com' });
    await shop.admin('PUT', '/v1/admin/variants/4401', { mode: 'preorder', preorderLimit: 5, eta: ETA });
    await shop.signup({ email: 'p@example.com' });
    expect(footer((await mail('w@example.com'))[0]!.text)).toContain('because you joined the waitlist for Ocean Tee – S at Acme Goods.');
    expect(footer((await mail('p@example.com'))[0]!.text)).toContain('because you pre-ordered Ocean Tee – S at Acme Goods.');
  });
});

describe('8. counts follow the language’s plural rules', () => {
  it('"1 was restocked … 1 is held", "2 were restocked … 2 are held", in English and French', async () => {
    const shop = await shopWithVariant(t);
    await shop.signup({ email: 'one@example.com' });
    await shop.signup({ email: 'fr@example.com', quantity: 2, locale: 'fr' });
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    expect(body((await mail('one@example.com')).at(-1)!.text)).toContain('1 was restocked and you were #1 in line, so 1 is held for you');
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { adjust: 2 });
    const fr = body((await mail('fr@example.com')).at(-1)!.text);
    expect(fr).toContain('2 unités ont été réapprovisionnées');
    expect(fr).toContain('2 unités vous sont réservées');
  });
});

describe('9. the offer names the product in its body', () => {
  it('title, variant, price and the shop’s https image, in both parts', async () => {
    const shop = await shopWithVariant(t, { imageUrl: 'https://cdn.acme.example/tee.jpg?v=2&w=480' });
    await shop.signup({ email: 'a@example.com' });
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const offer = (await mail('a@example.com')).find((m) => m.template === 'offer')!;
    expect(body(offer.text)).toContain('Ocean Tee\nS\nPrice: $25.00');
    expect(offer.html).toMatch(/<img\s+alt="Ocean Tee"\s+src="https:\/\/cdn\.acme\.example\/tee\.jpg\?v=2&amp;w=480"/);
    expect(offer.html).toMatch(/font-weight:700[^>]*>Ocean Tee</);
  });

  it('a plain-http image is left out rather than sent', async () => {
    const shop = await shopWithVariant(t, { imageUrl: 'http://cdn.acme.example/tee.jpg' });
    await shop.signup({ email: 'a@example.com' });
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const offer = (await mail('a@example.com')).find((m) => m.template === 'offer')!;
    expect(offer.html).not.toContain('cdn.acme.example');
    expect(body(offer.text)).toContain('Ocean Tee\nS\nPrice: $25.00');
  });
});
