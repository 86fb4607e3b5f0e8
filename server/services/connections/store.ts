import { and, eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { connections, connectionWebhooks, type Connection, type Platform } from '../../../db/schema/index.ts';
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
