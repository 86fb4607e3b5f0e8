import { eq } from 'drizzle-orm';
import { shops, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict, Invalid } from '../../lib/errors.ts';
import { connectionOf } from '../connections/store.ts';
import { hostRefused } from '../../net/addresses.ts';
import { claimingShopifyDomain } from '../shops/shopify-domain.ts';
import { enableEndpoint } from '../webhooks/endpoints.ts';
import { smsCountries, vipCareOf, type SettingsPatch, type ShopSettings } from './schema.ts';

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
    // The echoed mask keeps the key only for the same account: one helpdesk's key never goes to another.
    helpdesk:
      patch.helpdesk === undefined
        ? current.helpdesk
        : patch.helpdesk?.apiKey === MASK && current.helpdesk?.kind === patch.helpdesk.kind && current.helpdesk.subdomain === patch.helpdesk.subdomain
          ? { ...patch.helpdesk, apiKey: current.helpdesk.apiKey }
          : patch.helpdesk,
    backorderCadence: { ...current.backorderCadence, ...patch.backorderCadence },
    vipCare: { ...vipCareOf(current), ...patch.vipCare },
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

/**
 * Refuses a URL we would never connect to: a loopback, private, link-local or
 * metadata address written out, or localhost. A name is checked again, on what
 * it resolves to, at every delivery.
 */
function refuseClosedHost(url: string | null | undefined, field: string, allowPrivate: boolean): void {
  if (url && hostRefused(new URL(url).hostname, allowPrivate)) {
    throw Invalid('must be a public address: loopback, private, link-local and metadata addresses are refused', field);
  }
}

/** The URLs a settings patch gives us to call: the webhook endpoint and the helpdesk hook. */
export function refuseClosedUrls(patch: SettingsPatch | undefined, allowPrivate: boolean): void {
  refuseClosedHost(patch?.webhooks?.url, 'webhooks.url', allowPrivate);
  refuseClosedHost(patch?.escalation?.webhookUrl, 'escalation.webhookUrl', allowPrivate);
}

export async function updateSettings(deps: Pick<Deps, 'db' | 'clock' | 'config'>, shop: Shop, patch: SettingsPatch): Promise<Shop> {
  const settings = mergeSettings(shop.settings, patch);
  // Checked on the merged result: a patch may name only one of the pair.
  if (settings.escalation.webhookUrl && !settings.escalation.webhookSecret) {
    throw Invalid('webhookSecret is required with webhookUrl', 'escalation.webhookSecret');
  }
  refuseClosedUrls(patch, deps.config.allowPrivateWebhooks);
  if (settings.helpdesk?.apiKey === MASK) throw Invalid('apiKey is required to connect a helpdesk', 'helpdesk.apiKey');
  if (patch.shopify !== undefined && (await connectionOf(deps.db, shop.id, 'shopify'))) {
    throw Conflict('Shopify is connected through /v1/admin/connections/shopify: disconnect it there to set these by hand', 'shopify');
  }
  const now = deps.clock.now();
  return claimingShopifyDomain(() =>
    transaction(deps.db, async (tx) => {
      const [row] = await tx
        .update(shops)
        .set({ settings, shopifyDomain: settings.shopify?.domain ?? null })
        .where(eq(shops.id, shop.id))
        .returning();
      // Saving an endpoint again is how a merchant says "fixed": a paused one resumes.
      if (patch.webhooks) await enableEndpoint(tx, shop.id, 'webhooks', now);
      if (patch.escalation?.webhookUrl) await enableEndpoint(tx, shop.id, 'escalation', now);
      return row!;
    }),
  );
}

/** What the admin API shows: secrets are write-only; SMS countries as they apply (the shop's own when none are named). */
export function presentSettings(settings: ShopSettings) {
  return {
    ...settings,
    shopify: settings.shopify
      ? { ...settings.shopify, webhookSecret: settings.shopify.webhookSecret ? MASK : null, accessToken: settings.shopify.accessToken ? MASK : null }
      : null,
    helpdesk: settings.helpdesk ? { ...settings.helpdesk, apiKey: MASK } : null,
    escalation: { ...settings.escalation, webhookSecret: settings.escalation.webhookSecret ? MASK : null },
    webhooks: settings.webhooks ? { ...settings.webhooks, secret: MASK } : null,
    sms: { ...settings.sms, allowedCountries: smsCountries(settings) },
  };
}
