import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first, rows } from '../../db/raw.ts';
import { rowCounts, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_EMAIL: '0', WAITLINE_RATE_PER_IP: '0' });
});
afterEach(() => t.cleanup());

const HOUR = 3_600_000;
const config = (pk: string) => t.call('GET', `/v1/storefront/config?key=${pk}&variants=4401`, { headers: { origin: 'https://acme.example' } });

describe('POST /v1/admin/keys/rotate', () => {
  it('publishable: a new key at once, and the old one keeps working for the grace period, then 401', async () => {
    const shop = await shopWithVariant(t);
    expect((await config(shop.pk)).status).toBe(200); // cached now, as a live widget's would be
    const res = await shop.admin('POST', '/v1/admin/keys/rotate', { kind: 'publishable' });
    expect(res.status).toBe(200);
    const { publishableKey, previousKeyExpiresAt, widgetTag } = res.body;
    expect(publishableKey).toMatch(/^pk_[\w-]{20,}$/);
    expect(publishableKey).not.toBe(shop.pk);
    expect(previousKeyExpiresAt).toBe(new Date(t.clock.now().getTime() + 24 * HOUR).toISOString());
    expect(widgetTag).toContain(`data-key="${publishableKey}"`);
    expect(res.body.secretKey).toBeUndefined();
    expect((await shop.admin('GET', '/v1/admin/keys')).body.publishableKey).toBe(publishableKey);

    // Both keys open the shop, with CORS, during the grace period; signups with the old key land in the same shop.
    for (const pk of [shop.pk, publishableKey]) {
      const answer = await config(pk);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://acme.example');
    }
    expect((await shop.signup({ email: 'old-tag@example.com' })).status).toBe(201);
    t.clock.advance(24 * HOUR - 1000);
    expect((await config(shop.pk)).status).toBe(200);
    t.clock.advance(1000);
    const late = await config(shop.pk);
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe('unauthorized');
    expect((await shop.signup({ email: 'too-late@example.com' })).status).toBe(401);
    expect((await config(publishableKey)).status).toBe(200);
    // The secret key was not touched.
    expect((await shop.admin('GET', '/v1/admin/settings')).status).toBe(200);
  });

  it('publishable with graceHours: 0 retires the old key at once; a key retired earlier keeps its own expiry', async () => {
    const shop = await shopWithVariant(t);
    const first = (await shop.admin('POST', '/v1/admin/keys/rotate', { kind: 'publishable', graceHours: 2 })).body.publishableKey;
    const second = (await shop.admin('POST', '/v1/admin/keys/rotate', { kind: 'publishable', graceHours: 0 })).body;
    expect(second.previousKeyExpiresAt).toBeNull();
    expect((await config(first)).status).toBe(401);
    expect((await config(shop.pk)).status).toBe(200);
    t.clock.advance(2 * HOUR);
    expect((await config(shop.pk)).status).toBe(401);
    expect((await config(second.publishableKey)).status).toBe(200);
  });

  it('secret: the new key is shown once, the old one stops at once, and the publishable key is unchanged', async () => {
    const shop = await shopWithVariant(t);
    const res = await shop.admin('POST', '/v1/admin/keys/rotate', { kind: 'secret' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['secretKey']);
    expect((await shop.admin('GET', '/v1/admin/keys')).status).toBe(401);
    expect((await t.call('GET', '/v1/admin/keys', { headers: { authorization: `Bearer ${res.body.secretKey}` } })).body.publishableKey).toBe(shop.pk);
    expect((await config(shop.pk)).status).toBe(200);
  });

  it.each([
    ['no body', undefined],
    ['no kind', {}],
    ['an unknown kind', { kind: 'admin' }],
    ['graceHours on a secret key', { kind: 'secret', graceHours: 24 }],
    ['negative graceHours', { kind: 'publishable', graceHours: -1 }],
    ['graceHours past a week', { kind: 'publishable', graceHours: 169 }],
    ['graceHours as text', { kind: 'publishable', graceHours: '24' }],
    ['an unknown field', { kind: 'publishable', keep: true }],
  ])('%s: 400, and both keys stay as they were', async (_name, body) => {
    const shop = await shopWithVariant(t);
    const keys = sql`select publishable_key, secret_key_hash from shops order by id`;
    const before = await rows(t.deps.db, keys);
    const res = await shop.admin('POST', '/v1/admin/keys/rotate', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(await rows(t.deps.db, keys)).toEqual(before);
    expect(await first(t.deps.db, sql`select count(*) as n from retired_publishable_keys`)).toEqual({ n: 0 });
  });

  it('only the secret key rotates keys: the publishable key, old or new, is refused', async () => {
    const shop = await shopWithVariant(t);
    const counts = await rowCounts(t);
    for (const kind of ['secret', 'publishable']) {
      expect((await t.call('POST', '/v1/admin/keys/rotate', { body: { kind }, headers: { authorization: `Bearer ${shop.pk}` } })).status).toBe(401);
    }
    expect((await shop.admin('GET', '/v1/admin/keys')).body.publishableKey).toBe(shop.pk);
    expect(await rowCounts(t)).toEqual(counts);
  });

  it("a rotation in one shop leaves another shop's keys alone", async () => {
    const a = await shopWithVariant(t);
    const b = await t.createShop('Other');
    await a.admin('POST', '/v1/admin/keys/rotate', { kind: 'publishable', graceHours: 0 });
    await a.admin('POST', '/v1/admin/keys/rotate', { kind: 'secret' });
    expect((await b.admin('GET', '/v1/admin/keys')).body.publishableKey).toBe(b.pk);
    expect((await t.call('GET', `/v1/storefront/config?key=${b.pk}`)).status).toBe(200);
  });
});
