import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeAll(async () => {
  t = await setup();
});
afterAll(() => t.cleanup());

const directives = (header: string | null) => Object.fromEntries((header ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

/** What every page of ours promises, whatever else it allows. */
function expectStrictPolicy(header: string | null) {
  const csp = directives(header);
  expect(csp['default-src']).toEqual(["'self'"]);
  expect(csp['script-src']).toEqual(["'self'"]);
  expect(csp['object-src']).toEqual(["'none'"]);
  expect(csp['base-uri']).toEqual(["'none'"]);
  expect(csp['form-action']).toEqual(["'self'"]);
  expect(csp['frame-ancestors']).toEqual(["'none'"]);
  return csp;
}

describe('/docs works offline', () => {
  it('loads nothing from another origin: every src and href is a path on ours', async () => {
    const res = await t.call('GET', '/docs');
    expect(res.status).toBe(200);
    const refs = [...(res.body as string).matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    expect(refs.filter((r) => !/^\/(?!\/)/.test(r))).toEqual([]);
    expect(res.body).not.toMatch(/https?:\/\//);
    // No inline script: the CSP would refuse it.
    expect([...(res.body as string).matchAll(/<script([^>]*)>([^<]*)<\/script>/g)].every(([, attrs, body]) => /src="/.test(attrs!) && body!.trim() === '')).toBe(true);
  });

  it('serves each asset from the package, cached for good under a versioned URL', async () => {
    const page = (await t.call('GET', '/docs')).body as string;
    const assets = [...page.matchAll(/\b(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(3);
    for (const path of assets) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-type')).toMatch(path.endsWith('.css') ? /^text\/css/ : /^application\/javascript/);
      expect((await res.text()).length).toBeGreaterThan(path.endsWith('init.js') ? 50 : 10_000);
    }
    const bundle = assets.find((a) => a.endsWith('swagger-ui-bundle.js'))!;
    for (const wrong of [bundle.replace(/assets\/[^/]+\//, 'assets/0.0.0/'), bundle.replace('swagger-ui-bundle.js', 'package.json'), bundle.replace('swagger-ui-bundle.js', '..%2Fpackage.json')]) {
      expect((await t.app.request(wrong)).status, wrong).toBe(404);
    }
  });

  it('sends a Content-Security-Policy with no inline script or style', async () => {
    const res = await t.call('GET', '/docs');
    const csp = expectStrictPolicy(res.headers.get('content-security-policy'));
    expect(csp['style-src']).toEqual(["'self'"]);
    expect(csp['connect-src']).toEqual(["'self'", 'https://waitline.test']);
  });
});

describe('/admin Content-Security-Policy', () => {
  it.each(['/admin', '/admin/messages', '/admin/settings'])('%s: scripts from our origin only, not framable, email previews still styled', async (path) => {
    const res = await t.app.request(path);
    const csp = expectStrictPolicy(res.headers.get('content-security-policy'));
    // The message preview is a sandboxed srcdoc frame: it inherits this policy, and emails are styled inline.
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp['frame-src']).toEqual(["'self'"]);
    expect(csp['connect-src']).toEqual(["'self'"]);
  });
});

describe('the widget preview under the dashboard CSP', () => {
  it("serves the preview's stand-in API as a file from our origin, since the frame may run no inline script", async () => {
    const res = await t.app.request('/admin/widget-preview.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    const body = await res.text();
    expect(body).toContain('/v1/storefront/config');
    expect(body).toContain('me.dataset.config');
  });
});
