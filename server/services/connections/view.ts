import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { connections, connectionWebhooks, platformReservations, shops, type Connection, type ConnectionWebhook, type Platform, type Shop } from '../../../db/schema/index.ts';
import { widgetSightings } from '../storefront/sightings.ts';

/** Units reserved on the store for holds right now, and the variants whose last reservation failed (and why). */
export interface ReservationSummary {
  units: number;
  variants: number;
  problems: Array<{ variantId: string; error: string; at: Date }>;
}

async function reservationSummary(db: DbOrTx, shopId: string): Promise<ReservationSummary> {
  const ledger = await db.select().from(platformReservations).where(eq(platformReservations.shopId, shopId)).orderBy(desc(platformReservations.updatedAt));
  return {
    units: ledger.reduce((n, r) => n + r.reserved, 0),
    variants: ledger.filter((r) => r.reserved > 0).length,
    problems: ledger.filter((r) => r.error).slice(0, 20).map((r) => ({ variantId: r.variantId, error: r.error!, at: r.updatedAt })),
  };
}

/** How the Connect page sees one connection: never its credentials. */
export function presentConnection(connection: Connection, hooks: ConnectionWebhook[], shop: Shop, reservations: ReservationSummary | null = null) {
  return {
    platform: connection.platform,
    account: connection.account,
    method: connection.method,
    status: connection.syncStatus === 'failed' ? 'error' : 'connected',
    scopes: connection.scopes,
    tokenExpiresAt: connection.tokenExpiresAt,
    catalog: {
      status: connection.syncStatus,
      products: connection.productsImported,
      variants: connection.variantsImported,
      variantsTotal: connection.variantsTotal,
      startedAt: connection.syncStartedAt,
      finishedAt: connection.syncFinishedAt,
    },
    webhooks: hooks.map((h) => ({ topic: h.topic, registeredAt: h.registeredAt, lastArrivedAt: h.lastArrivedAt })),
    origins: connection.origins.map((origin) => ({ origin, allowed: shop.settings.allowedOrigins.includes(origin) })),
    reservations,
    error: connection.error,
    connectedAt: connection.createdAt,
  };
}

export type ConnectionView = ReturnType<typeof presentConnection>;

/** One connection as the Connect page sees it, read fresh (the shop's origins included). */
export async function connectionView(db: DbOrTx, shopId: string, platform: Platform): Promise<ConnectionView | null> {
  const [shop] = await db.select().from(shops).where(eq(shops.id, shopId));
  const [connection] = await db.select().from(connections).where(and(eq(connections.shopId, shopId), eq(connections.platform, platform)));
  if (!shop || !connection) return null;
  const hooks = await db.select().from(connectionWebhooks).where(eq(connectionWebhooks.connectionId, connection.id)).orderBy(asc(connectionWebhooks.topic));
  return presentConnection(connection, hooks, shop, await reservationSummary(db, shopId));
}

/**
 * What the progress stream sends: the import's counts (read fresh, since
 * whichever replica runs the job writes them), and whether the import is over
 * (done, failed, or no connection), so the stream can end.
 */
export async function catalogProgress(db: DbOrTx, shop: Shop, platform: Platform) {
  const [connection] = await db.select().from(connections).where(and(eq(connections.shopId, shop.id), eq(connections.platform, platform)));
  const catalog = connection ? presentConnection(connection, [], shop).catalog : null;
  return { data: { catalog, error: connection?.error ?? null }, over: !catalog || catalog.status === 'done' || catalog.status === 'failed' };
}

/** GET /v1/admin/connections: the shop's connections and where its widget was last seen. */
export async function listConnections(db: DbOrTx, shop: Shop) {
  const rows = await db.select().from(connections).where(eq(connections.shopId, shop.id)).orderBy(asc(connections.platform));
  const hooks = rows.length
    ? await db
        .select()
        .from(connectionWebhooks)
        .where(
          inArray(
            connectionWebhooks.connectionId,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(asc(connectionWebhooks.topic))
    : [];
  const reservations = rows.length > 0 ? await reservationSummary(db, shop.id) : null;
  return {
    connections: rows.map((r) =>
      presentConnection(
        r,
        hooks.filter((h) => h.connectionId === r.id),
        shop,
        reservations,
      ),
    ),
    widget: { seen: await widgetSightings(db, shop.id) },
  };
}
