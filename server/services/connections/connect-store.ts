import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { connections, connectionWebhooks, shops, type Connection, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { AppError, Invalid } from '../../lib/errors.ts';
import { STORE_HASH } from '../../platforms/bigcommerce/api.ts';
import { StoreError, type StorePlatform } from '../../platforms/store.ts';
import { normaliseStoreUrl } from '../../platforms/woocommerce/api.ts';
import { apiForConnection, storeApi, type StoreCredentials } from './store-api.ts';
import { importFromStart } from './progress.ts';
import { connectionOf, platformName, refuseTaken } from './store.ts';

const key = (prefix: string) =>
  z
    .string()
    .trim()
    .min(8)
    .max(256)
    .regex(new RegExp(`^${prefix}\\w+$`), `must be the key WooCommerce shows, starting ${prefix}`);

/** PUT /v1/admin/connections/woocommerce: the store's address and a REST API key with Read/Write permission. */
export const wooConnectSchema = z
  .object({ storeUrl: z.string().trim().min(1).max(2048), consumerKey: key('ck_'), consumerSecret: key('cs_') })
  .strict()
  .transform((body, ctx) => {
    try {
      return { ...body, storeUrl: normaliseStoreUrl(body.storeUrl) };
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['storeUrl'], message: error instanceof Error ? error.message : 'must be the store’s http(s) address' });
      return z.NEVER;
    }
  });

/** PUT /v1/admin/connections/bigcommerce: the store hash (from the API path) and an API account's access token. */
export const bigConnectSchema = z
  .object({
    storeHash: z.string().trim().toLowerCase().regex(STORE_HASH, 'must be the store hash: the part after /stores/ in the API path'),
    accessToken: z.string().trim().min(8).max(256),
  })
  .strict();

export type StoreConnectInput = { platform: 'woocommerce'; body: z.infer<typeof wooConnectSchema> } | { platform: 'bigcommerce'; body: z.infer<typeof bigConnectSchema> };

const FIELDS: Record<StorePlatform, { where: string; key: string }> = {
  woocommerce: { where: 'storeUrl', key: 'consumerKey' },
  bigcommerce: { where: 'storeHash', key: 'accessToken' },
};

/** What the store said, as the merchant needs to hear it: the field to fix, and why. Always a 4xx: the merchant's input decides. */
export function explainedStore(platform: StorePlatform, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const name = platformName(platform);
  const { where, key } = FIELDS[platform];
  if (!(error instanceof StoreError)) return Invalid(`${name} could not be reached: ${error instanceof Error ? error.message : String(error)}`, where);
  switch (error.kind) {
    case 'unauthorized':
      return Invalid(`${name} refused these credentials: ${error.message}`, key);
    case 'forbidden':
      return Invalid(`These credentials may not do everything Waitline needs: ${error.message}`, key);
    case 'not_found':
    case 'refused_address':
      return Invalid(error.message, where);
    case 'unavailable':
      return Invalid(`The store did not answer: ${error.message}`, where);
    default:
      return Invalid(`${name} refused the request: ${error.message}`, where);
  }
}

/**
 * Connects a WooCommerce or BigCommerce store: checks the keys against the
 * store, registers its webhooks (each topic with its own new secret), then in
 * one transaction stores the sealed credentials, allows the storefront origins
 * and queues the catalog import. Nothing is stored unless all of it holds; the
 * webhooks made are deleted again when the rest fails. Connecting again
 * replaces the connection: the old webhooks are deleted once the new ones are in.
 */
export async function connectStore(deps: Deps, shop: Shop, input: StoreConnectInput): Promise<Connection> {
  const { platform } = input;
  const account = input.platform === 'woocommerce' ? input.body.storeUrl : input.body.storeHash;
  await refuseTaken(deps.db, shop, platform, account);
  const webhookSecrets: Record<string, string> = {};
  const credentials: StoreCredentials =
    input.platform === 'woocommerce'
      ? { consumerKey: input.body.consumerKey, consumerSecret: input.body.consumerSecret, webhookSecrets }
      : { accessToken: input.body.accessToken, webhookSecrets };
  const api = storeApi(deps, platform, account, credentials);
  const info = await api.verify().catch((error) => {
    throw explainedStore(platform, error);
  });
  const hooks = await api
    .registerWebhooks(`${deps.config.publicUrl}/webhooks/${platform}`, (topic) => (webhookSecrets[topic] ??= randomBytes(32).toString('base64url')))
    .catch((error) => {
      throw explainedStore(platform, error);
    });
  const previous = await connectionOf(deps.db, shop.id, platform);
  const replaced = previous ? await deps.db.select().from(connectionWebhooks).where(eq(connectionWebhooks.connectionId, previous.id)) : [];
  let connection: Connection;
  try {
    connection = await save(deps, shop, platform, account, credentials, info.origins, hooks);
  } catch (error) {
    await api.deleteWebhooks(hooks.map((h) => h.id)).catch(() => undefined);
    throw error;
  }
  // The replaced connection's webhooks are still on its store, with secrets no longer kept: they would only be refused.
  // Deleted on that store: with the new keys when it is the same one, else with its own (ids mean nothing elsewhere).
  const stale = replaced.map((h) => h.subscriptionId).filter((id) => previous!.account !== account || !hooks.some((h) => h.id === id));
  if (stale.length > 0) {
    const owner = previous!.account === account ? api : apiForConnection(deps, previous!);
    await owner.deleteWebhooks(stale).catch((error) => deps.log('connection: old webhooks left on the store', { shop: shop.id, platform, error: error instanceof Error ? error.message : String(error) }));
  }
  return connection;
}

async function save(
  deps: Deps,
  shop: Shop,
  platform: StorePlatform,
  account: string,
  credentials: StoreCredentials,
  origins: string[],
  hooks: Array<{ topic: string; id: string }>,
): Promise<Connection> {
  const now = deps.clock.now();
  const fields = {
    account,
    method: 'token' as const,
    credentials: deps.secrets.seal(credentials),
    scopes: [],
    tokenExpiresAt: null,
    origins,
    ...importFromStart(now),
  };
  const connection = await transaction(deps.db, async (tx) => {
    await refuseTaken(tx, shop, platform, account);
    const [current] = await tx.select().from(shops).where(eq(shops.id, shop.id));
    const [row] = await tx
      .insert(connections)
      .values({ shopId: shop.id, platform, ...fields, createdAt: now })
      .onConflictDoUpdate({ target: [connections.shopId, connections.platform], set: fields })
      .returning();
    await tx.delete(connectionWebhooks).where(eq(connectionWebhooks.connectionId, row!.id));
    await tx.insert(connectionWebhooks).values(hooks.map((h) => ({ connectionId: row!.id, topic: h.topic, subscriptionId: h.id, registeredAt: now })));
    const settings = current!.settings;
    await tx
      .update(shops)
      .set({ settings: { ...settings, allowedOrigins: [...new Set([...settings.allowedOrigins, ...origins])].slice(0, 50) } })
      .where(eq(shops.id, shop.id));
    await enqueueJob(tx, { kind: 'connections.sync', key: `connections.sync:${row!.id}:${now.getTime()}`, runAt: now, payload: { connectionId: row!.id } }, now);
    return row!;
  });
  deps.wake();
  return connection;
}
