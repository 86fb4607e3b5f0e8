import type { Tx } from '../../../db/index.ts';
import type { Connection, Shop } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { StoreError, type StoreProduct } from '../../platforms/store.ts';
import { recordPlatformLevel } from '../platform/settle.ts';
import { backUncounted, wasCounted } from '../platform/uncounted.ts';
import { upsertVariantIn } from '../variants/upsert.ts';
import { advance, failedFor, setSync } from './progress.ts';
import { apiForConnection } from './store-api.ts';
import { connectionById } from './store.ts';

/**
 * Job `connections.sync` for a WooCommerce or BigCommerce store: the catalog,
 * a page at a time, each page's variants and counted stock in one transaction
 * with the import's place, so a sync that stopped (a kill, a store that
 * stopped answering past the client's retries) resumes at the page it was on.
 * Keys the store refuses end the sync as failed, with the reason on the
 * Connect page; anything else fails the job, which the queue retries with
 * backoff from the same place.
 */
export async function syncStoreCatalog(deps: Deps, shop: Shop, connection: Connection): Promise<void> {
  const api = apiForConnection(deps, connection);
  try {
    if (connection.syncStatus !== 'running') {
      await setSync(deps, connection.id, { syncStatus: 'running', syncStartedAt: deps.clock.now(), error: null });
      connection = (await connectionById(deps.db, connection.id))!;
    }
    for (let cursor = connection.syncCursor, more = true; more; ) {
      const askedAt = deps.clock.now();
      const page = await api.catalogPage(cursor);
      if (cursor === null && page.variantsTotal !== null) await setSync(deps, connection.id, { variantsTotal: page.variantsTotal });
      const counts = { products: page.products.length, variants: page.products.reduce((n, p) => n + p.variants.length, 0) };
      await importStoreProducts(deps, shop, connection, page.products, askedAt, advance(deps, connection.id, counts, page.next));
      cursor = page.next;
      more = cursor !== null;
    }
  } catch (error) {
    const refused = error instanceof StoreError && (error.kind === 'unauthorized' || error.kind === 'forbidden');
    await setSync(deps, connection.id, { error: failedFor(error), ...(refused ? { syncStatus: 'failed' as const } : {}) });
    if (!refused) throw error;
  }
  deps.wake();
}

/**
 * Products as the store describes them, into variants, in one transaction with
 * `then`: title, price, image, page and where the stock lives; a counted stock
 * is recorded as the level the platform had when it was asked (`askedAt`),
 * which settles the variant's orders (platform/settle.ts) and runs a restock
 * when it rose; one for sale but not counted is marked so (platform/uncounted.ts). The variants are locked first, in id order, as every writer of
 * several variants does. Used by the import and by the product webhooks alike.
 */
export async function importStoreProducts(
  deps: Deps,
  shop: Shop,
  connection: Connection,
  products: StoreProduct[],
  askedAt: Date,
  then?: (tx: Tx) => Promise<unknown>,
): Promise<void> {
  await transaction(deps.db, async (tx) => {
    await twins(tx).locks.lockVariants(tx, shop.id, products.flatMap((p) => p.variants.map((v) => v.id)));
    for (const product of products) {
      for (const v of product.variants) {
        const uncounted = v.stock === null;
        const comesBack = uncounted && (await wasCounted(tx, shop.id, v.id));
        const { variant } = await upsertVariantIn(tx, deps, shop, v.id, {
          productId: product.id,
          productTitle: product.title.slice(0, 255),
          title: v.title.slice(0, 255),
          price: v.price,
          productType: product.productType,
          tags: product.tags.slice(0, 250),
          inventoryItemId: v.stockRef,
          imageUrl: v.imageUrl ?? product.imageUrl,
          url: pageUrl(v.url, connection.origins[0]),
          uncounted,
        });
        if (v.stock !== null) await recordPlatformLevel(tx, deps, shop, v.id, v.stock, askedAt);
        if (comesBack) await backUncounted(tx, shop, variant, askedAt);
      }
    }
    await then?.(tx);
  });
  deps.wake();
}

/** A product page as a link a customer can follow: absolute http(s), or a path on the store's own origin. */
function pageUrl(url: string | null, origin: string | undefined): string | null {
  if (!url) return null;
  try {
    const absolute = new URL(url, origin);
    return absolute.protocol === 'https:' || absolute.protocol === 'http:' ? absolute.toString().slice(0, 2048) : null;
  } catch {
    return null;
  }
}
