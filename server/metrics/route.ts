import { createRouter } from '../context.ts';
import { AppError, Unauthorized } from '../lib/errors.ts';
import { bearer } from '../lib/http.ts';
import { doc } from '../lib/openapi.ts';
import { safeEqual, sha256 } from '../lib/tokens.ts';
import { readGauges } from './gauges.ts';
import { registry } from './registry.ts';

/**
 * `GET /metrics` for Prometheus. Off (a 404 like any unknown path) until
 * WAITLINE_METRICS_TOKEN is set; then only that Bearer token reads it. Not
 * under /v1/storefront, so no storefront CORS header ever reaches it.
 */
export const metricsRoutes = createRouter().get(
  '/metrics',
  doc('Operations', 'signature', 'Prometheus metrics in the text format, for `Authorization: Bearer $WAITLINE_METRICS_TOKEN`. 404 while WAITLINE_METRICS_TOKEN is unset.', {
    200: { description: 'Prometheus text exposition format' },
    404: { description: 'Metrics are off: WAITLINE_METRICS_TOKEN is not set' },
  }),
  async (c) => {
    const { config, db, clock } = c.get('deps');
    if (!config.metricsToken) throw new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`);
    const given = bearer(c) ?? '';
    // Digests are compared, so neither the token's length nor its bytes leak through timing.
    if (!safeEqual(sha256(given), sha256(config.metricsToken))) throw Unauthorized('Send WAITLINE_METRICS_TOKEN as a Bearer token');
    await readGauges(db, clock.now());
    c.header('Cache-Control', 'no-store');
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  },
);
