import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { TestEnv } from '../helpers.ts';
import { fuzz, requestCounts, share, type Req } from './harness.ts';
import { bodyFor, contentType, forwardedFor, hostileString, queryFor, segment } from './inputs.ts';
import { fuzzSuite, type Shop } from './world.ts';

/** The widget's routes take a public key and arbitrary shopper input: none of it may crash them or slip past validation. */
let t: TestEnv;
let shop: Shop;
fuzzSuite('storefront', {}, (env, populated) => ([t, shop] = [env, populated]));

/** Mostly the shop's own page (or none, server to server), sometimes a foreign, opaque or doubled origin. */
const origin = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Array<[string, string]>>([], [['origin', 'https://acme.example']]) },
  { weight: 1, arbitrary: fc.constantFrom<Array<[string, string]>>([['origin', 'https://evil.example']], [['origin', 'null']], [['origin', 'https://acme.example'], ['origin', 'https://evil.example']]) },
);
const key = () => fc.oneof(fc.constant(shop.pk), fc.constant(shop.sk), hostileString.filter((s) => s.length < 300), fc.constant(`${shop.pk}x`));
const token = () => fc.oneof(fc.constantFrom(...shop.signupTokens, ...shop.offerTokens, ...shop.contactTokens), segment);

it('GET /v1/storefront/config survives any key, list and locale', async () => {
  const arb = fc.record({ key: key(), rest: queryFor(['variants', 'locale']), variants: fc.array(fc.oneof(fc.constantFrom('4401', '4402', '4403'), hostileString.filter((s) => s.length < 200)), { maxLength: 60 }), origin }).map(
    ({ key, rest, variants, origin }): Req => ({
      method: 'GET',
      path: `/v1/storefront/config?key=${encodeURIComponent(key.replace(/[\uD800-\uDFFF]/g, '?'))}&variants=${encodeURIComponent(variants.join(',').replace(/[\uD800-\uDFFF]/g, '?'))}${rest.replace('?', '&')}`,
      headers: origin,
    }),
  );
  await fuzz(t, 'storefront', share(700), arb);
});

it('POST /v1/storefront/signups survives hostile bodies, types and headers', async () => {
  const example = { key: shop.pk, variantId: '4401', email: 'fuzz@example.com', quantity: 1, locale: 'fr-CA' };
  // Valid but unusual signups (odd yet legal addresses, phones, sizes, kinds) reach createSignup, not only the validator.
  const plausible = fc
    .record({
      key: fc.constant(shop.pk),
      variantId: fc.constantFrom('4401', '4402', '4403', 'gid://shopify/ProductVariant/4401', 'gid://shopify/ProductVariant/4402?x=1', 'gid://shopify/ProductVariant/1', 'no-such-variant'),
      email: fc.emailAddress(),
      // Mobiles in and out of the shop's SMS countries, numbers never texted (premium-rate, toll-free, UAN, landline),
      // and numbers typed without a country code (read as the shop's country).
      phone: fc.option(
        fc.constantFrom('(415) 555-0132', '415.555.0132', '07852 123456', '+14155550123', '+1 201 555 0123', '+33 6 12 34 56 78', '+447700900123', '+44 7400 123456', '+44 909 879 0000', '+1 800 555 0123', '+443012345678', '+442079460000'),
        { nil: undefined },
      ),
      smsConsent: fc.option(fc.boolean(), { nil: undefined }),
      quantity: fc.integer({ min: 1, max: 100 }),
      kind: fc.option(fc.constantFrom('waitlist', 'preorder'), { nil: undefined }),
      locale: fc.constantFrom('en', 'fr-CA', 'de_DE', 'zz-Latn-x'),
      website: fc.constantFrom(undefined, '', 'http://spam.example'),
    })
    .map((b) => JSON.stringify(b));
  const body = fc.oneof(bodyFor(example), plausible);
  const type = fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: contentType });
  const arb = fc.record({ body, type, origin, forwarded: forwardedFor, query: fc.oneof(fc.constant(''), queryFor(['key'])) }).map(
    ({ body, type, origin, forwarded, query }): Req => ({
      method: 'POST',
      path: `/v1/storefront/signups${query}`,
      headers: [...(type ? ([['content-type', type]] as Array<[string, string]>) : []), ...origin, ...forwarded],
      body,
    }),
  );
  await fuzz(t, 'storefront', share(1200), arb, (req, answer) => {
    // Whatever was accepted must be a real signup answer, never an echo of the input.
    // A repeat (200) names only the variant: a token goes only to the request that made it.
    if (answer.status === 201) expect(JSON.parse(answer.text).signup.token).toMatch(/^[A-Za-z0-9_-]+$/);
    if (answer.status === 200) expect(Object.keys(JSON.parse(answer.text).signup).sort()).toEqual(['status', 'variantId']);
  });
});

it('status, leave and hold lookups by token survive any token, method and origin', async () => {
  const arb = fc.record({
    method: fc.constantFrom('GET', 'DELETE', 'OPTIONS', 'POST', 'PUT'),
    kind: fc.constantFrom('signups', 'holds'),
    token: token(),
    query: fc.oneof(fc.constant(''), queryFor(['key'])),
    origin,
  }).map(({ method, kind, token, query, origin }): Req => ({ method, path: `/v1/storefront/${kind}/${token}${query}`, headers: origin }));
  await fuzz(t, 'storefront', share(700), arb);
});

it('sent at least its share of requests', () => {
  expect(requestCounts().get('storefront')).toBeGreaterThanOrEqual(share(2600));
});
