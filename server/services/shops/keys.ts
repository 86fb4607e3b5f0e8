import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { retiredPublishableKeys, shops, type Shop } from '../../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { sha256, token } from '../../lib/tokens.ts';

export const DEFAULT_GRACE_HOURS = 24;
export const MAX_GRACE_HOURS = 168;

/**
 * A new secret key, shown once; the old one stops working at once. The
 * publishable key is unchanged, so storefronts keep working.
 */
export async function rotateSecretKey(db: Db, shop: Shop): Promise<{ secretKey: string }> {
  const secretKey = `sk_${token(24)}`;
  await transaction(db, async (tx) => {
    await tx.update(shops).set({ secretKeyHash: sha256(secretKey) }).where(eq(shops.id, shop.id));
  });
  return { secretKey };
}

/**
 * A new publishable key. The old one is kept beside it for `graceHours`, so
 * widgets in live themes go on working until the merchant pastes the new tag;
 * 0 retires it at once. A key retired earlier keeps its own expiry.
 */
export async function rotatePublishableKey(deps: { db: Db; clock: Clock }, shop: Shop, graceHours = DEFAULT_GRACE_HOURS): Promise<{ publishableKey: string; previousKeyExpiresAt: Date | null }> {
  const publishableKey = `pk_${token(18)}`;
  const now = deps.clock.now();
  const expiresAt = graceHours > 0 ? new Date(now.getTime() + graceHours * 3_600_000) : null;
  await transaction(deps.db, async (tx) => {
    // The key as it is now, not as the request found it: another rotation may have come between.
    const [current] = await tx.select({ key: shops.publishableKey }).from(shops).where(eq(shops.id, shop.id));
    await tx.update(shops).set({ publishableKey }).where(eq(shops.id, shop.id));
    if (expiresAt) await tx.insert(retiredPublishableKeys).values({ key: current!.key, shopId: shop.id, retiredAt: now, expiresAt });
  });
  return { publishableKey, previousKeyExpiresAt: expiresAt };
}
