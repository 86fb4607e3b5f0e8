import { connectRoutes } from './routes/connect.ts';
import { Hono, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv, Deps } from './context.ts';
import { AppError, storageUnavailable, unstorableText } from './lib/errors.ts';
import { limitBody, limitStream } from './lib/body.ts';
import { health } from './routes/health.ts';
import { shopsRoutes } from './routes/shops.ts';
import { authRoutes } from './routes/auth.ts';
import { storefrontRoutes } from './routes/storefront.ts';
import { adminRoutes } from './routes/admin/index.ts';
import { linkRoutes } from './routes/links.tsx';
import { confirmRoutes } from './routes/confirm.tsx';
import { statusLookupRoutes } from './routes/status-lookup.tsx';
import { statusRoutes } from './routes/status.tsx';
import { keepRoutes } from './routes/keep.tsx';
import { offerRoutes } from './routes/offers.tsx';
import { backorderRoutes } from './routes/backorders.tsx';
import { webhookRoutes } from './routes/webhooks.ts';
import { mountDocs } from './routes/docs.ts';
import { adminAppRoutes } from './routes/admin-app.ts';
import { assetRoutes } from './routes/assets.ts';
import { requestLog } from './lib/request-log.ts';
import { metricsRoutes } from './metrics/route.ts';
import { observeRequest } from './metrics/registry.ts';

export const BODY_LIMIT = 32 * 1024;
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
export const IMPORT_BODY_LIMIT = 200 * 1024 * 1024;
/** A PO import is read whole (all or nothing), so it is bounded: 5,000 rows fit. */
export const PO_IMPORT_BODY_LIMIT = 1024 * 1024;

/** Builds the whole app around its dependencies; `index.ts` serves it, tests call `app.request()`. */
export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();

  // First, so it times and sees every answer, errors and 404s included.
  app.use('*', requestLog(deps.log, observeRequest));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  // The API takes small bodies; platforms send bigger ones (a product with many variants).
  const apiLimit = limitBody(BODY_LIMIT);
  const webhookLimit = limitBody(WEBHOOK_BODY_LIMIT);
  // An import streams its CSV and is bounded by its own size check, not by the API's.
  const limits: Record<string, MiddlewareHandler> = {
    '/v1/admin/signups/import': limitStream(IMPORT_BODY_LIMIT),
    '/v1/admin/purchase-orders/import': limitStream(PO_IMPORT_BODY_LIMIT),
  };
  app.use('*', (c, next) => (c.req.path.startsWith('/webhooks/') ? webhookLimit : (limits[c.req.path] ?? apiLimit))(c, next));

  app.route('/', health);
  app.route('/', metricsRoutes);
  app.route('/', shopsRoutes);
  app.route('/', authRoutes);
  app.route('/', storefrontRoutes);
  app.route('/v1/admin', adminRoutes);
  app.route('/', linkRoutes);
  app.route('/', confirmRoutes);
  app.route('/', statusRoutes);
  app.route('/', statusLookupRoutes);
  app.route('/', keepRoutes);
  app.route('/', offerRoutes);
  app.route('/', backorderRoutes);
  app.route('/', webhookRoutes);
  app.route('/', connectRoutes);
  app.route('/', adminAppRoutes);
  mountDocs(app, deps.config.publicUrl);
  app.route('/', assetRoutes);

  app.notFound((c) => c.json(new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`).toBody(), 404));

  app.onError((thrown, c) => {
    const unavailable = storageUnavailable(thrown);
    if (unavailable) deps.log('database unavailable', { path: c.req.path, error: thrown instanceof Error ? thrown.message : String(thrown) });
    const error = unavailable ?? unstorableText(thrown) ?? thrown;
    if (error instanceof AppError) {
      if (error.retryAfterSeconds) c.header('Retry-After', String(error.retryAfterSeconds));
      return c.json(error.toBody(), error.status);
    }
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's own 4xx (malformed JSON, unreadable body) in our shape.
      const code = error.status === 413 ? 'payload_too_large' : 'invalid_request';
      return c.json(new AppError(code, error.message || 'Bad request').toBody(), error.status === 413 ? 413 : 400);
    }
    deps.log('unhandled error', { path: c.req.path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    return c.json(new AppError('internal', 'Something went wrong on our side').toBody(), 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
