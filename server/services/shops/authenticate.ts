import { and, eq, gt, sql } from 'drizzle-orm';
import { perConnection, type Db, type DbOrTx } from '../../../db/index.ts';
import { retiredPublishableKeys, shops, type Shop } from '../../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { Forbidden, Unauthorized } from '../../lib/errors.ts';
import { sha256 } from '../../lib/tokens.ts';
import { storefrontCache } from '../storefront/config-cache.ts';

/** Admin routes take only the secret key; a publishable key there is a mistake worth naming. */
export async function shopBySecretKey(db: DbOrTx, key: string | undefined): Promise<Shop> {
  if (!key) throw Unauthorized('Send the secret key as Authorization: Bearer sk_…');
  if (key.startsWith('pk_')) throw Unauthorized('A publishable key cannot call admin routes; use the secret key (sk_…)');
  const [shop] = await db.select().from(shops).where(eq(shops.secretKeyHash, sha256(key)));
  if (!shop) throw Unauthorized('Unknown secret key');
  return shop;
}

/**
 * Storefront routes take only the publishable key: a secret key must never sit
 * in a page. A key replaced by a rotation still opens its shop until its grace
 * period ends (by the deps clock, so a cached hit expires on time too).
 * `request` is the request on whose behalf the shop is looked up: the cache
 * catches up with other processes once per request (services/storefront/config-cache.ts).
 */
export async function shopByPublishableKey(deps: { db: Db; clock: Clock }, key: string | undefined, request: object): Promise<Shop> {
  if (!key) throw Unauthorized('The publishable key (pk_…) is required');
  if (key.startsWith('sk_')) throw Unauthorized('Never put the secret key in a storefront; use the publishable key (pk_…)');
  const { db } = deps;
  const cache = storefrontCache(db);
  // On PostgreSQL the look is a round trip; on SQLite it is done already.
  await cache.sync(request);
  const now = deps.clock.now().getTime();
  const hit = cache.shopByKey(key, now);
  if (hit) return hit;
  const mark = cache.mark();
  let [shop] = await byPublishableKey(db).execute({ key });
  let until: number | null = null;
  if (!shop) {
    // Only an unknown key pays for this second lookup; current keys never do.
    const [retired] = await byRetiredKey(db).execute({ key, now });
    shop = retired?.shops;
    until = retired?.retired_publishable_keys.expiresAt.getTime() ?? null;
  }
  if (!shop) throw Unauthorized('Unknown publishable key');
  // Only found shops are kept: made-up keys cannot fill memory.
  return cache.rememberShop(key, shop, until, mark);
}

const byPublishableKey = perConnection((db: Db) => db.select().from(shops).where(eq(shops.publishableKey, sql.placeholder('key'))).prepare());
const byRetiredKey = perConnection((db: Db) =>
  db
    .select()
    .from(retiredPublishableKeys)
    .innerJoin(shops, eq(shops.id, retiredPublishableKeys.shopId))
    .where(and(eq(retiredPublishableKeys.key, sql.placeholder('key')), gt(retiredPublishableKeys.expiresAt, sql.placeholder('now'))))
    .prepare(),
);

/**
 * Browsers must come from one of the shop's allowed origins. Requests without
 * an Origin header (servers, curl) are not browser requests and pass.
 */
export function assertOrigin(shop: Shop, origin: string | undefined): void {
  if (!origin) return;
  if (!shop.settings.allowedOrigins.includes(origin)) {
    throw Forbidden(`Origin ${origin} is not allowed for this shop; add it to allowedOrigins in the settings`);
  }
}
