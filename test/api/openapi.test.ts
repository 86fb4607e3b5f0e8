import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type TestEnv } from '../helpers.ts';

let t: TestEnv;
let spec: any;
beforeAll(async () => {
  t = await setup();
  const res = await t.call('GET', '/openapi.json');
  expect(res.status).toBe(200);
  spec = res.body;
});
afterAll(() => t.cleanup());

/** Every route the app serves, as OpenAPI paths: /v1/admin/variants/:id → /v1/admin/variants/{id}. */
function served() {
  const seen = new Set<string>();
  for (const r of t.app.routes) {
    if (r.method === 'ALL' || r.path.includes('*') || r.path === '/openapi.json' || r.path === '/docs') continue;
    seen.add(`${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return [...seen];
}

describe('GET /openapi.json', () => {
  it('describes every route the app serves', () => {
    const routes = served();
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes.filter((r) => {
      const [method, path] = r.split(' ');
      return !spec.paths?.[path!]?.[method!]?.description;
    });
    expect(missing).toEqual([]);
  });

  it('carries request schemas from the validators and the shared error shape', () => {
    const signup = spec.paths['/v1/storefront/signups'].post;
    const body = signup.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['key', 'variantId', 'email', 'phone', 'smsConsent', 'quantity', 'website']));
    expect(signup.responses['429'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    const query = spec.paths['/v1/admin/signups'].get.parameters.map((p: { name: string }) => p.name);
    expect(query).toEqual(expect.arrayContaining(['variantId', 'status', 'cursor', 'limit']));
    expect(spec.paths['/v1/admin/settings'].patch.security).toEqual([{ secretKey: [] }]);
  });

  it('serves a docs page over it', async () => {
    const res = await t.call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.body).toContain('data-url="/openapi.json"');
  });
});
