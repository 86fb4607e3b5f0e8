import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/index.ts';
import { shops, type Shop } from '../../../db/schema/index.ts';
import { Invalid } from '../../lib/errors.ts';
import { forgetShop } from '../shops/authenticate.ts';
import { smsCountries, type SettingsPatch, type ShopSettings } from './schema.ts';

const MASK = '********';

/** Changes only the fields the patch names; `sender` and `escalation` merge one level deep. */
export function mergeSettings(current: ShopSettings, patch: SettingsPatch): ShopSettings {
  return {
    ...current,
    ...patch,
    sender: { ...current.sender, ...patch.sender },
    escalation: {
      ...current.escalation,
      ...patch.escalation,
      ...(patch.escalation?.webhookSecret === MASK ? { webhookSecret: current.escalation.webhookSecret } : {}),
    },
    backorderCadence: { ...current.backorderCadence, ...patch.backorderCadence },
    sms: { ...current.sms, ...patch.sms },
    webhooks:
      patch.webhooks === undefined
        ? current.webhooks
        : patch.webhooks && patch.webhooks.secret === MASK && current.webhooks
          ? { ...patch.webhooks, secret: current.webhooks.secret }
          : patch.webhooks,
    // The masked secret we show is echoed back by forms: keep the real one.
    shopify:
      patch.shopify === undefined
        ? current.shopify
        : patch.shopify && current.shopify
          ? {
              ...patch.shopify,
              // Forms echo the masked secrets back: keep the real ones.
              webhookSecret: patch.shopify.webhookSecret === MASK ? current.shopify.webhookSecret : patch.shopify.webhookSecret,
              accessToken: patch.shopify.accessToken === MASK ? current.shopify.accessToken : patch.shopify.accessToken,
            }
          : patch.shopify,
  } as ShopSettings;
}

export function updateSettings(db: Db, shop: Shop, patch: SettingsPatch): Shop {
  const settings = mergeSettings(shop.settings, patch);
  // Checked on the merged result: a patch may name only one of the pair.
  if (settings.escalation.webhookUrl && !settings.escalation.webhookSecret) {
    throw Invalid('webhookSecret is required with webhookUrl', 'escalation.webhookSecret');
  }
  const updated = db
    .update(shops)
    .set({ settings, shopifyDomain: settings.shopify?.domain ?? null })
    .where(eq(shops.id, shop.id))
    .returning()
    .get();
  forgetShop(db, shop.id);
  return updated;
}

/** What the admin API shows: secrets are write-only; SMS countries as they apply (the shop's own when none are named). */
export function presentSettings(settings: ShopSettings) {
  return {
    ...settings,
    shopify: settings.shopify
      ? { ...settings.shopify, webhookSecret: MASK, accessToken: settings.shopify.accessToken ? MASK : null }
      : null,
    escalation: { ...settings.escalation, webhookSecret: settings.escalation.webhookSecret ? MASK : null },
    webhooks: settings.webhooks ? { ...settings.webhooks, secret: MASK } : null,
    sms: { ...settings.sms, allowedCountries: smsCountries(settings) },
  };
}
