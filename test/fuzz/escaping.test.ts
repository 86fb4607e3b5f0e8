import fc from 'fast-check';
import twilio from 'twilio';
import { afterEach, expect, it } from 'vitest';
import { emailTemplates } from '../../emails/index.ts';
import { allMessages, type TestEnv } from '../helpers.ts';
import { TWILIO_PUBLIC_URL, TWILIO_TOKEN } from '../webhooks/helpers.ts';
import { SEED, share } from './harness.ts';
import { hostileShop, IMAGE_ORIGIN } from './hostile-shop.ts';
import { MARKUP } from './inputs.ts';
import { fuzzEnv } from './world.ts';

/**
 * Merchant and shopper text reaches shoppers in pages and emails. Whatever
 * markup it holds must arrive escaped: never a live tag or handler, and never
 * a CR/LF that starts a new mail header.
 */
/**
 * What would run: a tag the input opened, or a handler that broke out of an
 * attribute. An escaped `&lt;svg onload=…` is inert text, so `onload=` alone is not a failure.
 */
const RAW = /<(script|img|svg)|<a href="javascript|["']\s*on\w+=/i;
/** The marker shows the hostile text was rendered at all (escaped), so the RAW check cannot pass by rendering nothing. */
const MARK = 'zq7';

/** The first live markup in a document, with some context, or null. */
const raw = (document: string) => {
  // Our own open pixel is the one image an email may carry.
  const html = document
    .replace(/<img src="https:\/\/api\.example-waitlist\.app\/t\/o\/[\w-]+\.gif"/g, '')
    // …and the product's own https image (MJML writes alt first), up to the quote that must still close its attribute.
    .replace(/<img\s+alt="[^"]*"\s+src="https:\/\/cdn\.hostile\.example\/[^"]*"/g, '');
  const at = html.search(RAW);
  return at < 0 ? null : html.slice(Math.max(0, at - 80), at + 80);
};

let t: TestEnv | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const evil = fc.tuple(fc.constantFrom(...MARKUP.filter((m) => /<|on\w+=/.test(m))), fc.constantFrom('', '\r\nBcc: evil@example.com', '{{x}}${y}', '\u202E')).map(([m, tail]) => `${MARK}${m}${tail}`);

async function pages(shop: Awaited<ReturnType<typeof hostileShop>>, env: TestEnv) {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  return [
    await env.call('GET', `/claim/${shop.offerToken}`),
    await env.call('GET', `/u/${shop.contactToken}?s=${shop.waitingToken}`),
    await env.call('GET', `/u/${shop.frenchContactToken}`),
    await env.call('GET', `/keep/${shop.waitingToken}`),
    await env.call('GET', `/b/${shop.backorderToken}`),
    await env.call('POST', `/keep/${shop.waitingToken}`),
    await env.call('GET', shop.confirmPath),
    await env.call('POST', shop.confirmPath),
    await env.call('GET', `/s/${shop.waitingToken}`),
    await env.call('POST', `/s/${shop.waitingToken}`),
    await env.call('POST', `/claim/${shop.offerToken}/rejoin`),
    await env.call('POST', `/u/${shop.contactToken}`, { raw: `action=leave&s=${shop.waitingToken}`, headers: form }),
    await env.call('POST', `/b/${shop.backorderToken}`),
    await env.call('POST', `/u/${shop.frenchContactToken}`, { raw: 'List-Unsubscribe=One-Click', headers: form }),
  ];
}

it('pages escape hostile shop names, item titles and string overrides', async () => {
  let rendered = 0;
  await fc.assert(
    fc.asyncProperty(evil, async (text) => {
      await t?.cleanup();
      t = undefined;
      t = await fuzzEnv();
      const shop = await hostileShop(t, text);
      for (const page of await pages(shop, t)) {
        expect(typeof page.body, `${page.status} ${String(page.body).slice(0, 200)}`).toBe('string');
        expect(raw(page.body), `${page.status} page`).toBeNull();
        if (page.status < 400 || page.status === 410 || page.status === 409) expect(page.body).toContain(MARK);
        rendered += 1;
      }
    }),
    { numRuns: share(12), seed: SEED, endOnFailure: true },
  );
  expect(rendered).toBeGreaterThanOrEqual(14);
});

it('emails escape hostile text in HTML and keep CR/LF out of headers; every template is covered', async () => {
  const templates = new Set<string>();
  let images = 0;
  await fc.assert(
    fc.asyncProperty(evil, async (text) => {
      await t?.cleanup();
      t = undefined;
      t = await fuzzEnv();
      await hostileShop(t, text);
      const messages = await allMessages(t);
      for (const m of messages) {
        const where = `${m.template} (${m.channel}) to ${m.to}`;
        if (m.channel === 'email') {
          templates.add(m.template);
          expect(raw(m.html), where).toBeNull();
          expect(m.html, where).toContain(MARK);
          expect(m.html, where).not.toMatch(/src="(?!https:)/);
          if (m.template === 'offer' && m.html.includes('Product')) images += m.html.includes(`src="${IMAGE_ORIGIN}/p.jpg?x=`) ? 1 : 0;
          for (const [name, value] of Object.entries({ subject: m.subject, from: m.from, ...(m.headers as Record<string, string>) })) {
            expect(String(value), `${where}: header ${name}`).not.toMatch(/[\r\n]/);
          }
        }
      }
    }),
    { numRuns: share(8), seed: SEED, endOnFailure: true },
  );
  // A template that no scenario reaches is a template this test does not protect.
  const missing = Object.keys(emailTemplates).filter((name) => !templates.has(name));
  expect(missing).toEqual([]);
  expect(images).toBeGreaterThan(0); // the product image was rendered, escaped, not merely absent
});

it('the TwiML answer to HELP escapes the shop name and contact line', async () => {
  t = await fuzzEnv();
  await hostileShop(t, `${MARK}<script>alert(1)</script>`);
  const params = { MessageSid: 'SM0000000000000000000000000000help', From: '+14155550123', To: '+15005550006', Body: 'HELP' };
  const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${TWILIO_PUBLIC_URL}/webhooks/twilio/inbound`, params);
  const res = await t.call('POST', '/webhooks/twilio/inbound', { raw: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
  expect(res.body).toContain(`${MARK}&lt;script&gt;`);
  expect(raw(res.body)).toBeNull();
});
