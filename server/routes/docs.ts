import type { Hono } from 'hono';
import { openAPIRouteHandler } from 'hono-openapi';
import type { AppEnv } from '../context.ts';

/**
 * `/openapi.json` is generated from the routes themselves: each carries its
 * description (server/lib/openapi.ts) and its validators' schemas. `/docs`
 * renders it with Scalar's API reference.
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
  app.get('/docs', (c) =>
    c.html(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Waitline API</title></head>
<body>
<script id="api-reference" data-url="/openapi.json"></script>
<script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference"></script>
<noscript><p>The API description is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
</body>
</html>`),
  );
}
