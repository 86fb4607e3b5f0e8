import { and, asc, eq, isNotNull, or, sql } from 'drizzle-orm';
import { connections, shops, variants, type Shop } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import type { Deps } from '../context.ts';
import { schedulePeriodic } from '../jobs/queue.ts';
import { noneAdapter } from '../platforms/none.ts';
import { shopifyAdminDeps } from '../platforms/shopify/http.ts';
import { shopifyAdapter } from '../platforms/shopify/inventory.ts';
import type { StoreApi } from '../platforms/store.ts';
import type { InventoryAdapter } from '../platforms/types.ts';
import { recordPlatformLevel } from './platform/settle.ts';
import { freshCredentials } from './connections/shopify.ts';
import { apiForConnection, isStorePlatform } from './connections/store-api.ts';

/**
 * The adapter that can tell a shop's stock: its connected store (a Shopify
 * token is renewed first when it is about to lapse), or a Shopify token set by
 * hand in settings; else none.
 */
export async function adapterFor(deps: Deps, shop: Shop): Promise<InventoryAdapter> {
  const [connection] = await deps.db.select().from(connections).where(eq(connections.shopId, shop.id)).orderBy(asc(connections.id)).limit(1);
  if (connection && isStorePlatform(connection.platform)) return storeAdapter(apiForConnection(deps, connection));
  const token = connection ? (await freshCredentials(deps, connection)).accessToken : shop.settings.shopify?.accessToken;
  return token ? shopifyAdapter(shopifyAdminDeps(deps), token) : noneAdapter;
}

/** A WooCommerce or BigCommerce store's stock, by where each variant's stock lives (its stockRef, kept as inventoryItemId). */
const storeAdapter = (api: StoreApi): InventoryAdapter => ({
  name: api.platform,
  async fetchInventory(_shop, variants) {
    const levels = await api.stockLevels([...new Set(variants.map((v) => v.inventoryItemId!).filter(Boolean))]);
    const stock = new Map<string, number>();
    for (const v of variants) {
      const level = v.inventoryItemId ? levels.get(v.inventoryItemId) : undefined;
      if (level !== undefined) stock.set(v.id, level);
    }
    return stock;
  },
});

/**
 * Webhooks get lost. For every variant someone is waiting on (a waitlist,
 * a pre-order or a backorder), ask the platform for its stock and apply any
 * difference as a set: a rise a webhook missed is allocated now.
 */
export async function reconcile(deps: Deps, adapterOf: typeof adapterFor = adapterFor): Promise<{ shops: number; checked: number; changed: number }> {
  const report = { shops: 0, checked: 0, changed: 0 };
  const connected = or(isNotNull(shops.shopifyDomain), sql`exists (select 1 from connections c where c.shop_id = ${shops.id})`);
  for (const shop of await deps.db.select().from(shops).where(connected).orderBy(asc(shops.id))) {
    const adapter = await adapterOf(deps, shop).catch((error) => {
      deps.log('reconciliation: no token for a shop', { shop: shop.id, error: error instanceof Error ? error.message : String(error) });
      return noneAdapter;
    });
    if (adapter.name === 'none') continue;
    const waitedOn = await deps.db
      .select()
      .from(variants)
      .where(
        and(
          eq(variants.shopId, shop.id),
          isNotNull(variants.inventoryItemId),
          sql`(exists (select 1 from signups s where s.shop_id = ${variants.shopId} and s.variant_id = ${variants.id} and s.status in ('waiting', 'offered'))
            or exists (select 1 from backorders b where b.shop_id = ${variants.shopId} and b.variant_id = ${variants.id} and b.status = 'waiting')
            or exists (select 1 from platform_order_lines l where l.shop_id = ${variants.shopId} and l.variant_id = ${variants.id} and l.status = 'pending'))`,
        ),
      )
      .orderBy(asc(variants.id));
    if (waitedOn.length === 0) continue;
    report.shops++;
    let stock: Map<string, number>;
    // What the platform answers counts at least every order placed before the question.
    const askedAt = deps.clock.now();
    // Asked outside any transaction: writers never wait on the platform.
    try {
      stock = await adapter.fetchInventory(shop, waitedOn);
    } catch (error) {
      deps.log('reconciliation failed for a shop', { shop: shop.id, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    for (const v of waitedOn) {
      const platform = stock.get(v.id);
      if (platform === undefined) continue;
      report.checked++;
      // The level includes every order placed before it was asked for: it is recorded like any
      // reported level, so reconciliation and the webhooks agree on what each order was owed.
      const changed = await transaction(deps.db, (tx) => recordPlatformLevel(tx, deps, shop, v.id, platform, askedAt));
      if (changed) {
        report.changed++;
        deps.log('reconciliation applied a missed change', { shop: shop.id, variant: v.id, from: v.inventory, to: platform });
      }
    }
  }
  if (report.changed > 0) deps.wake();
  return report;
}

/** Keeps one pass scheduled per interval: the job schedules the next, and a restart re-arms it. */
export const scheduleReconcile = (deps: Pick<Deps, 'db' | 'clock' | 'config'>, after?: Date) => schedulePeriodic(deps, 'reconcile', deps.config.reconcileMs, after);
