import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/index.ts';
import { shops, type Shop } from '../../../db/schema/index.ts';
import { sha256, token } from '../../lib/tokens.ts';
import { forgetShop } from './authenticate.ts';

/**
 * A new secret key, shown once; the old one stops working at once. The
 * publishable key is unchanged, so storefronts keep working.
 */
export function rotateSecretKey(db: Db, shop: Shop): { secretKey: string } {
  const secretKey = `sk_${token(24)}`;
  db.update(shops).set({ secretKeyHash: sha256(secretKey) }).where(eq(shops.id, shop.id)).run();
  forgetShop(db, shop.id);
  return { secretKey };
}
