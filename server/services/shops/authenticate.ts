import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/index.ts';
import { shops, type Shop } from '../../../db/schema/index.ts';
import { Forbidden, Unauthorized } from '../../lib/errors.ts';
import { sha256 } from '../../lib/tokens.ts';

/** Admin routes take only the secret key; a publishable key there is a mistake worth naming. */
export function shopBySecretKey(db: Db, key: string | undefined): Shop {
  if (!key) throw Unauthorized('Send the secret key as Authorization: Bearer sk_…');
  if (key.startsWith('pk_')) throw Unauthorized('A publishable key cannot call admin routes; use the secret key (sk_…)');
  const shop = db.select().from(shops).where(eq(shops.secretKeyHash, sha256(key))).get();
  if (!shop) throw Unauthorized('Unknown secret key');
  return shop;
}

/** Storefront routes take only the publishable key: a secret key must never sit in a page. */
export function shopByPublishableKey(db: Db, key: string | undefined): Shop {
  if (!key) throw Unauthorized('The publishable key (pk_…) is required');
  if (key.startsWith('sk_')) throw Unauthorized('Never put the secret key in a storefront; use the publishable key (pk_…)');
  const shop = db.select().from(shops).where(eq(shops.publishableKey, key)).get();
  if (!shop) throw Unauthorized('Unknown publishable key');
  return shop;
}

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
