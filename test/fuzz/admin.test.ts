import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ROOT_TOKEN, type TestEnv } from '../helpers.ts';
import { fuzz, requestCounts, share, type Req } from './harness.ts';
import { bodyFor, contentType, hostileString, queryFor, segment } from './inputs.ts';
import { CSV, EXAMPLES } from './examples.ts';
import { fuzzSuite, type Shop } from './world.ts';

/**
 * Every admin route, as `app.routes` lists them (a new route is fuzzed without
 * being named here), called with a valid key and hostile params, queries and
 * bodies. A merchant's own key must not be able to crash the server either.
 */
let t: TestEnv;
let shop: Shop;
let sk: string;
fuzzSuite('admin', {}, (env, populated) => {
  [t, shop, sk] = [env, populated, populated.sk];
});

const QUERY_NAMES = ['variantId', 'status', 'cursor', 'limit', 'from', 'to', 'sort', 'template', 'signupId', 'supplierId', 'email', 'phone', 'confirm'];

/** The admin routes and /v1/shops, from the app itself. */
function routes() {
  const seen = new Map<string, { method: string; path: string }>();
  for (const r of t.app.routes) {
    if (r.method === 'ALL' || !(r.path.startsWith('/v1/admin/') || r.path === '/v1/shops')) continue;
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  }
  return [...seen.values()];
}

const cell = fc.oneof(fc.constantFrom('4401', '4402', 'gid://shopify/ProductVariant/4401', 'x@example.com', '+14155550123', '(415) 555-0132', '2026-04-01', '5', '', '"', '""', '"a,b"', '=cmd|" /C calc"!A0'), hostileString.filter((s) => s.length < 200));
function csvBody(columns: string[]) {
  const header = fc.shuffledSubarray([...columns, 'extra', '<script>'], { minLength: 0 });
  return fc
    .tuple(header, fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r'))
    .map(([h, rows, eol]) => [h.join(','), ...rows.map((r) => r.join(','))].join(eol));
}

/** An id that exists in the shop, or any odd segment. The SSE route never gets a real id: a live stream would not end. */
function param(route: string) {
  const real = fc.constantFrom(...['4401', '4402', '4403', encodeURIComponent('gid://shopify/ProductVariant/4401'), String(shop.restockId), String(shop.purchaseOrderId), ...shop.signupIds.map(String), ...shop.escalationIds.map(String)]);
  if (route.endsWith('/events')) return segment.filter((s) => !(Number(decoded(s)) > 0 && Number(decoded(s)) < 1e6));
  return fc.oneof(real, segment);
}

const decoded = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

const auth = fc.constantFrom('good', 'good', 'good', 'good', 'good', 'missing', 'publishable', 'twice', 'basic', 'odd');

function request(route: { method: string; path: string }): fc.Arbitrary<Req> {
  const name = `${route.method} ${route.path}`;
  const body = CSV[name] ? fc.oneof(csvBody(CSV[name]!), fc.constant(undefined)) : bodyFor(EXAMPLES[name]);
  const type = CSV[name] ? fc.constantFrom<string | undefined>('text/csv', 'text/csv', 'application/json', undefined) : contentType;
  return fc.record({ p: param(route.path), query: queryFor(QUERY_NAMES), body, type, auth }).map(({ p, query, body, type, auth }) => {
    const headers: Array<[string, string]> = type ? [['content-type', type]] : [];
    const token = route.path === '/v1/shops' ? ROOT_TOKEN : 'SK';
    if (auth === 'good') headers.push(['authorization', `Bearer ${token}`]);
    if (auth === 'publishable') headers.push(['authorization', `Bearer ${shop.pk}`]);
    if (auth === 'twice') headers.push(['authorization', `Bearer ${token}`], ['authorization', `Bearer ${token}`]);
    if (auth === 'basic') headers.push(['authorization', `Basic ${Buffer.from(`${token}:`).toString('base64')}`]);
    if (auth === 'odd') headers.push(['authorization', `Bearer ${token}\u00a0x`.replace(/[^\x20-\x7e]/g, '?')]);
    return { method: route.method, path: `${route.path.replace(/:\w+/, p)}${query}`, headers, body: route.method === 'GET' ? undefined : body };
  });
}

it('every admin route survives hostile params, queries and bodies under a valid key', async () => {
  const list = routes();
  expect(list.length).toBeGreaterThan(30);
  const arb = fc.oneof(...list.map(request));
  // The key is put in at send time: rotating it is one of the routes fuzzed.
  const prepare = (req: Req): Req => ({ ...req, headers: req.headers?.map(([n, v]) => [n, v.replace('SK', sk)] as [string, string]) });
  await fuzz(t, 'admin', share(2600), arb, (req, answer) => {
    if (req.path.startsWith('/v1/admin/keys/rotate') && answer.status === 200) sk = JSON.parse(answer.text).secretKey ?? sk;
    const authorized = req.headers?.filter(([n]) => n === 'authorization').length === 1 && req.headers.some(([n, v]) => n === 'authorization' && /^Bearer (sk_|root-)/.test(v));
    // The body limit is checked before the key, so an oversized body is 413 either way.
    if (!authorized) expect([401, 413]).toContain(answer.status);
  }, prepare);
});

it('sent at least its share of requests', () => {
  expect(requestCounts().get('admin')).toBeGreaterThanOrEqual(share(2600));
});
