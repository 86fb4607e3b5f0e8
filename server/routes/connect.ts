import { createRouter } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { doc } from '../lib/openapi.ts';
import { authorizeUrl, completeInstall } from '../services/connections/oauth.ts';

/**
 * Shopify's OAuth install (server/services/connections/oauth.ts). Both are
 * GETs because browsers arrive by redirect; neither trusts what it is given:
 * the first reads a live ticket and redirects, the second is signed by
 * Shopify (hmac), bound to the ticket (state), and spends it.
 */
export const connectRoutes = createRouter()
  .get('/connect/shopify', doc('Connections', 'token', 'Starts the OAuth install of a Shopify store: `?shop=…&ticket=…` (the ticket from POST /v1/admin/connections/shopify/ticket) → 302 to Shopify’s grant screen.', { 302: { description: 'To Shopify' } }), async (c) =>
    c.redirect(await authorizeUrl(c.get('deps'), { shop: c.req.query('shop'), ticket: c.req.query('ticket') }), 302),
  )
  .get('/connect/shopify/callback', doc('Connections', 'signature', 'Shopify’s redirect after the merchant approved the install (`code`, `shop`, `state`, `timestamp`, `hmac`): verified, then the store is connected and the browser sent to the Connect page.', { 302: { description: 'To the Connect page' } }), async (c) => {
    const deps = c.get('deps');
    try {
      await completeInstall(deps, new URL(c.req.url).searchParams);
      return c.redirect(`${deps.config.publicUrl}/admin/connect`, 302);
    } catch (error) {
      // A redirect Shopify did not sign stops here; anything after that is told on the Connect page.
      if (error instanceof AppError && ['hmac', 'state'].includes(error.field ?? '')) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return c.redirect(`${deps.config.publicUrl}/admin/connect#error=${encodeURIComponent(message)}`, 302);
    }
  });
