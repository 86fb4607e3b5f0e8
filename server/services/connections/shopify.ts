import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { z } from 'zod';
import { connections, connectionWebhooks, shops, type Connection, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { AppError, Invalid, Unavailable } from '../../lib/errors.ts';
import { clientCredentialsToken, shopifyAdmin, shopifyAdminDeps, ShopifyError, type ShopifyAdmin } from '../../platforms/shopify/admin.ts';
import { claimingShopifyDomain } from '../shops/shopify-domain.ts';
import { importFromStart } from './progress.ts';
import { connectionOf, refuseTaken, shopifyCredentials, type ShopifyCredentials } from './store.ts';

/**
 * What Waitline asks of a store, each for one promise: the catalog
 * (products), stock and holds the store respects (inventory: read it, move
 * held units to `reserved`), orders and their cancels and refunds (orders),
 * and "shipped" only once a fulfillment exists (fulfillments).
 */
export const SHOPIFY_SCOPES = ['read_products', 'read_inventory', 'write_inventory', 'read_orders', 'write_orders', 'read_fulfillments'] as const;

/** The topics registered on connect; `app/uninstalled` ends the connection from the store's side. */
export const SHOPIFY_WEBHOOK_TOPICS = [
  'INVENTORY_LEVELS_UPDATE',
  'PRODUCTS_UPDATE',
  'ORDERS_CREATE',
  'ORDERS_CANCELLED',
  'FULFILLMENTS_CREATE',
  'REFUNDS_CREATE',
  'APP_UNINSTALLED',
] as const;

/** `INVENTORY_LEVELS_UPDATE` is what X-Shopify-Topic calls `inventory_levels/update`. */
export const deliveredTopic = (topic: string) => topic.toLowerCase().replace(/_(?=[^_]*$)/, '/');

export const shopDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'must be a *.myshopify.com domain');
const credential = z.string().trim().min(8).max(256);

/** PUT /v1/admin/connections/shopify: a client-credentials app (clientId, clientSecret), or an admin-created app's token and API secret. */
export const shopifyConnectSchema = z
  .object({ shop: shopDomain, clientId: credential.optional(), clientSecret: credential.optional(), accessToken: credential.optional(), apiSecret: credential.optional() })
  .strict()
  .superRefine((body, ctx) => {
    const grant = body.clientId !== undefined || body.clientSecret !== undefined;
    const token = body.accessToken !== undefined || body.apiSecret !== undefined;
    const need = (field: keyof typeof body, why: string) => body[field] === undefined && ctx.addIssue({ code: 'custom', path: [field], message: why });
    if (grant && token) ctx.addIssue({ code: 'custom', path: ['accessToken'], message: 'give either clientId and clientSecret, or accessToken and apiSecret' });
    else if (grant) {
      need('clientId', 'is required with clientSecret');
      need('clientSecret', 'is required with clientId');
    } else {
      need('accessToken', 'is required: give clientId and clientSecret, or accessToken and apiSecret');
      need('apiSecret', 'is required with accessToken (the app’s API secret key, which signs its webhooks)');
    }
  });
export type ShopifyConnectInput = z.infer<typeof shopifyConnectSchema>;

/** A token and how it was got, before anything is stored. */
export interface Grant {
  method: Connection['method'];
  credentials: ShopifyCredentials;
  expiresAt: Date | null;
}

/** What Shopify said, as the merchant needs to hear it: the field to fix, or that the store did not answer. */
export function explained(error: unknown, field: string): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof ShopifyError)) return Unavailable(`Shopify could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  switch (error.kind) {
    case 'missing_scopes':
      return Invalid(`The app is missing the scopes ${error.missingScopes!.join(', ')}: add them to the app's access scopes, release it, and connect again`, 'scopes');
    case 'unauthorized':
    case 'forbidden':
      return Invalid(`Shopify refused these credentials: ${error.message}`, field);
    case 'not_found':
      return Invalid(`No Shopify store answers at this domain: ${error.message}`, 'shop');
    case 'unavailable':
      return Unavailable(`Shopify did not answer: ${error.message}`);
    default:
      return Invalid(`Shopify refused the request: ${error.message}`);
  }
}

async function grantFor(deps: Deps, input: ShopifyConnectInput): Promise<Grant> {
  if (input.accessToken !== undefined) {
    return { method: 'token', credentials: { accessToken: input.accessToken, webhookSecret: input.apiSecret! }, expiresAt: null };
  }
  const { clientId, clientSecret } = input as Required<Pick<ShopifyConnectInput, 'clientId' | 'clientSecret'>>;
  try {
    const token = await clientCredentialsToken(shopifyAdminDeps(deps), input.shop, clientId, clientSecret);
    return {
      method: 'client_credentials',
      credentials: { accessToken: token.accessToken, webhookSecret: clientSecret, clientId, clientSecret },
      expiresAt: new Date(deps.clock.now().getTime() + token.expiresInMs),
    };
  } catch (error) {
    throw explained(error, 'clientSecret');
  }
}

/** The store's own origins, which the widget's config calls come from: the myshopify domain and the primary domain. */
export function storefrontOrigins(shop: string, primaryDomainUrl: string | null): string[] {
  const origins = [`https://${shop}`];
  try {
    if (primaryDomainUrl) origins.push(new URL(primaryDomainUrl).origin);
  } catch {
    // A primary domain Shopify did not give as a URL adds nothing.
  }
  return [...new Set(origins)];
}

/** Registers each topic's subscription; on a failure, takes back the ones this call made, so nothing is left half-connected. */
async function registerWebhooks(admin: ShopifyAdmin, uri: string): Promise<Array<{ topic: string; id: string }>> {
  const made: Array<{ topic: string; id: string }> = [];
  try {
    for (const topic of SHOPIFY_WEBHOOK_TOPICS) made.push(...(await admin.registerWebhooks(uri, [topic])));
    return made;
  } catch (error) {
    await admin.deleteWebhooks(made.map((m) => m.id)).catch(() => undefined);
    throw explained(error, 'scopes');
  }
}

/**
 * Connects the shop's Shopify store: checks the credentials and scopes,
 * registers the webhooks, then in one transaction stores the sealed
 * credentials, fills `settings.shopify`, allows the storefront origins and
 * queues the catalog import. Nothing is stored unless all of it holds.
 * Connecting again (new credentials, a re-install) replaces the connection
 * and starts the import over.
 */
export async function connectShopify(deps: Deps, shop: Shop, input: ShopifyConnectInput): Promise<Connection> {
  await refuseTakenStore(deps, shop, input.shop);
  return connectWithGrant(deps, shop, input.shop, await grantFor(deps, input));
}

/**
 * A store connected to another shop is refused before anything is sent to
 * Shopify (the same check runs again, under the write, when it is stored).
 */
export async function refuseTakenStore(deps: { db: DbOrTx }, shop: Shop, domain: string): Promise<void> {
  await refuseTaken(deps.db, shop, 'shopify', domain);
}

/** The rest of a connect, once a token is in hand (from either body of PUT, or from an OAuth install). */
export async function connectWithGrant(deps: Deps, shop: Shop, domain: string, grant: Grant): Promise<Connection> {
  const admin = shopifyAdmin(shopifyAdminDeps(deps), domain, grant.credentials.accessToken);
  const store = await admin.verify(SHOPIFY_SCOPES).catch((error) => {
    throw explained(error, grant.method === 'token' ? 'accessToken' : 'clientSecret');
  });
  // Webhooks name the store by this domain: credentials of another store would connect the wrong one.
  if (store.myshopifyDomain.toLowerCase() !== domain) throw Invalid(`These credentials are for ${store.myshopifyDomain}, not ${domain}`, 'shop');
  const hooks = await registerWebhooks(admin, `${deps.config.publicUrl}/webhooks/shopify`);
  try {
    return await saveConnection(deps, shop, domain, grant, store.scopes, storefrontOrigins(domain, store.primaryDomainUrl), hooks);
  } catch (error) {
    const previous = await connectionOf(deps.db, shop.id, 'shopify');
    // A re-connect that failed keeps the subscriptions the standing connection uses.
    if (!previous) await admin.deleteWebhooks(hooks.map((h) => h.id)).catch(() => undefined);
    throw error;
  }
}

async function saveConnection(
  deps: Deps,
  shop: Shop,
  domain: string,
  grant: Grant,
  scopes: string[],
  origins: string[],
  hooks: Array<{ topic: string; id: string }>,
): Promise<Connection> {
  const now = deps.clock.now();
  const fields = {
    account: domain,
    method: grant.method,
    credentials: deps.secrets.seal(grant.credentials),
    scopes,
    tokenExpiresAt: grant.expiresAt,
    origins,
    ...importFromStart(now),
  };
  return claimingShopifyDomain(() =>
    transaction(deps.db, async (tx) => {
      const [current] = await tx.select().from(shops).where(eq(shops.id, shop.id));
      const settings = current!.settings;
      await refuseTakenStore({ db: tx }, shop, domain);
      const [connection] = await tx
        .insert(connections)
        .values({ shopId: shop.id, platform: 'shopify', ...fields, createdAt: now })
        .onConflictDoUpdate({ target: [connections.shopId, connections.platform], set: fields })
        .returning();
      await tx.delete(connectionWebhooks).where(eq(connectionWebhooks.connectionId, connection!.id));
      await tx.insert(connectionWebhooks).values(hooks.map((h) => ({ connectionId: connection!.id, topic: deliveredTopic(h.topic), subscriptionId: h.id, registeredAt: now })));
      await tx
        .update(shops)
        .set({
          shopifyDomain: domain,
          settings: {
            ...settings,
            // The secrets stay sealed in the connection; settings show the store it is.
            shopify: { domain, webhookSecret: null, accessToken: null, locations: settings.shopify?.domain === domain ? settings.shopify.locations : null },
            allowedOrigins: [...new Set([...settings.allowedOrigins, ...origins])].slice(0, 50),
          },
        })
        .where(eq(shops.id, shop.id));
      await enqueueJob(tx, { kind: 'connections.sync', key: `connections.sync:${connection!.id}:${now.getTime()}`, runAt: now, payload: { connectionId: connection!.id } }, now);
      return connection!;
    }),
  ).finally(() => deps.wake());
}

/**
 * A stored connection's credentials, with a token good for at least the next
 * hour: a client-credentials token (24 h) is renewed here, before it lapses,
 * and the new one sealed in its place. Two replicas renewing at once each get
 * a working token; the last one written is kept.
 */
export async function freshCredentials(deps: Deps, connection: Connection): Promise<ShopifyCredentials> {
  const credentials = shopifyCredentials(deps, connection);
  const soon = deps.clock.now().getTime() + 60 * 60_000;
  if (!connection.tokenExpiresAt || connection.tokenExpiresAt.getTime() > soon || !credentials.clientId || !credentials.clientSecret) return credentials;
  const token = await clientCredentialsToken(shopifyAdminDeps(deps), connection.account, credentials.clientId, credentials.clientSecret);
  const renewed = { ...credentials, accessToken: token.accessToken };
  const now = deps.clock.now();
  await transaction(deps.db, (tx) =>
    tx
      .update(connections)
      .set({ credentials: deps.secrets.seal(renewed), tokenExpiresAt: new Date(now.getTime() + token.expiresInMs), updatedAt: now })
      .where(eq(connections.id, connection.id)),
  );
  return renewed;
}

/** The Admin API client for a stored connection, with a fresh token. */
export async function adminForConnection(deps: Deps, connection: Connection): Promise<ShopifyAdmin> {
  return shopifyAdmin(shopifyAdminDeps(deps), connection.account, (await freshCredentials(deps, connection)).accessToken);
}
