import { eq } from 'drizzle-orm';
import { connections, connectionWebhooks, platformReservations, shops, type Platform, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { NotFound } from '../../lib/errors.ts';
import { releaseReservations } from '../platform/reservations.ts';
import { releaseStoreHolds } from '../platform/store-holds.ts';
import { apiForConnection, isStorePlatform } from './store-api.ts';
import { adminForConnection } from './shopify.ts';
import { connectionOf } from './store.ts';

/**
 * Ends a connection. `by: 'merchant'` (DELETE from the dashboard) first gives
 * back the units reserved for holds and deletes the webhook subscriptions on
 * the store, where it can (a store that
 * does not answer keeps them, and their deliveries are refused from then on);
 * `by: 'store'` (app/uninstalled) cannot, the token being revoked already.
 * Then, in one transaction: the connection and its sealed credentials go, and
 * the origins and Shopify settings it filled in are taken back. Variants,
 * lines and orders stay. A pending sync finds no connection and does nothing.
 */
export async function disconnect(deps: Deps, shop: Shop, platform: Platform, by: 'merchant' | 'store'): Promise<void> {
  const connection = await connectionOf(deps.db, shop.id, platform);
  if (!connection) throw NotFound(`A ${platform} connection`);
  if (by === 'merchant') {
    try {
      const hooks = await deps.db.select().from(connectionWebhooks).where(eq(connectionWebhooks.connectionId, connection.id));
      if (isStorePlatform(platform)) {
        const api = apiForConnection(deps, connection);
        await releaseStoreHolds(deps, shop, api);
        await api.deleteWebhooks(hooks.map((h) => h.subscriptionId));
      } else {
        const admin = await adminForConnection(deps, connection);
        await releaseReservations(deps, shop, admin);
        await admin.deleteWebhooks(hooks.map((h) => h.subscriptionId));
      }
    } catch (error) {
      deps.log('connection: webhook subscriptions left on the store', { shop: shop.id, platform, error: error instanceof Error ? error.message : String(error) });
    }
  }
  await transaction(deps.db, async (tx) => {
    const [current] = await tx.select().from(shops).where(eq(shops.id, shop.id));
    const settings = current!.settings;
    await tx.delete(connectionWebhooks).where(eq(connectionWebhooks.connectionId, connection.id));
    await tx.delete(connections).where(eq(connections.id, connection.id));
    // What Waitline reserved on the store is given back above, or (uninstalled) cannot be any more.
    await tx.delete(platformReservations).where(eq(platformReservations.shopId, shop.id));
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
