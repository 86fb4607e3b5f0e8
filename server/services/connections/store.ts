import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { connections, connectionWebhooks, type Connection, type Platform, type Shop } from '../../../db/schema/index.ts';
import { Conflict } from '../../lib/errors.ts';
import type { Deps } from '../../context.ts';

/** What a Shopify connection keeps sealed: the token it calls with, the secret its webhooks are signed with, and how to get a new token. */
export interface ShopifyCredentials {
  accessToken: string;
  /** The app's client secret (or, for an admin-created app, its API secret key): Shopify signs webhooks with it. */
  webhookSecret: string;
  /** Client-credentials apps: what a new token is asked for with, before the 24-hour one lapses. */
  clientId?: string;
  clientSecret?: string;
}

export const connectionOf = async (db: DbOrTx, shopId: string, platform: Platform): Promise<Connection | undefined> =>
  (await db.select().from(connections).where(and(eq(connections.shopId, shopId), eq(connections.platform, platform))))[0];

const PLATFORM_NAMES: Record<Platform, string> = { shopify: 'Shopify', woocommerce: 'WooCommerce', bigcommerce: 'BigCommerce' };
export const platformName = (platform: Platform) => PLATFORM_NAMES[platform];

/**
 * A store connected to another shop is refused before anything is sent to it
 * (and again, under the write, when the connection is stored): its webhooks
 * could otherwise land in either shop.
 */
export async function refuseTaken(db: DbOrTx, shop: Shop, platform: Platform, account: string): Promise<void> {
  const taken = await db
    .select({ shopId: connections.shopId })
    .from(connections)
    .where(and(eq(connections.platform, platform), eq(connections.account, account)));
  const field = platform === 'shopify' ? 'shop' : platform === 'woocommerce' ? 'storeUrl' : 'storeHash';
  if (taken.some((t) => t.shopId !== shop.id)) throw Conflict(`This ${platformName(platform)} store is connected to another shop`, field);
}

/** The shop's store connection (the first made, should it have several): the one its holds and stock follow. */
export const shopConnection = async (db: DbOrTx, shopId: string): Promise<Connection | undefined> =>
  (await db.select().from(connections).where(eq(connections.shopId, shopId)).orderBy(asc(connections.id)).limit(1))[0];

export const connectionById = async (db: DbOrTx, id: number): Promise<Connection | undefined> =>
  (await db.select().from(connections).where(eq(connections.id, id)))[0];

export const shopifyCredentials = (deps: Pick<Deps, 'secrets'>, connection: Connection): ShopifyCredentials =>
  deps.secrets.open<ShopifyCredentials>(connection.credentials);

/** The webhook secret of a shop's Shopify connection, or undefined when it has none. */
export async function connectedWebhookSecret(deps: Pick<Deps, 'db' | 'secrets'>, shopId: string): Promise<string | undefined> {
  const connection = await connectionOf(deps.db, shopId, 'shopify');
  return connection ? shopifyCredentials(deps, connection).webhookSecret : undefined;
}

/**
 * A delivery of `topic` arrived for the shop's connection: the Connect page
 * lists when each subscription last heard from the store. Called in the
 * delivery's own transaction, so a repeat (which stores nothing) moves nothing.
 */
export async function webhookArrived(tx: Tx, shopId: string, platform: Platform, topic: string, at: Date): Promise<void> {
  const connection = await connectionOf(tx, shopId, platform);
  if (!connection) return;
  await tx
    .update(connectionWebhooks)
    .set({ lastArrivedAt: at })
    .where(and(eq(connectionWebhooks.connectionId, connection.id), eq(connectionWebhooks.topic, topic)));
}
