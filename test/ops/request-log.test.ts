import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killed, serverEnv, startServer } from '../child-server.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

/** The request lines of a test server's log sink (`request {json}`), parsed. */
const requests = (t: TestEnv) => t.logs.filter((l) => l.startsWith('request ')).map((l) => JSON.parse(l.slice('request '.length)) as Record<string, unknown>);

describe('the request log, through the logger', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await setup({ WAITLINE_RATE_PER_IP: '0' });
  });
  afterAll(() => t.cleanup());

  it('writes the route pattern of a token link, never the token or the query', async () => {
    const shop = await shopWithVariant(t);
    const joined = await shop.signup({ email: 'cleo@example.com' });
    const token = joined.body.signup.token as string;
    t.logs.length = 0;
    await t.call('GET', `/s/${token}?x=secret-query-value`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    const [line, ...more] = requests(t);
    expect(more).toEqual([]);
    expect(line).toEqual({ method: 'GET', route: '/s/:token', status: 200, ms: expect.any(Number) });
    const all = t.logs.join('\n');
    for (const secret of [token, 'secret-query-value', '203.0.113.7', 'cleo@example.com']) expect(all, secret).not.toContain(secret);
  });

  it.each([
    ['an admin call with its key', 'GET', '/v1/admin/signups', 'secret', '/v1/admin/signups', 200],
    ['an admin call with a wrong key (refused in middleware)', 'GET', '/v1/admin/signups', 'sk_wrong_key_value', '/v1/admin/*', 401],
    // Whichever wildcard middleware ran last (today `/*`): a pattern, never the path.
    ['an unknown path', 'GET', '/no/such/secret-path', null, expect.stringMatching(/^\/?\*$/), 404],
    ['a storefront token lookup', 'GET', '/v1/storefront/signups/tok_unknown_value', null, '/v1/storefront/signups/:token', 404],
  ])('%s: logs %s %s as its pattern, with its status', async (_name, method, path, key, route, status) => {
    const shop = await shopWithVariant(t);
    t.logs.length = 0;
    const authorization = key === 'secret' ? `Bearer ${shop.sk}` : key ? `Bearer ${key}` : undefined;
    const res = await t.call(method, path, { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(status);
    expect(requests(t)).toEqual([{ method, route, status, ms: expect.any(Number) }]);
    const all = t.logs.join('\n');
    for (const secret of [shop.sk, shop.pk, 'sk_wrong_key_value', 'secret-path', 'tok_unknown_value']) expect(all, secret).not.toContain(secret);
  });
});

describe('the request log of a real server process', () => {
  let dir: string;
  let child: ChildProcess;
  let base: string;
  let stdout = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'waitline-request-log-'));
    // No provider: the outbox sends, so nothing reaches outside.
    const env = await serverEnv(join(dir, 'waitline.db'), 'http://127.0.0.1:9', { RESEND_API_KEY: '' });
    base = `http://127.0.0.1:${env.PORT}`;
    child = await startServer(env);
    child.stdout!.on('data', (d) => (stdout += d));
  });
  afterAll(async () => {
    await killed(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one JSON line per request on stdout, with the route pattern and no token or query', async () => {
    const token = 'tok_visible_only_in_the_path';
    expect((await fetch(`${base}/s/${token}?x=secret-query-value`)).status).toBe(404);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    await expect.poll(() => stdout.split('\n').filter((l) => l.includes('"message":"request"')).length).toBe(2);
    const lines = stdout.split('\n').filter((l) => l.includes('"message":"request"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), message: 'request', method: 'GET', route: '/s/:token', status: 404, ms: expect.any(Number) },
      { at: expect.any(String), message: 'request', method: 'GET', route: '/health', status: 200, ms: expect.any(Number) },
    ]);
    expect(stdout).not.toContain(token);
    expect(stdout).not.toContain('secret-query-value');
  });
});
