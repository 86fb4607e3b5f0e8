import { eq, sql } from 'drizzle-orm';
import { connections, shops, type Connection, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { ShopifyError, type CatalogProduct } from '../../platforms/shopify/admin.ts';
import { recordPlatformLevel } from '../platform/settle.ts';
import { upsertVariantIn } from '../variants/upsert.ts';
import { twins } from '../../../db/sql/index.ts';
import { connectionById } from './store.ts';
import { adminForConnection } from './shopify.ts';

const failedFor = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

async function setSync(deps: Deps, id: number, fields: Partial<Connection>): Promise<void> {
  await transaction(deps.db, (tx) => tx.update(connections).set({ ...fields, updatedAt: deps.clock.now() }).where(eq(connections.id, id)));
}

/**
 * Job `connections.sync`: imports the store's catalog a page at a time, each
 * page's variants (title, price, image, product, inventory item) and, where
 * the shop counts every location, its stock as a level the platform reported
 * at the moment the page was asked for. The cursor and the counts move in one
 * statement after the page is in, so a sync that stopped (a kill, a store
 * that stopped answering past its retries) resumes at the page it was on, and
 * importing a page twice changes nothing. Credentials Shopify refuses end the
 * sync as failed, with the reason on the Connect page; anything else fails
 * the job, which the queue retries with backoff from the same cursor.
 */
export async function syncCatalog(deps: Deps, connectionId: number): Promise<void> {
  const connection = await connectionById(deps.db, connectionId);
  if (!connection) return;
  const [shop] = await deps.db.select().from(shops).where(eq(shops.id, connection.shopId));
  try {
    const admin = await adminForConnection(deps, connection);
    if (connection.syncStatus !== 'running') {
      await setSync(deps, connectionId, { syncStatus: 'running', syncStartedAt: deps.clock.now(), variantsTotal: await admin.variantsCount(), error: null });
    }
    for (let cursor = connection.syncCursor, more = true; more; ) {
      const askedAt = deps.clock.now();
      const page = await admin.products(cursor);
      const variantCount = await importPage(deps, shop!, page.products, askedAt);
      cursor = page.endCursor;
      more = page.hasNextPage && cursor !== null;
      await transaction(deps.db, (tx) =>
        tx
          .update(connections)
          .set({
            syncCursor: more ? cursor : null,
            productsImported: sql`${connections.productsImported} + ${page.products.length}`,
            variantsImported: sql`${connections.variantsImported} + ${variantCount}`,
            ...(more ? {} : { syncStatus: 'done' as const, syncFinishedAt: deps.clock.now() }),
            // A page that came in means the store answers again.
            error: null,
            updatedAt: deps.clock.now(),
          })
          .where(eq(connections.id, connectionId)),
      );
    }
  } catch (error) {
    const refused = error instanceof ShopifyError && (error.kind === 'unauthorized' || error.kind === 'forbidden' || error.kind === 'missing_scopes');
    await setSync(deps, connectionId, { error: failedFor(error), ...(refused ? { syncStatus: 'failed' as const } : {}) });
    if (!refused) throw error;
  }
  deps.wake();
}

/**
 * One page of products into variants, in one transaction (a commit per
 * variant made PostgreSQL the bottleneck); answers how many variants it held.
 * The page's variants are locked first, in id order, as every writer of
 * several variants does.
 */
async function importPage(deps: Deps, shop: Shop, products: CatalogProduct[], askedAt: Date): Promise<number> {
  const domain = shop.settings.shopify?.domain;
  // With named locations the total across every location is not the shop's level: webhooks and reconciliation give it per location.
  const countsEveryLocation = !shop.settings.shopify?.locations;
  const count = await transaction(deps.db, async (tx) => {
    await twins(tx).locks.lockVariants(tx, shop.id, products.flatMap((p) => p.variants.map((v) => v.id)));
    let n = 0;
    for (const product of products) {
      for (const v of product.variants) {
        n++;
        await upsertVariantIn(tx, deps, shop, v.id, {
          productId: product.id,
          productTitle: product.title.slice(0, 255),
          title: v.title.slice(0, 255),
          price: v.price,
          productType: product.productType,
          tags: product.tags.slice(0, 250),
          inventoryItemId: v.inventoryItemId,
          imageUrl: v.imageUrl ?? product.imageUrl,
          url: domain && product.handle ? `https://${domain}/products/${encodeURIComponent(product.handle)}?variant=${v.id}` : null,
        });
        if (countsEveryLocation && v.inventoryQuantity !== null) await recordPlatformLevel(tx, deps, shop, v.id, v.inventoryQuantity, askedAt);
      }
    }
    return n;
  });
  deps.wake();
  return count;
}
