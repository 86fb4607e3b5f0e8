import { eq } from 'drizzle-orm';
import { connections, connectionWebhooks, shops, type Platform, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { NotFound } from '../../lib/errors.ts';
import { adminForConnection } from './shopify.ts';
import { connectionOf } from './store.ts';

/**
 * Ends a connection. `by: 'merchant'` (DELETE from the dashboard) first
 * deletes the webhook subscriptions on the store, where it can (a store that
 * does not answer keeps them, and their deliveries are refused from then on);
 * `by: 'store'` (app/uninstalled) cannot, the token being revoked already.
 * Then, in one transaction: the connection and its sealed credentials go, and
 * the origins and Shopify settings it filled in are taken back. Variants,
 * lines and orders stay. A pending sync finds no connection and does nothing.
 */
export async function disconnect(deps: Deps, shop: Shop, platform: Platform, by: 'merchant' | 'store'): Promise<void> {
  const connection = await connectionOf(deps.db, shop.id, platform);
  if (!connection) throw NotFound(`A ${platform} connection`);
  if (by === 'merchant' && platform === 'shopify') {
    try {
      const hooks = await deps.db.select().from(connectionWebhooks).where(eq(connectionWebhooks.connectionId, connection.id));
      await (await adminForConnection(deps, connection)).deleteWebhooks(hooks.map((h) => h.subscriptionId));
    } catch (error) {
      deps.log('connection: webhook subscriptions left on the store', { shop: shop.id, platform, error: error instanceof Error ? error.message : String(error) });
    }
  }
  await transaction(deps.db, async (tx) => {
    const [current] = await tx.select().from(shops).where(eq(shops.id, shop.id));
    const settings = current!.settings;
    await tx.delete(connectionWebhooks).where(eq(connectionWebhooks.connectionId, connection.id));
    await tx.delete(connections).where(eq(connections.id, connection.id));
    await tx
      .update(shops)
      .set({
        ...(platform === 'shopify' ? { shopifyDomain: null } : {}),
        settings: {
          ...settings,
          ...(platform === 'shopify' ? { shopify: null } : {}),
          allowedOrigins: settings.allowedOrigins.filter((o) => !connection.origins.includes(o)),
        },
      })
      .where(eq(shops.id, shop.id));
  });
  deps.log('connection ended', { shop: shop.id, platform, by });
}
