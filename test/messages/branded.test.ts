import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

/*
 * Issue 21: every email is the MJML kit's table layout with the shop's logo and
 * colour, a preheader, the item's card and dark-mode styles, and says the same
 * in its plain-text part; an order text leads with the order name.
 */
let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const IMAGE = 'https://cdn.acme.example/ocean-tee.jpg';
const LOGO = 'https://cdn.acme.example/logo.png';

async function brandedShop(brand: Record<string, unknown>) {
  const shop = await shopWithVariant(t, { imageUrl: IMAGE, title: 'Navy / M' }, { brand, quietHours: null });
  await shop.signup({ email: 'ann@example.com' });
  await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
  await runJobs(t);
  await t.dispatch();
  const mails = (await allMessages(t)).filter((m) => m.channel === 'email');
  return { shop, confirmation: mails.find((m) => m.template === 'signup-confirmation')!, offer: mails.find((m) => m.template === 'offer')! };
}

describe('branded emails', () => {
  it('are tables with the logo, the brand colour, a preheader, the item card and dark-mode styles', async () => {
    const { offer, confirmation } = await brandedShop({ logoUrl: LOGO, color: '#0F766E' });
    for (const m of [offer, confirmation]) {
      expect(m.html).toMatch(/<table[^>]+role="presentation"/);
      expect(m.html).toContain('<!--[if mso | IE]>');
      expect(m.html).toContain(`src="${LOGO}"`);
      expect(m.html).toContain(`src="${IMAGE}"`);
      expect(m.html).toContain('Ocean Tee');
      expect(m.html).toContain('Navy / M');
      expect(m.html).toContain('$25.00');
      expect(m.html).toContain('<meta name="color-scheme" content="light dark"');
      expect(m.html).toContain('prefers-color-scheme: dark');
      expect(m.html).toContain('<html lang="en"');
      // The text part names the item card too, and reads on its own: no markup.
      expect(m.text).toContain('Ocean Tee\nNavy / M\nPrice: $25.00');
      expect(m.text).not.toMatch(/<\w/);
    }
    // The preheader is the first paragraph, hidden, ahead of the body.
    const hidden = /<div style="display:none;[^"]*">([^<]*)/.exec(offer.html)![1]!;
    expect(hidden).toMatch(/^1 was restocked and you were #1 in line/);
    // The button wears the brand colour, with white text (it reads on teal at 4.5:1 and more).
    expect(offer.html).toMatch(/background:#0f766e[^"]*"[\s\S]{0,400}?color:#ffffff/);
  });

  it('a light brand colour gets dark button text; without a logo the shop name heads the email', async () => {
    const { offer } = await brandedShop({ logoUrl: null, color: '#fde047' });
    expect(offer.html).not.toContain(LOGO);
    expect(offer.html).toMatch(/font-weight:600[^>]*>Acme Goods</);
    expect(offer.html).toMatch(/background:#fde047[^"]*"[\s\S]{0,400}?color:#1a1a1a/);
  });

  it('refuses a logo that is not https and a colour that is not #rrggbb, and stores nothing', async () => {
    const shop = await t.createShop();
    for (const [brand, field] of [
      [{ logoUrl: 'http://cdn.acme.example/logo.png', color: '#000000' }, 'brand.logoUrl'],
      [{ logoUrl: 'javascript:alert(1)', color: '#000000' }, 'brand.logoUrl'],
      [{ logoUrl: null, color: 'red' }, 'brand.color'],
      [{ logoUrl: null, color: '#fff' }, 'brand.color'],
    ] as const) {
      const res = await shop.admin('PATCH', '/v1/admin/settings', { brand });
      expect([res.status, res.body.error.field]).toEqual([400, field]);
    }
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings.brand).toEqual({ logoUrl: null, color: '#1a1a1a' });
  });

  it('escapes merchant text in every place it goes, attributes included', async () => {
    const shop = await shopWithVariant(
      t,
      { productTitle: 'Tee "Ocean" & Co', title: "'M'", imageUrl: 'https://cdn.acme.example/a.jpg?x="><b>' },
      { brand: { logoUrl: 'https://cdn.acme.example/l.png?a=1&b=2', color: '#000000' }, quietHours: null },
    );
    await shop.signup({ email: 'ann@example.com' });
    await t.dispatch();
    const [m] = (await allMessages(t)).filter((x) => x.channel === 'email');
    expect(m!.html).toContain('Tee &quot;Ocean&quot; &amp; Co');
    expect(m!.html).toContain('&#39;M&#39;');
    expect(m!.html).toContain('alt="Tee &quot;Ocean&quot; &amp; Co"');
    expect(m!.html).toContain('src="https://cdn.acme.example/l.png?a=1&amp;b=2"');
    expect(m!.html).toContain('src="https://cdn.acme.example/a.jpg?x=%22%3E%3Cb%3E"');
    expect(m!.html).not.toContain('<b>');
  });
});

describe('order and place messages end with what the customer knows (issue 22, point 1)', () => {
  it('the acknowledgement names the order, the next update date and the status page, which answers', async () => {
    const shop = await shopWithVariant(t, { eta: { earliest: '2026-03-20', latest: '2026-03-27' } }, { quietHours: null, timezone: 'America/New_York', backorderCadence: { refine: 'P3D', status: 'P7D', cancelOffer: 'P14D' } });
    await shop.admin('POST', '/v1/admin/orders', { id: 'o1', name: '#1042', email: 'jane@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
    await t.dispatch();
    const ack = (await allMessages(t)).find((m) => m.template === 'backorder-ack')!;
    const next = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'America/New_York' }).format(new Date(t.clock.now().getTime() + 3 * 86_400_000));
    expect(ack.text).toContain('Order #1042');
    expect(ack.text).toContain(`Next update by ${next}, sooner if anything changes.`);
    const status = /Check status: (https:\/\/waitline\.test(\/s\/[\w-]+))/.exec(ack.text)!;
    expect(ack.html).toContain(`href="${status[1]}"`);
    const page = await t.call('GET', status[2]!);
    expect(page.status).toBe(200);
    expect(page.body).toContain('#1042');
    // An ETA change a day later says when the next scheduled update is due: still day 3.
    t.clock.advance(86_400_000);
    expect((await shop.admin('POST', '/v1/admin/variants/4401/eta', { earliest: '2026-03-24', latest: '2026-03-31', reason: 'The ship is late.' })).body).toMatchObject({ notified: 1 });
    const moved = (await allMessages(t)).find((m) => m.template === 'eta-changed')!;
    expect(moved.text).toContain(`Next update by ${next}, sooner if anything changes.`);
  });

  it('a place’s confirmation links its page; an order message whose body names the order does not repeat it', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    await shop.signup({ email: 'ann@example.com' });
    await t.dispatch();
    const confirmation = (await allMessages(t)).find((m) => m.template === 'signup-confirmation')!;
    const link = /Check status: https:\/\/waitline\.test(\/s\/[\w-]+)/.exec(confirmation.text)![1]!;
    expect((await t.call('GET', link)).status).toBe(200);
    expect(confirmation.text).not.toContain('Next update by');
  });
});
