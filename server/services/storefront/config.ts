import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/index.ts';
import { variants, type Shop } from '../../../db/schema/index.ts';
import { widgetStrings } from '../settings/widget-strings.ts';
import { variantStats } from '../variants/stats.ts';
import { presentEta } from '../variants/upsert.ts';
import { storefrontCache, type CachedAnswer } from './config-cache.ts';

export interface ConfigQuery {
  /** The shopper's locale as asked, else the shop's. */
  locale: string;
  /** Distinct platform ids, as asked. */
  variants: string[];
}

/**
 * What one product page asks: the shop's strings and theme in the shopper's
 * locale, and per variant its mode, public availability, ETA, pre-order room
 * and queue length. Served from the per-process cache while nothing of the
 * shop has changed since it was computed.
 */
export async function storefrontConfig(db: Db, shop: Shop, query: ConfigQuery): Promise<CachedAnswer> {
  const cache = storefrontCache(db);
  const cacheKey = `${query.locale}\n${query.variants.join(',')}`;
  return cache.answer(shop.id, cacheKey) ?? cache.rememberAnswer(shop, cacheKey, await computeConfig(db, shop, query));
}

async function computeConfig(db: Db, shop: Shop, query: ConfigQuery) {
  const list = query.variants.length
    ? await db.select().from(variants).where(and(eq(variants.shopId, shop.id), inArray(variants.id, query.variants))).orderBy(variants.id)
    : [];
  const stats = await variantStats(db, shop.id, list);
  const byId = Object.fromEntries(
    list.map((v) => {
      const s = stats.get(v.id)!;
      // A store that sells it without counting has it for sale: nothing to wait for.
      return [v.id, { mode: v.uncounted ? 'off' : v.mode, available: s.available, eta: presentEta(v), preorderRemaining: s.preorderRemaining, queueLength: s.queueLength }];
    }),
  );
  const { settings } = shop;
  return {
    shop: { name: shop.name, locale: query.locale, country: settings.country, strings: widgetStrings(query.locale, settings.strings), theme: settings.theme },
    variants: byId,
  };
}
