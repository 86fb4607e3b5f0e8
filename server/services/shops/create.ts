import type { Db } from '../../../db/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { shops, type Shop } from '../../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { sha256, token } from '../../lib/tokens.ts';
import { settingsSchema, type SettingsPatch } from '../settings/schema.ts';
import { mergeSettings } from '../settings/update.ts';
import { claimingShopifyDomain } from './shopify-domain.ts';

export interface CreatedShop {
  shop: Shop;
  publishableKey: string;
  /** Shown once: only its hash is stored. */
  secretKey: string;
}

export async function createShop(deps: { db: Db; clock: Clock }, input: { name: string; settings?: SettingsPatch; id?: string }): Promise<CreatedShop> {
  const publishableKey = `pk_${token(18)}`;
  const secretKey = `sk_${token(24)}`;
  const settings = mergeSettings(settingsSchema.parse({}), input.settings ?? {});
  // Messages come from the shop by name unless the merchant names a sender.
  if (!input.settings?.sender?.name) settings.sender = { ...settings.sender, name: input.name };
  const shop = await claimingShopifyDomain(() =>
    transaction(deps.db, async (tx) => {
      const [created] = await tx
        .insert(shops)
        .values({
          id: input.id ?? `shop_${token(9)}`,
          name: input.name,
          publishableKey,
          secretKeyHash: sha256(secretKey),
          shopifyDomain: settings.shopify?.domain ?? null,
          settings,
          createdAt: deps.clock.now(),
        })
        .returning();
      return created!;
    }),
  );
  return { shop, publishableKey, secretKey };
}
