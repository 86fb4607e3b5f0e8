import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { PLATFORMS } from '../../../db/schema/index.ts';
import { createRouter } from '../../context.ts';
import { doc } from '../../lib/openapi.ts';
import { validate } from '../../lib/validate.ts';
import { bigConnectSchema, connectStore, wooConnectSchema } from '../../services/connections/connect-store.ts';
import { disconnect } from '../../services/connections/disconnect.ts';
import { createInstallTicket, ticketSchema } from '../../services/connections/oauth.ts';
import { connectShopify, shopifyConnectSchema, SHOPIFY_SCOPES } from '../../services/connections/shopify.ts';
import { resync } from '../../services/connections/resync.ts';
import { catalogProgress, connectionView, listConnections } from '../../services/connections/view.ts';

const platformParam = z.object({ platform: z.enum(PLATFORMS, `must be one of ${PLATFORMS.join(', ')}`) });

/** How often the progress stream reads the import's counts: they are written by whichever replica runs the job. */
const PROGRESS_EVERY_MS = 500;

/** Connect a store (SPEC §4): verify, register webhooks, import the catalog, allow the storefront. */
export const connectionsRoutes = createRouter()
  .get('/connections', doc('Connections', 'secret', 'The shop’s store connections (never their credentials), the last webhook per topic, and where the widget was last seen.'), async (c) =>
    c.json(await listConnections(c.get('deps').db, c.get('shop'))),
  )
  .put(
    '/connections/shopify',
    doc(
      'Connections',
      'secret',
      `Connects a Shopify store: \`{shop, clientId, clientSecret}\` (an app of the store's organisation, through the client-credentials grant; its 24-hour tokens are renewed before they lapse) or \`{shop, accessToken, apiSecret}\` (an admin-created app). Checks the credentials and the scopes (${SHOPIFY_SCOPES.join(', ')}), registers the webhooks, allows the storefront origins and starts the catalog import; a 4xx names what is wrong, and nothing is stored then.`,
    ),
    validate('json', shopifyConnectSchema),
    async (c) => {
      const deps = c.get('deps');
      await connectShopify(deps, c.get('shop'), c.req.valid('json'));
      return c.json({ connection: await connectionView(deps.db, c.get('shop').id, 'shopify') });
    },
  )
  .put(
    '/connections/woocommerce',
    doc(
      'Connections',
      'secret',
      'Connects a WooCommerce store: `{storeUrl, consumerKey, consumerSecret}` (a REST API key with Read/Write permission, from WooCommerce → Settings → Advanced → REST API). Over https the key is sent by Basic auth, over plain http requests are OAuth 1.0a-signed. The address must not resolve to a private one. Registers the webhooks (product.updated, order.created, order.updated), allows the storefront origin and starts the catalog import; a 4xx names what is wrong, and nothing is stored then.',
    ),
    validate('json', wooConnectSchema),
    async (c) => {
      const deps = c.get('deps');
      await connectStore(deps, c.get('shop'), { platform: 'woocommerce', body: c.req.valid('json') });
      return c.json({ connection: await connectionView(deps.db, c.get('shop').id, 'woocommerce') });
    },
  )
  .put(
    '/connections/bigcommerce',
    doc(
      'Connections',
      'secret',
      'Connects a BigCommerce store: `{storeHash, accessToken}` (a store-level API account with Products, Orders and Information & Settings; modify for Products and Orders). Registers the webhooks, allows the storefront origins and starts the catalog import; a 4xx names what is wrong, and nothing is stored then.',
    ),
    validate('json', bigConnectSchema),
    async (c) => {
      const deps = c.get('deps');
      await connectStore(deps, c.get('shop'), { platform: 'bigcommerce', body: c.req.valid('json') });
      return c.json({ connection: await connectionView(deps.db, c.get('shop').id, 'bigcommerce') });
    },
  )
  .post(
    '/connections/shopify/ticket',
    doc('Connections', 'secret', 'A one-time, short-lived ticket to install a Dev Dashboard app by OAuth: `{shop, clientId, clientSecret}` → `{ticket, installUrl, expiresAt}`. Open installUrl in the browser; Shopify asks the merchant to approve, then returns to /connect/shopify/callback.', { 201: { description: 'Created' } }),
    validate('json', ticketSchema),
    async (c) => c.json(await createInstallTicket(c.get('deps'), c.get('shop'), c.req.valid('json')), 201),
  )
  .post('/connections/:platform/sync', doc('Connections', 'secret', 'Imports the catalog again, from the first page (409 while an import runs).', { 202: { description: 'Queued' } }), validate('param', platformParam), async (c) => {
    await resync(c.get('deps'), c.get('shop'), c.req.valid('param').platform);
    return c.json({ queued: true }, 202);
  })
  .delete('/connections/:platform', doc('Connections', 'secret', 'Disconnects the store: its webhooks are deleted on the store, its credentials here, and the origins it allowed are taken back. Variants and lines stay.', { 204: { description: 'Disconnected' } }), validate('param', platformParam), async (c) => {
    await disconnect(c.get('deps'), c.get('shop'), c.req.valid('param').platform, 'merchant');
    return c.body(null, 204);
  })
  .get(
    '/connections/:platform/progress',
    doc('Connections', 'secret', 'Server-sent events: `progress` with the catalog import’s counts while it runs, then one last `progress` when it is done or failed.'),
    validate('param', platformParam),
    (c) => {
      const { db } = c.get('deps');
      const shop = c.get('shop');
      const platform = c.req.valid('param').platform;
      return streamSSE(c, async (stream) => {
        let last = '';
        while (!stream.aborted) {
          const progress = await catalogProgress(db, shop, platform);
          const data = JSON.stringify(progress.data);
          if (data !== last) await stream.writeSSE({ event: 'progress', data });
          last = data;
          if (progress.over) return;
          await stream.sleep(PROGRESS_EVERY_MS);
        }
      });
    },
  );
