import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guardedRequest } from '../../server/net/guarded.ts';
import { reconcile } from '../../server/services/reconcile.ts';
import { runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { localEndpoint, testNet, type LocalEndpoint } from './helpers.ts';

const post = { method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: '{}' };
let endpoint: LocalEndpoint;
beforeEach(async () => {
  endpoint = await localEndpoint((_req, res) => res.writeHead(200).end());
});
afterEach(() => endpoint.close());

describe('the address guard (no private flag)', () => {
  const answers = {
    'private.hooks.test': ['10.1.2.3'],
    'mixed.hooks.test': ['93.184.216.34', '127.0.0.1'],
    'mapped.hooks.test': ['::ffff:169.254.169.254'],
    'cgnat.hooks.test': ['100.64.0.7'],
    'linklocal6.hooks.test': ['fe80::1'],
    'ula.hooks.test': ['fd12:3456::1'],
  };
  const refused = () => [
    `http://127.0.0.1:${endpoint.port}/hook`,
    `http://[::1]:${endpoint.port}/hook`,
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/hook',
    'http://192.168.1.1/hook',
    'http://172.16.0.1/hook',
    'http://100.64.0.1/hook',
    'http://0.0.0.0/hook',
    'http://198.18.0.1/hook',
    'http://224.0.0.1/hook',
    'http://255.255.255.255/hook',
    `http://[::ffff:127.0.0.1]:${endpoint.port}/hook`,
    `http://0x7f.1:${endpoint.port}/hook`,
    `http://2130706433:${endpoint.port}/hook`,
    `http://017700000001:${endpoint.port}/hook`,
    'http://[fe80::1]/hook',
    'http://[fc00::1]/hook',
    'http://[::]/hook',
    `http://localhost:${endpoint.port}/hook`,
    `http://api.localhost:${endpoint.port}/hook`,
    'http://metadata.google.internal/computeMetadata/v1/',
    ...Object.keys(answers).map((name) => `https://${name}/hook`),
  ];

  it('refuses loopback, private, link-local, metadata and reserved targets, written out or resolved, without opening a socket', async () => {
    const { net, connects } = testNet(answers);
    for (const url of refused()) {
      await expect(guardedRequest(net, url, { ...post, allowPrivate: false }), url).rejects.toThrow('address not allowed');
    }
    expect(connects).toEqual([]);
    expect(endpoint.connections).toBe(0);
  });

  it('checks the name again at every request: one that resolved public and then to 127.0.0.1 is refused', async () => {
    let answer = ['93.184.216.34'];
    const { net, connects, lookups } = testNet({ 'rebind.hooks.test': () => answer });
    // The first, public answer is let through to the connector (which, in tests, dials nothing outside 127/8).
    await expect(guardedRequest(net, 'http://rebind.hooks.test/hook', { ...post, allowPrivate: false })).rejects.toThrow();
    expect(connects).toEqual([{ host: '93.184.216.34', port: 80 }]);
    answer = ['127.0.0.1'];
    await expect(guardedRequest(net, 'http://rebind.hooks.test/hook', { ...post, allowPrivate: false })).rejects.toThrow('address not allowed');
    expect(connects).toHaveLength(1);
    expect(lookups).toEqual(['rebind.hooks.test', 'rebind.hooks.test']);
  });
});

describe('the guarded client (private flag, for local endpoints)', () => {
  it('connects to exactly the address it checked, with the name as Host; metadata stays closed', async () => {
    const answers = [['127.0.0.1'], ['169.254.169.254']];
    const { net, connects, lookups } = testNet({ 'hooks.test': () => answers.shift()! });
    const url = `http://hooks.test:${endpoint.port}/hook?x=1`;
    expect(await guardedRequest(net, url, { ...post, allowPrivate: true })).toMatchObject({ status: 200, body: '' });
    expect(endpoint.requests).toEqual([{ url: '/hook?x=1', host: `hooks.test:${endpoint.port}`, body: '{}' }]);
    expect(connects).toEqual([{ host: '127.0.0.1', port: endpoint.port }]);
    // The same name now rebinds to the metadata address: refused, no second socket.
    await expect(guardedRequest(net, url, { ...post, allowPrivate: true })).rejects.toThrow('address not allowed');
    await expect(guardedRequest(net, 'http://169.254.169.254/', { ...post, allowPrivate: true })).rejects.toThrow('address not allowed');
    expect(connects).toHaveLength(1);
    expect(lookups).toEqual(['hooks.test', 'hooks.test']);
  });

  it('never follows a redirect', async () => {
    const target = await localEndpoint((_req, res) => res.writeHead(200).end());
    const redirecting = await localEndpoint((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${target.port}/elsewhere` }).end());
    const { net } = testNet({});
    expect((await guardedRequest(net, `http://127.0.0.1:${redirecting.port}/hook`, { ...post, allowPrivate: true })).status).toBe(302);
    expect(redirecting.requests).toHaveLength(1);
    expect(target.connections).toBe(0);
    await Promise.all([target.close(), redirecting.close()]);
  });
});

describe('shop-given URLs', async () => {
  let t: TestEnv;
  afterEach(() => t.cleanup());

  it('settings refuse a webhook or helpdesk URL that names a closed address; the private flag opens all but metadata', async () => {
    t = await setup({ WAITLINE_RATE_PER_IP: '0' });
    const shop = await t.createShop();
    const secret = `whsec_${Buffer.from('a merchant endpoint secret!!').toString('base64')}`;
    const hooks = (url: string) => ({ webhooks: { url, secret, events: ['signup.created'] } });
    const helpdesk = (url: string) => ({ escalation: { webhookUrl: url, webhookSecret: 'whsec_test_0123456789abcdef' } });
    for (const url of ['http://127.0.0.1:9/h', 'http://localhost/h', 'http://[::1]/h', 'http://0x7f.1/h', 'http://10.0.0.1/h', 'http://169.254.169.254/h', 'http://[::ffff:a9fe:a9fe]/h']) {
      const a = await shop.admin('PATCH', '/v1/admin/settings', hooks(url));
      expect(a.status, url).toBe(400);
      expect(a.body.error).toMatchObject({ code: 'invalid_request', field: 'webhooks.url' });
      expect((await shop.admin('PATCH', '/v1/admin/settings', helpdesk(url))).body.error?.field, url).toBe('escalation.webhookUrl');
    }
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings).toMatchObject({ webhooks: null, escalation: { webhookUrl: null } });
    await expect(t.createShop('Inside', hooks('http://[::1]:9/h'))).rejects.toThrow('createShop: 400');
    expect((await shop.admin('PATCH', '/v1/admin/settings', hooks('https://hooks.example.com/waitline'))).status).toBe(200);
    await t.cleanup();

    t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_ALLOW_PRIVATE_WEBHOOKS: '1' });
    const dev = await t.createShop();
    expect((await dev.admin('PATCH', '/v1/admin/settings', hooks('http://127.0.0.1:9/h'))).status).toBe(200);
    expect((await dev.admin('PATCH', '/v1/admin/settings', hooks('http://169.254.169.254/h'))).status).toBe(400);
  });

  it('a delivery to a name that resolves privately is refused with a generic error, and no socket is opened', async () => {
    t = await setup({ WAITLINE_RATE_PER_IP: '0' });
    const { net, connects } = testNet({ 'hooks.acme.example': ['192.168.0.10'] });
    t.deps.net = net;
    const shop = await shopWithVariant(t);
    const secret = `whsec_${Buffer.from('a merchant endpoint secret!!').toString('base64')}`;
    expect((await shop.admin('PATCH', '/v1/admin/settings', { webhooks: { url: 'https://hooks.acme.example/in', secret, events: ['signup.created'] } })).status).toBe(200);
    await shop.signup({ email: 'a@example.com' });
    await runJobs(t);
    const [delivery] = (await shop.admin('GET', '/v1/admin/webhooks/deliveries')).body.deliveries;
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null, lastError: 'address not allowed' });
    expect(connects).toEqual([]);
  });

  it('the Shopify store domain goes through the guard when no operator API origin is set', async () => {
    t = await setup({ WAITLINE_RATE_PER_IP: '0' });
    const { net, connects, lookups } = testNet({ 'evil-store.myshopify.com': ['10.0.0.5'] });
    t.deps.net = net;
    const shop = await t.createShop('Evil', {
      shopify: { domain: 'evil-store.myshopify.com', webhookSecret: 'test_shopify_app_client_secret_123', accessToken: 'shpat_test_0123456789' },
    });
    await shop.admin('PUT', '/v1/admin/variants/1', { title: 'S', inventoryItemId: '46012345678901', inventory: 0 });
    await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '1', email: 'a@example.com' } });
    expect(await reconcile(t.deps)).toMatchObject({ shops: 1, checked: 0 });
    expect(lookups).toEqual(['evil-store.myshopify.com']);
    expect(connects).toEqual([]);
    expect(t.logs.find((l) => l.startsWith('reconciliation failed'))).toContain("the store's address is not allowed");
  });
});
