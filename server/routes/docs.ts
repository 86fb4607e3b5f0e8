import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import { openAPIRouteHandler } from 'hono-openapi';
import type { AppEnv } from '../context.ts';
import { docsCsp } from '../lib/csp.ts';
import { doc } from '../lib/openapi.ts';
import { sha256 } from '../lib/tokens.ts';

/**
 * Swagger UI's prebuilt assets from the swagger-ui-dist package, served from
 * our own origin: /docs works offline, and the page loads no script from a
 * CDN on the origin that also serves the dashboard and its secret key.
 */
const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const { version: swaggerVersion } = JSON.parse(readFileSync(join(dist, 'package.json'), 'utf8')) as { version: string };

/** Our initializer, as a file: the CSP allows no inline script. */
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null, presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout' });
});
`;

const TYPES = { js: 'application/javascript; charset=utf-8', css: 'text/css; charset=utf-8' } as const;
const FILES: Record<string, { type: keyof typeof TYPES; read: () => string }> = {
  'swagger-ui-bundle.js': { type: 'js', read: () => readFileSync(join(dist, 'swagger-ui-bundle.js'), 'utf8') },
  'swagger-ui.css': { type: 'css', read: () => readFileSync(join(dist, 'swagger-ui.css'), 'utf8') },
  'init.js': { type: 'js', read: () => INIT },
};
/** In the URL, so the assets can be cached for good and an upgrade (or a new initializer) is a new URL. */
export const DOCS_ASSET_VERSION = `${swaggerVersion}-${sha256(INIT).slice(0, 8)}`;
const cache = new Map<string, string>();
const asset = (name: string) => `/docs/assets/${DOCS_ASSET_VERSION}/${name}`;

/**
 * `/openapi.json` is generated from the routes themselves: each carries its
 * description (server/lib/openapi.ts) and its validators' schemas. `/docs`
 * renders it with Swagger UI.
 */
export function mountDocs(app: Hono<AppEnv>, publicUrl: string) {
  app.get(
    '/openapi.json',
    openAPIRouteHandler(app, {
      documentation: {
        openapi: '3.1.0',
        info: {
          title: 'Waitline API',
          version: '1',
          description: 'Waitlists, pre-orders and backorders for online stores. Errors are {"error":{"code","message","field?"}}.',
        },
        servers: [{ url: publicUrl }],
        components: {
          securitySchemes: {
            secretKey: { type: 'http', scheme: 'bearer', description: 'The shop secret key, sk_…' },
            rootToken: { type: 'http', scheme: 'bearer', description: 'WAITLINE_ADMIN_TOKEN' },
            publishableKey: { type: 'apiKey', in: 'query', name: 'key', description: 'The shop publishable key, pk_… (or `key` in the JSON body)' },
          },
          schemas: {
            Error: {
              type: 'object',
              required: ['error'],
              properties: {
                error: {
                  type: 'object',
                  required: ['code', 'message'],
                  properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
                },
              },
            },
          },
        },
      },
      exclude: ['/openapi.json', '/docs'],
      // /widget.js and /v1/admin/signups.csv are routes, not static files.
      excludeStaticFile: false,
    }),
  );
  app.get('/docs/assets/:version/:file', doc('Assets', 'token', 'A script or stylesheet of the API docs page (Swagger UI, served from this origin).', { 200: { description: 'JavaScript or CSS' } }), (c) => {
    const file = FILES[c.req.param('file')];
    if (!file || c.req.param('version') !== DOCS_ASSET_VERSION) return c.text('Not found', 404);
    let body = cache.get(c.req.param('file'));
    if (body === undefined) cache.set(c.req.param('file'), (body = file.read()));
    return c.body(body, 200, { 'Content-Type': TYPES[file.type], 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff' });
  });
  app.get('/docs', (c) => {
    c.header('Content-Security-Policy', docsCsp(publicUrl));
    c.header('X-Content-Type-Options', 'nosniff');
    return c.html(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Waitline API</title>
<link rel="stylesheet" href="${asset('swagger-ui.css')}"></head>
<body>
<div id="swagger-ui" data-url="/openapi.json"></div>
<noscript><p>The API description is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script src="${asset('init.js')}"></script>
</body>
</html>`);
  });
}
