import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { connections, shops, type Connection, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { ShopifyError, type CatalogProduct, type ShopifyAdmin } from '../../platforms/shopify/admin.ts';
import { recordPlatformLevel } from '../platform/settle.ts';
import { upsertVariantIn } from '../variants/upsert.ts';
import { twins } from '../../../db/sql/index.ts';
import { connectionById } from './store.ts';
import { advance, failedFor, setSync } from './progress.ts';
import { syncStoreCatalog } from './store-sync.ts';
import { adminForConnection } from './shopify.ts';

/**
 * Job `connections.sync`: imports the store's catalog, each variant (title,
 * price, image, product, inventory item) and, where the shop counts every
 * location, its stock as a level the platform reported when it was read.
 * A catalog past `config.shopifyBulkOver` variants is exported by a bulk
 * operation and read back as a file (bulkImport); a smaller one a page at a
 * time. Either way the place and the counts move in the transaction that
 * writes each page or batch, so a sync that stopped (a kill, a store that
 * stopped answering past its retries) resumes where it was, and importing a
 * part twice changes nothing. Credentials Shopify refuses end the sync as
 * failed, with the reason on the Connect page; anything else fails the job,
 * which the queue retries with backoff from the same place.
 */
export async function syncCatalog(deps: Deps, connectionId: number): Promise<void> {
  let connection = await connectionById(deps.db, connectionId);
  if (!connection) return;
  const [shop] = await deps.db.select().from(shops).where(eq(shops.id, connection.shopId));
  if (connection.platform !== 'shopify') return syncStoreCatalog(deps, shop!, connection);
  try {
    const admin = await adminForConnection(deps, connection);
    if (connection.syncStatus !== 'running') {
      await setSync(deps, connectionId, { syncStatus: 'running', syncStartedAt: deps.clock.now(), variantsTotal: await admin.variantsCount(), error: null });
      connection = (await connectionById(deps.db, connectionId))!;
    }
    const bulk = bulkPlace(connection.syncCursor);
    if (bulk || (connection.syncCursor === null && connection.variantsImported === 0 && (connection.variantsTotal ?? 0) > deps.config.shopifyBulkOver)) {
      if (await bulkImport(deps, shop!, connection, admin, bulk)) return;
      // The export failed on Shopify's side: the pages get there too, only slower.
    }
    await pagedImport(deps, shop!, connectionId, admin, bulk ? null : connection.syncCursor);
  } catch (error) {
    const refused = error instanceof ShopifyError && (error.kind === 'unauthorized' || error.kind === 'forbidden' || error.kind === 'missing_scopes');
    await setSync(deps, connectionId, { error: failedFor(error), ...(refused ? { syncStatus: 'failed' as const } : {}) });
    if (!refused) throw error;
  }
  deps.wake();
}

async function pagedImport(deps: Deps, shop: Shop, connectionId: number, admin: ShopifyAdmin, from: string | null): Promise<void> {
  for (let cursor = from, more = true; more; ) {
    const askedAt = deps.clock.now();
    const page = await admin.products(cursor);
    cursor = page.endCursor;
    more = page.hasNextPage && cursor !== null;
    const variants = page.products.reduce((n, p) => n + p.variants.length, 0);
    await importPage(deps, shop, page.products, askedAt, advance(deps, connectionId, { products: page.products.length, variants }, more ? cursor : null));
  }
}

/** Where a bulk import is: the export's id, when it was asked for, and the lines of its file already in. */
interface BulkPlace {
  id: string;
  askedAt: Date;
  lines: number;
}
const BULK = /^bulk (\S+) (\d+) (\d+)$/;
const bulkPlace = (cursor: string | null): BulkPlace | null => {
  const m = cursor ? BULK.exec(cursor) : null;
  return m ? { id: m[1]!, askedAt: new Date(Number(m[2])), lines: Number(m[3]) } : null;
};
const bulkCursor = (p: BulkPlace) => `bulk ${p.id} ${p.askedAt.getTime()} ${p.lines}`;

/**
 * A bulk export: asked for once, then polled by this job every
 * `shopifyBulkPollMs` until Shopify has written the file, which is read as a
 * stream, a batch of lines per transaction, resuming after the lines already
 * in. Levels are recorded as of when the export was asked for: one read later
 * may include orders placed since, which the settlement then counts once more
 * (stock shown short until the next webhook), never the other way round.
 * False when the export failed on Shopify's side.
 */
async function bulkImport(deps: Deps, shop: Shop, connection: Connection, admin: ShopifyAdmin, place: BulkPlace | null): Promise<boolean> {
  if (!place) {
    const askedAt = deps.clock.now();
    const started = await admin.startCatalogExport();
    place = { id: started.id, askedAt, lines: 0 };
    await setSync(deps, connection.id, { syncCursor: bulkCursor(place) });
  }
  const op = await admin.bulkOperation(place.id);
  if (op.status === 'CREATED' || op.status === 'RUNNING') {
    const runAt = new Date(deps.clock.now().getTime() + deps.config.shopifyBulkPollMs);
    await transaction(deps.db, (tx) =>
      enqueueJob(tx, { kind: 'connections.sync', key: `connections.sync:${connection.id}:${runAt.getTime()}`, runAt, payload: { connectionId: connection.id } }, deps.clock.now()),
    );
    return true;
  }
  if (op.status !== 'COMPLETED') {
    deps.log('shopify bulk export did not complete; importing by pages', { shop: shop.id, status: op.status, errorCode: op.errorCode });
    await setSync(deps, connection.id, { syncCursor: null });
    return false;
  }
  if (!op.url) {
    // Nothing to export: an empty catalog.
    await transaction(deps.db, advance(deps, connection.id, { products: 0, variants: 0 }, null));
    return true;
  }
  const at = place;
  const read = admin.readCatalogExport(op.url, {
    skipLines: at.lines,
    onBatch: async (products, linesRead) => {
      const variants = products.reduce((n, p) => n + p.variants.length, 0);
      // A product counts once, on the line that named it; a batch of its later variants adds none.
      const named = products.filter((p) => p.named).length;
      at.lines = linesRead;
      await importPage(deps, shop, products, at.askedAt, advance(deps, connection.id, { products: named, variants }, bulkCursor(at)));
    },
  });
  try {
    await read;
  } catch (error) {
    if (!(error instanceof ShopifyError && error.kind === 'not_found')) throw error;
    // The file's signed link expired (a week) before the import got through it: start over, by pages, counting from zero.
    deps.log('shopify bulk export file gone; importing by pages', { shop: shop.id, error: error.message });
    await setSync(deps, connection.id, { syncCursor: null, productsImported: 0, variantsImported: 0 });
    return false;
  }
  await transaction(deps.db, advance(deps, connection.id, { products: 0, variants: 0 }, null));
  return true;
}

/**
 * One page of products into variants, in one transaction with `then` (the
 * import's place and counts; a commit per variant made PostgreSQL the
 * bottleneck); answers how many variants it held.
 * The page's variants are locked first, in id order, as every writer of
 * several variants does.
 */
async function importPage(deps: Deps, shop: Shop, products: CatalogProduct[], askedAt: Date, then: (tx: Tx) => Promise<unknown>): Promise<number> {
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
    await then(tx);
    return n;
  });
  deps.wake();
  return count;
}
