import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { rowCounts, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { TWILIO_PUBLIC_URL, TWILIO_TOKEN } from '../webhooks/helpers.ts';

/**
 * Over a real socket, bodies read whole are read off the Node stream
 * (server/lib/body.ts), not through the web Request that in-process tests use.
 */
let t: TestEnv;
let server: ServerType;
let base: string;

beforeEach(async () => {
  t = await setup({ TWILIO_AUTH_TOKEN: TWILIO_TOKEN, PUBLIC_URL: TWILIO_PUBLIC_URL });
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.cleanup();
});

const post = (path: string, body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${base}${path}`, { method: 'POST', body, headers, duplex: 'half' } as RequestInit).then(async (res) => ({ status: res.status, body: await res.json() }));

/** A body sent in chunks with no Content-Length, so only counting can stop it. */
const chunked = (text: string, size = 4096) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      const bytes = new TextEncoder().encode(text);
      for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.subarray(i, i + size));
      controller.close();
    },
  });

describe('request bodies over a socket', () => {
  it('a JSON signup is read and answered with its place', async () => {
    const shop = await shopWithVariant(t);
    const res = await post('/v1/storefront/signups', JSON.stringify({ key: shop.pk, variantId: '4401', email: 'Ann@Example.com ' }));
    expect(res).toMatchObject({ status: 201, body: { signup: { status: 'waiting', position: 1 } } });
    expect((await rowCounts(t)).signups).toBe(1);
  });

  it('over 32 KiB is 413 in the SPEC shape, whether declared or counted, and nothing is stored', async () => {
    const shop = await shopWithVariant(t);
    const big = JSON.stringify({ key: shop.pk, variantId: '4401', email: 'a@example.com', pad: 'x'.repeat(40_000) });
    for (const body of [big, chunked(big)]) {
      const res = await post('/v1/storefront/signups', body);
      expect(res.status).toBe(413);
      expect(res.body.error).toEqual({ code: 'payload_too_large', message: 'Bodies are limited to 32 KiB' });
    }
    // Just under the limit, in chunks, is read whole (and refused only for its unknown field).
    const fits = JSON.stringify({ key: shop.pk, variantId: '4401', email: 'a@example.com', pad: 'x'.repeat(30_000) });
    expect((await post('/v1/storefront/signups', chunked(fits, 1000))).body.error.message).toBe('Unknown field: pad');
    expect((await rowCounts(t)).signups).toBe(0);
  });

  it('malformed JSON and non-UTF-8 bytes are a 400, not a 500', async () => {
    const shop = await shopWithVariant(t);
    expect(await post('/v1/storefront/signups', '{"key":')).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    const latin1 = Buffer.concat([Buffer.from(`{"key":"${shop.pk}","variantId":"4401","email":"`), Buffer.from([0xe9, 0xff]), Buffer.from('@example.com"}')]);
    expect((await post('/v1/storefront/signups', latin1)).status).toBe(400);
    expect((await rowCounts(t)).signups).toBe(0);
  });

  it('a signed form webhook is verified over the bytes that arrived', async () => {
    await shopWithVariant(t);
    const params = { MessageSid: 'SM1', From: '+15555550123', To: '+15005550006', Body: 'HELP' };
    const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${TWILIO_PUBLIC_URL}/webhooks/twilio/inbound`, params);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const ok = await fetch(`${base}/webhooks/twilio/inbound`, { method: 'POST', body: new URLSearchParams(params).toString(), headers: { ...form, 'x-twilio-signature': signature } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<Response>');
    const forged = await post('/webhooks/twilio/inbound', new URLSearchParams({ ...params, Body: 'STOP' }).toString(), { ...form, 'x-twilio-signature': signature });
    expect(forged.status).toBe(401);
  });
});

describe('U+0000', () => {
  // PostgreSQL's text cannot hold it: the same 4xx on both engines, never a 500 there.
  it('in a JSON field or a URL is a 4xx in the error shape on either engine, and nothing is stored', async () => {
    const shop = await shopWithVariant(t);
    const before = await rowCounts(t);
    const field = await post('/v1/storefront/signups', `{"key":"${shop.pk}","variantId":"4401","email":"a\\u0000b@example.com"}`);
    expect(field).toEqual({ status: 400, body: { error: { code: 'invalid_request', message: expect.any(String), field: 'email' } } });
    for (const path of ['/s/abc%00def', `/v1/storefront/config?key=${shop.pk}&variants=44%0001`]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
    expect(await rowCounts(t)).toEqual(before);
  });
});
