import fc from 'fast-check';
import { expect, it } from 'vitest';
import { sign } from '../../server/lib/signing.ts';
import type { TestEnv } from '../helpers.ts';
import { fuzz, requestCounts, share, type Req } from './harness.ts';
import { contentType, hostileString, queryFor, segment } from './inputs.ts';
import { fuzzSuite, type Shop } from './world.ts';

/**
 * The links inside messages take no key, only a token, and answer with pages:
 * any token, form or query must give a page or an error, never a 5xx or a
 * reflected script.
 */
let t: TestEnv;
let shop: Shop;
fuzzSuite('links', {}, (env, populated) => ([t, shop] = [env, populated]));

const anyToken = () =>
  fc.oneof(
    fc.constantFrom(...shop.signupTokens, ...shop.pendingTokens, ...shop.confirmTokens, ...shop.offerTokens, ...shop.contactTokens, ...shop.backorderTokens),
    segment,
  );

const form = fc.oneof(
  fc.constant(undefined),
  fc.constant('List-Unsubscribe=One-Click'),
  fc.record({ action: fc.oneof(fc.constant('leave'), hostileString.filter((s) => s.length < 500)), s: fc.oneof(fc.constantFrom(...['x']), hostileString.filter((s) => s.length < 500)) }).map((f) => new URLSearchParams(f).toString()),
  hostileString,
  fc.constant('--x\r\nContent-Disposition: form-data; name="action"\r\n\r\nleave\r\n--x--'),
);

it('the claim, rejoin, confirm, place, keep and backorder pages survive any token and method', async () => {
  const arb = fc.record({
    route: fc.constantFrom('/claim/T', '/claim/T/rejoin', '/confirm/T', '/s/T', '/keep/T', '/b/T'),
    method: fc.constantFrom('GET', 'POST', 'POST', 'HEAD', 'DELETE'),
    token: anyToken(),
    query: fc.oneof(fc.constant(''), queryFor(['s', 'u'])),
    type: contentType,
    body: fc.oneof(fc.constant(undefined), hostileString),
  }).map(({ route, method, token, query, type, body }): Req => ({
    method,
    path: `${route.replace('T', token)}${query}`,
    headers: type ? [['content-type', type]] : [],
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  }));
  await fuzz(t, 'links', share(1400), arb);
});

it('GET and POST /u/:token (one-click unsubscribe) survive any token, form and content type', async () => {
  const arb = fc.record({
    method: fc.constantFrom('GET', 'POST'),
    token: anyToken(),
    s: fc.oneof(fc.constant(''), fc.constantFrom(...shop.signupTokens).map((s) => `?s=${s}`), queryFor(['s'])),
    type: contentType,
    body: form,
    leave: fc.constantFrom(...shop.signupTokens),
  }).map(({ method, token, s, type, body, leave }): Req => ({
    method,
    path: `/u/${token}${s}`,
    headers: type ? [['content-type', type]] : [],
    body: method === 'GET' ? undefined : body?.replace('s=x', `s=${leave}`),
  }));
  await fuzz(t, 'links', share(1000), arb);
});

it('the open pixel and click redirect survive any id and target, and follow only signed targets', async () => {
  const signed = fc.record({ id: fc.constantFrom(...shop.messageIds), u: fc.constantFrom('https://acme.example/p?x=1', 'https://waitline.test/claim/abc') }).map(({ id, u }) => ({ id, u, s: sign(t.deps.secret, id, u) }));
  const unsigned = fc.record({
    id: fc.oneof(fc.constantFrom(...shop.messageIds), segment),
    u: fc.oneof(fc.constantFrom('https://evil.example', '//evil.example', 'javascript:alert(1)', '/\\evil.example'), hostileString.filter((s) => s.length < 3000)),
    s: fc.oneof(fc.constant(''), hostileString.filter((s) => s.length < 200), fc.stringMatching(/^[A-Za-z0-9_-]{32}$/)),
  });
  const arb = fc.record({ click: fc.oneof(signed, unsigned), pixel: fc.boolean(), file: fc.oneof(fc.constantFrom(...shop.messageIds).map((id) => `${id}.gif`), segment) }).map(
    ({ click, pixel, file }): Req =>
      pixel
        ? { method: 'GET', path: `/t/o/${file}` }
        : { method: 'GET', path: `/t/c/${click.id}?u=${encodeURIComponent(click.u.replace(/[\uD800-\uDFFF]/g, '?'))}&s=${encodeURIComponent(click.s.replace(/[\uD800-\uDFFF]/g, '?'))}` },
  );
  await fuzz(t, 'links', share(1000), arb, (req, answer) => {
    if (answer.status !== 302) return;
    // A redirect from /t/c must go where we signed it to, nowhere else.
    const u = new URL(req.path, 'https://x').searchParams.get('u')!;
    const id = req.path.match(/^\/t\/c\/([^?]+)/)![1]!;
    expect(new URL(req.path, 'https://x').searchParams.get('s')).toBe(sign(t.deps.secret, id, u));
  });
});

it('sent at least its share of requests', () => {
  expect(requestCounts().get('links')).toBeGreaterThanOrEqual(share(3400));
});
