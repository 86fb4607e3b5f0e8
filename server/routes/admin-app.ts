import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'hono';
import { createRouter, type AppEnv } from '../context.ts';
import { ADMIN_CSP } from '../lib/csp.ts';
import { doc } from '../lib/openapi.ts';

const root = join(import.meta.dirname, '..', '..', 'dist', 'admin');
const TYPES: Record<string, string> = { js: 'application/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' };

function read(path: string): string | null {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return null;
  }
}

/**
 * The widget preview's stand-in storefront API (admin/src/WidgetPreview.tsx):
 * a file, because the preview frame inherits the dashboard's CSP, which allows
 * no inline script. It answers the widget's config and signup requests from
 * this script's data attributes, so a preview never reaches the real API.
 */
const PREVIEW_STUB = `(function () {
  var me = document.currentScript;
  var config = JSON.parse(me.dataset.config), signup = JSON.parse(me.dataset.signup);
  var reply = function (body, status) { return new Response(JSON.stringify(body), { status: status, headers: { 'content-type': 'application/json' } }); };
  var real = window.fetch.bind(window);
  window.fetch = function (url, init) {
    var u = String(url);
    if (u.indexOf('/v1/storefront/config') >= 0) return Promise.resolve(reply(config, 200));
    if (u.indexOf('/v1/storefront/signups') >= 0) return Promise.resolve(reply(signup, 201));
    return real(url, init);
  };
})();
`;

/** The dashboard SPA (`vite build --mode admin`): hashed assets cached for good, every page the same index.html. */
export const adminAppRoutes = createRouter()
  .get('/admin/assets/:file', doc('Assets', 'token', 'A dashboard asset.', { 200: { description: 'JavaScript or CSS' } }), (c) => {
    const file = c.req.param('file');
    const ext = file.match(/^[\w.-]+\.(js|css|svg)$/)?.[1];
    const body = ext ? read(`assets/${file}`) : null;
    if (!ext || body === null) return c.text('Not found', 404);
    return c.body(body, 200, { 'Content-Type': TYPES[ext]!, 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff' });
  })
  .get('/admin/widget-preview.js', doc('Assets', 'token', 'The stand-in storefront API of the dashboard\'s widget preview.', { 200: { description: 'JavaScript' } }), (c) =>
    c.body(PREVIEW_STUB, 200, { 'Content-Type': TYPES.js!, 'Cache-Control': 'public, max-age=300', 'X-Content-Type-Options': 'nosniff' }),
  )
  .get('/admin', doc('Assets', 'token', 'The merchant dashboard (sign in with the shop secret key).', { 200: { description: 'HTML page' } }), (c) => page(c))
  .get('/admin/:page', doc('Assets', 'token', 'A dashboard page.', { 200: { description: 'HTML page' } }), (c) => page(c));

function page(c: Context<AppEnv>) {
  c.header('Content-Security-Policy', ADMIN_CSP);
  const html = read('index.html');
  if (html === null) return c.text('The dashboard is not built: run `npm run build`', 404);
  c.header('Cache-Control', 'no-store');
  // The secret key lives in the page; keep the page out of frames and referrers.
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  return c.html(html);
}
