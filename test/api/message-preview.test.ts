import { afterEach, beforeEach, expect, it } from 'vitest';
import { runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const ORIGIN = 'https://waitline.test';
const urlsIn = (html: string) => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

it("the dashboard's preview carries no open pixel and no tracked link, so looking is not an open", async () => {
  const shop = await shopWithVariant(t, { inventory: 0 }, { quietHours: null });
  await shop.signup({ email: 'jane@example.com' });
  await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
  const offer = async () => (await shop.admin('GET', '/v1/admin/messages?template=offer')).body.messages[0];

  for (const moment of ['queued', 'sent']) {
    if (moment === 'sent') await t.dispatch();
    const m = await offer();
    expect(m.status, moment).toBe(moment);
    // As sent, the HTML is tracked; the preview is not, and its buttons go straight to their targets.
    expect(m.html).toContain(`${ORIGIN}/t/o/`);
    expect(m.html).toContain(`${ORIGIN}/t/c/`);
    expect(m.previewHtml).not.toContain('/t/o/');
    expect(m.previewHtml).not.toContain('/t/c/');
    expect(urlsIn(m.previewHtml)).toContain(urlsIn(m.html).map((u) => new URL(u).searchParams.get('u')).find((u) => u?.includes('/claim/')));
    // Everything the preview could load from us: no open, no click.
    for (const url of urlsIn(m.previewHtml).filter((u) => u.startsWith(ORIGIN) && !u.includes('/claim/'))) await t.call('GET', url.slice(ORIGIN.length));
    expect(await offer()).toMatchObject({ openedAt: null, clickedAt: null });
  }
  // Unopened, the shopper still gets the follow-up.
  t.clock.advance(7 * 3600_000);
  await runJobs(t);
  expect((await shop.admin('GET', '/v1/admin/messages?template=offer-followup')).body.messages).toHaveLength(1);
});
