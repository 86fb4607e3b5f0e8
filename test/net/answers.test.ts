import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guardedRequest } from '../../server/net/guarded.ts';
import { authorizationCodeToken, clientCredentialsToken, shopifyAdmin, ShopifyError, type ShopifyAdminDeps } from '../../server/platforms/shopify/admin.ts';
import { guardedHttp } from '../../server/platforms/shopify/http.ts';
import { startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';
import { localEndpoint, testNet, type LocalEndpoint } from './helpers.ts';

/** What the guard hands back besides the status: headers always, and bodies of error answers too. */
const get = { method: 'GET' as const, headers: {}, allowPrivate: true };

describe('the guarded client reads answers of every status', () => {
  let endpoint: LocalEndpoint;
  afterEach(() => endpoint.close());

  it('answers headers with lower-cased names, repeated ones joined', async () => {
    endpoint = await localEndpoint((_req, res) => res.writeHead(204, [['Retry-After', '3'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']]).end());
    const answer = await guardedRequest(testNet({}).net, `http://127.0.0.1:${endpoint.port}/`, get);
    expect(answer).toMatchObject({ status: 204, body: '' });
    expect(answer.headers).toMatchObject({ 'retry-after': '3', 'set-cookie': 'a=1, b=2' });
  });

  it('reads the body of a 400, and cuts an error body at maxBody instead of failing', async () => {
    const refusal = JSON.stringify({ error: 'invalid_client', error_description: 'Client authentication failed' });
    endpoint = await localEndpoint((req, res) => res.writeHead(req.url === '/big' ? 500 : 400, { 'content-type': 'application/json' }).end(req.url === '/big' ? 'x'.repeat(100_000) : refusal));
    const { net } = testNet({});
    expect(await guardedRequest(net, `http://127.0.0.1:${endpoint.port}/`, { ...get, maxBody: 1024 })).toMatchObject({ status: 400, body: refusal });
    const big = await guardedRequest(net, `http://127.0.0.1:${endpoint.port}/big`, { ...get, maxBody: 10 });
    expect(big).toMatchObject({ status: 500, body: 'x'.repeat(10) });
  });

  it('a 2xx past maxBody is still an error; maxBody 0 (webhook deliveries) reads no body of any status', async () => {
    endpoint = await localEndpoint((req, res) => res.writeHead(req.url === '/ok' ? 200 : 400, { 'retry-after': '1' }).end('a body of more than ten bytes'));
    const { net } = testNet({});
    await expect(guardedRequest(net, `http://127.0.0.1:${endpoint.port}/ok`, { ...get, maxBody: 10 })).rejects.toThrow('answer too large');
    for (const path of ['/ok', '/no']) {
      const answer = await guardedRequest(net, `http://127.0.0.1:${endpoint.port}${path}`, { ...get, maxBody: 0 });
      expect(answer.body, path).toBe('');
      expect(answer.headers['retry-after'], path).toBe('1');
    }
  });
});

describe("Shopify's error answers through the guarded path", () => {
  const SHOP = 'stub-store.myshopify.com';
  const TOKEN = 'shpat_guarded_path_token';
  let stub: ShopifyStub;
  let deps: ShopifyAdminDeps;
  let waits: number[];

  beforeEach(async () => {
    stub = await startShopifyStub(TOKEN);
    waits = [];
    // The guarded client, not fetch, to the stub on 127.0.0.1 (allowPrivate, as for a local store).
    deps = { origin: stub.url, http: guardedHttp(testNet({}).net, true), sleep: async (ms) => void waits.push(ms) };
  });
  afterEach(() => stub.close());

  it("a 429's Retry-After is honoured", async () => {
    stub.fail(2, 429, '2.5');
    await shopifyAdmin(deps, SHOP, TOKEN).verify([]);
    expect(waits).toEqual([2500, 2500]);
  });

  it("a 400's error is read: a used code is invalid_request, not refused credentials", async () => {
    const error = await authorizationCodeToken(deps, SHOP, stub.client.id, stub.client.secret, 'never-issued').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyError);
    expect(error).toMatchObject({ kind: 'invalid', message: expect.stringContaining('invalid_request') });
    await expect(clientCredentialsToken(deps, SHOP, stub.client.id, 'wrong')).rejects.toMatchObject({ kind: 'unauthorized' });
  });
});
