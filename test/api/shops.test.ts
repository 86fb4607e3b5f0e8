import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shops } from '../../db/schema/index.ts';
import { ROOT_TOKEN, setup, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

describe('POST /v1/shops', () => {
  it('creates a shop with keys shown once and the secret stored only as a hash', async () => {
    const res = await t.call('POST', '/v1/shops', {
      body: { name: 'Acme', settings: { allowedOrigins: ['https://acme.example/some/path'], holdDuration: 'PT2H' } },
      headers: { authorization: `Bearer ${ROOT_TOKEN}` },
    });
    expect(res.status).toBe(201);
    expect(res.body.publishableKey).toMatch(/^pk_[\w-]{20,}$/);
    expect(res.body.secretKey).toMatch(/^sk_[\w-]{30,}$/);
    expect(res.body.shop.settings).toMatchObject({ allowedOrigins: ['https://acme.example'], holdDuration: 'PT2H', followUpAfter: 'PT6H' });
    const [row] = await t.deps.db.select().from(shops);
    expect(JSON.stringify(row)).not.toContain(res.body.secretKey);
    expect(row!.secretKeyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['no token', {}, { name: 'Acme' }, 401],
    ['a wrong token', { authorization: 'Bearer nope' }, { name: 'Acme' }, 401],
    ['a shop secret key', { authorization: 'Bearer sk_whatever' }, { name: 'Acme' }, 401],
    ['no name', { authorization: `Bearer ${ROOT_TOKEN}` }, {}, 400],
    ['markup in the name', { authorization: `Bearer ${ROOT_TOKEN}` }, { name: '<img src=x onerror=alert(1)>' }, 400],
    ['a bad setting', { authorization: `Bearer ${ROOT_TOKEN}` }, { name: 'Acme', settings: { holdDuration: '24 hours' } }, 400],
  ])('rejects %s', async (_name, headers, body, status) => {
    const res = await t.call('POST', '/v1/shops', { body, headers });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toEqual(expect.any(String));
    expect(await t.deps.db.select().from(shops)).toHaveLength(0);
  });
});

describe('GET /health and unknown routes', () => {
  it('answers health and gives unknown routes the error shape', async () => {
    expect((await t.call('GET', '/health')).body).toMatchObject({ ok: true });
    const missing = await t.call('GET', '/v1/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });
});
